"""What targeting asks of screening, programs and supply chains, through one narrow door each.

Screening (alerts on parties) and trusted-trader programs (member tiers) are other packages
that may be absent, not migrated or empty. Targeting reads their tables by name only when
they exist, and otherwise gets "no alerts" and "no members": it never fails for their sake.
Supply-chain exposure is asked of that package's own interface, when it is installed.
"""

from __future__ import annotations

import bisect
import importlib
import importlib.util
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.db import in_batches

#: Alert states that still count against a party.
ALERT_STATES = ("open", "escalated", "true_match")
#: Member states that enjoy trusted-trader benefits.
MEMBER_STATES = ("certified", "validated")

_alerts = sa.table(
    "screening_alerts",
    sa.column("id"),
    sa.column("subject_id"),
    sa.column("status"),
    sa.column("category"),
    sa.column("matched_name"),
    sa.column("entry_key"),
    sa.column("score"),
    sa.column("explanation"),
)
_subjects = sa.table(
    "screening_subjects",
    sa.column("id"),
    sa.column("organization_id"),
    sa.column("kind"),
    sa.column("ref"),
    sa.column("name"),
)
_members = sa.table(
    "programs_members",
    sa.column("org_id"),
    sa.column("status"),
    sa.column("tier"),
    sa.column("program"),
)


def _has(session: Session, *tables: str) -> bool:
    inspector = sa.inspect(session.connection())
    return all(inspector.has_table(t) for t in tables)


def screening_hits(session: Session, org_ids: Iterable[int]) -> dict[int, str]:
    """Organization id → a short description of its open or confirmed alerts."""
    ids = sorted({int(i) for i in org_ids})
    if not ids or not _has(session, "screening_alerts", "screening_subjects"):
        return {}
    found: dict[int, list[str]] = {}
    for batch in in_batches(ids):
        rows = session.execute(
            sa.select(_subjects.c.organization_id, _alerts.c.category, _alerts.c.matched_name)
            .join(_subjects, _subjects.c.id == _alerts.c.subject_id)
            .where(
                _subjects.c.organization_id.in_(list(batch)),
                _alerts.c.status.in_(ALERT_STATES),
            )
        )
        for org_id, category, name in rows:
            found.setdefault(int(org_id), []).append(f"{name} ({category})")
    return {k: "; ".join(sorted(set(v))[:3]) for k, v in found.items()}


def trusted_tiers(session: Session, org_ids: Iterable[int]) -> dict[int, int]:
    """Organization id → its highest trusted-trader tier among active memberships."""
    ids = sorted({int(i) for i in org_ids})
    if not ids or not _has(session, "programs_members"):
        return {}
    tiers: dict[int, int] = {}
    for batch in in_batches(ids):
        rows = session.execute(
            sa.select(_members.c.org_id, sa.func.max(_members.c.tier))
            .where(_members.c.org_id.in_(list(batch)), _members.c.status.in_(MEMBER_STATES))
            .group_by(_members.c.org_id)
        )
        for org_id, tier in rows:
            tiers[int(org_id)] = int(tier or 1)
    return tiers


# -- one shipment, for the analyst's page ---------------------------------------------


@dataclass(frozen=True)
class PartyAlert:
    """A screening alert that concerns a shipment: on one of its named parties (``seq``) or
    on an organization a party is linked to (``organization_id``)."""

    alert_id: int
    seq: int | None
    organization_id: int | None
    subject: str
    matched_name: str
    entry_key: str
    category: str
    status: str
    score: float
    explanation: str


def shipment_alerts(session: Session, shipment_id: int, org_ids: Iterable[int]) -> list[PartyAlert]:
    """Open, escalated or confirmed alerts on the shipment's parties or their organizations."""
    if not _has(session, "screening_alerts", "screening_subjects"):
        return []
    ids = sorted({int(i) for i in org_ids})
    on_party = sa.and_(
        _subjects.c.kind == "shipment_party", _subjects.c.ref.like(f"{int(shipment_id)}:%")
    )
    where = sa.or_(on_party, _subjects.c.organization_id.in_(ids)) if ids else on_party
    rows = session.execute(
        sa.select(
            _alerts.c.id,
            _subjects.c.kind,
            _subjects.c.ref,
            _subjects.c.organization_id,
            _subjects.c.name,
            _alerts.c.matched_name,
            _alerts.c.entry_key,
            _alerts.c.category,
            _alerts.c.status,
            _alerts.c.score,
            _alerts.c.explanation,
        )
        .join(_subjects, _subjects.c.id == _alerts.c.subject_id)
        .where(where, _alerts.c.status.in_(ALERT_STATES))
        .order_by(_alerts.c.score.desc(), _alerts.c.id)
    )
    out: list[PartyAlert] = []
    for r in rows:
        seq = int(str(r.ref).split(":")[1]) if r.kind == "shipment_party" else None
        out.append(
            PartyAlert(
                alert_id=int(r.id),
                seq=seq,
                organization_id=int(r.organization_id) if r.organization_id is not None else None,
                subject=str(r.name),
                matched_name=str(r.matched_name),
                entry_key=str(r.entry_key),
                category=str(r.category),
                status=str(r.status),
                score=float(r.score),
                explanation=str(r.explanation or ""),
            )
        )
    return out


