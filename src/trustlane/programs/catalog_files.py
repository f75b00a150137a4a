"""Catalog criteria as spreadsheet rows: CSV and XLSX, written byte-for-byte reproducibly.

One row per criterion. Columns (the first eight are the contract of
``trustlane programs catalog export``; the rest make a file importable on its own):

``id, focus_area, section, criterion, guidance, level, entity_types, effective_from,
program, section_id``

``entity_types`` lists slugs separated by ``;``. Reading checks every row against the
program's catalog (known sections and entity types, one row per id, text present) and
returns every problem with its spreadsheet row number (the header is row 1), so that a file
with errors is refused whole.

Exports are reproducible: the same catalog gives the same bytes, so that export → import →
export gives identical files. XLSX needs care for that: the zip entries and the document
properties carry the time of writing, which is fixed here.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from trustlane.errors import FieldProblem, InvalidInput
from trustlane.programs.catalog import CODE, Catalog, Criterion, parse_date
from trustlane.programs.vocab import Level

#: Columns in the order they are written.
COLUMNS = (
    "id",
    "focus_area",
    "section",
    "criterion",
    "guidance",
    "level",
    "entity_types",
    "effective_from",
    "program",
    "section_id",
)
#: Columns a file must have (``program`` may come from the command line instead).
REQUIRED = ("id", "criterion", "level", "entity_types", "effective_from")
#: Separator of entity types in one cell.
LIST_SEPARATOR = ";"
#: Name of the worksheet that holds the criteria.
SHEET = "criteria"
#: Timestamp written into XLSX files (zip entries and document properties), so that the same
#: catalog always gives the same bytes.
FIXED_TIME = datetime(2000, 1, 1)


class FileFormat:
    CSV = "csv"
    XLSX = "xlsx"


def file_format(path: Path) -> str:
    """``csv`` or ``xlsx`` from the file's extension; anything else is refused."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix in (FileFormat.CSV, FileFormat.XLSX):
        return suffix
    raise InvalidInput(
        f"Cannot tell the format of {path.name}",
        [FieldProblem("file", "the name must end in .csv or .xlsx", value=path.name)],
    )


def criteria_rows(catalog: Catalog, criteria: Iterable[Criterion]) -> list[dict[str, str]]:
    """Rows of ``criteria`` (of ``catalog``) as strings, in the column order."""
    rows = []
    for c in criteria:
        section = catalog.section(c.section)
        rows.append(
            {
                "id": c.id,
                "focus_area": catalog.focus_area(section.focus_area).title,
                "section": section.title,
                "criterion": c.text,
                "guidance": c.guidance,
                "level": c.level.value,
                "entity_types": LIST_SEPARATOR.join(c.entity_types),
                "effective_from": c.effective_from.isoformat(),
                "program": catalog.program,
                "section_id": section.id,
            }
        )
    return rows


def write_rows(rows: Sequence[Mapping[str, str]], fmt: str) -> bytes:
    """The file's bytes: CSV (UTF-8, ``\\n`` line ends) or a one-sheet XLSX workbook."""
    if fmt == FileFormat.CSV:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue().encode("utf-8")
    return _write_xlsx(rows)


