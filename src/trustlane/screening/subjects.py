"""Use cases: screen stored parties (shipment parties, registry organizations), raise alerts,
review them (assign, decide), and screen again the parties a list update can affect.

A subject's *fingerprint* hashes what was screened; a decision on a subject–entry pair is
remembered while both the fingerprint and the entry's content hash are unchanged, so the
same pair is not raised again. Every write is audited.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.db import Database, utcnow
from trustlane.errors import FieldProblem, InvalidInput, NotFound
from trustlane.progress import NoProgress, Progress
from trustlane.screening import store
from trustlane.screening.engine import Hit, Party, Screener
from trustlane.screening.files import hit_list_name
from trustlane.screening.models import Alert, Decision, ListEntry, Subject, WatchList
from trustlane.screening.normalize import prepare_name
from trustlane.settings import Settings

DECISIONS = ("true_match", "false_positive", "escalated")


@dataclass(frozen=True)
class SubjectIn:
    """A party to screen and keep: what it is (kind, ref), whose it is, and its facts."""

    kind: str  # shipment_party | organization | adhoc
    ref: str
    party: Party
    tenant_id: int | None = None
    organization_id: int | None = None


def fingerprint(party: Party) -> str:
    doc = {
        "name": party.name.strip(),
        "kind": party.kind.value,
        "dob": party.birth_date,
        "countries": sorted(party.countries),
        "ids": sorted(party.identifiers),
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def _name_tokens(party: Party) -> str:
    prepared = prepare_name(party.name, party.kind)
    words = sorted({t.text for t in prepared.tokens}) if prepared else []
    return " " + " ".join(words) + " "


def _upsert_subject(session: Session, item: SubjectIn) -> tuple[Subject, bool]:
    subject = store.subject_by_ref(session, item.kind, item.ref)
    fp = fingerprint(item.party)
    changed = subject is None or subject.fingerprint != fp
    if subject is None:
        subject = Subject(kind=item.kind, ref=item.ref)
        session.add(subject)
    subject.tenant_id = item.tenant_id
    subject.organization_id = item.organization_id
    subject.name = item.party.name[:500]
    subject.fingerprint = fp
    subject.name_tokens = _name_tokens(item.party)
    subject.data = {
        "name": item.party.name,
        "kind": item.party.kind.value,
        "birth_date": item.party.birth_date,
        "countries": sorted(item.party.countries),
        "identifiers": sorted(item.party.identifiers),
    }
    session.flush()
    return subject, changed


def _raise_alert(
    session: Session, actor: Principal, subject: Subject, hit: Hit, lists: dict[str, WatchList]
) -> Alert | None:
    watch = lists.get(hit.entry.list_name)
    if watch is None or watch.current_version_id is None:
        return None
    entry = session.get(ListEntry, hit.entry.ref)
    if entry is None:
        return None
    if store.open_alert(session, subject.id, watch.id, entry.key) is not None:
        return None
    if store.remembered_decision(session, subject, watch.id, entry.key, entry.content_hash):
        return None
    reasons = [r.as_dict() for r in hit.reasons]
    alert = Alert(
        subject_id=subject.id,
        tenant_id=subject.tenant_id,
        list_id=watch.id,
        list_version_id=watch.current_version_id,
        entry_id=entry.id,
        entry_key=entry.key,
        entry_hash=entry.content_hash,
        subject_fingerprint=subject.fingerprint,
        matched_name=hit.matched_name[:500],
        score=round(hit.score, 4),
        threshold=hit.threshold,
        reasons=reasons,
        explanation=hit.name.explanation() if hit.name else hit.reasons_text(),
        category=entry.category,
        consequence=entry.doc.get("consequence"),
        status="open",
    )
    session.add(alert)
    session.flush()
    audit.record(
        session,
        actor,
        "raise",
        "screening_alert",
        alert.id,
        tenant_id=subject.tenant_id,
        summary=f"{subject.name} ~ {hit_list_name(hit)} {entry.key} {hit.score:.2f}",
        after=audit.snapshot(alert),
    )
    return alert


def screen_subjects(
    database: Database,
    settings: Settings,
    actor: Principal,
    items: Iterable[SubjectIn],
    *,
    screener: Screener | None = None,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Screen and store ``items``; returns (subjects screened, alerts raised)."""
    actor.require("screening:write")
    progress = progress or NoProgress()
    if screener is None:
        from trustlane.screening.screeners import get_screener

        screener = get_screener(database, settings)
    items = list(items)
    raised = 0
    with database.session() as session:
        lists = {w.name: w for w in store.all_lists(session)}
        for n, item in enumerate(items, start=1):
            if item.tenant_id is not None:
                actor.require_tenant(item.tenant_id, "Party")
            subject, _changed = _upsert_subject(session, item)
            hits = screener.screen(item.party)
            subject.screened_at = utcnow()
            subject.best_score = hits[0].score if hits else 0.0
            for hit in hits:
                if hit.alert and _raise_alert(session, actor, subject, hit, lists):
                    raised += 1
            if n % 200 == 0:
                progress.update(n, len(items), "screening parties")
    progress.update(len(items), len(items), "screened parties")
    return len(items), raised


