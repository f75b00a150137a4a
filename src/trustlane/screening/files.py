"""The file contracts of ``trustlane screening compare`` and ``trustlane screening screen``.

Both read a CSV, keep every input column and row in order, and add their own columns.
Rows that cannot be processed (an empty name) still get an output row, with the problem in
the explanation, and are counted in the summary with their row number.

Screening a large file runs in worker processes (one per core by default): the index is
built or loaded once in the parent and shared with the workers when they are forked.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from trustlane.errors import FieldProblem, InvalidInput
from trustlane.progress import NoProgress, Progress
from trustlane.screening.engine import Hit, Party, Screener
from trustlane.screening.loaders.csl import source_code
from trustlane.screening.matching import compare_names
from trustlane.screening.model import NameModel
from trustlane.screening.normalize import EntityKind, kind_of
from trustlane.screening.records import Identifier, birth_dates, country_code

COMPARE_COLUMNS = ("score", "match", "explanation")
SCREEN_COLUMNS = ("alert", "score", "list", "entry_id", "matched_name", "reasons")
HIT_COLUMNS = (
    "row",
    "full_name",
    "list",
    "entry_id",
    "matched_name",
    "score",
    "threshold",
    "category",
    "action",
    "reasons",
)
#: Columns that say a row is a person when no schema is given.
PERSON_COLUMNS = ("first_name", "middle_name", "last_name", "gender", "date_of_birth")
ID_COLUMNS = ("passport", "national_id", "tax_id", "registration", "imo", "lei", "identifier")
CHUNK_ROWS = 500


@dataclass
class FileSummary:
    rows: int = 0
    matches: int = 0  # compare: pairs judged a match; screen: rows with an alert
    hits: int = 0
    problems: list[FieldProblem] = field(default_factory=list)


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    if not path.exists():
        raise InvalidInput(f"{path} does not exist", [FieldProblem("path", "not found")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise InvalidInput(
            f"{path} is not UTF-8 text",
            [FieldProblem("encoding", f"invalid byte at line {line}", row=line)],
        ) from exc
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise InvalidInput(f"{path} is empty", [FieldProblem("file", "no header row")])
    header = [h.strip() for h in rows[0]]
    # Every row counts (the contracts keep one output row per input row); only blank
    # lines, which CSV readers yield as empty rows, are not rows.
    body = [r + [""] * (len(header) - len(r)) for r in rows[1:] if r]
    return header, body


def compare_file(
    path: Path, output: Path, model: NameModel, progress: Progress | None = None
) -> FileSummary:
    """Score every (name1, name2) pair of ``path`` into ``output``."""
    progress = progress or NoProgress()
    header, rows = read_table(path)
    missing = [c for c in ("name1", "name2") if c not in header]
    if missing:
        raise InvalidInput(
            f"{path} lacks required columns", [FieldProblem(c, "missing column") for c in missing]
        )
    summary = FileSummary()
    i_schema = header.index("schema") if "schema" in header else None
    i1, i2 = header.index("name1"), header.index("name2")
    out_header = header + [c for c in COMPARE_COLUMNS if c not in header]
    tmp = output.with_name(output.name + ".part")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(out_header)
        for n, row in enumerate(rows, start=2):
            summary.rows += 1
            kind = kind_of(row[i_schema]) if i_schema is not None else EntityKind.unknown
            if not row[i1].strip() or not row[i2].strip():
                field_name = "name1" if not row[i1].strip() else "name2"
                summary.problems.append(FieldProblem(field_name, "empty name", row=n))
                writer.writerow([*row, "0.0000", "false", f"error: empty {field_name}"])
                continue
            result = compare_names(row[i1], row[i2], kind, model)
            summary.matches += result.is_match
            writer.writerow(
                [
                    *row[: len(header)],
                    f"{result.score:.4f}",
                    "true" if result.is_match else "false",
                    result.explanation(),
                ]
            )
            if summary.rows % 200 == 0:
                progress.update(summary.rows, len(rows), "comparing")
    tmp.replace(output)
    progress.update(summary.rows, len(rows), "compared")
    return summary


def party_from_row(header: Sequence[str], row: Sequence[str]) -> Party:
    """A party from a row of the PARTIES format (``full_name`` and optional columns)."""
    cell = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}
    name = cell.get("full_name") or " ".join(
        p for p in (cell.get("first_name"), cell.get("middle_name"), cell.get("last_name")) if p
    )
    if cell.get("schema"):
        kind = kind_of(cell["schema"])
    elif any(cell.get(c) for c in PERSON_COLUMNS):
        kind = EntityKind.person
    else:
        kind = EntityKind.unknown
    dates = birth_dates(cell.get("date_of_birth", "")) if cell.get("date_of_birth") else []
    countries = {
        code
        for code in (country_code(cell.get(c)) for c in ("nationality", "country", "citizenship"))
        if code
    }
    identifiers = {
        Identifier(c, cell[c]).key for c in ID_COLUMNS if cell.get(c) and len(cell[c]) >= 5
    }
    return Party(
        name=name,
        kind=kind,
        birth_date=dates[0] if dates else None,
        countries=frozenset(countries),
        identifiers=frozenset(identifiers),
        gender=cell.get("gender") or None,
    )


def hit_list_name(hit: Hit) -> str:
    """'csl/EL' for a sub-list of the consolidated list, else the list's name."""
    if hit.entry.source and hit.entry.list_name.startswith("csl"):
        return f"{hit.entry.list_name}/{source_code(hit.entry.source)}"
    return hit.entry.list_name


