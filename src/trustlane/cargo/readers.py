"""Streaming readers: a source file as chunks of text columns, with the row number of each row.

Memory stays bounded by the chunk size whatever the file's size: CSV goes through pyarrow's
streaming CSV reader, Parquet through its row-batch iterator, JSON Lines line by line. Every
value comes out as text (``""`` when empty or null) so that one validation path
(:mod:`trustlane.cargo.validate`) checks and converts all formats alike.

Row numbers are what a person opening the file would look for: for CSV and JSON Lines the
line number in the file (the CSV header is line 1); for Parquet the 1-based row index.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from trustlane.errors import FieldProblem, InvalidInput

#: File name endings → format.
EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
FORMATS = ("csv", "jsonl", "parquet")

#: Bytes pyarrow parses at a time; small enough that a chunk overshoots little.
CSV_BLOCK_BYTES = 1 << 20


@dataclass
class Malformed:
    """A record that could not be parsed at all (wrong field count, broken JSON)."""

    row: int
    text: str
    reason: str


@dataclass
class RawChunk:
    """Consecutive records of a file: text columns, their row numbers, and unparsable ones."""

    frame: pd.DataFrame
    rows: np.ndarray[Any, np.dtype[np.int64]]
    malformed: list[Malformed] = field(default_factory=list)
    done: int = 0  # bytes of the file read so far (progress)
    blank: int = 0  # blank lines skipped in this chunk (not records, not rejected)


def detect_format(path: Path, fmt: str | None) -> str:
    """The format named by ``fmt`` or by the file's extension."""
    if fmt:
        fmt = fmt.lower().replace("json-lines", "jsonl").replace("ndjson", "jsonl")
        if fmt not in FORMATS:
            raise InvalidInput(
                f"Unknown format {fmt!r}",
                [FieldProblem("format", f"must be one of {', '.join(FORMATS)}", value=fmt)],
            )
        return fmt
    found = EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise InvalidInput(
            f"Cannot tell the format of {path.name}",
            [
                FieldProblem(
                    "format",
                    "unknown file extension; name the format (csv, jsonl or parquet)",
                    value=path.suffix,
                )
            ],
        )
    return found


