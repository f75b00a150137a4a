"""FollowTheMoney entities as JSON lines, the format open sanctions aggregators publish
(``entities.ftm.json``, ``targets.nested.json``).

Each line is ``{"id", "schema", "properties": {prop: [values]}, ...}``. Entities of a thing
schema (Person, Company, Organization, LegalEntity, Vessel, Airplane, ...) become entries;
``Sanction`` entities add their program and authority to the entity they name; other
schemata (addresses, identifications, relations) are skipped, their data being repeated on
the entities in the published exports.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from trustlane.errors import FieldProblem
from trustlane.screening.loaders.common import LoadResult, decode_lines, squash, wrong_file
from trustlane.screening.normalize import EntityKind
from trustlane.screening.records import (
    Category,
    EntryName,
    EntryRecord,
    Identifier,
    NameQuality,
    birth_dates,
    country_code,
)

SCHEMA_KINDS = {
    "Person": EntityKind.person,
    "Company": EntityKind.organization,
    "Organization": EntityKind.organization,
    "PublicBody": EntityKind.organization,
    "LegalEntity": EntityKind.unknown,
    "Vessel": EntityKind.vessel,
    "Airplane": EntityKind.aircraft,
}

#: FollowTheMoney identifier properties → our schemes.
ID_PROPS = {
    "passportNumber": "passport",
    "idNumber": "national_id",
    "taxNumber": "tax_id",
    "vatCode": "tax_id",
    "innCode": "tax_id",
    "registrationNumber": "registration",
    "ogrnCode": "registration",
    "leiCode": "lei",
    "swiftBic": "swift_bic",
    "imoNumber": "imo",
    "mmsi": "mmsi",
    "registrationNumber:aircraft": "aircraft_tail",
}

#: Topics (OpenSanctions tags) that decide an entry's category.
TOPIC_CATEGORIES = [
    ("export.control", Category.export_control),
    ("forced.labor", Category.forced_labor),
    ("sanction", Category.sanctions),
]


def _props(entity: dict[str, Any]) -> dict[str, list[str]]:
    raw = entity.get("properties") or {}
    out: dict[str, list[str]] = {}
    for key, values in raw.items():
        if isinstance(values, list):
            out[key] = [v if isinstance(v, str) else json.dumps(v) for v in values if v]
    return out


def _record(entity: dict[str, Any], kind: EntityKind) -> EntryRecord | None:
    props = _props(entity)
    names = [squash(n) for n in props.get("name", []) if squash(n)]
    if not names:
        return None
    entry_names = [EntryName(names[0], NameQuality.primary)]
    entry_names += [EntryName(n, NameQuality.strong) for n in names[1:]]
    entry_names += [EntryName(squash(n), NameQuality.aka) for n in props.get("alias", [])]
    entry_names += [EntryName(squash(n), NameQuality.weak) for n in props.get("weakAlias", [])]
    entry_names += [EntryName(squash(n), NameQuality.former) for n in props.get("previousName", [])]
    topics = props.get("topics", [])
    category = next(
        (c for topic, c in TOPIC_CATEGORIES if any(t.startswith(topic) for t in topics)),
        Category.sanctions,
    )
    record = EntryRecord(
        key=str(entity["id"]),
        kind=kind,
        names=[n for n in entry_names if n.name],
        category=category,
        programs=props.get("program", []) + props.get("programId", []),
        birth_places=props.get("birthPlace", []),
        addresses=props.get("address", []),
        gender=next(iter(props.get("gender", [])), None),
        remarks="; ".join(props.get("notes", [])) or None,
        source_record={
            "id": entity["id"],
            "schema": entity.get("schema"),
            "datasets": entity.get("datasets", []),
        },
    )
    for value in props.get("birthDate", []):
        record.birth_dates.extend(birth_dates(value))
    for prop in ("nationality", "citizenship"):
        for value in props.get(prop, []):
            code = country_code(value)
            if code and code not in record.nationalities:
                record.nationalities.append(code)
    for prop in ("country", "jurisdiction", "mainCountry", "flag"):
        for value in props.get(prop, []):
            code = country_code(value)
            if code and code not in record.countries:
                record.countries.append(code)
    for prop, scheme in ID_PROPS.items():
        for value in props.get(prop, []):
            record.identifiers.append(Identifier(scheme, value))
    return record


def load_ftm(path: Path) -> LoadResult:
    """Read FollowTheMoney JSON lines."""
    if path.is_dir():
        raise wrong_file(path, "ftm", "expected a JSON lines file, got a folder")
    result = LoadResult(records=[], default_name=path.stem.split(".")[0] or "ftm")
    text = decode_lines(path, path.read_bytes(), result)
    by_id: dict[str, EntryRecord] = {}
    sanctions: list[tuple[int, dict[str, list[str]]]] = []
    seen_json = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        result.rows_read += 1
        try:
            entity = json.loads(line)
        except json.JSONDecodeError as exc:
            result.reject(FieldProblem("json", f"invalid JSON: {exc.msg}", row=number))
            continue
        if not isinstance(entity, dict) or "schema" not in entity or "id" not in entity:
            result.reject(FieldProblem("schema", "not a FollowTheMoney entity", row=number))
            continue
        seen_json = True
        schema = str(entity["schema"])
        if schema == "Sanction":
            sanctions.append((number, _props(entity)))
            continue
        kind = SCHEMA_KINDS.get(schema)
        if kind is None:
            continue
        record = _record(entity, kind)
        if record is None:
            result.reject(FieldProblem("properties.name", "entity without a name", row=number))
            continue
        by_id[record.key] = record
    for _number, props in sanctions:
        for target in props.get("entity", []):
            record = by_id.get(target)
            if record is None:
                continue
            for program in props.get("program", []) + props.get("programId", []):
                if program not in record.programs:
                    record.programs.append(program)
            for authority in props.get("authority", []):
                record.source = record.source or authority
    if not seen_json:
        raise wrong_file(path, "ftm", "no FollowTheMoney entity lines found")
    result.records = list(by_id.values())
    if not result.records:
        raise wrong_file(path, "ftm", "no entities of a person, company or vessel schema")
    return result
