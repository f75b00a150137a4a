"""The database: engine, sessions, schema check, and every SQLite/PostgreSQL difference.

Nothing outside this module needs to know which database it talks to. The differences:

- SQLite needs foreign keys switched on per connection, WAL journaling so that readers do not
  block the writer, and a busy timeout so that a second writer waits instead of failing.
- SQLite stores timestamps as text without a zone; :class:`UTCDateTime` stores UTC and hands
  back aware datetimes on both databases.
- JSON is ``JSONB`` on PostgreSQL (indexable) and ``JSON`` text on SQLite.
- Bulk inserts use ``COPY`` on PostgreSQL and ``executemany`` on SQLite (:func:`bulk_insert`).
- SQLite accepts at most 32,766 bound variables in one statement (:data:`SQLITE_MAX_VARIABLES`);
  :func:`in_batches` keeps ``IN (...)`` lists below it on both.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import orjson
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from trustlane.errors import NotMigrated
from trustlane.settings import Settings

#: Constraint names that migrations can rely on, the same on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: SQLite's default cap on bound parameters per statement (SQLITE_MAX_VARIABLE_NUMBER).
SQLITE_MAX_VARIABLES = 32_766

#: Ids per IN (...) list; below SQLite's cap and small enough for PostgreSQL's planner.
IN_BATCH = 10_000

#: How SQLAlchemy's SQLite dialect writes DATETIME values; bulk paths must write the same.
SQLITE_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


class Base(DeclarativeBase):
    """Declarative base of every table of every package."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


#: A JSON document column: JSONB on PostgreSQL, JSON text on SQLite.
JSONDoc = sa.JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    PostgreSQL keeps ``timestamptz``; SQLite keeps naive UTC text. Naive values given to it
    are taken to be UTC already.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url`` with the per-dialect connection settings trustlane relies on."""
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, echo=echo, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # Foreign keys are off by default in SQLite; WAL lets readers run beside a writer.
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.close()

        return engine
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return sa.create_engine(url, echo=echo, pool_pre_ping=True)


class Database:
    """An engine and its session factory; one per process (or per test)."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        return cls(settings.resolved_database_url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def check_migrated(self) -> None:
        """Raise :class:`NotMigrated` unless the schema is at every head of the migrations."""
        from trustlane.migrate import current_heads, expected_heads

        expected = expected_heads()
        with self.engine.connect() as conn:
            current = current_heads(conn)
        if current != expected:
            where = self.url.split("@")[-1]
            state = "has no trustlane schema" if not current else "is at an older schema"
            raise NotMigrated(f"The database {where} {state}; run `trustlane db upgrade` first")

    def dispose(self) -> None:
        self.engine.dispose()


T = TypeVar("T")


def in_batches(values: Sequence[T], size: int = IN_BATCH) -> Iterator[Sequence[T]]:
    """Slices of ``values`` small enough for one ``IN (...)`` list on either database."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def reserve_ids(engine: Engine, name: str, count: int) -> int:
    """Reserve ``count`` consecutive ids for ``name``; returns the first.

    Bulk inserts assign ids in the client so that child rows can refer to their parents
    without a round trip per row. The counter is bumped in its own short transaction so
    that a long ingest does not hold the lock; ids of a batch that rolls back are skipped.
    """
    if count <= 0:
        raise ValueError("count must be positive")
    counters = id_counters
    with engine.begin() as conn:
        row = conn.execute(
            sa.update(counters)
            .where(counters.c.name == name)
            .values(next_id=counters.c.next_id + count)
            .returning(counters.c.next_id)
        ).first()
        if row is not None:
            return int(row[0]) - count
        conn.execute(sa.insert(counters).values(name=name, next_id=1 + count))
        return 1


#: Next free id per bulk-loaded table (see :func:`reserve_ids`).
id_counters = sa.Table(
    "id_counters",
    Base.metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("next_id", sa.BigInteger, nullable=False),
)


def _plain(value: Any) -> Any:
    """A Python value as a DB-API driver takes it, for the bulk paths."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), default=str)
    if isinstance(value, Decimal):
        return float(value)
    return value