@dataclass(frozen=True)
class Membership:
    """An organization's trusted-trader membership; ``benefits`` when its status earns the
    lower score of the TRUSTED_TRADER indicator."""

    org_id: int
    program: str
    status: str
    tier: int | None
    benefits: bool


def memberships(session: Session, org_ids: Iterable[int]) -> list[Membership]:
    """Every membership (whatever its status) of the given organizations."""
    ids = sorted({int(i) for i in org_ids})
    if not ids or not _has(session, "programs_members"):
        return []
    out: list[Membership] = []
    for batch in in_batches(ids):
        rows = session.execute(
            sa.select(_members.c.org_id, _members.c.program, _members.c.status, _members.c.tier)
            .where(_members.c.org_id.in_(list(batch)))
            .order_by(_members.c.org_id, _members.c.program)
        )
        for org_id, program, status, tier in rows:
            out.append(
                Membership(
                    int(org_id),
                    str(program),
                    str(status),
                    int(tier) if tier is not None else None,
                    str(status) in MEMBER_STATES,
                )
            )
    return out


@dataclass(frozen=True)
class Exposure:
    """How exposed an organization's facility in a mapped supply chain is, and why."""

    org_id: int
    chain: str
    facility: str
    share: float
    path: tuple[str, ...]
    reasons: tuple[str, ...]


def supply_chain_exposure(
    session: Session, actor: Principal, org_ids: Iterable[int]
) -> list[Exposure] | None:
    """Exposure of the organizations' facilities in the chains ``actor`` may see; None when
    the supply-chain package (or its ``organization_exposure``) is not installed."""
    name = "trustlane.supplychain.interface"
    if importlib.util.find_spec(name) is None or not _has(session, "sc_chains", "sc_facilities"):
        return None
    found: Any = getattr(importlib.import_module(name), "organization_exposure", None)
    if found is None:
        return None
    out: list[Exposure] = []
    for org_id in sorted({int(i) for i in org_ids}):
        for e in found(session, actor, org_id):
            out.append(
                Exposure(
                    org_id,
                    str(e.chain),
                    str(e.facility_id),
                    float(e.exposure_share),
                    tuple(str(p) for p in e.path),
                    tuple(str(r) for r in e.reasons),
                )
            )
    return out


# -- targeting risk as a signal per organization, for validation planning -----------------

#: Days before ``on`` that count as "the last year".
SIGNAL_DAYS = 365
#: Scored declarations from which an importer's mean risk says something (fewer: damped, and
#: left out of the population others are compared with).
MIN_DECLARATIONS = 3
#: Declarations at which the signal gets its full weight.
FULL_WEIGHT_DECLARATIONS = 10
#: Share of all declarations scored in the year that counts as "highest risk".
TOP_SHARE = 0.1


@dataclass(frozen=True)
class OrgSignal:
    """What targeting says about one organization: severity 0..1 and why."""

    severity: float
    text: str


def _rank_severity(top: float) -> float:
    """Severity from where an importer's mean risk ranks: 0 at the median or below, rising
    linearly to 1 in the top 10% of importers."""
    return max(0.0, min(1.0, (0.5 - top) / 0.4))


