"""The US Consolidated Screening List (trade.gov), CSV or JSON, and the BIS Denied Persons
List text file.

The CSL merges eleven lists of three departments; each entry keeps its own ``source``
(Entity List, Denied Persons, Unverified, Military End User, SDN, ...) with the category
and consequence that go with it: an export-control source carries its licence requirement
and policy as published. The JSON shape is the API's (``{"results": [...]}``, lists for
names, addresses and ids); the CSV shape joins the same fields with ``;``.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from trustlane.errors import FieldProblem
from trustlane.screening.loaders.common import (
    LoadResult,
    clean,
    csv_rows,
    decode_lines,
    split_list,
    squash,
    wrong_file,
)
from trustlane.screening.normalize import EntityKind
from trustlane.screening.records import (
    Action,
    Category,
    Consequence,
    EntryName,
    EntryRecord,
    Identifier,
    NameQuality,
    birth_dates,
    country_code,
    parse_date,
)

#: Source abbreviations that are export-control lists; the others are sanctions programs.
EXPORT_CONTROL_SOURCES = frozenset({"EL", "DPL", "UVL", "MEU", "DTC"})

#: What a hit on each export-control source requires when the list gives no text.
DEFAULT_LICENCE = {
    "EL": "A licence is required for all items subject to the EAR (15 CFR 744.11).",
    "DPL": "Export privileges denied: no export, reexport or transfer of items subject to the "
    "EAR, with or on behalf of the denied person (15 CFR 764).",
    "UVL": "A UVL statement is required; licence exceptions are not available (15 CFR 744.15).",
    "MEU": "A licence is required for items in supplement no. 2 to part 744 (15 CFR 744.21).",
    "DTC": "Debarred from ITAR-controlled exports (22 CFR 127.7).",
}

_ABBREV = re.compile(r"\(([A-Z][A-Z-]{1,10})\)")
_ID_SCHEMES = [
    ("passport", "passport"),
    ("national id", "national_id"),
    ("cedula", "national_id"),
    ("tax id", "tax_id"),
    ("v.a.t.", "tax_id"),
    ("registration", "registration"),
    ("company number", "registration"),
    ("legal entity number", "lei"),
    ("swift", "swift_bic"),
    ("imo", "imo"),
    ("mmsi", "mmsi"),
]
_KINDS = {
    "individual": EntityKind.person,
    "entity": EntityKind.organization,
    "vessel": EntityKind.vessel,
    "aircraft": EntityKind.aircraft,
}
FIELDS = (
    "source",
    "name",
    "alt_names",
    "type",
    "programs",
    "addresses",
    "dates_of_birth",
    "nationalities",
    "citizenships",
    "places_of_birth",
    "ids",
    "remarks",
    "license_requirement",
    "license_policy",
    "start_date",
    "title",
)


def source_code(source: str) -> str:
    """'Entity List (EL) - Bureau of Industry and Security' → 'EL'."""
    m = _ABBREV.search(source)
    if m:
        return m.group(1)
    return re.sub(r"[^A-Z]", "", source.upper())[:8] or "CSL"


def _scheme(label: str) -> str | None:
    low = label.lower()
    for needle, scheme in _ID_SCHEMES:
        if needle in low:
            return scheme
    return None


def _ids_from_text(text: str) -> list[Identifier]:
    """'Passport, 836238033, KP; Gender, Male' (2025) or 'US, 80-0890696, Tax ID No.' (2019)."""
    out: list[Identifier] = []
    for piece in split_list(text):
        cells = [c.strip() for c in piece.split(",")]
        if len(cells) < 2:
            continue
        if (scheme := _scheme(cells[0])) is not None:
            country = country_code(cells[2]) if len(cells) > 2 else None
            out.append(Identifier(scheme, cells[1], country))
        elif len(cells) >= 3 and (scheme := _scheme(cells[-1])) is not None:
            out.append(Identifier(scheme, cells[1], country_code(cells[0])))
    return out


def _record(fields: dict[str, Any], result: LoadResult, row: int) -> EntryRecord | None:
    def text(key: str) -> str | None:
        value = fields.get(key)
        if isinstance(value, list):
            return "; ".join(str(v) for v in value if v) or None
        return clean(str(value)) if value is not None else None

    def many(key: str) -> list[str]:
        value = fields.get(key)
        if isinstance(value, list):
            return [str(v).strip() for v in value if v and str(v).strip()]
        return split_list(text(key))

    source = text("source")
    name = text("name")
    if not source:
        result.reject(FieldProblem("source", "missing", row=row))
        return None
    if not name:
        result.reject(FieldProblem("name", "empty name", row=row))
        return None
    code = source_code(source)
    key = text("_id") or text("id") or text("entity_number")
    if not key:
        digest = hashlib.sha256(f"{source}|{name}|{text('addresses')}".encode()).hexdigest()
        key = digest[:20]
    kind_word = (text("type") or "").lower()
    kind = _KINDS.get(kind_word, EntityKind.organization if code != "DPL" else EntityKind.unknown)
    export = code in EXPORT_CONTROL_SOURCES
    record = EntryRecord(
        key=f"{code}:{key}",
        kind=kind,
        names=[EntryName(squash(name), NameQuality.primary)]
        + [EntryName(squash(a), NameQuality.aka) for a in many("alt_names")],
        category=Category.export_control if export else Category.sanctions,
        source=source,
        programs=many("programs"),
        remarks=text("remarks"),
        listed_on=parse_date(text("start_date")),
        source_record={k: v for k, v in fields.items() if v not in (None, "", [])},
    )
    for dob in many("dates_of_birth"):
        record.birth_dates.extend(birth_dates(dob))
    record.birth_places = many("places_of_birth")
    for value in many("nationalities") + many("citizenships"):
        code2 = country_code(value)
        if code2 and code2 not in record.nationalities:
            record.nationalities.append(code2)
    addresses = fields.get("addresses")
    if isinstance(addresses, list):
        for a in addresses:
            if isinstance(a, dict):
                parts = [a.get(k) for k in ("address", "city", "state", "postal_code", "country")]
                record.addresses.append(", ".join(str(p) for p in parts if p))
                cc = country_code(str(a.get("country") or ""))
                if cc and cc not in record.countries:
                    record.countries.append(cc)
    else:
        for a in many("addresses"):
            record.addresses.append(a)
            cc = country_code(a.rsplit(",", 1)[-1])
            if cc and cc not in record.countries:
                record.countries.append(cc)
    ids = fields.get("ids")
    if isinstance(ids, list):
        for i in ids:
            if isinstance(i, dict) and i.get("number") and (s := _scheme(str(i.get("type", "")))):
                record.identifiers.append(
                    Identifier(s, str(i["number"]), country_code(str(i.get("country") or "")))
                )
    else:
        record.identifiers = _ids_from_text(text("ids") or "")
    if export:
        record.consequence = Consequence(
            action=Action.licence_required,
            licence_requirement=text("license_requirement") or DEFAULT_LICENCE.get(code),
            licence_policy=text("license_policy"),
        )
    return record


def _finish(path: Path, result: LoadResult, fmt: str) -> LoadResult:
    if not result.records:
        raise wrong_file(path, fmt, "no entries could be read")
    return result


def load_csl(path: Path) -> LoadResult:
    """Read the Consolidated Screening List as CSV or JSON (chosen by content)."""
    if path.is_dir():
        raise wrong_file(path, "csl", "expected a CSV or JSON file, got a folder")
    result = LoadResult(records=[], default_name="csl")
    text = decode_lines(path, path.read_bytes(), result)
    head = text.lstrip()[:1]
    if head in ("{", "["):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise wrong_file(path, "csl", f"invalid JSON at line {exc.lineno}: {exc.msg}") from exc
        items = doc.get("results", []) if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            raise wrong_file(path, "csl", "JSON has no 'results' list")
        for i, item in enumerate(items, start=1):
            result.rows_read += 1
            if not isinstance(item, dict):
                result.reject(FieldProblem("results", "not an object", row=i))
                continue
            record = _record(item, result, i)
            if record is not None:
                result.records.append(record)
        return _finish(path, result, "csl")
    rows = csv_rows(text)
    try:
        _, header = next(rows)
    except StopIteration:
        raise wrong_file(path, "csl", "the file is empty") from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    if "name" not in header or "source" not in header:
        raise wrong_file(path, "csl", "the header has no 'source' and 'name' columns")
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        result.rows_read += 1
        if len(cells) != len(header):
            result.reject(
                FieldProblem("row", f"{len(cells)} cells, header has {len(header)}", row=line)
            )
            continue
        record = _record(dict(zip(header, cells, strict=True)), result, line)
        if record is not None:
            result.records.append(record)
    return _finish(path, result, "csl")


def load_dpl(path: Path) -> LoadResult:
    """Read the BIS Denied Persons List (tab-separated, quoted, one row per address).

    Rows of the same person at several addresses become one entry."""
    if path.is_dir():
        raise wrong_file(path, "dpl", "expected the text file, got a folder")
    result = LoadResult(records=[], default_name="bis-dpl")
    text = decode_lines(path, path.read_bytes(), result)
    rows = csv_rows(text, delimiter="\t")
    try:
        _, header = next(rows)
    except StopIteration:
        raise wrong_file(path, "dpl", "the file is empty") from None
    header = [h.strip() for h in header]
    if "Name" not in header or "Street_Address" not in header:
        raise wrong_file(path, "dpl", "the header has no 'Name' and 'Street_Address' columns")
    by_name: dict[str, EntryRecord] = {}
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        result.rows_read += 1
        if len(cells) != len(header):
            result.reject(
                FieldProblem("row", f"{len(cells)} cells, header has {len(header)}", row=line)
            )
            continue
        row = dict(zip(header, cells, strict=True))
        name = clean(row.get("Name"))
        if not name:
            result.reject(FieldProblem("Name", "empty name", row=line))
            continue
        address = ", ".join(
            p
            for p in (
                clean(row.get(k))
                for k in ("Street_Address", "City", "State", "Postal_Code", "Country")
            )
            if p
        )
        key = re.sub(r"\W+", "-", name.upper()).strip("-")
        record = by_name.get(key)
        if record is None:
            record = EntryRecord(
                key=key,
                kind=EntityKind.unknown,
                names=[EntryName(squash(name), NameQuality.primary)],
                category=Category.export_control,
                source="Denied Persons List (DPL) - Bureau of Industry and Security",
                listed_on=parse_date(clean(row.get("Effective_Date"))),
                consequence=Consequence(
                    action=Action.licence_required,
                    licence_requirement=DEFAULT_LICENCE["DPL"],
                    note=f"Order effective {clean(row.get('Effective_Date'))}, expires "
                    f"{clean(row.get('Expiration_Date'))}; {clean(row.get('FR_Citation'))}",
                ),
                source_record={"rows": []},
            )
            by_name[key] = record
            result.records.append(record)
        if address:
            record.addresses.append(address)
        cc = country_code(clean(row.get("Country")) or "US")
        if cc and cc not in record.countries:
            record.countries.append(cc)
        record.source_record["rows"].append({k: v for k, v in row.items() if v})
    return _finish(path, result, "dpl")