class SourceFile:
    """One input file: its format, its columns, and its records chunk by chunk."""

    def __init__(self, path: Path, fmt: str | None = None) -> None:
        self.path = path
        self._raw_columns: list[str] = []
        self.format = detect_format(path, fmt)
        if not path.is_file():
            raise InvalidInput(f"Cannot read {path}: no such file")
        self.size = path.stat().st_size
        try:
            self.columns = self._read_columns()
        except InvalidInput:
            raise
        except (OSError, UnicodeDecodeError, ValueError, pa.ArrowException) as exc:
            raise InvalidInput(f"Cannot read {path.name} as {self.format}: {exc}") from exc
        duplicated = sorted({c for c in self.columns if self.columns.count(c) > 1})
        if duplicated:
            raise InvalidInput(
                f"{path.name}: duplicate column names",
                [FieldProblem(c, "column appears more than once") for c in duplicated],
            )

    def _read_columns(self) -> list[str]:
        if self.format == "parquet":
            return [str(n) for n in pq.ParquetFile(self.path).schema_arrow.names]
        with self.path.open(encoding="utf-8-sig", newline="") as fh:
            if self.format == "csv":
                header = next(csv.reader(fh), None)
                if not header:
                    raise InvalidInput(f"{self.path.name} is empty: no header row")
                self._raw_columns = header
                return [h.strip() for h in header]
            for line in fh:
                if line.strip():
                    first = json.loads(line)
                    if not isinstance(first, dict):
                        raise InvalidInput(f"{self.path.name}: line 1 is not a JSON object")
                    return [str(k) for k in first]
        raise InvalidInput(f"{self.path.name} is empty")

    def chunks(self, chunk_rows: int, wanted: list[str]) -> Iterator[RawChunk]:
        """The file's records, ``chunk_rows`` at a time, as text columns ``wanted``
        (columns the file lacks come out empty)."""
        try:
            if self.format == "csv":
                yield from (_drop_blank(c) for c in self._csv_chunks(chunk_rows, wanted))
            elif self.format == "parquet":
                yield from self._parquet_chunks(chunk_rows, wanted)
            else:
                yield from self._jsonl_chunks(chunk_rows, wanted)
        except (OSError, UnicodeDecodeError, pa.ArrowException) as exc:
            raise InvalidInput(f"Cannot read {self.path.name}: {exc}") from exc

    # CSV ---------------------------------------------------------------------------------

    def _csv_chunks(self, chunk_rows: int, wanted: list[str]) -> Iterator[RawChunk]:
        skipped: list[Malformed] = []
        blank_lines: list[int] = []
        width = len(self.columns)

        def on_invalid(row: Any) -> str:
            # Only with use_threads=False does pyarrow know the physical line number.
            line = int(row.number)
            if not row.text.strip():
                blank_lines.append(line)
            else:
                skipped.append(
                    Malformed(
                        line,
                        row.text[:300],
                        f"has {row.actual_columns} fields where the header has {width}"
                        + (
                            " (a value with a line break is not supported in CSV)"
                            if '"' in row.text
                            else ""
                        ),
                    )
                )
            return "skip"

        present = [c for c in wanted if c in self.columns]
        with self.path.open("rb") as fh:
            reader = pacsv.open_csv(
                fh,
                read_options=pacsv.ReadOptions(
                    use_threads=False, block_size=CSV_BLOCK_BYTES, column_names=None
                ),
                parse_options=pacsv.ParseOptions(
                    invalid_row_handler=on_invalid,
                    newlines_in_values=False,
                    ignore_empty_lines=False,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(self._raw_columns, pa.string()),
                    include_columns=[self._raw_name(c) for c in present],
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            next_line = 2  # line 1 is the header
            pending: list[pa.RecordBatch] = []
            pending_rows: list[np.ndarray[Any, np.dtype[np.int64]]] = []
            pending_count = 0
            for batch in reader:
                lines, next_line = _assign_lines(
                    next_line, batch.num_rows, [m.row for m in skipped] + blank_lines
                )
                pending.append(batch)
                pending_rows.append(lines)
                pending_count += batch.num_rows
                while pending_count >= chunk_rows:
                    table = pa.Table.from_batches(pending)
                    rows = np.concatenate(pending_rows)
                    head, rest = table.slice(0, chunk_rows), table.slice(chunk_rows)
                    limit = int(rows[chunk_rows - 1])
                    bad = [m for m in skipped if m.row < limit]
                    skipped[:] = [m for m in skipped if m.row >= limit]
                    blank = sum(1 for n in blank_lines if n < limit)
                    blank_lines[:] = [n for n in blank_lines if n >= limit]
                    yield RawChunk(
                        self._frame(head, present, wanted), rows[:chunk_rows], bad, fh.tell(), blank
                    )
                    pending = rest.to_batches()
                    pending_rows = [rows[chunk_rows:]]
                    pending_count = rest.num_rows
            table = (
                pa.Table.from_batches(pending)
                if pending
                else pa.table({self._raw_name(c): pa.array([], pa.string()) for c in present})
            )
            rows = np.concatenate(pending_rows) if pending_rows else np.empty(0, np.int64)
            if table.num_rows or skipped or blank_lines:
                yield RawChunk(
                    self._frame(table, present, wanted),
                    rows,
                    list(skipped),
                    self.size,
                    len(blank_lines),
                )

    def _raw_name(self, column: str) -> str:
        """A column's header exactly as pyarrow sees it (before trimming)."""
        return self._raw_columns[self.columns.index(column)]

    def _frame(self, table: pa.Table, present: list[str], wanted: list[str]) -> pd.DataFrame:
        data: dict[str, Any] = {}
        for column in wanted:
            if column in present:
                raw = self._raw_name(column) if self.format == "csv" else column
                data[column] = table.column(raw).to_pandas()
            else:
                data[column] = pd.Series([""] * table.num_rows, dtype="str")
        return pd.DataFrame(data, index=pd.RangeIndex(table.num_rows))

    # Parquet ------------------------------------------------------------------------------

    def _parquet_chunks(self, chunk_rows: int, wanted: list[str]) -> Iterator[RawChunk]:
        source = pq.ParquetFile(self.path)
        total = max(1, source.metadata.num_rows)
        present = [c for c in wanted if c in self.columns]
        start = 0
        for batch in source.iter_batches(batch_size=chunk_rows, columns=present or None):
            arrays = {}
            for column in present:
                values = batch.column(column)
                if not pa.types.is_string(values.type):
                    values = pc.cast(values, pa.string())
                arrays[column] = pc.fill_null(values, "")
            table = pa.table(arrays) if arrays else pa.table({"_": pa.nulls(batch.num_rows)})
            rows = np.arange(start + 1, start + batch.num_rows + 1, dtype=np.int64)
            start += batch.num_rows
            yield RawChunk(
                self._frame(table, present, wanted), rows, [], int(self.size * start / total)
            )

    # JSON Lines ---------------------------------------------------------------------------

    def _jsonl_chunks(self, chunk_rows: int, wanted: list[str]) -> Iterator[RawChunk]:
        with self.path.open("rb") as fh:
            text = io.TextIOWrapper(fh, encoding="utf-8-sig")
            line_no = 0
            while True:
                records: list[dict[str, Any]] = []
                rows: list[int] = []
                bad: list[Malformed] = []
                blank = 0
                for line in text:
                    line_no += 1
                    if not line.strip():
                        blank += 1
                        continue
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError as exc:
                        bad.append(Malformed(line_no, line[:300], f"not valid JSON: {exc.msg}"))
                        continue
                    if not isinstance(obj, dict):
                        bad.append(Malformed(line_no, line[:300], "not a JSON object"))
                        continue
                    records.append(obj)
                    rows.append(line_no)
                    if len(records) >= chunk_rows:
                        break
                if not records and not bad and not blank:
                    return
                frame = pd.DataFrame(
                    {
                        c: pd.Series([_as_text(r.get(c)) for r in records], dtype="str")
                        for c in wanted
                    },
                    index=pd.RangeIndex(len(records)),
                )
                yield RawChunk(frame, np.asarray(rows, dtype=np.int64), bad, fh.tell(), blank)
                if len(records) < chunk_rows:
                    return


def _drop_blank(chunk: RawChunk) -> RawChunk:
    """Leave out rows with nothing in them (pyarrow gives an empty line as an empty row)."""
    if chunk.frame.empty:
        return chunk
    empty = (chunk.frame == "").all(axis=1).to_numpy()
    if not empty.any():
        return chunk
    return RawChunk(
        chunk.frame[~empty].reset_index(drop=True),
        chunk.rows[~empty],
        chunk.malformed,
        chunk.done,
        chunk.blank + int(empty.sum()),
    )


def _as_text(value: Any) -> str:
    """A JSON value as the text a CSV would have held."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _assign_lines(
    next_line: int, count: int, not_records: list[int]
) -> tuple[np.ndarray[Any, np.dtype[np.int64]], int]:
    """Line numbers of ``count`` parsed records starting at ``next_line``, skipping the lines
    pyarrow reported as malformed or blank. Returns them and the next free line."""
    if count == 0:
        return np.empty(0, np.int64), next_line
    skip = np.unique(np.asarray([n for n in not_records if n >= next_line], dtype=np.int64))
    candidates = np.arange(next_line, next_line + count + len(skip), dtype=np.int64)
    lines = np.setdiff1d(candidates, skip, assume_unique=True)[:count]
    return lines, int(lines[-1]) + 1
