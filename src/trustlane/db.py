"""The database: engine, sessions, schema check, and every SQLite/PostgreSQL difference.

Nothing outside this module needs to know which database it talks to. The differences:

- SQLite needs foreign keys switched on per connection, WAL journaling so that readers do not
  block the writer, and a busy timeout so that a second writer waits instead of failing.
- SQLite stores timestamps as text without a zone; :class:`UTCDateTime` stores UTC and hands
  back aware datetimes on both databases.
- JSON is ``JSONB`` on PostgreSQL (indexable) and ``JSON`` text on SQLite.
- Bulk inserts use ``COPY`` on PostgreSQL and ``executemany`` on SQLite (:func:`bulk_insert`,
  :func:`bulk_insert_frame`).
- SQLite accepts at most 32,766 bound variables in one statement (:data:`SQLITE_MAX_VARIABLES`);
  :func:`in_batches` keeps ``IN (...)`` lists below it on both. :func:`among` needs no batches:
  one array parameter (``= ANY(%s)``) on PostgreSQL, one JSON text (``IN (SELECT value FROM
  json_each(?))``) on SQLite.
- SQLite has one writer at a time: a bulk write that reads first takes the write lock up front
  (:func:`begin_write`), and ids are then reserved inside that same transaction
  (:func:`reserve_ids`, :func:`reserve_serial_ids`); PostgreSQL draws them from a counter row
  in a short transaction of its own, or from the table's sequence.
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
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
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

#: SQLite page cache per connection, in KiB (the default is 2 MiB). Bulk loads update indexes
#: in key order, not insertion order; with a cache smaller than the indexes being written, most
#: inserts re-read and spill pages (measured: a quarter of the CPU of a 1M-row load).
SQLITE_CACHE_KIB = 65_536


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
            # Pages are allocated as used, so an idle connection stays small.
            cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
            # Sorts and the lists behind IN (SELECT ...) in memory, not in temporary files.
            cur.execute("PRAGMA temp_store=MEMORY")
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


def begin_write(conn: Connection) -> None:
    """Open ``conn``'s transaction as a writer, before it reads anything it will write after.

    SQLite lets one connection write at a time. A transaction that reads and then writes takes
    the write lock only at its first write, and fails at once (``SQLITE_BUSY_SNAPSHOT``) when
    another connection wrote in between; ``BEGIN IMMEDIATE`` takes the lock up front, so what
    the transaction reads stays true until it commits, and other writers wait their turn (busy
    timeout). A no-op when the transaction has already begun, and on PostgreSQL, whose row
    locks and unique constraints serve the same end.
    """
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    if not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")


def reserve_ids(bind: Engine | Connection, name: str, count: int) -> int:
    """Reserve ``count`` consecutive ids for ``name``; returns the first.

    Bulk inserts assign ids in the client so that child rows can refer to their parents
    without a round trip per row. Given an engine, the counter is bumped in a short transaction
    of its own. Given the caller's connection: on PostgreSQL still in a transaction of its own
    (on another pooled connection), so that a long bulk write does not hold the counter's row
    lock; on SQLite inside the caller's transaction, which holds the database's only write lock
    already (:func:`begin_write`): a second connection would wait for it forever. Ids of a
    batch that rolls back are skipped (PostgreSQL) or handed out again (SQLite).
    """
    if count <= 0:
        raise ValueError("count must be positive")
    if isinstance(bind, Connection) and bind.dialect.name == "sqlite":
        return _bump_counter(bind, name, count)
    engine = bind if isinstance(bind, Engine) else bind.engine
    with engine.begin() as conn:
        return _bump_counter(conn, name, count)


def _bump_counter(conn: Connection, name: str, count: int) -> int:
    counters = id_counters
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


def reserve_serial_ids(conn: Connection, table: sa.Table, count: int) -> list[int]:
    """Ids for ``count`` new rows of ``table``, whose integer primary key the database
    assigns (a serial column), for a bulk insert that needs them before it writes.

    PostgreSQL: drawn from the column's sequence, so rows inserted one by one elsewhere (the
    ORM) never collide with them. SQLite gives a new row ``max(id) + 1``; within a write
    transaction (:func:`begin_write`, opened here if none is) nobody else can insert, so the
    next ``count`` ids are this caller's.
    """
    if count <= 0:
        return []
    (column,) = table.primary_key.columns
    raw = conn.connection.driver_connection
    assert raw is not None
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur:
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                (table.name, column.name, count),
            )
            return [int(r[0]) for r in cur.fetchall()]
    begin_write(conn)
    # Names come from the table's metadata, never from input.
    sql = f'SELECT coalesce(max("{column.name}"), 0) FROM "{table.name}"'  # noqa: S608
    last = int(raw.execute(sql).fetchone()[0])
    return list(range(last + 1, last + 1 + count))


def among(
    column: sa.ColumnElement[Any], values: Iterable[Any], dialect: str
) -> sa.ColumnElement[bool]:
    """``column IN values`` as one parameter, whatever the number of values (no batches).

    PostgreSQL: ``column = ANY(array)``; psycopg spends most of the time of a 10,000-value
    ``IN (...)`` parsing placeholders, and the planner uses ``= ANY`` as an index condition.
    SQLite: ``column IN (SELECT value FROM json_each(?))`` with the values as one JSON text;
    the planner searches the column's index once per value. Values: strings or integers.
    """
    listed = [v.item() if isinstance(v, np.generic) else v for v in values]
    if dialect == "postgresql":
        array = sa.bindparam(None, listed, type_=ARRAY(column.type))
        return column == sa.any_(array)
    each = sa.func.json_each(sa.bindparam(None, orjson.dumps(listed).decode(), type_=sa.Text))
    return column.in_(sa.select(each.table_valued("value").c.value))


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
        fmt = SQLITE_DATETIME_FORMAT if dialect == "sqlite" else "%Y-%m-%d %H:%M:%S.%f+00:00"
        values = _formatted(
            series, lambda s: pd.Series(pd.to_datetime(s, utc=True)).dt.strftime(fmt)
        )
    elif isinstance(coltype, sa.Date):
        values = _formatted(series, lambda s: pd.Series(pd.to_datetime(s)).dt.strftime("%Y-%m-%d"))
    elif isinstance(coltype, sa.Boolean):
        values = series.astype(object).to_numpy()
        if dialect == "sqlite":
            values = values.astype(bool).astype(int).astype(object)  # NULLs set below
    elif isinstance(coltype, sa.JSON):
        if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
            values = series.astype(object).to_numpy()  # already JSON text
        else:
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


def _formatted(series: pd.Series[Any], render: Any) -> np.ndarray[Any, np.dtype[np.object_]]:
    """``render`` (a column of dates or timestamps → text) applied to the distinct values only:
    a chunk of filings holds a few hundred dates and one ingest time, and strftime costs
    microseconds a value."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if len(uniques) == 0:
        return np.full(len(series), None, dtype=object)
    text = render(pd.Series(uniques)).astype(object).to_numpy()
    out = np.full(len(series), None, dtype=object)
    present = codes >= 0
    out[present] = text[codes[present]]
    return out


