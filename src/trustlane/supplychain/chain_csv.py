"""Reading and checking a chain from the CSV contract (pure: text in, rows and problems out).

``facilities.csv``: ``id, name, country, kind, capacity_per_day, inventory, ttr_days,
demand_per_day, unit_profit`` (further columns are kept as attributes; ``region``, ``lat``,
``lon``, ``material``, ``hs_code``, ``port_code`` and ``organization_id`` are understood).
``links.csv``: ``supplier_id, buyer_id, material, qty_per_unit, share``.

Rows are named by their line in the file (the header is line 1). A bad row is rejected with
a :class:`FieldProblem` naming the file, line and field; the other rows go on. Rules:

- an empty ``capacity_per_day`` means unlimited (the specification's convention); a row
  that lacks the field (fewer fields than the header), a file without the column, or a
  value that is not a number is an error;
- quantities, capacities, inventories, times, demands and profits may not be negative;
  ``qty_per_unit`` must be positive; ``share`` in [0, 1], empty meaning "split the rest"
  (0 is a qualified backup supplier: no planned volume, but an alternative in a disruption);
- links must name facilities of the file, may not link a facility to itself, and may not
  close a cycle: a bill of materials cannot contain its own output. The link that closes a
  cycle (the latest in the file) is rejected, naming every row of the cycle.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pycountry

from trustlane.errors import FieldProblem, InvalidInput

FACILITY_COLUMNS = (
    "id",
    "name",
    "country",
    "kind",
    "capacity_per_day",
    "inventory",
    "ttr_days",
    "demand_per_day",
    "unit_profit",
)
LINK_COLUMNS = ("supplier_id", "buyer_id", "material", "qty_per_unit", "share")
#: Extra facility columns with a place of their own (the rest go to attributes).
KNOWN_EXTRAS = ("region", "lat", "lon", "material", "hs_code", "port_code", "organization_id")
UNLIMITED = {"", "inf", "infinity", "unlimited"}


@dataclass
class FacilityRow:
    line: int
    code: str
    name: str
    country: str | None
    kind: str
    capacity_per_day: float | None
    inventory: float
    ttr_days: float
    demand_per_day: float
    unit_profit: float
    region: str | None = None
    lat: float | None = None
    lon: float | None = None
    material: str | None = None
    hs_code: str | None = None
    port_code: str | None = None
    organization_id: int | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class LinkRow:
    line: int
    supplier: str
    buyer: str
    material: str
    qty_per_unit: float
    share: float | None
    hs_code: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedChain:
    facilities: list[FacilityRow]
    links: list[LinkRow]
    problems: list[FieldProblem]
    warnings: list[str]


def _read(text: str, name: str, required: tuple[str, ...]) -> tuple[list[str], list[list[str]]]:
    """Header (stripped, lower-cased) and records with their line numbers."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise InvalidInput(f"{name} is empty", [FieldProblem("(file)", "no header row")]) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise InvalidInput(
            f"{name}: required columns missing",
            [FieldProblem(c, "required column missing") for c in missing],
        )
    records = []
    for record in reader:
        if not any(v.strip() for v in record):
            continue
        records.append([str(reader.line_num), *record])
    return header, records


