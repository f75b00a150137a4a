"""The screening package's SQL: lists, versions, entries, subjects, alerts, decisions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, aliased

from trustlane.db import bulk_insert, in_batches, reserve_ids
from trustlane.screening.models import (
    Alert,
    Decision,
    ListEntry,
    ListVersion,
    Subject,
    WatchList,
)
from trustlane.screening.records import EntryRecord

ENTRY_COLUMNS = (
    "id",
    "list_id",
    "key",
    "content_hash",
    "kind",
    "category",
    "source",
    "primary_name",
    "doc",
    "first_version_id",
    "last_version_id",
    "is_current",
)


def list_by_name(session: Session, name: str) -> WatchList | None:
    return session.scalar(sa.select(WatchList).where(WatchList.name == name))


def all_lists(session: Session) -> list[WatchList]:
    return list(session.scalars(sa.select(WatchList).order_by(WatchList.name)))


def current_signature(session: Session) -> str:
    """Identifies the set of current list versions: the index is rebuilt when it changes."""
    rows = session.execute(
        sa.select(WatchList.name, WatchList.current_version_id).order_by(WatchList.name)
    ).all()
    return ";".join(f"{n}={v}" for n, v in rows if v is not None)


def current_entries(session: Session, list_id: int) -> dict[str, tuple[int, str]]:
    """key → (row id, content hash) of a list's current entries."""
    rows = session.execute(
        sa.select(ListEntry.key, ListEntry.id, ListEntry.content_hash).where(
            ListEntry.list_id == list_id, ListEntry.is_current.is_(True)
        )
    ).all()
    return {k: (i, h) for k, i, h in rows}


def retire_entries(session: Session, ids: Sequence[int], version_id: int) -> None:
    for chunk in in_batches(list(ids)):
        session.execute(
            sa.update(ListEntry)
            .where(ListEntry.id.in_(chunk))
            .values(is_current=False, last_version_id=version_id)
        )


def reserve_entry_ids(engine: Engine, count: int) -> list[int]:
    """Ids for ``count`` new entry rows (reserved in their own short transaction, so call
    it before the load's write transaction: SQLite has one writer at a time)."""
    if count <= 0:
        return []
    first = reserve_ids(engine, "screening_entries", count)
    return list(range(first, first + count))


def insert_entries(
    session: Session,
    list_id: int,
    version_id: int,
    records: Sequence[EntryRecord],
    ids: Sequence[int],
) -> None:
    """Write new entry rows in bulk with the reserved ``ids`` (in ``records`` order)."""
    if not records:
        return
    conn = session.connection()
    rows = (
        (
            rid,
            list_id,
            r.key,
            r.content_hash(),
            r.kind.value,
            r.category.value,
            r.source,
            r.primary_name[:500],
            r.as_doc(),
            version_id,
            None,
            True,
        )
        for rid, r in zip(ids, records, strict=True)
    )
    bulk_insert(conn, ListEntry.__table__, ENTRY_COLUMNS, rows)  # type: ignore[arg-type]


def entries_for_index(
    session: Session, list_names: Iterable[str] | None = None
) -> Iterable[tuple[int, str, dict[str, Any]]]:
    """(entry id, list name, entry document) of every current entry."""
    stmt = (
        sa.select(ListEntry.id, WatchList.name, ListEntry.doc)
        .join(WatchList, WatchList.id == ListEntry.list_id)
        .where(ListEntry.is_current.is_(True))
        .order_by(ListEntry.id)
    )
    if list_names is not None:
        stmt = stmt.where(WatchList.name.in_(list(list_names)))
    for row in session.execute(stmt).yield_per(2000):
        yield int(row[0]), str(row[1]), dict(row[2])


def latest_version(session: Session, list_id: int) -> ListVersion | None:
    return session.scalar(
        sa.select(ListVersion)
        .where(ListVersion.list_id == list_id)
        .order_by(ListVersion.number.desc())
        .limit(1)
    )


def subject_by_ref(session: Session, kind: str, ref: str) -> Subject | None:
    return session.scalar(sa.select(Subject).where(Subject.kind == kind, Subject.ref == ref))


def subjects_with_tokens(session: Session, tokens: set[str]) -> list[Subject]:
    """Subjects whose screened name has any of ``tokens`` (candidates for re-screening)."""
    if not tokens:
        return []
    found: dict[int, Subject] = {}
    for chunk in in_batches(sorted(tokens), 200):
        clauses = [Subject.name_tokens.like(f"% {t} %") for t in chunk]
        for s in session.scalars(sa.select(Subject).where(sa.or_(*clauses))):
            found[s.id] = s
    return list(found.values())