def bulk_insert_frame(conn: Connection, table: sa.Table, frame: pd.DataFrame) -> int:
    """Insert every row of ``frame`` (columns named as ``table``'s; others ignored).

    The fast path of the bulk writers; values are converted column by column with pandas,
    numpy and pyarrow, never value by value. Columns that are NULL throughout are left out
    (the table gives NULL; columns with a server default are always written).

    - PostgreSQL: ``COPY`` in text format, the whole chunk's text built column-wise with
      pyarrow (``write_row`` costs microseconds a row in Python);
    - SQLite: one ``executemany``. Binding costs about 0.3 µs a value in Python's driver, more
      than SQLite's own work, so a column with one value for the whole frame (the ingest's
      profile, time, job) is written as a literal in the statement instead.
    """
    if frame.empty:
        return 0
    dialect = conn.dialect.name
    columns = [
        c
        for c in frame.columns
        if c in table.c and (table.c[c].server_default is not None or frame[c].notna().any())
    ]
    values = {c: _column_values(frame[c], table.c[c].type, dialect) for c in columns}
    raw = conn.connection.driver_connection
    assert raw is not None
    if dialect == "postgresql":
        collist = ", ".join(f'"{c}"' for c in columns)
        text = _copy_text(list(values.values()), len(frame))
        with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({collist}) FROM STDIN') as cp:
            if text is not None:
                cp.write(text)
            else:
                for row in zip(*values.values(), strict=True):
                    cp.write_row(row)
        return len(frame)
    literals = {c: _sqlite_literal(v) for c, v in values.items()}
    bound = [c for c in columns if literals[c] is None]
    collist = ", ".join(f'"{c}"' for c in columns)
    placeholders = ", ".join("?" if literals[c] is None else str(literals[c]) for c in columns)
    sql = f'INSERT INTO "{table.name}" ({collist}) VALUES ({placeholders})'  # noqa: S608
    cur = raw.cursor()
    try:
        if bound:
            # One tuple at a time: zip reuses its tuple when the consumer lets go of it, so a
            # chunk does not allocate (and the garbage collector walk) a tuple per row.
            cur.executemany(sql, zip(*(values[c] for c in bound), strict=True))
        else:
            cur.executemany(sql, ((),) * len(frame))
    finally:
        cur.close()
    return len(frame)


def _sqlite_literal(values: list[Any]) -> str | None:
    """The SQL literal of a column's single value, or None when it varies (or is a type
    written only through a parameter). Strings are quoted by doubling quotes, SQLite's one
    escape; NUL characters and non-finite numbers are left to parameters."""
    first = values[0]
    if first is None or values.count(first) != len(values):
        return None
    kind = type(first)
    if kind is int:
        return str(first)
    if kind is float and math.isfinite(first):
        return repr(first)
    if kind is str and "\x00" not in first:
        return "'" + str(first).replace("'", "''") + "'"
    return None


#: Characters COPY's text format escapes with a backslash.
_COPY_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def _copy_text(columns: list[list[Any]], rows: int) -> bytes | None:
    """Rows for ``COPY ... FROM STDIN`` (text format) built column-wise with pyarrow: values
    as text, backslash escapes, ``\\N`` for NULL, tabs between columns, a newline after each
    row. None when a column holds something pyarrow cannot type (the caller writes row by row).
    """
    texts = []
    for values in columns:
        try:
            array = pa.array(values, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None
        if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
            if pc.any(pc.match_substring_regex(array, r"[\\\t\n\r]")).as_py():
                for plain, escaped in _COPY_ESCAPES:
                    array = pc.replace_substring(array, plain, escaped)
        elif pa.types.is_null(array.type):
            array = pa.nulls(rows, pa.string())
        elif pa.types.is_integer(array.type) or pa.types.is_floating(array.type):
            array = pc.cast(array, pa.string())
        elif pa.types.is_boolean(array.type):
            array = pc.if_else(array, "t", "f")
        else:
            return None
        texts.append(pc.fill_null(array, "\\N"))
    lines = pc.cast(pc.binary_join_element_wise(*texts, "\t"), pa.large_string())
    listed = pa.LargeListArray.from_arrays(pa.array([0, rows]), lines)
    whole = pc.binary_join(listed, pa.scalar("\n", pa.large_string()))
    body: bytes = whole[0].as_buffer().to_pybytes()
    return body + b"\n"