def bulk_insert(
    conn: Connection, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert many rows (tuples in ``columns`` order) into ``table`` within ``conn``'s transaction.

    PostgreSQL: ``COPY ... FROM STDIN``, the fastest path the server has. SQLite: one prepared
    ``INSERT`` run with ``executemany``. Values: Python scalars, aware datetimes, dicts/lists for
    JSON columns, ``None`` (or NaN) for NULL. Returns the number of rows written.
    """
    dialect = conn.dialect.name
    datetime_cols = {
        i for i, c in enumerate(columns) if isinstance(table.c[c].type, UTCDateTime | sa.DateTime)
    }
    date_cols = {
        i
        for i, c in enumerate(columns)
        if isinstance(table.c[c].type, sa.Date) and not isinstance(table.c[c].type, sa.DateTime)
    }
    bool_cols = {i for i, c in enumerate(columns) if isinstance(table.c[c].type, sa.Boolean)}
    count = 0
    if dialect == "postgresql":
        raw = conn.connection.driver_connection
        assert raw is not None
        collist = ", ".join(f'"{c}"' for c in columns)
        with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({collist}) FROM STDIN') as cp:
            for row in rows:
                out = [_plain(v) for v in row]
                for i in datetime_cols:
                    v = out[i]
                    if isinstance(v, datetime) and v.tzinfo is None:
                        out[i] = v.replace(tzinfo=UTC)
                cp.write_row(out)
                count += 1
        return count

    placeholders = ", ".join("?" for _ in columns)
    collist = ", ".join(f'"{c}"' for c in columns)
    # Names come from the table's metadata, never from input.
    sql = f'INSERT INTO "{table.name}" ({collist}) VALUES ({placeholders})'  # noqa: S608

    def converted() -> Iterator[list[Any]]:
        nonlocal count
        for row in rows:
            out = [_plain(v) for v in row]
            for i in datetime_cols:
                v = out[i]
                if isinstance(v, datetime):
                    if v.tzinfo is not None:
                        v = v.astimezone(UTC).replace(tzinfo=None)
                    out[i] = v.strftime(SQLITE_DATETIME_FORMAT)
            for i in date_cols:
                v = out[i]
                if isinstance(v, date):
                    out[i] = v.isoformat()
            for i in bool_cols:
                v = out[i]
                if v is not None:
                    out[i] = 1 if v else 0
            count += 1
            yield out

    raw_sqlite = conn.connection.driver_connection
    assert raw_sqlite is not None
    cur = raw_sqlite.cursor()
    try:
        cur.executemany(sql, converted())
    finally:
        cur.close()
    return count


def is_postgres(conn_or_session: Connection | Session | Engine) -> bool:
    """True when the bound database is PostgreSQL."""
    bind = conn_or_session.get_bind() if isinstance(conn_or_session, Session) else conn_or_session
    return bind.dialect.name == "postgresql"


def _column_values(
    series: pd.Series[Any], coltype: sa.types.TypeEngine[Any], dialect: str
) -> list[Any]:
    """One frame column as driver-ready Python values, converted column-wise (no per-value
    type dispatch): timestamps as UTC text, dates as ISO text, booleans as 0/1 on SQLite,
    JSON documents as text, missing values as None."""
    missing = series.isna().to_numpy()
    if isinstance(coltype, UTCDateTime | sa.DateTime):
        stamps = pd.to_datetime(series, utc=True, errors="raise")
        if dialect == "sqlite":
            text = stamps.dt.tz_localize(None).dt.strftime(SQLITE_DATETIME_FORMAT)
        else:
            text = stamps.dt.strftime("%Y-%m-%d %H:%M:%S.%f+00:00")
        values = text.astype(object).to_numpy()
    elif isinstance(coltype, sa.Date):
        values = (
            pd.to_datetime(series, errors="raise").dt.strftime("%Y-%m-%d").astype(object).to_numpy()
        )
    elif isinstance(coltype, sa.Boolean):
        values = series.astype(object).to_numpy()
        if dialect == "sqlite":
            values = values.astype(bool).astype(int).astype(object)  # NULLs set below
    elif isinstance(coltype, sa.JSON):
        # orjson: about ten times the standard library's speed on small documents.
        values = np.array(
            [
                v if isinstance(v, str) else orjson.dumps(v, default=str).decode()
                for v in series.tolist()
            ],
            dtype=object,
        )
    elif isinstance(coltype, sa.Integer) and series.dtype.kind == "f":
        values = series.astype("Int64").astype(object).to_numpy()
    else:
        values = series.astype(object).to_numpy()
    if missing.any():
        values = values.copy()
        values[missing] = None
    out: list[Any] = values.tolist()
    return out


def bulk_insert_frame(conn: Connection, table: sa.Table, frame: pd.DataFrame) -> int:
    """Insert every row of ``frame`` (columns named as ``table``'s; others ignored).

    The fast path of the bulk writers: values are converted column by column with pandas and
    numpy, then handed to ``COPY`` (PostgreSQL) or ``executemany`` (SQLite) as plain tuples.
    """
    if frame.empty:
        return 0
    dialect = conn.dialect.name
    columns = [c for c in frame.columns if c in table.c]
    values = [_column_values(frame[c], table.c[c].type, dialect) for c in columns]
    rows = list(zip(*values, strict=True))
    collist = ", ".join(f'"{c}"' for c in columns)
    raw = conn.connection.driver_connection
    assert raw is not None
    if dialect == "postgresql":
        with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({collist}) FROM STDIN') as cp:
            for row in rows:
                cp.write_row(row)
        return len(rows)
    placeholders = ", ".join("?" for _ in columns)
    sql = f'INSERT INTO "{table.name}" ({collist}) VALUES ({placeholders})'  # noqa: S608
    cur = raw.cursor()
    try:
        cur.executemany(sql, rows)
    finally:
        cur.close()
    return len(rows)
