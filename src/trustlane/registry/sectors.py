"""Industry sectors and the HS → sector mapping (data in ``registry/data/sectors.yaml``).

The ten sectors are the industry centers of a customs agency's account-based processing. The
mapping is read once from the package's data file; see the file for its source and for the
heading-level splits (e.g. 8471 computers → Electronics within chapter 84 → Machinery).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd
import yaml
from normality import normalize

from trustlane.errors import FieldProblem, InvalidInput

DATA_FILE = "sectors.yaml"


@dataclass(frozen=True)
class Sector:
    """One industry sector: a stable slug, its display name, what it covers."""

    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class SectorMapping:
    """The sectors in their stable order and the chapter and heading assignments."""

    sectors: tuple[Sector, ...]
    chapters: dict[str, str]
    headings: dict[str, str]

    def chapters_of(self, slug: str) -> list[str]:
        return sorted(c for c, s in self.chapters.items() if s == slug)

    def headings_of(self, slug: str) -> list[str]:
        return sorted(h for h, s in self.headings.items() if s == slug)


@cache
def mapping() -> SectorMapping:
    """The mapping from the package's data file, checked for consistency."""
    text = resources.files("trustlane.registry").joinpath("data", DATA_FILE).read_text("utf-8")
    return _parse(yaml.safe_load(text))


def _parse(doc: dict[str, Any]) -> SectorMapping:
    sectors = tuple(
        Sector(slug=str(s["slug"]), name=str(s["name"]), description=str(s["description"]))
        for s in doc["sectors"]
    )
    slugs = {s.slug for s in sectors}
    chapters = {str(k): str(v) for k, v in doc["chapters"].items()}
    headings = {str(k): str(v) for k, v in doc["headings"].items()}
    # A typo in the data file must fail loudly, not route goods to a sector that is not there.
    for code, slug in [*chapters.items(), *headings.items()]:
        if slug not in slugs:
            raise ValueError(f"{DATA_FILE}: {code} maps to unknown sector {slug!r}")
    for code in chapters:
        if not re.fullmatch(r"\d{2}", code):
            raise ValueError(f"{DATA_FILE}: chapter {code!r} is not two digits")
    for code in headings:
        if not re.fullmatch(r"\d{4}", code) or code[:2] not in chapters:
            raise ValueError(f"{DATA_FILE}: heading {code!r} is not in a mapped chapter")
    return SectorMapping(sectors=sectors, chapters=chapters, headings=headings)


def sectors() -> tuple[Sector, ...]:
    """The ten sectors in their stable order."""
    return mapping().sectors


def get_sector(slug: str) -> Sector | None:
    return next((s for s in mapping().sectors if s.slug == slug), None)


def hs_digits(code: object) -> str | None:
    """The digits of an HS code as given ("8471.30", "847130", 10121 → "010121").

    Integers lose a leading zero (chapter 01-09); an odd number of digits gets it back.
    """
    if code is None or (isinstance(code, float) and code != code):
        return None
    if isinstance(code, float) and code.is_integer():
        code = int(code)
    digits = re.sub(r"\D", "", str(code))
    if len(digits) < 2:
        return None
    if len(digits) % 2:
        digits = "0" + digits
    return digits


def sector_for_hs(code: object) -> str | None:
    """The sector slug of an HS code (chapter, heading or longer), or None when unmapped."""
    digits = hs_digits(code)
    if digits is None:
        return None
    m = mapping()
    if len(digits) >= 4 and digits[:4] in m.headings:
        return m.headings[digits[:4]]
    return m.chapters.get(digits[:2])


def sectors_for_hs(codes: pd.Series) -> pd.Series:
    """:func:`sector_for_hs` over a Series, vectorized: same index, slugs or <NA>."""
    m = mapping()
    text = codes.astype("string")
    # Integers and floats read from CSV lose a leading zero and may carry ".0".
    text = text.str.replace(r"\.0$", "", regex=True).str.replace(r"\D", "", regex=True)
    text = text.where(text.str.len() % 2 == 0, "0" + text)
    text = text.where(text.str.len() >= 2)
    by_heading = text.str.slice(0, 4).map(m.headings)
    by_chapter = text.str.slice(0, 2).map(m.chapters)
    out = by_heading.fillna(by_chapter)
    result = out.astype("string")
    result.name = codes.name
    return result


def sector_slug(value: str, field: str = "sector") -> str:
    """The slug for a sector given by slug or name (any case, "&" or "and"), else InvalidInput."""
    wanted = _fold(value)
    for s in mapping().sectors:
        if wanted in (_fold(s.slug), _fold(s.name)):
            return s.slug
    choices = ", ".join(s.slug for s in mapping().sectors)
    raise InvalidInput(
        "Unknown sector", [FieldProblem(field, f"unknown sector {value!r}; one of: {choices}")]
    )


def _fold(text: str) -> str:
    folded = normalize(text.replace("&", " and "), ascii=True) or ""
    return folded.replace("_", " ").replace("-", " ").replace(" and ", " ")