def _write_xlsx(rows: Sequence[Mapping[str, str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values: list[Any] = [row[c] for c in COLUMNS]
        # A real date cell, so that spreadsheet users can sort and filter by it.
        values[COLUMNS.index("effective_from")] = date.fromisoformat(row["effective_from"])
        ws.append(values)
    widths = {"id": 8, "focus_area": 22, "section": 30, "criterion": 70, "guidance": 50}
    for i, name in enumerate(COLUMNS):
        letter = ws.cell(row=1, column=i + 1).column_letter
        ws.column_dimensions[letter].width = widths.get(name, 16)
    date_col = COLUMNS.index("effective_from") + 1
    for (cell,) in ws.iter_rows(min_row=2, min_col=date_col, max_col=date_col):
        cell.number_format = "yyyy-mm-dd"
    wrap = Alignment(wrap_text=True, vertical="top")
    for name in ("criterion", "guidance"):
        col = COLUMNS.index(name) + 1
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.alignment = wrap
    ws.freeze_panes = "A2"
    wb.properties.creator = "trustlane"
    wb.properties.created = FIXED_TIME
    buffer = io.BytesIO()
    wb.save(buffer)
    return _fix_zip_times(buffer.getvalue())


def _fix_zip_times(data: bytes) -> bytes:
    """Rewrite the workbook's zip with fixed entry times and a fixed "modified" property.

    openpyxl stamps both with the time of saving; without this, two exports of the same
    catalog a second apart differ.
    """
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, content)
    return out.getvalue()


@dataclass
class RawRows:
    """Rows read from a file: the header, and each row with its spreadsheet row number."""

    header: list[str]
    rows: list[tuple[int, dict[str, Any]]]


def read_rows(data: bytes, fmt: str, name: str) -> RawRows:
    """The header and rows of a CSV or XLSX file (blank rows skipped)."""
    if fmt == FileFormat.CSV:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                f"{name} is not UTF-8 text",
                [FieldProblem("file", f"byte {exc.start} cannot be decoded as UTF-8")],
            ) from exc
        reader = csv.reader(io.StringIO(text, newline=""))
        table = [list(r) for r in reader]
    else:
        table = _read_xlsx(data, name)
    if not table:
        raise InvalidInput(f"{name} is empty", [FieldProblem("file", "no header row")])
    header = [str(h or "").strip() for h in table[0]]
    rows = []
    for i, values in enumerate(table[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        rows.append(
            (i, {h: (values[j] if j < len(values) else None) for j, h in enumerate(header)})
        )
    return RawRows(header, rows)


def _read_xlsx(data: bytes, name: str) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InvalidInput(
            f"{name} is not a readable XLSX workbook", [FieldProblem("file", str(exc))]
        ) from exc
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def program_of(raw: RawRows, name: str, program: str | None) -> str:
    """The program the rows belong to: the ``program`` column (one value) or ``program``."""
    found = {_cell(r.get("program")) for _, r in raw.rows if _cell(r.get("program"))}
    if program:
        others = found - {program}
        if others:
            raise InvalidInput(
                f"{name} names other programs than {program}",
                [FieldProblem("program", f"unexpected: {', '.join(sorted(others))}")],
            )
        return program
    if len(found) == 1:
        return found.pop()
    reason = (
        "no program named; add a program column or give --program"
        if not found
        else f"one program per file; found {', '.join(sorted(found))}"
    )
    raise InvalidInput(
        f"Cannot tell which program {name} is for", [FieldProblem("program", reason)]
    )


def parse_criteria(raw: RawRows, catalog: Catalog, name: str) -> list[Criterion]:
    """The rows as criteria of ``catalog``'s program, or every problem at once."""
    problems: list[FieldProblem] = []
    unknown = [h for h in raw.header if h not in COLUMNS]
    for h in unknown:
        problems.append(
            FieldProblem(h or "(blank)", f"unknown column; expected: {', '.join(COLUMNS)}", 1)
        )
    missing = [c for c in REQUIRED if c not in raw.header]
    if "section" not in raw.header and "section_id" not in raw.header:
        missing.append("section")
    for c in missing:
        problems.append(FieldProblem(c, "required column is missing", 1))
    if problems:
        raise InvalidInput(f"{name} does not have the catalog's columns", problems)
    if not raw.rows:
        raise InvalidInput(f"{name} has no criteria", [FieldProblem("file", "no data rows")])

    by_title = {s.title.casefold(): s for s in catalog.sections}
    by_id = {s.id: s for s in catalog.sections}
    seen: dict[str, int] = {}
    criteria: list[Criterion] = []
    for row_no, row in raw.rows:
        before = len(problems)

        def bad(column: str, reason: str, value: Any = None, row_no: int = row_no) -> None:
            problems.append(FieldProblem(column, reason, row_no, value or None))

        cid = _cell(row.get("id"))
        if not CODE.match(cid):
            bad("id", "must be 1-16 letters, digits, dots or hyphens", cid)
        elif cid in seen:
            bad("id", f"duplicate id; already on row {seen[cid]}", cid)
        else:
            seen[cid] = row_no
        section = None
        sid, stitle = _cell(row.get("section_id")), _cell(row.get("section"))
        if sid:
            section = by_id.get(sid)
            if section is None:
                bad("section_id", f"unknown section of {catalog.program}", sid)
            elif stitle and stitle.casefold() != section.title.casefold():
                bad("section", f"section {sid} is called {section.title!r}", stitle)
        elif stitle:
            section = by_title.get(stitle.casefold())
            if section is None:
                bad("section", f"unknown section of {catalog.program}", stitle)
        else:
            bad("section", "name the section")
        focus = _cell(row.get("focus_area"))
        if section is not None and focus:
            expected = catalog.focus_area(section.focus_area).title
            if focus.casefold() != expected.casefold():
                bad("focus_area", f"section {section.id} belongs to {expected!r}", focus)
        text = " ".join(_cell(row.get("criterion")).split())
        if not text:
            bad("criterion", "a criterion needs its text")
        level = _cell(row.get("level")).lower()
        if level not in Level.__members__:
            bad("level", "must be 'must' or 'should'", level)
        types = [t.strip() for t in re.split(r"[;,]", _cell(row.get("entity_types"))) if t.strip()]
        unknown_types = [t for t in types if t not in catalog.entity_types]
        if not types:
            bad("entity_types", "name at least one entity type")
        for t in unknown_types:
            bad("entity_types", f"unknown entity type of {catalog.program}", t)
        effective = parse_date(row.get("effective_from"))
        if effective is None:
            bad("effective_from", "must be a date (YYYY-MM-DD)", _cell(row.get("effective_from")))
        if len(problems) > before or section is None or effective is None:
            continue
        criteria.append(
            Criterion(
                id=cid,
                section=section.id,
                text=text,
                guidance=" ".join(_cell(row.get("guidance")).split()),
                level=Level(level),
                entity_types=tuple(e for e in catalog.entity_types if e in types),
                effective_from=effective,
            )
        )
    if problems:
        raise InvalidInput(f"{name} has {len(problems)} problems; nothing was imported", problems)
    return criteria


def read_table(
    data: bytes, name: str, required: Sequence[str], optional: Sequence[str] = ()
) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV or XLSX file with these columns (text values), each with its file row;
    unknown or missing columns are refused, naming them."""
    raw = read_rows(data, file_format(Path(name)), name)
    known = [*required, *optional]
    problems = [
        FieldProblem(h or "(blank)", f"unknown column; expected: {', '.join(known)}", 1)
        for h in raw.header
        if h not in known
    ]
    problems += [
        FieldProblem(c, "required column is missing", 1) for c in required if c not in raw.header
    ]
    if problems:
        raise InvalidInput(f"{name} does not have the expected columns", problems)
    return [(row_no, {k: _cell(v) for k, v in row.items()}) for row_no, row in raw.rows]
