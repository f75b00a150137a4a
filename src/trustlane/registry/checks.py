"""Checks of organization input: every problem found at once, each naming its field.

Pure functions over the request schemas; the use cases call them before touching the
database and raise one :class:`InvalidInput` listing all problems.
"""

from __future__ import annotations

from dataclasses import dataclass

from trustlane.errors import FieldProblem, InvalidInput
from trustlane.registry.countries import country_problem, find_country, subdivision_code
from trustlane.registry.identifiers import Identifier, IdentifierError, normalize_identifier
from trustlane.registry.names import name_key
from trustlane.registry.schemas import AddressIn, IdentifierIn
from trustlane.registry.sectors import sector_slug
from trustlane.registry.vocab import AddressKind, OrgStatus

#: Statuses a person may set; ``merged`` is set by a merge only.
SETTABLE_STATUSES = (OrgStatus.active.value, OrgStatus.proposed.value, OrgStatus.inactive.value)


@dataclass(frozen=True)
class AddressValues:
    kind: str
    street: str | None
    city: str | None
    subdivision: str | None
    postal_code: str | None
    country: str


class Problems:
    """Collects field problems; :meth:`raise_if_any` raises them together."""

    def __init__(self, row: int | None = None) -> None:
        self.items: list[FieldProblem] = []
        self.row = row

    def add(self, field: str, reason: str) -> None:
        self.items.append(FieldProblem(field, reason, self.row))

    def raise_if_any(self, message: str = "Invalid organization") -> None:
        if self.items:
            raise InvalidInput(message, list(self.items))


def check_name(value: str, problems: Problems, field: str = "name") -> str:
    name = " ".join(value.split())
    if not name or not name_key(name):
        problems.add(field, "must contain letters or digits")
    return name


def check_country(value: str | None, problems: Problems, field: str = "country") -> str | None:
    if value is None or not value.strip():
        return None
    code = find_country(value)
    if code is None:
        p = country_problem(value, field)
        problems.add(p.field, p.reason)
    return code


def check_sector(value: str | None, problems: Problems, field: str = "sector") -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return sector_slug(value, field)
    except InvalidInput as exc:
        for p in exc.problems:
            problems.add(p.field, p.reason)
        return None


def check_status(value: str, problems: Problems, field: str = "status") -> str:
    if value not in SETTABLE_STATUSES:
        problems.add(field, f"must be one of: {', '.join(SETTABLE_STATUSES)}")
    return value


def check_identifiers(
    items: list[IdentifierIn], problems: Problems, field: str = "identifiers"
) -> list[Identifier]:
    """Normalized identifiers; the same identifier twice in one request is a problem."""
    found: list[Identifier] = []
    seen: dict[tuple[str, str], int] = {}
    for i, item in enumerate(items):
        try:
            ident = normalize_identifier(item.scheme, item.value, item.country)
        except IdentifierError as exc:
            problems.add(f"{field}[{i}].{exc.part}", exc.reason)
            continue
        key = (ident.scheme, ident.key)
        if key in seen:
            problems.add(f"{field}[{i}].value", f"repeats {field}[{seen[key]}]")
            continue
        seen[key] = i
        found.append(ident)
    return found


def check_addresses(
    items: list[AddressIn], problems: Problems, field: str = "addresses"
) -> list[AddressValues]:
    kinds = [k.value for k in AddressKind]
    found: list[AddressValues] = []
    for i, item in enumerate(items):
        at = f"{field}[{i}]"
        country = check_country(item.country, problems, f"{at}.country")
        if item.country is None or not item.country.strip():
            problems.add(f"{at}.country", "is required")
        if item.kind not in kinds:
            problems.add(f"{at}.kind", f"must be one of: {', '.join(kinds)}")
        subdivision = None
        if item.subdivision and item.subdivision.strip() and country:
            try:
                subdivision = subdivision_code(item.subdivision, country, f"{at}.subdivision")
            except InvalidInput as exc:
                for p in exc.problems:
                    problems.add(p.field, p.reason)
        if country is None:
            continue
        found.append(
            AddressValues(
                kind=item.kind,
                street=_text(item.street),
                city=_text(item.city),
                subdivision=subdivision,
                postal_code=_text(item.postal_code),
                country=country,
            )
        )
    return found


def check_aliases(items: list[str], name: str, problems: Problems) -> list[str]:
    """Distinct aliases other than the name itself."""
    out: list[str] = []
    keys = {name_key(name)}
    for i, alias in enumerate(items):
        cleaned = " ".join(alias.split())
        key = name_key(cleaned)
        if not key:
            problems.add(f"aliases[{i}]", "must contain letters or digits")
        elif len(cleaned) > 300:
            problems.add(f"aliases[{i}]", "has more than 300 characters")
        elif key not in keys:
            keys.add(key)
            out.append(cleaned)
    return out


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(value.split())
    return cleaned or None