def rescreen_affected(
    database: Database,
    actor: Principal,
    tokens: set[str],
    *,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Screen again the stored subjects whose names share a word with changed entries."""
    from trustlane.settings import get_settings

    settings = settings or get_settings()
    with database.sessions() as session:
        affected = store.subjects_with_tokens(session, tokens)
        items = [
            SubjectIn(
                kind=s.kind,
                ref=s.ref,
                party=party_from_data(s.data),
                tenant_id=s.tenant_id,
                organization_id=s.organization_id,
            )
            for s in affected
        ]
    if not items:
        return 0, 0
    return screen_subjects(database, settings, actor, items, progress=progress)


def party_from_data(data: dict[str, object]) -> Party:
    from trustlane.screening.normalize import EntityKind

    return Party(
        name=str(data.get("name", "")),
        kind=EntityKind(str(data.get("kind", "unknown"))),
        birth_date=str(data["birth_date"]) if data.get("birth_date") else None,
        countries=frozenset(str(c) for c in _strings(data.get("countries"))),
        identifiers=frozenset(str(i) for i in _strings(data.get("identifiers"))),
    )


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _alert(session: Session, actor: Principal, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound(f"Alert {alert_id} not found")
    actor.require_tenant(alert.tenant_id, "Alert") if alert.tenant_id is not None else None
    return alert


def assign_alert(session: Session, actor: Principal, alert_id: int, assignee: str) -> Alert:
    """Assign an alert to a reviewer."""
    actor.require("screening:review")
    alert = _alert(session, actor, alert_id)
    before = audit.snapshot(alert)
    alert.assignee = assignee.strip() or None
    audit.record(
        session, actor, "assign", "screening_alert", alert.id, tenant_id=alert.tenant_id,
        before=before, after=audit.snapshot(alert),
    )  # fmt: skip
    return alert


def decide_alert(
    session: Session, actor: Principal, alert_id: int, decision: str, note: str | None = None
) -> Alert:
    """Decide an alert: true_match, false_positive or escalated (a note is required to
    clear or escalate). The decision keeps its evidence: list version, the entry as it
    was, score and explanation."""
    actor.require("screening:review")
    if decision not in DECISIONS:
        raise InvalidInput(
            "Bad decision", [FieldProblem("decision", f"one of {', '.join(DECISIONS)}")]
        )
    if decision != "true_match" and not (note and note.strip()):
        raise InvalidInput("A note is required", [FieldProblem("note", "say why")])
    alert = _alert(session, actor, alert_id)
    if alert.status in ("true_match", "false_positive"):
        raise InvalidInput(
            "Alert already decided", [FieldProblem("decision", f"alert is {alert.status}")]
        )
    entry = session.get(ListEntry, alert.entry_id)
    before = audit.snapshot(alert)
    now = utcnow()
    alert.status, alert.decided_by, alert.decided_at, alert.note = decision, actor.label, now, note
    session.add(
        Decision(
            alert_id=alert.id,
            subject_id=alert.subject_id,
            subject_fingerprint=alert.subject_fingerprint,
            list_id=alert.list_id,
            entry_key=alert.entry_key,
            entry_hash=alert.entry_hash,
            decision=decision,
            note=note,
            reviewer=actor.label,
            decided_at=now,
            evidence={
                "list_version_id": alert.list_version_id,
                "entry": entry.doc if entry else None,
                "score": alert.score,
                "threshold": alert.threshold,
                "reasons": alert.reasons,
                "explanation": alert.explanation,
            },
        )
    )
    audit.record(
        session, actor, "decide", "screening_alert", alert.id, tenant_id=alert.tenant_id,
        summary=f"{decision}: {note or ''}"[:300], before=before, after=audit.snapshot(alert),
    )  # fmt: skip
    subject = session.get(Subject, alert.subject_id)
    if decision == "true_match" and subject is not None and subject.kind == "organization":
        # A confirmed listed organization can block what it owns (the 50 percent rule).
        from trustlane.screening.ownership import evaluate_ownership

        session.flush()
        evaluate_ownership(session, actor)
    return alert


def alert_queue(
    session: Session, actor: Principal, *, status: str | None = "open", limit: int = 100
) -> list[Alert]:
    """Alerts, newest first; trade members see their own tenant's only."""
    actor.require("screening:read")
    stmt = sa.select(Alert).order_by(Alert.created_at.desc(), Alert.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(Alert.status == status)
    if actor.tenant_id is not None:
        stmt = stmt.where(Alert.tenant_id == actor.tenant_id)
    return list(session.scalars(stmt))