class _Row:
    """One record as a mapping, collecting the problems of its fields."""

    def __init__(
        self, name: str, header: list[str], record: list[str], required: tuple[str, ...]
    ) -> None:
        self.line = int(record[0])
        self.values = record[1:]
        self.header = header
        self.file = name
        self.problems: list[FieldProblem] = []
        # A short row lacking only extra columns is fine; lacking a contract column is not.
        lacking = [c for c in header[len(self.values) :] if c in required]
        if lacking:
            self.problem(
                "(row)",
                f"has {len(self.values)} fields, the header has {len(header)} "
                f"(missing: {', '.join(lacking)})",
            )
        elif len(self.values) > len(header):
            self.problem("(row)", f"has {len(self.values)} fields, the header has {len(header)}")

    def problem(self, column: str, reason: str, value: Any = None) -> None:
        self.problems.append(FieldProblem(column, f"{reason} (in {self.file})", self.line, value))

    def text(self, column: str) -> str:
        i = self.header.index(column)
        return self.values[i].strip() if i < len(self.values) else ""

    def present(self, column: str) -> bool:
        """Whether the row has the field (a short row may lack trailing extra columns)."""
        return self.header.index(column) < len(self.values)

    def required(self, column: str, max_length: int) -> str:
        value = self.text(column)
        if not value and self.present(column):
            self.problem(column, "required value missing")
        elif len(value) > max_length:
            self.problem(column, f"longer than {max_length} characters", value)
        return value

    def number(
        self,
        column: str,
        *,
        default: float | None = 0.0,
        positive: bool = False,
        unlimited: bool = False,
    ) -> float | None:
        if not self.present(column):
            return default  # already reported as a short row
        raw = self.text(column)
        if unlimited and raw.lower() in UNLIMITED:
            return None
        if raw == "":
            return default
        try:
            value = float(raw)
        except ValueError:
            self.problem(column, "not a number", raw)
            return default
        if math.isnan(value) or (math.isinf(value) and not unlimited):
            self.problem(column, "not a finite number", raw)
            return default
        if math.isinf(value):
            return None
        if positive and value <= 0:
            self.problem(column, "must be positive", raw)
            return default
        if value < 0:
            self.problem(column, "may not be negative", raw)
            return default
        return value


def country_code(value: str) -> str | None:
    """ISO 3166-1 alpha-2 for an alpha-2, alpha-3 or English country name; None if unknown."""
    value = value.strip()
    if not value:
        return None
    try:
        found = pycountry.countries.lookup(value)
    except LookupError:
        return None
    return str(found.alpha_2)


def region_code(value: str) -> str | None:
    """An ISO 3166-2 subdivision code (upper case), or None when it is not one."""
    code = value.strip().upper()
    if not code:
        return None
    if pycountry.subdivisions.get(code=code) is not None:  # type: ignore[no-untyped-call]
        return code
    return None


def parse_facilities(
    text: str, name: str = "facilities.csv"
) -> tuple[list[FacilityRow], list[FieldProblem]]:
    header, records = _read(text, name, FACILITY_COLUMNS)
    rows: list[FacilityRow] = []
    problems: list[FieldProblem] = []
    seen: dict[str, int] = {}
    extras = [h for h in header if h not in FACILITY_COLUMNS and h not in KNOWN_EXTRAS and h]
    for record in records:
        row = _Row(name, header, record, FACILITY_COLUMNS)
        code = row.required("id", 64)
        if code and code in seen:
            row.problem("id", f"duplicate facility id {code!r} (first on line {seen[code]})", code)
        facility_name = row.required("name", 300)
        kind = row.required("kind", 48).lower().replace(" ", "_")
        raw_country = row.text("country")
        country = country_code(raw_country) if raw_country else None
        if raw_country and country is None:
            row.problem("country", "not an ISO 3166 country", raw_country)
        capacity = row.number("capacity_per_day", default=None, unlimited=True)
        values = {
            c: row.number(c) for c in ("inventory", "ttr_days", "demand_per_day", "unit_profit")
        }
        facility = FacilityRow(
            line=row.line,
            code=code,
            name=facility_name,
            country=country,
            kind=kind,
            capacity_per_day=capacity,
            inventory=values["inventory"] or 0.0,
            ttr_days=values["ttr_days"] or 0.0,
            demand_per_day=values["demand_per_day"] or 0.0,
            unit_profit=values["unit_profit"] or 0.0,
        )
        _facility_extras(row, facility, header, extras)
        if row.problems:
            problems.extend(row.problems)
            continue
        seen[code] = row.line
        rows.append(facility)
    return rows, problems


