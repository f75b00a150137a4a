"""Use cases: load a list version (with its difference to the previous one), list lists.

A load reads the whole file first; only then, in one transaction, it writes the new version,
retires removed and changed entries and inserts added and changed ones. A file that cannot
be read at all changes nothing: the previous version stays in force.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.db import Database
from trustlane.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from trustlane.progress import NoProgress, Progress
from trustlane.screening import store
from trustlane.screening.loaders import FORMATS, read_list
from trustlane.screening.models import ListEntry, ListVersion, WatchList
from trustlane.screening.normalize import prepare_name
from trustlane.screening.records import EntryRecord

#: How many added/removed/changed entries a load report names (the counts are complete).
REPORTED_CHANGES = 50


@dataclass
class ListDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0


@dataclass
class LoadReport:
    list_name: str
    version: int
    version_id: int
    entries: int
    rows_read: int
    rejected: int
    diff: ListDiff
    problems: list[FieldProblem]
    #: Name tokens of added, changed and removed entries (who may need screening again).
    affected_tokens: set[str] = field(default_factory=set)
    rescreened: int = 0
    new_alerts: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "list": self.list_name,
            "version": self.version,
            "entries": self.entries,
            "rows_read": self.rows_read,
            "rejected": self.rejected,
            "added": len(self.diff.added),
            "removed": len(self.diff.removed),
            "changed": len(self.diff.changed),
            "unchanged": self.diff.unchanged,
            "added_keys": self.diff.added[:REPORTED_CHANGES],
            "removed_keys": self.diff.removed[:REPORTED_CHANGES],
            "changed_keys": self.diff.changed[:REPORTED_CHANGES],
            "problems": [p.as_dict() for p in self.problems],
            "rescreened": self.rescreened,
            "new_alerts": self.new_alerts,
        }


def _valid_name(name: str) -> str:
    clean = name.strip().lower()
    if not clean or len(clean) > 64 or not all(c.isalnum() or c in "-_." for c in clean):
        raise InvalidInput(
            "Bad list name",
            [FieldProblem("name", "1 to 64 letters, digits, '-', '_' or '.'", value=name)],
        )
    return clean


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for f in files:
        digest.update(f.name.encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()


def _tokens(record: EntryRecord) -> set[str]:
    out: set[str] = set()
    for n in record.names:
        prepared = prepare_name(n.name, record.kind)
        if prepared is not None:
            out.update(t.text for t in prepared.tokens if not t.stop and len(t.text) > 1)
    return out


def load_list(
    database: Database,
    actor: Principal,
    path: Path,
    fmt: str,
    *,
    name: str | None = None,
    mapping: dict[str, Any] | None = None,
    progress: Progress | None = None,
    rescreen: bool = True,
) -> LoadReport:
    """Load ``path`` as a new version of list ``name`` (default: the format's list name)."""
    actor.require("screening:write")
    if not actor.is_agency:
        raise Forbidden("Only agency users load watch lists")
    progress = progress or NoProgress()
    progress.update(0, None, f"reading {path.name}")
    result = read_list(path, fmt, mapping)
    list_name = _valid_name(name or result.default_name or path.stem)
    # One entry per key: the first wins, later duplicates are reported.
    records: dict[str, EntryRecord] = {}
    for record in result.records:
        if record.key in records:
            result.note(FieldProblem("key", f"duplicate entry key {record.key!r}; first kept"))
            continue
        records[record.key] = record
    progress.update(0, len(records), f"storing {len(records)} entries of {list_name}")
    # Ids for the rows this load may write, reserved before the write transaction.
    with database.sessions() as session:
        existing = store.list_by_name(session, list_name)
        before = store.current_entries(session, existing.id) if existing else {}
    needed = sum(
        1 for k, r in records.items() if k not in before or before[k][1] != r.content_hash()
    )
    new_ids = store.reserve_entry_ids(database.engine, needed)
    with database.session() as session:
        watch = store.list_by_name(session, list_name)
        if watch is None:
            watch = WatchList(name=list_name, format=fmt, description=FORMATS[fmt].description)
            session.add(watch)
            session.flush()
        previous = store.latest_version(session, watch.id)
        current = store.current_entries(session, watch.id)
        version = ListVersion(
            list_id=watch.id,
            number=(previous.number + 1) if previous else 1,
            status="current",
            source=str(path)[:500],
            sha256=_sha256(path),
            published=result.published,
            loaded_by=actor.label,
            entries=len(records),
            rejected=result.rejected,
            problems=[p.as_dict() for p in result.problems],
        )
        session.add(version)
        session.flush()
        diff = ListDiff()
        to_insert: list[EntryRecord] = []
        to_retire: list[int] = []
        affected: set[str] = set()
        for key, record in records.items():
            old = current.get(key)
            if old is None:
                diff.added.append(key)
                to_insert.append(record)
                if previous is not None:
                    affected |= _tokens(record)
            elif old[1] != record.content_hash():
                diff.changed.append(key)
                to_insert.append(record)
                to_retire.append(old[0])
                affected |= _tokens(record)
            else:
                diff.unchanged += 1
        removed_ids = [(key, rid) for key, (rid, _h) in current.items() if key not in records]
        diff.removed = [key for key, _ in removed_ids]
        to_retire += [rid for _, rid in removed_ids]
        if removed_ids:
            for entry in session.scalars(
                sa.select(ListEntry).where(ListEntry.id.in_([rid for _, rid in removed_ids[:5000]]))
            ):
                affected |= _tokens(EntryRecord.from_doc(entry.doc))
        if previous is not None:
            previous.status = "superseded"
            store.retire_entries(session, to_retire, previous.id)
        if len(to_insert) > len(new_ids):
            raise Conflict(f"List {list_name} was changed by another load meanwhile; load again")
        store.insert_entries(session, watch.id, version.id, to_insert, new_ids[: len(to_insert)])
        version.added, version.removed, version.changed = (
            len(diff.added),
            len(diff.removed),
            len(diff.changed),
        )
        watch.current_version_id = version.id
        audit.record(
            session,
            actor,
            "load",
            "watch_list",
            watch.id,
            summary=f"{list_name} version {version.number}: +{len(diff.added)} "
            f"-{len(diff.removed)} ~{len(diff.changed)} ({len(records)} entries)",
            after={
                "list": list_name,
                "version": version.number,
                "source": str(path),
                "sha256": version.sha256,
                "added": len(diff.added),
                "removed": len(diff.removed),
                "changed": len(diff.changed),
            },
        )
        report = LoadReport(
            list_name=list_name,
            version=version.number,
            version_id=version.id,
            entries=len(records),
            rows_read=result.rows_read,
            rejected=result.rejected,
            diff=diff,
            problems=result.problems,
            affected_tokens=affected,
        )
    progress.update(len(records), len(records), f"loaded {list_name} v{report.version}")
    if rescreen and previous is None and _has_subjects(database):
        # A new list: every stored party may be on it.
        for record in records.values():
            report.affected_tokens |= _tokens(record)
    if rescreen and report.affected_tokens:
        from trustlane.screening.subjects import rescreen_affected

        report.rescreened, report.new_alerts = rescreen_affected(
            database, actor, report.affected_tokens, progress=progress
        )
    return report


def _has_subjects(database: Database) -> bool:
    from trustlane.screening.models import Subject

    with database.sessions() as session:
        return session.scalar(sa.select(Subject.id).limit(1)) is not None


@dataclass
class ListSummary:
    name: str
    format: str
    version: int | None
    entries: int
    loaded_at: str | None
    published: str | None


def list_lists(session: Session, actor: Principal) -> list[ListSummary]:
    """Every loaded list with its current version."""
    actor.require("screening:read")
    out: list[ListSummary] = []
    for watch in store.all_lists(session):
        version = (
            session.get(ListVersion, watch.current_version_id) if watch.current_version_id else None
        )
        out.append(
            ListSummary(
                name=watch.name,
                format=watch.format,
                version=version.number if version else None,
                entries=version.entries if version else 0,
                loaded_at=version.loaded_at.isoformat() if version else None,
                published=version.published if version else None,
            )
        )
    return out


def list_versions(session: Session, actor: Principal, name: str) -> list[ListVersion]:
    actor.require("screening:read")
    watch = store.list_by_name(session, name)
    if watch is None:
        raise NotFound(f"List {name!r} not found")
    return list(
        session.scalars(
            sa.select(ListVersion)
            .where(ListVersion.list_id == watch.id)
            .order_by(ListVersion.number.desc())
        )
    )
