"""How a profile maps a source's columns onto the cargo model: plain data, no I/O.

A :class:`Profile` is a list of :class:`Column` s. Each column names its source column, the
type its values must have, whether it is required, what it means (for the docs), and where its
value goes (its *targets*). Targets are short paths:

- ``key``: the filing's key (stored as ``shipments.external_id``);
- ``line_no``: the line number within the filing (else lines are numbered in file order);
- ``shipment.<column>`` / ``line.<column>``: a column of ``shipments`` / ``shipment_lines``;
- ``shipment.attributes.<name>`` / ``line.attributes.<name>``: kept verbatim in ``attributes``;
- ``party.<role>.<name|address|city|country>`` and ``party.<role>.identifiers.<scheme>``: a
  party named on the filing (resolved to an organization by the registry);
- ``inspection.<fraud|critical|inspected_on|revenue_recovered|notes>``: an inspection outcome
  carried by the source itself (the public customs data set has fraud labels);
- ``event.<column>`` / ``event.details.<name>``: a carrier transport event.

Header-level targets (``key``, ``shipment.*``, ``inspection.*`` and parties of header roles) are
repeated on every line of a multi-line filing and must agree between its lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

import sqlalchemy as sa

from trustlane.cargo.models import Inspection, Shipment, ShipmentLine, ShipmentParty, TransportEvent


class ValueType(StrEnum):
    """The types a source value may have; each is checked and converted in bulk."""

    text = "text"  # any text, trimmed; longer than the stored column → rejected
    code = "code"  # a short code, trimmed and upper-cased (office, port, unit, tax type)
    integer = "integer"  # a whole number ("12", "12.0")
    decimal = "decimal"  # a number, 0 or more ("1234.5")
    date = "date"  # ISO 8601 date, YYYY-MM-DD
    datetime = "datetime"  # ISO 8601 timestamp; without a zone it is taken as UTC
    country = "country"  # ISO 3166-1 alpha-2 (upper-cased); ZZ = unknown, XK = Kosovo
    hs = "hs"  # Harmonized System code: digits only once dots and spaces are removed
    flag = "flag"  # 1/0, true/false, yes/no, y/n
    choice = "choice"  # one of a listed set of values


#: Where a target path points: the table whose column it fills.
_TABLES: dict[str, sa.Table] = {
    "shipment": Shipment.__table__,  # type: ignore[dict-item]
    "line": ShipmentLine.__table__,  # type: ignore[dict-item]
    "inspection": Inspection.__table__,  # type: ignore[dict-item]
    "event": TransportEvent.__table__,  # type: ignore[dict-item]
    "party": ShipmentParty.__table__,  # type: ignore[dict-item]
}

#: Longest identifier value kept (``org_identifiers.value``).
IDENTIFIER_MAX_LENGTH = 100

PARTY_FIELDS = ("name", "address", "city", "country")


@dataclass(frozen=True)
class Target:
    """A parsed target path."""

    area: str  # key, line_no, shipment, line, party, inspection, event
    column: str | None = None  # model column, or the attributes / details / identifiers key
    role: str | None = None  # party role
    bag: str | None = None  # "attributes", "details" or "identifiers" when the value goes in one

    @classmethod
    def parse(cls, path: str) -> Target:
        parts = path.split(".")
        area = parts[0]
        if area in ("key", "line_no") and len(parts) == 1:
            return cls(area)
        if area in ("shipment", "line", "event", "inspection") and len(parts) == 2:
            if parts[1] not in _TABLES[area].c:
                raise ValueError(f"{path}: no column {parts[1]!r} in {_TABLES[area].name}")
            return cls(area, parts[1])
        if area in ("shipment", "line") and len(parts) == 3 and parts[1] == "attributes":
            return cls(area, parts[2], bag="attributes")
        if area == "event" and len(parts) == 3 and parts[1] == "details":
            return cls(area, parts[2], bag="details")
        if area == "party" and len(parts) == 3 and parts[2] in PARTY_FIELDS:
            return cls(area, parts[2], role=parts[1])
        if area == "party" and len(parts) == 4 and parts[2] == "identifiers":
            return cls(area, parts[3], role=parts[1], bag="identifiers")
        raise ValueError(f"bad target path {path!r}")

    def max_length(self) -> int | None:
        """The stored column's length limit, if any."""
        if self.bag == "identifiers":
            return IDENTIFIER_MAX_LENGTH
        if self.bag is not None or self.column is None:
            return 64 if self.area == "key" else None
        length = getattr(_TABLES[self.area].c[self.column].type, "length", None)
        return int(length) if length is not None else None


@dataclass(frozen=True)
class Column:
    """One source column: its type, whether it must be given, where it goes, what it means."""

    name: str
    type: ValueType
    targets: tuple[str, ...]
    meaning: str
    required: bool = False
    choices: tuple[str, ...] = ()  # for ValueType.choice
    # For hs codes: allowed digit counts (e.g. (6,) for HS-6, (10,) for HS-10).
    digits: tuple[int, ...] = (6, 8, 10)
    pattern: str | None = None  # a regular expression the (normalized) value must match
    pattern_hint: str | None = None  # what the pattern means, for the reject reason

    @cached_property
    def parsed_targets(self) -> tuple[Target, ...]:
        return tuple(Target.parse(t) for t in self.targets)

    @cached_property
    def max_length(self) -> int | None:
        limits = [n for t in self.parsed_targets if (n := t.max_length()) is not None]
        return min(limits) if limits else None


@dataclass(frozen=True)
class Profile:
    """A named mapping from one source format's columns onto the cargo model."""

    name: str
    title: str
    kind: str  # shipments.kind (declaration, isf, air, entry, export) or "event"
    description: str
    columns: tuple[Column, ...]
    # Fixed values for targets the source does not carry (e.g. the currency of a data set).
    constants: dict[str, str] = field(default_factory=dict)
    # The party role whose organization is the shipment's trade tenant (importer_org_id).
    tenant_role: str = "importer"
    # Party roles given per line (e.g. the manufacturer of each ISF line), not per filing.
    line_party_roles: tuple[str, ...] = ()
    # The file format of the example in docs/examples/.
    example: str = ""
    # Whether a filing spans several rows (its lines); when not, a repeated key is a duplicate.
    multi_line: bool = False

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"profile {self.name}: duplicate column names")
        for column in self.columns:
            column.parsed_targets  # noqa: B018  (parses, so a bad path fails at import)
        if not self.is_events and not any("key" in c.targets for c in self.columns):
            raise ValueError(f"profile {self.name}: no column maps to the filing key")

    @property
    def is_events(self) -> bool:
        """Carrier events are stored one row per event, not as versioned filings."""
        return self.kind == "event"

    @property
    def key_column(self) -> Column:
        return next(c for c in self.columns if "key" in c.targets)

    @property
    def line_no_column(self) -> Column | None:
        return next((c for c in self.columns if "line_no" in c.targets), None)

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def is_header(self, column: Column) -> bool:
        """Whether the column belongs to the filing (repeated on each line) or to the line."""
        return any(self._target_is_header(t) for t in column.parsed_targets)

    def _target_is_header(self, target: Target) -> bool:
        if target.area in ("key", "shipment", "inspection"):
            return True
        if target.area == "party":
            return target.role not in self.line_party_roles
        return False

    @cached_property
    def party_roles(self) -> tuple[str, ...]:
        """Party roles in the order their columns appear."""
        roles: dict[str, None] = {}
        for column in self.columns:
            for target in column.parsed_targets:
                if target.area == "party" and target.role:
                    roles.setdefault(target.role)
        return tuple(roles)
