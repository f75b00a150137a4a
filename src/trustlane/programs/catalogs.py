"""Use cases: criteria catalogs (list, read, export, import).

The catalogs shipped in ``programs/catalog_data/*.yaml`` are revision 0 of their program; an
import that changes anything stores the next revision, which is then the catalog in force.
Reading never writes: a fresh database answers with the bundled editions.

Import of CSV/XLSX rows is a merge into the program's catalog in force: criteria in the file
are added or replaced by id, the others stay (an export for one entity type can be edited and
loaded back without losing the other entity types' criteria). ``replace=True`` makes the file
the whole catalog. YAML/JSON documents bring a whole catalog, including a new program.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.errors import FieldProblem, Forbidden, InvalidInput, NotFound
from trustlane.programs import store
from trustlane.programs.catalog import Catalog, Criterion, from_document
from trustlane.programs.catalog_files import (
    criteria_rows,
    file_format,
    parse_criteria,
    program_of,
    read_rows,
    write_rows,
)
from trustlane.programs.models import CatalogRevision

BUNDLED_DIR = Path(__file__).parent / "catalog_data"


@lru_cache(maxsize=1)
def bundled() -> dict[str, Catalog]:
    """The catalogs shipped with trustlane, by program."""
    found: dict[str, Catalog] = {}
    for path in sorted(BUNDLED_DIR.glob("*.yaml")):
        catalog = from_document(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
        found[catalog.program] = catalog
    return found


@dataclass(frozen=True)
class CatalogInForce:
    """A program's catalog as it stands, and where it came from."""

    catalog: Catalog
    revision: int  # 0: the bundled edition
    source: str


@lru_cache(maxsize=32)
def _parse(content_hash: str, document_json: str) -> Catalog:
    return from_document(json.loads(document_json), f"revision {content_hash[:12]}")


def _from_row(row: CatalogRevision) -> CatalogInForce:
    catalog = _parse(row.content_hash, json.dumps(row.document, sort_keys=True))
    return CatalogInForce(catalog, row.revision, row.source)


def catalog_in_force(session: Session, program: str) -> CatalogInForce:
    """The program's latest stored revision, or its bundled edition (internal; no access check)."""
    row = store.latest_catalog_revision(session, program)
    if row is not None:
        return _from_row(row)
    if program in bundled():
        return CatalogInForce(bundled()[program], 0, f"bundled:{program}.yaml")
    known = ", ".join(sorted(set(bundled()) | set(store.catalog_programs(session))))
    raise NotFound(f"No catalog for program {program!r}; known programs: {known}")


def catalog_revision(session: Session, program: str, revision: int) -> Catalog:
    """The catalog a record was made under (falls back to the one in force when gone)."""
    if revision == 0 and program in bundled():
        return bundled()[program]
    row = store.catalog_revision(session, program, revision)
    return _from_row(row).catalog if row is not None else catalog_in_force(session, program).catalog


def list_catalogs(session: Session, actor: Principal) -> list[CatalogInForce]:
    """Every program's catalog in force."""
    actor.require("programs:read")
    programs = sorted(set(bundled()) | set(store.catalog_programs(session)))
    return [catalog_in_force(session, p) for p in programs]


def get_catalog(session: Session, actor: Principal, program: str) -> CatalogInForce:
    actor.require("programs:read")
    return catalog_in_force(session, program)


def select_criteria(catalog: Catalog, entity_type: str | None) -> list[Criterion]:
    """The catalog's criteria, or those of one entity type (refused when unknown)."""
    if entity_type is None:
        return list(catalog.criteria)
    if entity_type not in catalog.entity_types:
        raise InvalidInput(
            f"Unknown entity type for {catalog.program}",
            [
                FieldProblem(
                    "entity_type",
                    f"one of: {', '.join(catalog.entity_types)}",
                    value=entity_type,
                )
            ],
        )
    return catalog.applicable(entity_type)


