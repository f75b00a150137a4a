"""List entries as plain records, the common shape every loader produces.

A record keeps what screening and review need (names with their quality, entity type, dates
and places of birth, nationalities, countries, addresses, identifiers, programs, remarks)
plus the source record it was read from, so that an alert can show the entry as it was.
``content_hash`` identifies a version of an entry: equal hashes mean an unchanged entry
between two list versions.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from rigour.territories import lookup_territory

from trustlane.screening.normalize import EntityKind


class NameQuality(StrEnum):
    """How a list states a name: the primary name, a strong or weak alias, a former name."""

    primary = "primary"
    strong = "strong"  # a.k.a. of good quality
    weak = "weak"  # low-quality a.k.a.: short, generic or partial; never alerts alone
    aka = "aka"  # a.k.a. of unstated quality
    former = "former"  # f.k.a. / n.k.a.
    original_script = "original_script"


class Category(StrEnum):
    """What kind of list an entry comes from; decides the consequence of a hit."""

    sanctions = "sanctions"
    export_control = "export_control"
    forced_labor = "forced_labor"
    withhold_release = "withhold_release"
    internal = "internal"


class Action(StrEnum):
    """What a hit means at the border or for a trade."""

    block = "block"  # sanctions: blocked property, no dealings
    licence_required = "licence_required"  # export control: a licence is needed
    detain = "detain"  # withhold release order: goods detained
    exclude = "exclude"  # finding: goods excluded / seized
    rebuttable_presumption = "rebuttable_presumption"  # forced-labor presumption (UFLPA)
    review = "review"  # internal watch list: look closer


#: The default action of a hit on each category of list.
DEFAULT_ACTIONS: dict[Category, Action] = {
    Category.sanctions: Action.block,
    Category.export_control: Action.licence_required,
    Category.forced_labor: Action.rebuttable_presumption,
    Category.withhold_release: Action.detain,
    Category.internal: Action.review,
}


@dataclass
class EntryName:
    name: str
    quality: NameQuality = NameQuality.primary


@dataclass
class Identifier:
    scheme: str  # passport, national_id, imo, tax_id, registration, lei, other...
    value: str
    country: str | None = None

    @property
    def key(self) -> str:
        return re.sub(r"[^0-9A-Z]", "", self.value.upper())


@dataclass
class Consequence:
    """What a hit on this entry entails, and for which goods and places."""

    action: Action
    hs_codes: list[str] = field(default_factory=list)  # digits only, 2 to 10 long
    regions: list[str] = field(default_factory=list)  # ISO 3166 codes, e.g. "cn-xj"
    products: list[str] = field(default_factory=list)
    licence_requirement: str | None = None
    licence_policy: str | None = None
    note: str | None = None


@dataclass
class EntryRecord:
    """One list entry as loaded."""

    key: str  # the entry's id in its source (ent_num, DATAID, _id, ...)
    kind: EntityKind
    names: list[EntryName]
    category: Category = Category.sanctions
    source: str | None = None  # sub-list, e.g. "Entity List (EL)" within the CSL
    programs: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)  # ISO, possibly partial: 1965, 1965-03
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)  # ISO 3166-1 alpha-2, lower case
    countries: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    gender: str | None = None
    listed_on: str | None = None
    remarks: str | None = None
    consequence: Consequence | None = None
    source_record: dict[str, Any] = field(default_factory=dict)

    @property
    def primary_name(self) -> str:
        return self.names[0].name if self.names else ""

    def as_doc(self) -> dict[str, Any]:
        """A JSON-safe document of the whole record."""
        doc = asdict(self)
        doc["kind"] = self.kind.value
        doc["category"] = self.category.value
        return doc

    def content_hash(self) -> str:
        doc = self.as_doc()
        doc.pop("source_record", None)
        raw = json.dumps(doc, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> EntryRecord:
        consequence = doc.get("consequence")
        return cls(
            key=doc["key"],
            kind=EntityKind(doc["kind"]),
            names=[EntryName(n["name"], NameQuality(n["quality"])) for n in doc["names"]],
            category=Category(doc.get("category", "sanctions")),
            source=doc.get("source"),
            programs=list(doc.get("programs", [])),
            birth_dates=list(doc.get("birth_dates", [])),
            birth_places=list(doc.get("birth_places", [])),
            nationalities=list(doc.get("nationalities", [])),
            countries=list(doc.get("countries", [])),
            addresses=list(doc.get("addresses", [])),
            identifiers=[Identifier(**i) for i in doc.get("identifiers", [])],
            gender=doc.get("gender"),
            listed_on=doc.get("listed_on"),
            remarks=doc.get("remarks"),
            consequence=Consequence(
                action=Action(consequence["action"]),
                hs_codes=list(consequence.get("hs_codes", [])),
                regions=list(consequence.get("regions", [])),
                products=list(consequence.get("products", [])),
                licence_requirement=consequence.get("licence_requirement"),
                licence_policy=consequence.get("licence_policy"),
                note=consequence.get("note"),
            )
            if consequence
            else None,
            source_record=dict(doc.get("source_record", {})),
        )


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_DATE_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})"), "ymd"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "ym"),
    (re.compile(r"^(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})$"), "dmy_text"),
    (re.compile(r"^([A-Za-z]{3})[a-z]* (\d{4})$"), "my_text"),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), "mdy"),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), "dmy_dots"),
    (re.compile(r"^(\d{4})$"), "y"),
]


def parse_date(text: str | None) -> str | None:
    """A date in any of the lists' spellings as ISO text, partial when the list is partial
    ("1965", "1965-03", "1965-03-12"); None when unreadable."""
    if not text:
        return None
    t = text.strip().rstrip(".")
    for pattern, shape in _DATE_PATTERNS:
        m = pattern.match(t)
        if not m:
            continue
        g = m.groups()
        try:
            if shape == "ymd":
                y, mo, d = int(g[0]), int(g[1]), int(g[2])
            elif shape == "ym":
                return f"{int(g[0]):04d}-{int(g[1]):02d}"
            elif shape == "dmy_text":
                mo = _MONTHS[g[1].lower()[:3]]
                y, d = int(g[2]), int(g[0])
            elif shape == "my_text":
                return f"{int(g[1]):04d}-{_MONTHS[g[0].lower()[:3]]:02d}"
            elif shape == "mdy":
                y, mo, d = int(g[2]), int(g[0]), int(g[1])
            elif shape == "dmy_dots":
                y, mo, d = int(g[2]), int(g[1]), int(g[0])
            else:
                return f"{int(g[0]):04d}"
        except KeyError:
            return None
        if not (1 <= mo <= 12 and 1 <= d <= 31):
            return None
        return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def birth_dates(text: str) -> list[str]:
    """Dates of birth from a list's free text: '1965', '12 Mar 1965', 'circa 1970',
    '1960 to 1962' (every year of the range)."""
    out: list[str] = []
    t = re.sub(r"\b(circa|approximately|approx\.?|born)\b", "", text, flags=re.I).strip()
    m = re.match(r"^(.*?\d{4})\s*(?:to|-|–)\s*(.*?\d{4})$", t)
    if m:
        start, end = parse_date(m.group(1)), parse_date(m.group(2))
        if start and end:
            a, b = int(start[:4]), int(end[:4])
            if 0 <= b - a <= 10:
                return [str(y) for y in range(a, b + 1)]
    for piece in re.split(r"\s*(?:;|,| or )\s*", t):
        iso = parse_date(piece)
        if iso:
            out.append(iso)
    return out


@lru_cache(maxsize=20_000)
def country_code(text: str | None) -> str | None:
    """An ISO 3166 code (lower case) for a country name or code; None when unknown."""
    if not text or not text.strip():
        return None
    territory = lookup_territory(text.strip())
    if territory is None:
        return None
    return str(territory.ftm_country or territory.code)


@lru_cache(maxsize=20_000)
def region_code(text: str | None) -> str | None:
    """An ISO 3166 code for a country or region ("Xinjiang" → "cn-xj")."""
    if not text or not text.strip():
        return None
    territory = lookup_territory(text.strip())
    return str(territory.code) if territory is not None else None


def hs_code(text: str) -> str | None:
    """An HS code as digits only ("8541.40" → "854140"); None unless 2 to 10 digits."""
    digits = re.sub(r"[^0-9]", "", text)
    return digits if 2 <= len(digits) <= 10 else None
