"""The registry's SQL: identifier lookups, name tokens, candidates, listings, re-pointing.

Set-based throughout: lookups take many keys at once and run one query per batch of
:data:`trustlane.db.IN_BATCH` values, so that resolving a 20,000-row frame costs a handful
of queries, not one per row.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from trustlane.db import Base, bulk_insert, in_batches, is_postgres
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

# PostgreSQL: many values are passed as one array parameter, not as thousands of
# placeholders (psycopg spends most of the time of a 10,000-value ``IN (...)`` parsing them).
# These are dialect differences that belong in ``trustlane.db`` beside ``in_batches``.


def _among(session: Session, column: Any, values: Sequence[Any]) -> sa.ColumnElement[bool]:
    """``column IN values``; on PostgreSQL ``column = ANY(array)``, which the planner uses as
    an index condition on the (indexed) columns this module looks up."""
    if is_postgres(session):
        array = sa.bindparam(None, list(values), type_=ARRAY(column.type))
        return cast(sa.ColumnElement[bool], column == sa.any_(array))
    return cast(sa.ColumnElement[bool], column.in_(values))


def identifier_holders(
    session: Session, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """``(scheme, key)`` → id of the organization holding it, for those that are held."""
    pairs = sorted(set(keys))
    found: dict[tuple[str, str], int] = {}
    for batch in in_batches(pairs):
        if is_postgres(session):
            # Joined with the unnested pairs: with a separate ``scheme = ...`` filter, stale
            # statistics (right after a bulk load) make the planner expect one row and
            # compare every row with every key.
            wanted = (
                sa.func.unnest(
                    sa.bindparam(None, [s for s, _ in batch], type_=ARRAY(sa.String())),
                    sa.bindparam(None, [k for _, k in batch], type_=ARRAY(sa.String())),
                )
                .table_valued("scheme", "key")
                .render_derived(name="wanted")
            )
            stmt = sa.select(
                OrgIdentifier.scheme, OrgIdentifier.value_key, OrgIdentifier.org_id
            ).join(
                wanted,
                sa.and_(
                    OrgIdentifier.scheme == wanted.c.scheme,
                    OrgIdentifier.value_key == wanted.c.key,
                ),
            )
        else:
            stmt = sa.select(
                OrgIdentifier.scheme, OrgIdentifier.value_key, OrgIdentifier.org_id
            ).where(sa.tuple_(OrgIdentifier.scheme, OrgIdentifier.value_key).in_(batch))
        for scheme, value_key, org_id in session.execute(stmt):
            found[(scheme, value_key)] = org_id
    return found


def org_labels(session: Session, ids: Collection[int]) -> dict[int, tuple[str, str]]:
    """id → (name, status) for the given organizations."""
    out: dict[int, tuple[str, str]] = {}
    for batch in in_batches(sorted(ids)):
        rows = session.execute(
            sa.select(Organization.id, Organization.name, Organization.status).where(
                _among(session, Organization.id, batch)
            )
        )
        out.update({i: (n, s) for i, n, s in rows})
    return out


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


def insert_name_tokens(session: Session, rows: list[dict[str, Any]]) -> None:
    insert_rows(session, OrgNameToken, rows)


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


def insert_rows(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """Bulk INSERT of plain rows (all with the same keys) through ``db.bulk_insert``: COPY on
    PostgreSQL, one executemany on SQLite, no ORM bookkeeping."""
    if rows:
        table = cast(sa.Table, model.__table__)
        columns = list(rows[0])
        bulk_insert(session.connection(), table, columns, (list(r.values()) for r in rows))


def insert_organizations(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert organizations in bulk; their ids in the order of ``rows``.

    PostgreSQL: ids are drawn from the table's sequence first, then the rows are COPYed with
    them (an INSERT of thousands of rows costs seconds in the driver's query parsing).
    SQLite: INSERT ... RETURNING in batches. RETURNING promises no order, and asking
    SQLAlchemy to sort costs one statement per row on SQLite, so the rows are matched back by
    their own values: rows equal in every column returned are interchangeable.
    """
    if not rows:
        return []
    table = cast(sa.Table, Organization.__table__)
    if is_postgres(session):
        drawn = session.execute(
            sa.text(
                "SELECT nextval(pg_get_serial_sequence('organizations', 'id')) "
                "FROM generate_series(1, :n)"
            ),
            {"n": len(rows)},
        ).scalars()
        ids = [int(i) for i in drawn]
        columns = ["id", *rows[0]]
        bulk_insert(
            session.connection(),
            table,
            columns,
            ([org_id, *r.values()] for org_id, r in zip(ids, rows, strict=True)),
        )
        return ids
    result = session.execute(
        sa.insert(table).returning(table.c.id, table.c.name, table.c.country, table.c.attributes),
        rows,
    )
    waiting: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for position, row in enumerate(rows):
        waiting[_row_key(row["name"], row.get("country"), row.get("attributes"))].append(position)
    ids = [0] * len(rows)
    for org_id, name, country, attributes in result:
        ids[waiting[_row_key(name, country, attributes)].pop(0)] = int(org_id)
    return ids


def _row_key(name: str, country: str | None, attributes: Any) -> tuple[Any, ...]:
    return name, country, json.dumps(attributes or {}, sort_keys=True, default=str)


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
