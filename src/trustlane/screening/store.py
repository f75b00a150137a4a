"""The screening package's SQL: lists, versions, entries, subjects, alerts, decisions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

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
