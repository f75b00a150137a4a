"""Use cases that read the stored lists: a list's versions, what a version added, removed
and changed (field by field), the entries of any version with search, and one entry with
its history.

Entry rows are never changed (:mod:`.models`), so every version can be read back exactly:
an entry belongs to the versions from the one that wrote it to the last one it was valid
in. Lists are public documents: every role that reads screening reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.errors import FieldProblem, InvalidInput, NotFound
from trustlane.paging import Page, PageRequest, paginate
from trustlane.screening import store
from trustlane.screening.models import ListEntry, ListVersion, WatchList
from trustlane.screening.records import Category, EntryRecord

#: The three kinds of difference between a version and the one before it.
CHANGE_KINDS = ("added", "removed", "changed")

#: Fields of an entry compared between versions, with their label.
COMPARED_FIELDS: list[tuple[str, str]] = [
    ("names", "Names"),
    ("kind", "Type"),
    ("category", "Category"),
    ("source", "Source"),
    ("programs", "Programs"),
    ("birth_dates", "Dates of birth"),
    ("birth_places", "Places of birth"),
    ("nationalities", "Nationalities"),
    ("countries", "Countries"),
    ("addresses", "Addresses"),
    ("identifiers", "Identifiers"),
    ("gender", "Gender"),
    ("listed_on", "Listed on"),
    ("remarks", "Remarks"),
    ("consequence", "Consequence"),
]


@dataclass(frozen=True)
class FieldChange:
    """One field of an entry between two versions: what was only before, only after."""

    field: str
    label: str
    removed: list[str]
    added: list[str]


def _values(name: str, value: Any) -> list[str]:
    """A field as a list of comparable strings (order kept)."""
    if value is None or value == "" or value == []:
        return []
    if name == "names":
        return [f"{n['name']} ({n['quality']})" for n in value]
    if name == "identifiers":
        return [
            f"{i['scheme']} {i['value']}" + (f" ({i['country']})" if i.get("country") else "")
            for i in value
        ]
    if name == "consequence":
        return [
            f"{k.replace('_', ' ')}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
            for k, v in sorted(value.items())
            if v not in (None, "", [])
        ]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def entry_differences(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    """What changed in an entry between two versions, field by field (pure)."""
    out: list[FieldChange] = []
    for name, label in COMPARED_FIELDS:
        old, new = _values(name, before.get(name)), _values(name, after.get(name))
        if old == new:
            continue
        removed = [v for v in old if v not in new]
        added = [v for v in new if v not in old]
        if not removed and not added:  # the same values in another order
            removed, added = old, new
        out.append(FieldChange(name, label, removed, added))
    return out


def _list(session: Session, name: str) -> WatchList:
    watch = store.list_by_name(session, name)
    if watch is None:
        raise NotFound(f"List {name!r} not found")
    return watch


def _version(session: Session, watch: WatchList, number: int | None) -> ListVersion:
    """Version ``number`` of a list (its current one when None)."""
    if number is None:
        version = (
            session.get(ListVersion, watch.current_version_id) if watch.current_version_id else None
        )
    else:
        version = store.version_by_number(session, watch.id, number)
    if version is None:
        raise NotFound(f"List {watch.name!r} has no version {number if number else ''}".strip())
    return version


def list_versions_page(
    session: Session, actor: Principal, name: str, page: PageRequest, text: str | None = None
) -> Page[ListVersion]:
    """A list's versions, newest first, one page at a time (a list loaded daily has
    hundreds); ``text`` searches who loaded them, the source file and the published date."""
    actor.require("screening:read")
    watch = _list(session, name)
    stmt = sa.select(ListVersion).where(ListVersion.list_id == watch.id)
    needle = (text or "").strip().lower()
    if needle:
        like = f"%{needle}%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(ListVersion.loaded_by).like(like),
                sa.func.lower(ListVersion.source).like(like),
                sa.func.lower(ListVersion.published).like(like),
            )
        )
    return paginate(
        session, stmt, page, {"number": ListVersion.number}, [ListVersion.number.desc()]
    )


@dataclass
class ChangeRow:
    """One entry a version added, removed or changed."""

    key: str
    name: str
    entry_id: int  # the row of this version (the old row for a removed entry)
    previous_id: int | None = None  # the old row of a changed entry
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class VersionChanges:
    watch: WatchList
    version: ListVersion
    previous: ListVersion | None
    kind: str
    rows: Page[ChangeRow]


def version_changes(
    session: Session,
    actor: Principal,
    name: str,
    number: int,
    kind: str,
    page: PageRequest,
    text: str | None = None,
) -> VersionChanges:
    """The entries version ``number`` of list ``name`` added, removed or changed from the
    version before it (for version 1, every entry was added), searchable by name or key."""
    actor.require("screening:read")
    if kind not in CHANGE_KINDS:
        raise InvalidInput("Bad change", [FieldProblem("change", f"one of {CHANGE_KINDS}")])
    watch = _list(session, name)
    version = _version(session, watch, number)
    previous = store.version_by_number(session, watch.id, version.number - 1)
    needle = (text or "").strip() or None
    order = [ListEntry.primary_name, ListEntry.key]
    sortable = {"name": ListEntry.primary_name, "key": ListEntry.key}
    empty: Page[ChangeRow] = Page([], 0, page.limit, page.offset)
    if kind == "added":
        prev_id = previous.id if previous else None
        stmt = store.added_entries_query(watch.id, version.id, prev_id, needle)
        found = paginate(session, stmt, page, sortable, order)
        rows = [ChangeRow(e.key, e.primary_name, e.id) for e in found.items]
    elif previous is None:
        return VersionChanges(watch, version, previous, kind, empty)
    elif kind == "removed":
        stmt = store.removed_entries_query(watch.id, version.id, previous.id, needle)
        found = paginate(session, stmt, page, sortable, order)
        rows = [ChangeRow(e.key, e.primary_name, e.id) for e in found.items]
    else:
        pairs = store.changed_entries_query(watch.id, version.id, previous.id, needle)
        found = paginate(session, cast(Any, pairs), page, sortable, order, scalars=False)
        rows = [
            ChangeRow(
                new.key, new.primary_name, new.id, old.id, entry_differences(old.doc, new.doc)
            )
            for new, old in found.items
        ]
    return VersionChanges(
        watch, version, previous, kind, Page(rows, found.total, found.limit, found.offset)
    )


@dataclass
class EntryPage:
    watch: WatchList
    version: ListVersion
    entries: Page[ListEntry]


def list_entries(
    session: Session,
    actor: Principal,
    name: str,
    page: PageRequest,
    *,
    version: int | None = None,
    text: str | None = None,
    category: str | None = None,
) -> EntryPage:
    """The entries of a list as they were in a version (the current one by default),
    searched by key or by any of their names."""
    actor.require("screening:read")
    if category and category not in {c.value for c in Category}:
        raise InvalidInput(
            "Bad category",
            [FieldProblem("category", f"one of {', '.join(c.value for c in Category)}")],
        )
    watch = _list(session, name)
    chosen = _version(session, watch, version)
    stmt = store.entries_query(watch.id, chosen, (text or "").strip() or None, category)
    found = paginate(
        session,
        stmt,
        page,
        {"name": ListEntry.primary_name, "key": ListEntry.key},
        [ListEntry.primary_name, ListEntry.key],
    )
    return EntryPage(watch, chosen, found)


@dataclass(frozen=True)
class EntryVersion:
    """One stored row of an entry: its content from one version to another."""

    entry_id: int
    first: int  # version number
    last: int | None  # None: still current
    changes: list[FieldChange]  # against the row before it


@dataclass
class EntryView:
    watch: WatchList
    row: ListEntry
    record: EntryRecord
    first: int
    last: int | None
    history: list[EntryVersion]


def show_entry(session: Session, actor: Principal, name: str, entry_id: int) -> EntryView:
    """One stored entry row (the entry as it was in its versions) and its history."""
    actor.require("screening:read")
    watch = _list(session, name)
    row = session.get(ListEntry, entry_id)
    if row is None or row.list_id != watch.id:
        raise NotFound(f"Entry {entry_id} of list {name!r} not found")
    numbers = store.version_numbers(session, watch.id)
    history: list[EntryVersion] = []
    previous: ListEntry | None = None
    for item in store.entry_history(session, watch.id, row.key):
        history.append(
            EntryVersion(
                entry_id=item.id,
                first=numbers.get(item.first_version_id, 0),
                last=numbers.get(item.last_version_id) if item.last_version_id else None,
                changes=entry_differences(previous.doc, item.doc) if previous else [],
            )
        )
        previous = item
    return EntryView(
        watch=watch,
        row=row,
        record=EntryRecord.from_doc(row.doc),
        first=numbers.get(row.first_version_id, 0),
        last=numbers.get(row.last_version_id) if row.last_version_id else None,
        history=history,
    )