def _facility_extras(
    row: _Row, facility: FacilityRow, header: list[str], extras: list[str]
) -> None:
    if "region" in header and (raw := row.text("region")):
        facility.region = region_code(raw)
        if facility.region is None:
            row.problem("region", "not an ISO 3166-2 subdivision code", raw)
        elif facility.country and not facility.region.startswith(facility.country + "-"):
            row.problem("region", f"is not in country {facility.country}", raw)
    for axis, limit in (("lat", 90.0), ("lon", 180.0)):
        if axis in header and (raw := row.text(axis)):
            try:
                degrees = float(raw)
            except ValueError:
                row.problem(axis, "not a number", raw)
                continue
            if not -limit <= degrees <= limit:
                row.problem(axis, f"must be within ±{limit:g}", raw)
            else:
                setattr(facility, axis, degrees)
    for column in ("material", "hs_code", "port_code"):
        if column in header and (raw := row.text(column)):
            setattr(facility, column, raw[:200])
    if facility.hs_code is not None:
        facility.hs_code = facility.hs_code.replace(".", "")[:12]
    if "organization_id" in header and (raw := row.text("organization_id")):
        if raw.isdigit():
            facility.organization_id = int(raw)
        else:
            row.problem("organization_id", "not an organization id", raw)
    for column in extras:
        value = row.text(column)
        if value:
            facility.attributes[column] = value


def parse_links(text: str, name: str = "links.csv") -> tuple[list[LinkRow], list[FieldProblem]]:
    header, records = _read(text, name, LINK_COLUMNS)
    rows: list[LinkRow] = []
    problems: list[FieldProblem] = []
    extras = [h for h in header if h not in LINK_COLUMNS and h]
    for record in records:
        row = _Row(name, header, record, LINK_COLUMNS)
        supplier = row.required("supplier_id", 64)
        buyer = row.required("buyer_id", 64)
        material = row.required("material", 200)
        qty = row.number("qty_per_unit", default=None, positive=True)
        if qty is None and row.present("qty_per_unit") and not row.text("qty_per_unit"):
            row.problem("qty_per_unit", "required value missing")
        share = row.number("share", default=None)
        if share is not None and share > 1:
            row.problem("share", "must be at most 1", row.text("share"))
        if supplier and supplier == buyer:
            row.problem("buyer_id", "a facility cannot supply itself", buyer)
        link = LinkRow(row.line, supplier, buyer, material, qty or 0.0, share)
        for column in extras:
            value = row.text(column)
            if column == "hs_code" and value:
                link.hs_code = value.replace(".", "")[:12]
            elif value:
                link.attributes[column] = value
        if row.problems:
            problems.extend(row.problems)
        else:
            rows.append(link)
    return rows, problems