def open_alert(session: Session, subject_id: int, list_id: int, entry_key: str) -> Alert | None:
    return session.scalar(
        sa.select(Alert).where(
            Alert.subject_id == subject_id,
            Alert.list_id == list_id,
            Alert.entry_key == entry_key,
            Alert.status.in_(("open", "escalated")),
        )
    )


def remembered_decision(
    session: Session, subject: Subject, list_id: int, entry_key: str, entry_hash: str
) -> Decision | None:
    """The latest decision on this pair, if neither side changed since."""
    return session.scalar(
        sa.select(Decision)
        .where(
            Decision.subject_id == subject.id,
            Decision.list_id == list_id,
            Decision.entry_key == entry_key,
            Decision.entry_hash == entry_hash,
            Decision.subject_fingerprint == subject.fingerprint,
            Decision.decision.in_(("true_match", "false_positive")),
        )
        .order_by(Decision.decided_at.desc())
        .limit(1)
    )


# -- reading for the review pages and the API -------------------------------------------

#: Alert statuses a filter may name; "review" means open or escalated (still to decide).
ALERT_STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "review": ("open", "escalated"),
    "open": ("open",),
    "escalated": ("escalated",),
    "true_match": ("true_match",),
    "false_positive": ("false_positive",),
}


def alerts_query(
    *,
    tenant_id: int | None,
    statuses: tuple[str, ...] | None,
    list_id: int | None,
    assignee: str | None,
    unassigned: bool,
    min_score: float | None,
    max_score: float | None,
    subject_kind: str | None,
    text: str | None,
) -> sa.Select[Alert, str, str, str, str]:
    """Alerts with their subject and list name, filtered (``tenant_id`` None: all tenants)."""
    stmt = (
        sa.select(Alert, Subject.name, Subject.kind, Subject.ref, WatchList.name)
        .join(Subject, Subject.id == Alert.subject_id)
        .join(WatchList, WatchList.id == Alert.list_id)
    )
    if tenant_id is not None:
        stmt = stmt.where(Alert.tenant_id == tenant_id)
    if statuses:
        stmt = stmt.where(Alert.status.in_(statuses))
    if list_id is not None:
        stmt = stmt.where(Alert.list_id == list_id)
    if unassigned:
        stmt = stmt.where(Alert.assignee.is_(None))
    elif assignee:
        stmt = stmt.where(sa.func.lower(Alert.assignee) == assignee.lower())
    if min_score is not None:
        stmt = stmt.where(Alert.score >= min_score)
    if max_score is not None:
        stmt = stmt.where(Alert.score <= max_score)
    if subject_kind:
        stmt = stmt.where(Subject.kind == subject_kind)
    if text:
        needle = text.lower()
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(Subject.name).contains(needle, autoescape=True),
                sa.func.lower(Alert.matched_name).contains(needle, autoescape=True),
                sa.func.lower(Alert.entry_key) == needle,
            )
        )
    return stmt


def decisions_of(session: Session, alert_id: int) -> list[Decision]:
    return list(
        session.scalars(
            sa.select(Decision)
            .where(Decision.alert_id == alert_id)
            .order_by(Decision.decided_at, Decision.id)
        )
    )


def current_entry_by_key(session: Session, list_id: int, key: str) -> ListEntry | None:
    return session.scalar(
        sa.select(ListEntry).where(
            ListEntry.list_id == list_id, ListEntry.key == key, ListEntry.is_current.is_(True)
        )
    )


def entry_history(session: Session, list_id: int, key: str) -> list[ListEntry]:
    """Every stored row of one entry (one per version of its content), oldest first."""
    return list(
        session.scalars(
            sa.select(ListEntry)
            .where(ListEntry.list_id == list_id, ListEntry.key == key)
            .order_by(ListEntry.first_version_id, ListEntry.id)
        )
    )


def version_by_number(session: Session, list_id: int, number: int) -> ListVersion | None:
    return session.scalar(
        sa.select(ListVersion).where(ListVersion.list_id == list_id, ListVersion.number == number)
    )


def version_numbers(session: Session, list_id: int) -> dict[int, int]:
    """Version id → version number of one list."""
    rows = session.execute(
        sa.select(ListVersion.id, ListVersion.number).where(ListVersion.list_id == list_id)
    ).all()
    return {int(i): int(n) for i, n in rows}


def _entry_text_match(text: str) -> sa.ColumnElement[bool]:
    """An entry whose key is ``text`` or whose names contain it (any alias, any quality)."""
    needle = text.lower()
    names = sa.cast(ListEntry.doc["names"], sa.Text)
    return sa.or_(
        sa.func.lower(ListEntry.key) == needle,
        sa.func.lower(ListEntry.primary_name).contains(needle, autoescape=True),
        sa.func.lower(names).contains(needle, autoescape=True),
    )


