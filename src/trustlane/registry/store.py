"""The registry's SQL: identifier lookups, name tokens, candidates, listings, re-pointing.

Set-based throughout: lookups take many keys at once and run one query per batch of
:data:`trustlane.db.IN_BATCH` values, so that resolving a 20,000-row frame costs a handful
of queries, not one per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from trustlane.db import (
    Base,
    among,
    bulk_insert_frame,
    in_batches,
    is_postgres,
    reserve_serial_ids,
)
from trustlane.registry.matching import CandidateName, CandidateView
from trustlane.registry.models import (
    OrgAddress,
    OrgAlias,
    Organization,
    OrgIdentifier,
    OrgNameToken,
    OrgRole,
)
from trustlane.registry.names import core_name, name_tokens
from trustlane.registry.vocab import OrgKind, OrgStatus


def _among(session: Session, column: Any, values: Sequence[Any]) -> sa.ColumnElement[bool]:
    """``column IN values`` as one parameter (:func:`trustlane.db.among`)."""
    return among(column, values, session.get_bind().dialect.name)


def identifier_holders(
    session: Session, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """``(scheme, key)`` → id of the organization holding it, for those that are held."""
    pairs = sorted(set(keys))
    found: dict[tuple[str, str], int] = {}
    if not pairs:
        return found
    if not is_postgres(session):
        # One query per scheme (a call names a handful), its keys as one JSON parameter.
        by_scheme: dict[str, list[str]] = defaultdict(list)
        for scheme, key in pairs:
            by_scheme[scheme].append(key)
        for scheme, scheme_keys in by_scheme.items():
            by_key = sa.select(OrgIdentifier.value_key, OrgIdentifier.org_id).where(
                OrgIdentifier.scheme == scheme,
                _among(session, OrgIdentifier.value_key, scheme_keys),
            )
            for value_key, org_id in session.execute(by_key):
                found[(scheme, value_key)] = org_id
        return found
    for batch in in_batches(pairs):
        # Joined with the unnested pairs: with a separate ``scheme = ...`` filter, stale
        # statistics (right after a bulk load) make the planner expect one row and compare
        # every row with every key.
        wanted = (
            sa.func.unnest(
                sa.bindparam(None, [s for s, _ in batch], type_=ARRAY(sa.String())),
                sa.bindparam(None, [k for _, k in batch], type_=ARRAY(sa.String())),
            )
            .table_valued("scheme", "key")
            .render_derived(name="wanted")
        )
        stmt = sa.select(OrgIdentifier.scheme, OrgIdentifier.value_key, OrgIdentifier.org_id).join(
            wanted,
            sa.and_(
                OrgIdentifier.scheme == wanted.c.scheme,
                OrgIdentifier.value_key == wanted.c.key,
            ),
        )
        for scheme, value_key, org_id in session.execute(stmt):
            found[(scheme, value_key)] = org_id
    return found


def org_labels(session: Session, ids: Collection[int]) -> dict[int, tuple[str, str]]:
    """id → (name, status) for the given organizations."""
    if not ids:
        return {}
    rows = session.execute(
        sa.select(Organization.id, Organization.name, Organization.status).where(
            _among(session, Organization.id, sorted(ids))
        )
    )
    return {i: (n, s) for i, n, s in rows}


def indexable(org: Organization) -> bool:
    """Whether resolution should find this organization by name: trade records that are not
    merged away and whose name is not one resolution generated from an identifier."""
    return (
        org.kind == OrgKind.trade.value
        and org.status != OrgStatus.merged.value
        and not (org.attributes or {}).get("generated_name")
    )


def reindex_names(session: Session, orgs: Iterable[Organization]) -> None:
    """Replace the name tokens of ``orgs`` with those of their current names and aliases."""
    orgs = list(orgs)
    if not orgs:
        return
    session.flush()
    ids = [o.id for o in orgs]
    for batch in in_batches(ids):
        session.execute(sa.delete(OrgNameToken).where(_among(session, OrgNameToken.org_id, batch)))
    rows = [
        {"org_id": o.id, "token": t}
        for o in orgs
        if indexable(o)
        for t in sorted(set().union(name_tokens(o.name), *(name_tokens(a.name) for a in o.aliases)))
    ]
    if rows:
        session.execute(sa.insert(OrgNameToken), rows)


def token_frequencies(session: Session, tokens: Collection[str]) -> dict[str, int]:
    """How many organizations carry each token (tokens that none carries are left out)."""
    out: dict[str, int] = {}
    for batch in in_batches(sorted(tokens)):
        rows = session.execute(
            sa.select(OrgNameToken.token, sa.func.count())
            .where(_among(session, OrgNameToken.token, batch))
            .group_by(OrgNameToken.token)
        )
        out.update({t: int(n) for t, n in rows})
    return out


def orgs_with_tokens(session: Session, tokens: Collection[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for batch in in_batches(sorted(tokens)):
        rows = session.execute(
            sa.select(OrgNameToken.token, OrgNameToken.org_id).where(
                _among(session, OrgNameToken.token, batch)
            )
        )
        for token, org_id in rows:
            out[token].append(org_id)
    return out


def candidates(session: Session, ids: Collection[int]) -> dict[int, CandidateView]:
    """The organizations ``ids`` with their names, aliases and address lines, for matching."""
    base: dict[int, tuple[str, str, str | None]] = {}
    names: dict[int, list[CandidateName]] = defaultdict(list)
    addresses: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for batch in in_batches(sorted(ids)):
        for org_id, name, status, country in session.execute(
            sa.select(
                Organization.id, Organization.name, Organization.status, Organization.country
            ).where(
                _among(session, Organization.id, batch),
                Organization.status != OrgStatus.merged.value,
            )
        ):
            base[org_id] = (name, status, country)
            names[org_id].append(CandidateName(name, core_name(name), "primary"))
        for org_id, name, kind in session.execute(
            sa.select(OrgAlias.org_id, OrgAlias.name, OrgAlias.kind).where(
                _among(session, OrgAlias.org_id, batch)
            )
        ):
            names[org_id].append(CandidateName(name, core_name(name), kind))
        for org_id, street, postal, city, country in session.execute(
            sa.select(
                OrgAddress.org_id,
                OrgAddress.street,
                OrgAddress.postal_code,
                OrgAddress.city,
                OrgAddress.country,
            ).where(_among(session, OrgAddress.org_id, batch))
        ):
            line = " ".join(p for p in (street, postal, city) if p)
            if line:
                addresses[org_id].append((line, country))
    return {
        org_id: CandidateView(
            org_id=org_id,
            name=name,
            status=status,
            country=country,
            names=tuple(names[org_id]),
            addresses=tuple(addresses[org_id]),
        )
        for org_id, (name, status, country) in base.items()
    }


def insert_frame(session: Session, model: type[Base], frame: pd.DataFrame) -> None:
    """Bulk INSERT of a frame's rows (columns named as the table's; others ignored)."""
    if len(frame):
        bulk_insert_frame(session.connection(), cast(sa.Table, model.__table__), frame)


def insert_organizations(session: Session, rows: pd.DataFrame) -> list[int]:
    """Insert organizations in bulk (one per row of ``rows``, columns named as the table's);
    their ids in the order of ``rows``.

    The ids are reserved first (the table's sequence on PostgreSQL, the next free ids within
    the write transaction on SQLite: :func:`trustlane.db.reserve_serial_ids`), then the rows
    are written with them in one bulk statement.
    """
    if rows.empty:
        return []
    session.flush()  # organizations the ORM still holds take their ids first
    table = cast(sa.Table, Organization.__table__)
    conn = session.connection()
    ids = reserve_serial_ids(conn, table, len(rows))
    bulk_insert_frame(conn, table, rows.assign(id=ids))
    return ids


def search_statement(
    *,
    q: str | None = None,
    country: str | None = None,
    sector: str | None = None,
    role: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    tenant_id: int | None = None,
) -> sa.Select[Any]:
    """Organizations matching the filters; merged records only when asked for by status."""
    stmt = sa.select(Organization)
    if tenant_id is not None:
        stmt = stmt.where(Organization.id == tenant_id)
    if q:
        like = f"%{q}%"
        alias_hit = sa.select(OrgAlias.org_id).where(OrgAlias.name_key.like(like))
        stmt = stmt.where(sa.or_(Organization.name_key.like(like), Organization.id.in_(alias_hit)))
    if country:
        stmt = stmt.where(Organization.country == country)
    if sector:
        stmt = stmt.where(Organization.sector == sector)
    if role:
        stmt = stmt.where(
            Organization.id.in_(sa.select(OrgRole.org_id).where(OrgRole.role == role))
        )
    if status:
        stmt = stmt.where(Organization.status == status)
    else:
        stmt = stmt.where(Organization.status != OrgStatus.merged.value)
    if kind:
        stmt = stmt.where(Organization.kind == kind)
    return stmt


SORTABLE = {
    "id": Organization.id,
    "name": Organization.name_key,
    "country": Organization.country,
    "sector": Organization.sector,
    "status": Organization.status,
    "created_at": Organization.created_at,
    "updated_at": Organization.updated_at,
}


@dataclass(frozen=True)
class Reference:
    """A column of some table that holds an organization id."""

    table: sa.Table
    column: sa.Column[Any]

    @property
    def label(self) -> str:
        return f"{self.table.name}.{self.column.name}"


def organization_references(session: Session) -> list[Reference]:
    """Every foreign key onto ``organizations.id`` in the schema, found from the metadata of
    all packages (so that tables added later are covered) and limited to tables that exist in
    this database."""
    import trustlane.models  # noqa: F401  (every package's tables on the metadata)

    existing = set(sa.inspect(session.connection()).get_table_names())
    target = Organization.__table__.c.id
    refs = []
    for table in Base.metadata.sorted_tables:
        if table.name not in existing:
            continue
        for fk in table.foreign_keys:
            if fk.column is target:
                refs.append(Reference(table, fk.parent))
    return refs


def repoint(session: Session, ref: Reference, source: int, target: int) -> tuple[int, int]:
    """Move references from ``source`` to ``target``; returns (moved, dropped).

    Where the column is part of a primary key or unique constraint and the target already
    has a row equal in the other columns, the source's row would collide: it is a duplicate
    of what the target holds, and is deleted instead of moved.
    """
    table, col = ref.table, ref.column
    dropped = 0
    for columns in _unique_column_sets(table):
        if col.name not in columns:
            continue
        twin = table.alias("twin")
        same = [twin.c[c] == table.c[c] for c in columns if c != col.name]
        duplicate = sa.exists().where(twin.c[col.name] == target, *same)
        result = session.execute(sa.delete(table).where(col == source, duplicate))
        dropped += int(getattr(result, "rowcount", 0) or 0)
    result = session.execute(sa.update(table).where(col == source).values({col.name: target}))
    return int(getattr(result, "rowcount", 0) or 0), dropped


def _unique_column_sets(table: sa.Table) -> list[list[str]]:
    sets = []
    if table.primary_key.columns:
        sets.append([c.name for c in table.primary_key.columns])
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint):
            sets.append([c.name for c in constraint.columns])
    for index in table.indexes:
        if index.unique:
            sets.append([c.name for c in index.columns if isinstance(c, sa.Column)])
    return sets