def org_signals(session: Session, org_ids: Sequence[int], on: date) -> Mapping[int, OrgSignal]:
    """Targeting risk of each organization as importer, over the year before ``on``.

    Read from stored data dated by the end of day ``on``: declarations of shipments whose
    importer (``Shipment.importer_org_id``) is the organization, declared in the 365 days up
    to ``on``, each with its latest score recorded by then (one per declaration, whatever
    its versions); and the selections of those days.

    Method: the organization's mean score is ranked among the importers with at least
    ``MIN_DECLARATIONS`` scored declarations in the same year (ties share their rank).
    Severity is 0 at the median or below and rises linearly to 1 in the top 10% of
    importers, times ``min(1, n / 10)`` for ``n`` declarations, so that a few declarations
    weigh lightly. The text also says how many of its declarations are among the highest
    risk 10% of all declarations scored that year, and how many were picked for physical
    inspection. Organizations without a scored declaration in the year are absent.

    Two queries: one over the year's scores (every importer: the population), and one per
    batch of ``org_ids`` for the picks.
    """
    from trustlane.cargo.models import Shipment
    from trustlane.targeting.models import Selection, SelectionItem, ShipmentScore

    wanted = sorted({int(i) for i in org_ids})
    if not wanted:
        return {}
    since = on - timedelta(days=SIGNAL_DAYS)
    cutoff = datetime.combine(on + timedelta(days=1), time(), tzinfo=UTC)
    latest = (
        sa.select(
            Shipment.importer_org_id.label("org_id"),
            ShipmentScore.score.label("score"),
            sa.func.row_number()
            .over(
                partition_by=(Shipment.kind, Shipment.external_id),
                order_by=(ShipmentScore.scored_at.desc(), ShipmentScore.id.desc()),
            )
            .label("rn"),
        )
        .join(Shipment, Shipment.id == ShipmentScore.shipment_id)
        .where(
            ShipmentScore.declared_on > since,
            ShipmentScore.declared_on <= on,
            ShipmentScore.scored_at < cutoff,
        )
        .subquery()
    )
    ranked = (
        sa.select(
            latest.c.org_id,
            latest.c.score,
            sa.func.cume_dist().over(order_by=latest.c.score).label("cd"),
        )
        .where(latest.c.rn == 1)
        .subquery()
    )
    stats: dict[int, tuple[int, float, int]] = {}
    for org_id, n, mean, top in session.execute(
        sa.select(
            ranked.c.org_id,
            sa.func.count(),
            sa.func.avg(ranked.c.score),
            sa.func.sum(sa.case((ranked.c.cd > 1 - TOP_SHARE, 1), else_=0)),
        )
        .where(ranked.c.org_id.is_not(None))
        .group_by(ranked.c.org_id)
    ):
        stats[int(org_id)] = (int(n), float(mean), int(top or 0))
    population = sorted(m for n, m, _ in stats.values() if n >= MIN_DECLARATIONS)

    picked: dict[int, int] = {}
    for batch in in_batches([i for i in wanted if i in stats]):
        for org_id, n in session.execute(
            sa.select(
                Shipment.importer_org_id, sa.func.count(sa.distinct(SelectionItem.shipment_id))
            )
            .join(Selection, Selection.id == SelectionItem.selection_id)
            .join(Shipment, Shipment.id == SelectionItem.shipment_id)
            .where(
                Shipment.importer_org_id.in_(batch),
                SelectionItem.lane == "physical",
                Selection.day > since,
                Selection.day <= on,
                Selection.created_at < cutoff,
            )
            .group_by(Shipment.importer_org_id)
        ):
            if org_id is not None:
                picked[int(org_id)] = int(n)

    out: dict[int, OrgSignal] = {}
    for org_id in wanted:
        if org_id not in stats:
            continue
        n, mean, top_n = stats[org_id]
        # Its rank among the other importers; ties share the middle of their ranks.
        others = list(population)
        if n >= MIN_DECLARATIONS:
            others.remove(mean)
        eps = 1e-9
        above = len(others) - bisect.bisect_right(others, mean + eps)
        equal = bisect.bisect_right(others, mean + eps) - bisect.bisect_left(others, mean - eps)
        importers = len(others) + 1
        top = (above + (equal + 1) / 2) / importers
        severity = _rank_severity(top) * min(1.0, n / FULL_WEIGHT_DECLARATIONS)
        if importers == 1:
            where = "the only importer scored"
        elif top <= 0.5:
            where = f"top {max(top, 1 / importers):.0%} of {importers} importers by mean risk"
        else:
            where = f"not above the median of {importers} importers by mean risk"
        text = (
            f"{n} declaration{'s' if n != 1 else ''} scored in the last year, mean risk "
            f"{mean:.2f} ({where}); {top_n} among the highest-risk {TOP_SHARE:.0%} of all "
            f"declarations scored, {picked.get(org_id, 0)} picked for physical inspection."
        )
        if n < MIN_DECLARATIONS:
            text += " Few declarations: weighed lightly."
        out[org_id] = OrgSignal(round(severity, 3), text)
    return out