def export_catalog(
    session: Session, actor: Principal, program: str, entity_type: str | None, fmt: str
) -> bytes:
    """The catalog's criteria (of one entity type, when given) as CSV or XLSX bytes."""
    actor.require("programs:read")
    catalog = catalog_in_force(session, program).catalog
    return write_rows(criteria_rows(catalog, select_criteria(catalog, entity_type)), fmt)


def export_catalog_file(
    session: Session, actor: Principal, program: str, entity_type: str | None, path: Path
) -> int:
    """Write the export to ``path`` (format from its extension); returns the criteria count."""
    fmt = file_format(path)
    data = export_catalog(session, actor, program, entity_type, fmt)
    catalog = catalog_in_force(session, program).catalog
    path.write_bytes(data)
    return len(select_criteria(catalog, entity_type))


@dataclass(frozen=True)
class ImportResult:
    program: str
    revision: int
    added: int
    changed: int
    removed: int
    unchanged: int

    @property
    def stored(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def sentence(self) -> str:
        if not self.stored:
            return (
                f"{self.program}: nothing changed ({self.unchanged} criteria as in "
                f"revision {self.revision})."
            )
        return (
            f"{self.program}: revision {self.revision} stored: {self.added} added, "
            f"{self.changed} changed, {self.removed} removed, {self.unchanged} unchanged."
        )


def import_catalog(
    session: Session,
    actor: Principal,
    data: bytes,
    name: str,
    *,
    program: str | None = None,
    replace: bool = False,
) -> ImportResult:
    """Load a catalog file (CSV, XLSX, YAML or JSON); all or nothing."""
    actor.require("programs:validate")
    if not actor.is_agency:
        raise Forbidden("Only the agency changes criteria catalogs")
    suffix = Path(name).suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        new = _read_document(data, name)
        base = _base_or_none(session, new.program)
    else:
        fmt = file_format(Path(name))
        raw = read_rows(data, fmt, name)
        base = catalog_in_force(session, program_of(raw, name, program))
        rows = parse_criteria(raw, base.catalog, name)
        merged = {c.id: c for c in ([] if replace else base.catalog.criteria)}
        merged.update({c.id: c for c in rows})
        new = base.catalog.with_criteria(merged.values())
    old = {c.id: c for c in base.catalog.criteria} if base else {}
    now = new.by_id
    added = sum(1 for cid in now if cid not in old)
    changed = sum(1 for cid, c in now.items() if cid in old and old[cid] != c)
    removed = sum(1 for cid in old if cid not in now)
    unchanged = len(now) - added - changed
    if base is not None and base.catalog.content_hash() == new.content_hash():
        return ImportResult(new.program, base.revision, 0, 0, 0, unchanged)
    revision = store.next_catalog_revision(session, new.program)
    result = ImportResult(new.program, revision, added, changed, removed, unchanged)
    row = CatalogRevision(
        program=new.program,
        revision=revision,
        edition=new.edition,
        content_hash=new.content_hash(),
        document=new.document(),
        source=f"file:{Path(name).name}",
        summary={"added": added, "changed": changed, "removed": removed, "unchanged": unchanged},
        created_by=actor.label,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "import",
        "catalog",
        f"{new.program}@{revision}",
        summary=result.sentence(),
        after={"program": new.program, "revision": revision, **row.summary},
    )
    return result


def _read_document(data: bytes, name: str) -> Catalog:
    try:
        text = data.decode("utf-8-sig")
        doc: Any = json.loads(text) if name.lower().endswith(".json") else yaml.safe_load(text)
    except (UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise InvalidInput(
            f"{name} is not a readable catalog document", [FieldProblem("file", str(exc))]
        ) from exc
    if not isinstance(doc, dict):
        raise InvalidInput(
            f"{name} is not a catalog", [FieldProblem("file", "expected a mapping at the top")]
        )
    return from_document(doc, name)


def _base_or_none(session: Session, program: str) -> CatalogInForce | None:
    try:
        return catalog_in_force(session, program)
    except NotFound:
        return None
