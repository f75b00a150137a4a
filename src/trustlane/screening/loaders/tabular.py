"""A generic CSV list with a column mapping: forced-labor entity lists (published as web
tables), withhold release orders and findings (a producer and a product), in-house watch
lists.

Without a mapping the columns are expected under our field names (case-insensitive). A
mapping names the file's column for each field and list-wide defaults::

    columns: {name: "Entity Name", aliases: "Also Known As", hs_codes: "HTS"}
    defaults: {category: forced_labor, action: rebuttable_presumption, regions: [cn-xj]}
    separator: ";"

Fields: id, name, aliases, weak_aliases, type, country, nationality, date_of_birth,
place_of_birth, address, identifiers ("scheme:value"), passport, national_id, tax_id,
registration, imo, lei, programs, remarks, source, listed_on, category, action, hs_codes,
regions, products, licence_requirement, note.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from trustlane.errors import FieldProblem, InvalidInput
from trustlane.screening.loaders.common import (
    LoadResult,
    clean,
    csv_rows,
    decode_lines,
    squash,
    wrong_file,
)
from trustlane.screening.normalize import kind_of
from trustlane.screening.records import (
    DEFAULT_ACTIONS,
    Action,
    Category,
    Consequence,
    EntryName,
    EntryRecord,
    Identifier,
    NameQuality,
    birth_dates,
    country_code,
    hs_code,
    parse_date,
    region_code,
)

FIELDS = (
    "id",
    "name",
    "aliases",
    "weak_aliases",
    "type",
    "country",
    "nationality",
    "date_of_birth",
    "place_of_birth",
    "address",
    "identifiers",
    "passport",
    "national_id",
    "tax_id",
    "registration",
    "imo",
    "lei",
    "programs",
    "remarks",
    "source",
    "listed_on",
    "category",
    "action",
    "hs_codes",
    "regions",
    "products",
    "licence_requirement",
    "note",
)
ID_FIELDS = ("passport", "national_id", "tax_id", "registration", "imo", "lei")


def check_mapping(mapping: dict[str, Any]) -> None:
    """Refuse a mapping with unknown fields or values (before any row is read)."""
    problems: list[FieldProblem] = []
    for key in mapping:
        if key not in ("columns", "defaults", "separator"):
            problems.append(FieldProblem(f"mapping.{key}", "unknown key"))
    for field in mapping.get("columns") or {}:
        if field not in FIELDS:
            problems.append(FieldProblem(f"mapping.columns.{field}", "unknown field"))
    defaults = mapping.get("defaults") or {}
    for field in defaults:
        if field not in FIELDS:
            problems.append(FieldProblem(f"mapping.defaults.{field}", "unknown field"))
    if "category" in defaults and defaults["category"] not in Category.__members__:
        problems.append(FieldProblem("mapping.defaults.category", f"one of {', '.join(Category)}"))
    if "action" in defaults and defaults["action"] not in Action.__members__:
        problems.append(FieldProblem("mapping.defaults.action", f"one of {', '.join(Action)}"))
    if problems:
        raise InvalidInput("Invalid column mapping", problems)


def load_table(path: Path, mapping: dict[str, Any] | None = None) -> LoadResult:
    """Read a CSV list with an optional column mapping."""
    if path.is_dir():
        raise wrong_file(path, "csv", "expected a CSV file, got a folder")
    mapping = dict(mapping or {})
    check_mapping(mapping)
    columns: dict[str, str] = dict(mapping.get("columns") or {})
    defaults: dict[str, Any] = dict(mapping.get("defaults") or {})
    sep = str(mapping.get("separator") or ";")
    result = LoadResult(records=[], default_name=path.stem)
    text = decode_lines(path, path.read_bytes(), result)
    rows = csv_rows(text)
    try:
        _, header = next(rows)
    except StopIteration:
        raise wrong_file(path, "csv", "the file is empty") from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    lower = {h.lower(): i for i, h in enumerate(header)}
    index: dict[str, int] = {}
    for field in FIELDS:
        column = columns.get(field, field)
        if column.lower() in lower:
            index[field] = lower[column.lower()]
        elif field in columns:
            raise wrong_file(
                path, "csv", f"mapped column {column!r} ({field}) is not in the header"
            )
    if "name" not in index:
        raise wrong_file(path, "csv", "no name column (map one with columns: {name: ...})")

    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        result.rows_read += 1
        if len(cells) < len(header):
            cells = cells + [""] * (len(header) - len(cells))

        def cell(field: str, cells: list[str] = cells) -> str | None:
            i = index.get(field)
            value = clean(cells[i]) if i is not None and i < len(cells) else None
            if value is None and field in defaults and not isinstance(defaults[field], list):
                return str(defaults[field])
            return value

        def many(field: str, cells: list[str] = cells) -> list[str]:
            value = cell(field, cells)
            if value is None:
                default = defaults.get(field)
                return [str(v) for v in default] if isinstance(default, list) else []
            return [p.strip() for p in value.split(sep) if p.strip()]

        record = _record(line, cell, many, result)
        if record is not None:
            result.records.append(record)
    if not result.records:
        raise wrong_file(path, "csv", "no entries could be read")
    return result


def _record(line: int, cell: Any, many: Any, result: LoadResult) -> EntryRecord | None:
    name = cell("name")
    if not name or not squash(name):
        result.reject(FieldProblem("name", "empty name", row=line))
        return None
    category_text = (cell("category") or "internal").strip().lower().replace(" ", "_")
    if category_text not in Category.__members__:
        result.reject(FieldProblem("category", f"unknown category {category_text!r}", row=line))
        return None
    category = Category(category_text)
    action_text = (cell("action") or DEFAULT_ACTIONS[category].value).strip().lower()
    action_text = action_text.replace(" ", "_").replace("-", "_")
    if action_text not in Action.__members__:
        result.reject(FieldProblem("action", f"unknown action {action_text!r}", row=line))
        return None
    key = cell("id") or hashlib.sha256(squash(name).upper().encode()).hexdigest()[:16]
    record = EntryRecord(
        key=key,
        kind=kind_of(cell("type") or "organization"),
        names=[EntryName(squash(name), NameQuality.primary)]
        + [EntryName(squash(a), NameQuality.aka) for a in many("aliases")]
        + [EntryName(squash(a), NameQuality.weak) for a in many("weak_aliases")],
        category=category,
        source=cell("source"),
        programs=many("programs"),
        remarks=cell("remarks"),
        listed_on=parse_date(cell("listed_on")),
        addresses=many("address"),
        birth_places=many("place_of_birth"),
    )
    for value in many("date_of_birth"):
        dates = birth_dates(value)
        if not dates:
            result.note(FieldProblem("date_of_birth", f"unreadable date {value!r}", row=line))
        record.birth_dates.extend(dates)
    for field, target in (("country", record.countries), ("nationality", record.nationalities)):
        for value in many(field):
            code = country_code(value)
            if code is None:
                result.note(FieldProblem(field, f"unknown country {value!r}", row=line))
            elif code not in target:
                target.append(code)
    for value in many("identifiers"):
        scheme, _, number = value.partition(":")
        if number.strip():
            record.identifiers.append(Identifier(scheme.strip().lower(), number.strip()))
    for field in ID_FIELDS:
        for value in many(field):
            record.identifiers.append(Identifier(field, value))
    hs_codes: list[str] = []
    for value in many("hs_codes"):
        for piece in re.split(r"[,\s]+", value):
            if not piece:
                continue
            code = hs_code(piece)
            if code is None:
                result.note(FieldProblem("hs_codes", f"not an HS code: {piece!r}", row=line))
            else:
                hs_codes.append(code)
    regions: list[str] = []
    for value in many("regions"):
        code = region_code(value)
        if code is None:
            result.note(FieldProblem("regions", f"unknown region {value!r}", row=line))
        else:
            regions.append(code)
    if category is not Category.sanctions or cell("action") or hs_codes or regions:
        record.consequence = Consequence(
            action=Action(action_text),
            hs_codes=hs_codes,
            regions=regions,
            products=many("products"),
            licence_requirement=cell("licence_requirement"),
            note=cell("note"),
        )
    return record
