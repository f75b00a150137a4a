"""Use case: load organizations from a CSV file.

Columns (header names, any case; only ``name`` is required)::

    name, country, sector, roles, identifiers, aliases, kind, status, entity_type, website,
    street, city, postal_code, subdivision, address_country, address_kind

``roles`` and ``aliases`` are ``;``-separated lists; ``identifiers`` is a ``;``-separated
list of ``scheme:value``, where the scheme may carry the issuing country
(``national_registry@GB:01234567``). Each row is created on its own (a savepoint): a bad row
is rejected with its row number (the header is row 1) and the field at fault, and every
valid row is kept.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.errors import FieldProblem, InvalidInput, TrustlaneError
from trustlane.progress import NoProgress, Progress
from trustlane.registry.orgs import create_organization
from trustlane.registry.schemas import AddressIn, IdentifierIn, OrgCreate

COLUMNS = (
    "name",
    "country",
    "sector",
    "roles",
    "identifiers",
    "aliases",
    "kind",
    "status",
    "entity_type",
    "website",
    "street",
    "city",
    "postal_code",
    "subdivision",
    "address_country",
    "address_kind",
)
ADDRESS_COLUMNS = ("street", "city", "postal_code", "subdivision", "address_country")


@dataclass
class ImportReport:
    """What an import did: rows read, organizations created, rows rejected and why."""

    rows: int = 0
    created: list[int] = field(default_factory=list)
    problems: list[FieldProblem] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        return len({p.row for p in self.problems})


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """``(row number, values)`` per data row; the header is checked first (an unknown column
    is more likely a typo than data to drop, so the file is refused)."""
    if not path.is_file():
        raise InvalidInput("No such file", [FieldProblem(str(path), "file not found")])
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if not header:
            raise InvalidInput(f"{path} is empty", [FieldProblem("header", "no header row")])
        names = [h.strip().lower() for h in header]
        unknown = [h for h in names if h not in COLUMNS]
        problems = [
            FieldProblem(h, f"unknown column; known: {', '.join(COLUMNS)}", 1) for h in unknown
        ]
        if "name" not in names:
            problems.append(FieldProblem("name", "the file needs a name column", 1))
        if problems:
            raise InvalidInput(f"{path} has a bad header", problems)
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(names):
                values = values[: len(names)]
            yield number, {k: v.strip() for k, v in zip(names, values, strict=False) if v.strip()}


def import_rows(
    session: Session,
    actor: Principal,
    rows: Iterator[tuple[int, dict[str, str]]] | list[tuple[int, dict[str, str]]],
    report: ImportReport,
    progress: Progress | None = None,
) -> ImportReport:
    """Create one organization per row, each in a savepoint; problems go to ``report``."""
    progress = progress or NoProgress()
    for number, values in rows:
        report.rows += 1
        try:
            data = org_from_row(values, number)
            with session.begin_nested():
                org = create_organization(session, actor, data)
            report.created.append(org.id)
        except TrustlaneError as exc:
            problems = exc.problems or [FieldProblem("row", exc.message)]
            report.problems.extend(
                FieldProblem(p.field, p.reason, number, p.value) for p in problems
            )
        progress.update(report.rows, None, f"{len(report.created)} created")
    return report


def org_from_row(values: dict[str, str], row: int) -> OrgCreate:
    """The create request a CSV row stands for; InvalidInput naming the column otherwise."""
    problems: list[FieldProblem] = []
    identifiers: list[IdentifierIn] = []
    for i, spec in enumerate(split_list(values.get("identifiers"))):
        try:
            identifiers.append(parse_identifier(spec, f"identifiers[{i}]"))
        except InvalidInput as exc:
            problems.extend(FieldProblem(p.field, p.reason, row) for p in exc.problems)
    addresses = []
    if any(values.get(c) for c in ADDRESS_COLUMNS):
        country = values.get("address_country") or values.get("country")
        if not country:
            problems.append(FieldProblem("address_country", "an address needs a country", row))
        else:
            addresses.append(
                {
                    "kind": values.get("address_kind", "registered"),
                    "street": values.get("street"),
                    "city": values.get("city"),
                    "postal_code": values.get("postal_code"),
                    "subdivision": values.get("subdivision"),
                    "country": country,
                }
            )
    fields: dict[str, object] = {
        k: values[k]
        for k in ("name", "country", "sector", "kind", "status", "entity_type", "website")
        if k in values
    }
    fields["roles"] = split_list(values.get("roles"))
    fields["aliases"] = split_list(values.get("aliases"))
    try:
        data = OrgCreate.model_validate(
            {
                **fields,
                "identifiers": [i.model_dump() for i in identifiers],
                "addresses": [AddressIn.model_validate(a).model_dump() for a in addresses],
            }
        )
    except ValidationError as exc:
        for err in exc.errors():
            loc = [str(p) for p in err["loc"]]
            where = loc[0] + (f"[{loc[1]}]" if len(loc) > 1 else "")
            problems.append(FieldProblem(where, err["msg"], row))
        raise InvalidInput("Invalid row", problems) from exc
    if problems:
        raise InvalidInput("Invalid row", problems)
    return data


def parse_identifier(spec: str, field: str = "identifier") -> IdentifierIn:
    """``scheme:value`` or ``scheme@CC:value`` (issuing country) as an identifier."""
    scheme, sep, value = spec.partition(":")
    if not sep or not scheme.strip() or not value.strip():
        raise InvalidInput(
            "Invalid identifier",
            [FieldProblem(field, f"{spec!r} is not scheme:value (e.g. lei:5493001KJTIIGC8Y1R12)")],
        )
    scheme, _, country = scheme.partition("@")
    try:
        return IdentifierIn(
            scheme=scheme.strip(), value=value.strip(), country=country.strip() or None
        )
    except ValidationError as exc:
        reasons = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())
        raise InvalidInput("Invalid identifier", [FieldProblem(field, reasons)]) from exc


def split_list(value: str | None) -> list[str]:
    if not value:
        return []
    return [v.strip() for v in value.split(";") if v.strip()]