def entries_query(
    list_id: int, version: ListVersion, text: str | None, category: str | None
) -> sa.Select[Any]:
    """Entries of a list as they were in ``version``.

    Version ids grow with each load, so an entry row belongs to a version when it was
    written at or before it and retired (``last_version_id``: the last version it was
    valid in) at or after it."""
    stmt = sa.select(ListEntry).where(
        ListEntry.list_id == list_id,
        ListEntry.first_version_id <= version.id,
        sa.or_(ListEntry.last_version_id.is_(None), ListEntry.last_version_id >= version.id),
    )
    if text:
        stmt = stmt.where(_entry_text_match(text))
    if category:
        stmt = stmt.where(ListEntry.category == category)
    return stmt


def added_entries_query(
    list_id: int, version_id: int, previous_id: int | None, text: str | None
) -> sa.Select[Any]:
    """Entry rows a version wrote for keys the previous version did not have."""
    old = aliased(ListEntry)
    stmt = sa.select(ListEntry).where(
        ListEntry.list_id == list_id, ListEntry.first_version_id == version_id
    )
    if previous_id is not None:
        stmt = stmt.where(
            ~sa.exists().where(
                old.list_id == list_id, old.key == ListEntry.key, old.last_version_id == previous_id
            )
        )
    if text:
        stmt = stmt.where(_entry_text_match(text))
    return stmt


def changed_entries_query(
    list_id: int, version_id: int, previous_id: int, text: str | None
) -> sa.Select[ListEntry, ListEntry]:
    """(new row, old row) of the entries whose content a version changed."""
    old = aliased(ListEntry)
    stmt = (
        sa.select(ListEntry, old)
        .join(
            old,
            sa.and_(
                old.list_id == list_id, old.key == ListEntry.key, old.last_version_id == previous_id
            ),
        )
        .where(ListEntry.list_id == list_id, ListEntry.first_version_id == version_id)
    )
    if text:
        stmt = stmt.where(_entry_text_match(text))
    return stmt


def removed_entries_query(
    list_id: int, version_id: int, previous_id: int, text: str | None
) -> sa.Select[Any]:
    """Entry rows of the previous version whose key a version no longer has."""
    new = aliased(ListEntry)
    stmt = sa.select(ListEntry).where(
        ListEntry.list_id == list_id,
        ListEntry.last_version_id == previous_id,
        ~sa.exists().where(
            new.list_id == list_id, new.key == ListEntry.key, new.first_version_id == version_id
        ),
    )
    if text:
        stmt = stmt.where(_entry_text_match(text))
    return stmt


def reviewer_accounts(session: Session, roles: Iterable[str]) -> list[tuple[str, str]]:
    """(e-mail, name) of the active users holding one of ``roles``."""
    from trustlane.access.models import User

    rows = session.execute(
        sa.select(User.email, User.name)
        .where(User.role.in_(list(roles)), User.is_active.is_(True))
        .order_by(User.email)
    ).all()
    return [(str(e), str(n)) for e, n in rows]


def shipment_party_context(session: Session, shipment_id: int, seq: int) -> dict[str, Any] | None:
    """The filing a shipment party was named on, and the party as filed."""
    from trustlane.cargo.models import Shipment, ShipmentParty

    row = session.execute(
        sa.select(ShipmentParty, Shipment)
        .join(Shipment, Shipment.id == ShipmentParty.shipment_id)
        .where(ShipmentParty.shipment_id == shipment_id, ShipmentParty.seq == seq)
    ).first()
    if row is None:
        return None
    party, shipment = row
    return {
        "shipment_id": shipment.id,
        "filing": f"{shipment.kind} {shipment.external_id} (version {shipment.version})",
        "declared_on": shipment.declared_on,
        "role": party.role,
        "address": ", ".join(x for x in (party.address, party.city) if x),
        "organization_id": party.organization_id,
    }


def organization_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    from trustlane.registry.models import Organization

    wanted = sorted(set(ids))
    out: dict[int, str] = {}
    for chunk in in_batches(wanted):
        rows = session.execute(
            sa.select(Organization.id, Organization.name).where(Organization.id.in_(chunk))
        )
        out.update({int(i): str(n) for i, n in rows})
    return out


def confirmed_alerts_of_organizations(session: Session, ids: Iterable[int]) -> dict[int, int]:
    """Organization id → the id of an alert confirming it on a sanctions list."""
    wanted = sorted(set(ids))
    out: dict[int, int] = {}
    for chunk in in_batches(wanted):
        rows = session.execute(
            sa.select(Subject.organization_id, Alert.id)
            .join(Alert, Alert.subject_id == Subject.id)
            .where(
                Subject.kind == "organization",
                Subject.organization_id.in_(chunk),
                Alert.status == "true_match",
                Alert.category == "sanctions",
            )
            .order_by(Alert.id)
        )
        for org, alert_id in rows:
            if org is not None:
                out.setdefault(int(org), int(alert_id))
    return out