def check_chain(
    facilities: list[FacilityRow],
    links: list[LinkRow],
    *,
    links_name: str = "links.csv",
    rejected_facilities: dict[str, int] | None = None,
) -> ParsedChain:
    """Cross-check links against facilities, reject cycles, settle shares."""
    problems: list[FieldProblem] = []
    warnings: list[str] = []
    known = {f.code for f in facilities}
    rejected_facilities = rejected_facilities or {}
    kept: list[LinkRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for link in links:
        bad = False
        for column, code in (("supplier_id", link.supplier), ("buyer_id", link.buyer)):
            if code not in known:
                if code in rejected_facilities:
                    line = rejected_facilities[code]
                    why = f"facility {code!r} was rejected (facilities file, line {line})"
                else:
                    why = f"unknown facility {code!r}"
                problems.append(FieldProblem(column, f"{why} (in {links_name})", link.line, code))
                bad = True
        key = (link.supplier, link.buyer, link.material)
        if not bad and key in seen:
            problems.append(
                FieldProblem(
                    "material",
                    f"duplicate link (first on line {seen[key]}) (in {links_name})",
                    link.line,
                    link.material,
                )
            )
            bad = True
        if not bad:
            seen[key] = link.line
            kept.append(link)
    kept, cycle_problems = reject_cycles(kept, links_name)
    problems.extend(cycle_problems)
    warnings.extend(_settle_shares(kept))
    return ParsedChain(facilities, kept, problems, warnings)


def reject_cycles(
    links: list[LinkRow], links_name: str
) -> tuple[list[LinkRow], list[FieldProblem]]:
    graph: nx.DiGraph[str] = nx.DiGraph()
    for link in links:
        # Several materials between the same pair: the latest line closes the cycle.
        previous = graph.get_edge_data(link.supplier, link.buyer)
        if previous is None or previous["line"] < link.line:
            graph.add_edge(link.supplier, link.buyer, line=link.line)
    problems: list[FieldProblem] = []
    dropped: set[tuple[str, str]] = set()
    # Cycles live inside strongly connected components; searching each small component (not
    # the whole chain, where networkx's search is slow on large acyclic graphs) finds them.
    while True:
        tangled = [c for c in nx.strongly_connected_components(graph) if len(c) > 1]
        if not tangled:
            break
        component = graph.subgraph(min(tangled, key=lambda c: min(c)))
        cycle = nx.find_cycle(component)
        edges = [(u, v, graph.edges[u, v]["line"]) for u, v, *_ in cycle]
        u, v, line = max(edges, key=lambda e: e[2])
        path = " -> ".join([e[0] for e in edges] + [edges[0][0]])
        lines = ", ".join(str(e[2]) for e in sorted(edges, key=lambda e: e[2]))
        problems.append(
            FieldProblem(
                "buyer_id",
                f"closes a cycle {path} (lines {lines}); a bill of materials cannot contain "
                f"its own output (in {links_name})",
                line,
                v,
            )
        )
        graph.remove_edge(u, v)
        dropped.add((u, v))
    return [link for link in links if (link.supplier, link.buyer) not in dropped], problems


def _settle_shares(links: list[LinkRow]) -> list[str]:
    """Empty shares split what the given ones leave; shares that do not sum to 1 are scaled."""
    groups: dict[tuple[str, str], list[LinkRow]] = defaultdict(list)
    for link in links:
        groups[(link.buyer, link.material)].append(link)
    warnings = []
    for (buyer, material), group in groups.items():
        given = sum(link.share for link in group if link.share is not None)
        empty = [link for link in group if link.share is None]
        if empty:
            rest = max(0.0, 1.0 - given)
            each = rest / len(empty) if rest > 0 else 1.0 / len(group)
            for link in empty:
                link.share = each
        total = sum(link.share or 0.0 for link in group)
        if total <= 0:
            warnings.append(
                f"shares of {material!r} into {buyer} are all 0; split evenly for planning"
            )
            for link in group:
                link.share = 1.0 / len(group)
        elif abs(total - 1.0) > 1e-3:
            warnings.append(f"shares of {material!r} into {buyer} sum to {total:.4g}; scaled to 1")
        if total > 0:
            for link in group:
                link.share = (link.share or 0.0) / total
        quantities = {link.qty_per_unit for link in group}
        if len(quantities) > 1:
            warnings.append(
                f"suppliers of {material!r} into {buyer} state different quantities per unit "
                f"({', '.join(f'{q:g}' for q in sorted(quantities))}); each link's own is used"
            )
    return warnings


def parse_chain(
    facilities_text: str,
    links_text: str,
    *,
    facilities_name: str = "facilities.csv",
    links_name: str = "links.csv",
) -> ParsedChain:
    """Both files, checked together."""
    facilities, facility_problems = parse_facilities(facilities_text, facilities_name)
    links, link_problems = parse_links(links_text, links_name)
    rejected = {
        str(p.value): p.row
        for p in facility_problems
        if p.field == "id" and p.row is not None and p.value is not None
    }
    # Facilities rejected for any reason: their id, when readable, explains later links.
    rejected_lines = {p.row for p in facility_problems if p.row is not None}
    rejected.update(_codes_on_lines(facilities_text, rejected_lines))
    parsed = check_chain(facilities, links, links_name=links_name, rejected_facilities=rejected)
    parsed.problems = facility_problems + link_problems + parsed.problems
    return parsed


def _codes_on_lines(text: str, lines: set[int]) -> dict[str, int]:
    if not lines:
        return {}
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in next(reader)]
    position = header.index("id")
    found: dict[str, int] = {}
    for record in reader:
        if reader.line_num in lines and position < len(record) and record[position].strip():
            found.setdefault(record[position].strip(), reader.line_num)
    return found