# The screener a forked worker uses (set in the parent before the pool starts).
_WORKER_SCREENER: Screener | None = None


def use_screener(screener: Screener | None) -> None:
    """Set the screener :func:`screen_chunk` uses in this process (and forked workers)."""
    global _WORKER_SCREENER
    _WORKER_SCREENER = screener


def screen_chunk(
    args: tuple[Sequence[str], list[tuple[int, list[str]]]],
) -> list[tuple[int, list[str], list[list[str]]]]:
    header, chunk = args
    screener = _WORKER_SCREENER
    assert screener is not None
    out: list[tuple[int, list[str], list[list[str]]]] = []
    for number, row in chunk:
        party = party_from_row(header, row)
        if not party.name.strip():
            out.append((number, ["false", "0.0000", "", "", "", "error: empty full_name"], []))
            continue
        hits = screener.screen(party, explain=False)
        best = hits[0] if hits else None
        cells = (
            [
                "true" if best.alert else "false",
                f"{best.score:.4f}",
                hit_list_name(best),
                best.entry.key,
                best.matched_name,
                best.reasons_text(),
            ]
            if best is not None
            else ["false", "0.0000", "", "", "", ""]
        )
        alerts = [
            [
                str(number),
                party.name,
                hit_list_name(h),
                h.entry.key,
                h.matched_name,
                f"{h.score:.4f}",
                f"{h.threshold:.2f}",
                h.entry.category,
                h.entry.action or "",
                h.reasons_text(),
            ]
            for h in hits
            if h.alert
        ]
        out.append((number, cells, alerts))
    return out


def _chunks(rows: list[list[str]], size: int) -> Iterator[list[tuple[int, list[str]]]]:
    for start in range(0, len(rows), size):
        yield [(start + i + 2, r) for i, r in enumerate(rows[start : start + size])]


def screen_file(
    path: Path,
    output: Path,
    screener: Screener,
    *,
    hits_output: Path | None = None,
    progress: Progress | None = None,
    workers: int = 0,
) -> FileSummary:
    """Screen every party of ``path`` into ``output`` (and every alert into ``hits_output``)."""
    global _WORKER_SCREENER
    progress = progress or NoProgress()
    header, rows = read_table(path)
    if "full_name" not in header and "last_name" not in header:
        raise InvalidInput(
            f"{path} lacks the full_name column", [FieldProblem("full_name", "missing column")]
        )
    summary = FileSummary()
    out_header = header + [c for c in SCREEN_COLUMNS if c not in header]
    tmp = output.with_name(output.name + ".part")
    hits_tmp = hits_output.with_name(hits_output.name + ".part") if hits_output else None
    workers = workers or os.cpu_count() or 1
    _WORKER_SCREENER = screener
    chunks = ((header, c) for c in _chunks(rows, CHUNK_ROWS))
    pool = None
    if (
        workers > 1
        and len(rows) > 2 * CHUNK_ROWS
        and "fork" in multiprocessing.get_all_start_methods()
    ):
        pool = multiprocessing.get_context("fork").Pool(workers)
        results: Iterator[list[tuple[int, list[str], list[list[str]]]]] = pool.imap(
            screen_chunk, chunks
        )
    else:
        results = map(screen_chunk, chunks)
    try:
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(out_header)
            hits_fh = hits_tmp.open("w", newline="", encoding="utf-8") if hits_tmp else None
            hits_writer = csv.writer(hits_fh) if hits_fh else None
            if hits_writer:
                hits_writer.writerow(HIT_COLUMNS)
            try:
                for chunk in results:
                    for number, cells, alerts in chunk:
                        row = rows[number - 2]
                        writer.writerow([*row[: len(header)], *cells])
                        summary.rows += 1
                        if cells[0] == "true":
                            summary.matches += 1
                        if cells[-1].startswith("error:"):
                            summary.problems.append(
                                FieldProblem("full_name", "empty name", row=number)
                            )
                        summary.hits += len(alerts)
                        if hits_writer:
                            hits_writer.writerows(alerts)
                    progress.update(summary.rows, len(rows), "screening")
            finally:
                if hits_fh:
                    hits_fh.close()
    finally:
        if pool is not None:
            pool.close()
            pool.join()
        _WORKER_SCREENER = None
    tmp.replace(output)
    if hits_tmp and hits_output:
        hits_tmp.replace(hits_output)
    return summary
