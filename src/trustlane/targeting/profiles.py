"""Reading declaration files for targeting: the ``customs-kr`` columns, checked row by row.

The targeting commands work straight from files, without a database, so they read the
profile's columns themselves. The column list is exactly the public customs data set's
(``/work/shared/data/customs``); the cargo package's ingest profile of the same name stores the
same files as shipments.

A file is read in chunks (bounded memory) as strings and checked in bulk: every row with an
unparseable date or number, or a missing required field, is set aside with its line number,
column and reason, and the valid rows go on. Label columns (``Fraud``, ``Critical Fraud``) are
read only when asked for (training, evaluation); scoring never opens them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from trustlane.errors import FieldProblem, InvalidInput, NotFound


@dataclass(frozen=True)
class Column:
    """One source column: its name in the file, its canonical name, its kind, and whether a
    row without it is rejected."""

    source: str
    name: str
    kind: str  # text | code | date | number | label
    required: bool = False


@dataclass(frozen=True)
class FileProfile:
    """The columns of one declaration file format."""

    name: str
    columns: tuple[Column, ...]

    @property
    def label_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.kind == "label")

    @property
    def input_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.kind != "label")


CUSTOMS_KR = FileProfile(
    "customs-kr",
    (
        Column("Declaration ID", "declaration_id", "text", required=True),
        Column("Date", "date", "date", required=True),
        Column("Office ID", "office", "code"),
        Column("Process Type", "process_type", "code"),
        Column("Import Type", "import_type", "code"),
        Column("Import Use", "import_use", "code"),
        Column("Payment Type", "payment_type", "code"),
        Column("Mode of Transport", "transport_mode", "code"),
        Column("Declarant ID", "declarant_id", "text"),
        Column("Importer ID", "importer_id", "text", required=True),
        Column("Seller ID", "seller_id", "text"),
        Column("Courier ID", "courier_id", "text"),
        Column("HS6 Code", "hs6", "code", required=True),
        Column("Country of Departure", "country_departure", "code"),
        Column("Country of Origin", "country_origin", "code"),
        Column("Tax Rate", "tax_rate", "number", required=True),
        Column("Tax Type", "tax_type", "code"),
        Column("Country of Origin Indicator", "origin_indicator", "code"),
        Column("Net Mass", "net_mass", "number"),
        Column("Item Price", "item_price", "number", required=True),
        Column("Fraud", "fraud", "label"),
        Column("Critical Fraud", "critical", "label"),
    ),
)

PROFILES: dict[str, FileProfile] = {CUSTOMS_KR.name: CUSTOMS_KR}

#: Canonical names of the columns every targeting frame has (labels excluded).
FRAME_COLUMNS = tuple(c.name for c in CUSTOMS_KR.input_columns)

#: Rows per chunk when streaming a file; memory grows with it, speed too up to a point.
CHUNK_ROWS = 50_000


def get_profile(name: str) -> FileProfile:
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise InvalidInput(
            f"Unknown profile {name!r}", [FieldProblem("profile", f"one of: {known}", value=name)]
        ) from None


@dataclass
class Reject:
    """A row left out: where, which column and why."""

    file: str
    line: int
    column: str
    reason: str
    value: str | None


@dataclass
class Chunk:
    """Valid rows of one chunk in canonical columns, and the rows set aside."""

    frame: pd.DataFrame
    rejects: list[Reject]
    rows_read: int


def _header(path: Path) -> list[str]:
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        first = fh.readline()
    if not first.strip():
        raise InvalidInput(f"{path}: the file is empty (no header row)")
    reader = pacsv.read_csv(
        pa.py_buffer(first.encode()), read_options=pacsv.ReadOptions(autogenerate_column_names=True)
    )
    return [str(v[0]) for v in reader.to_pydict().values()]


def check_columns(path: Path, profile: FileProfile, *, labels: bool) -> list[str]:
    """The columns to read from ``path``; raises naming the file and every missing or unknown
    column. With ``labels`` false the label columns are allowed but never read."""
    if not path.exists():
        raise NotFound(f"{path}: no such file")
    header = _header(path)
    known = {c.source for c in profile.columns}
    wanted = [c.source for c in (profile.columns if labels else profile.input_columns)]
    problems = [
        FieldProblem(name, f"unknown column for profile {profile.name}")
        for name in header
        if name not in known
    ]
    problems += [FieldProblem(name, "missing column") for name in wanted if name not in set(header)]
    dupes = sorted({h for h in header if header.count(h) > 1})
    problems += [FieldProblem(name, "column appears more than once") for name in dupes]
    if problems:
        raise InvalidInput(f"{path}: the columns do not match profile {profile.name}", problems)
    return wanted


def read_chunks(
    path: Path, profile: FileProfile, *, labels: bool, chunk_rows: int = CHUNK_ROWS
) -> Iterator[Chunk]:
    """Stream ``path`` in chunks of checked rows. Labels are read only when ``labels``."""
    wanted = check_columns(path, profile, labels=labels)
    by_source = {c.source: c for c in profile.columns}
    convert = pacsv.ConvertOptions(
        include_columns=wanted,
        column_types={name: pa.string() for name in wanted},
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    # Block size in bytes; a declaration line is about 110 bytes.
    read = pacsv.ReadOptions(block_size=max(1 << 20, chunk_rows * 128))
    reader = pacsv.open_csv(path, read_options=read, convert_options=convert)
    first_line = 2  # line 1 is the header
    for batch in reader:
        raw = batch.to_pandas()
        chunk = _check(raw, [by_source[s] for s in wanted], str(path), first_line)
        first_line += len(raw)
        yield chunk


@dataclass(frozen=True)
class RawBlock:
    """Whole lines of a file as bytes, with the header line and the first line's number:
    cheap to hand to another process, which parses and checks it (:func:`parse_block`)."""

    file: str
    header: bytes
    data: bytes
    first_line: int


def raw_blocks(
    path: Path, profile: FileProfile, *, labels: bool, chunk_rows: int = CHUNK_ROWS
) -> Iterator[RawBlock]:
    """Split ``path`` into blocks of about ``chunk_rows`` lines without parsing them.

    Records are taken to be one line each (no line breaks inside quoted fields), which
    declaration files respect; line numbers in rejects rely on the same.
    """
    check_columns(path, profile, labels=labels)
    size = max(4096, chunk_rows * 110)
    with path.open("rb") as fh:
        header = fh.readline()
        line = 2
        while True:
            data = fh.read(size)
            if not data:
                return
            if not data.endswith(b"\n"):
                data += fh.readline()
            yield RawBlock(str(path), header, data, line)
            line += data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def parse_block(block: RawBlock, profile: FileProfile, *, labels: bool) -> Chunk:
    """Parse and check one :class:`RawBlock` (same checks as :func:`read_chunks`)."""
    wanted = [c.source for c in (profile.columns if labels else profile.input_columns)]
    by_source = {c.source: c for c in profile.columns}
    convert = pacsv.ConvertOptions(
        include_columns=wanted,
        column_types={name: pa.string() for name in wanted},
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    read = pacsv.ReadOptions(use_threads=False, block_size=len(block.data) + len(block.header) + 1)
    table = pacsv.read_csv(
        pa.py_buffer(block.header.lstrip(b"\xef\xbb\xbf") + block.data),
        read_options=read,
        convert_options=convert,
    )
    return _check(table.to_pandas(), [by_source[s] for s in wanted], block.file, block.first_line)


def read_frame(path: Path, profile: FileProfile, *, labels: bool) -> Chunk:
    """The whole file as one checked frame (training and evaluation sizes)."""
    frames, rejects, rows = [], [], 0
    for chunk in read_chunks(path, profile, labels=labels):
        frames.append(chunk.frame)
        rejects.extend(chunk.rejects)
        rows += chunk.rows_read
    frame = pd.concat(frames, ignore_index=True) if frames else empty_frame(labels=labels)
    return Chunk(frame, rejects, rows)


def empty_frame(*, labels: bool) -> pd.DataFrame:
    cols = list(FRAME_COLUMNS) + (["fraud", "critical"] if labels else [])
    return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})


def _check(raw: pd.DataFrame, columns: list[Column], file: str, first_line: int) -> Chunk:
    """Convert a chunk of strings to typed canonical columns, setting bad rows aside."""
    n = len(raw)
    bad = np.zeros(n, dtype=bool)
    rejects: list[Reject] = []
    lines = np.arange(first_line, first_line + n)
    out: dict[str, pd.Series] = {}

    def flag(mask: np.ndarray, col: Column, reason: str, values: pd.Series) -> None:
        nonlocal bad
        for i in np.flatnonzero(mask):
            v = values.iloc[i]
            rejects.append(
                Reject(file, int(lines[i]), col.source, reason, None if pd.isna(v) else str(v))
            )
        bad |= mask

    for col in columns:
        values = raw[col.source].str.strip()
        values = values.where(values != "", None)
        missing = values.isna().to_numpy()
        if col.required:
            flag(missing, col, "required value is empty", values)
        if col.kind == "date":
            parsed = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
            flag(parsed.isna().to_numpy() & ~missing, col, "not a date (YYYY-MM-DD)", values)
            out[col.name] = parsed
        elif col.kind == "number":
            parsed = pd.to_numeric(values, errors="coerce")
            flag(parsed.isna().to_numpy() & ~missing, col, "not a number", values)
            negative = np.nan_to_num(parsed.to_numpy(dtype="float64"), nan=0.0) < 0
            flag(negative, col, "must not be negative", values)
            out[col.name] = parsed.astype("float64")
        elif col.kind == "label":
            parsed = pd.to_numeric(values, errors="coerce")
            allowed = {0, 1} if col.name == "fraud" else {0, 1, 2}
            flag(~parsed.isin(allowed).to_numpy(), col, f"must be one of {sorted(allowed)}", values)
            out[col.name] = parsed.fillna(0).astype("int8")
        else:
            out[col.name] = values.astype(object)
    frame = pd.DataFrame(out)
    if "hs6" in frame:
        hs = frame["hs6"].fillna("")
        badhs = ~hs.str.fullmatch(r"\d{6}").to_numpy() & frame["hs6"].notna().to_numpy()
        flag(
            badhs,
            next(c for c in columns if c.name == "hs6"),
            "not a 6-digit HS code",
            frame["hs6"],
        )
    frame = frame.loc[~bad].reset_index(drop=True)
    rejects.sort(key=lambda r: r.line)
    return Chunk(frame, rejects, n)


def write_rejects(path: Path, rejects: list[Reject]) -> None:
    """A CSV of the rows set aside: file, line, column, reason, value."""
    frame = pd.DataFrame(
        {
            "file": [r.file for r in rejects],
            "line": [r.line for r in rejects],
            "column": [r.column for r in rejects],
            "reason": [r.reason for r in rejects],
            "value": [r.value for r in rejects],
        }
    )
    frame.to_csv(path, index=False)


def problems_of(rejects: list[Reject]) -> list[FieldProblem]:
    return [
        FieldProblem(r.column, f"{r.file}: {r.reason}", row=r.line, value=r.value) for r in rejects
    ]
