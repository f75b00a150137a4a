"""Sectors: the ten industry centers and the HS → sector mapping."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from trustlane.errors import InvalidInput
from trustlane.registry.sectors import (
    mapping,
    sector_for_hs,
    sector_slug,
    sectors,
    sectors_for_hs,
)

FIXTURES = Path(__file__).parent / "fixtures"


def hs_rows(level: str) -> list[dict[str, str]]:
    with (FIXTURES / "hs_chapters.csv").open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["level"] == level]


def test_the_ten_industry_centers_with_stable_slugs() -> None:
    assert [s.name for s in sectors()] == [
        "Agriculture & Prepared Products",
        "Apparel, Footwear & Textiles",
        "Automotive & Aerospace",
        "Base Metals",
        "Consumer Products & Mass Merchandising",
        "Electronics",
        "Industrial & Manufacturing Materials",
        "Machinery",
        "Petroleum, Natural Gas & Minerals",
        "Pharmaceuticals, Health & Chemicals",
    ]
    assert [s.slug for s in sectors()] == [
        "agriculture-prepared-products",
        "apparel-footwear-textiles",
        "automotive-aerospace",
        "base-metals",
        "consumer-products-mass-merchandising",
        "electronics",
        "industrial-manufacturing-materials",
        "machinery",
        "petroleum-natural-gas-minerals",
        "pharmaceuticals-health-chemicals",
    ]


def test_every_hs_chapter_maps_to_a_sector() -> None:
    chapters = [r["hscode"] for r in hs_rows("2")]
    assert len(chapters) == 97  # 01-99 without 77 (reserved) and 98 (national use)
    unmapped = [c for c in chapters if sector_for_hs(c) is None]
    assert unmapped == []
    # and every sector gets some chapter
    assert {sector_for_hs(c) for c in chapters} == {s.slug for s in sectors()}


@pytest.mark.parametrize(
    ("code", "slug"),
    [
        ("8471", "electronics"),  # computers, within chapter 84 → machinery
        ("847130", "electronics"),
        ("8479", "machinery"),
        ("8501", "machinery"),  # electric motors, within chapter 85 → electronics
        ("8703", "automotive-aerospace"),
        ("8712", "consumer-products-mass-merchandising"),  # bicycles, within chapter 87
        ("9018", "pharmaceuticals-health-chemicals"),  # medical instruments, within chapter 90
        ("7108", "petroleum-natural-gas-minerals"),  # gold, unwrought
        ("7113", "consumer-products-mass-merchandising"),  # jewellery
        ("3004", "pharmaceuticals-health-chemicals"),
        ("6109", "apparel-footwear-textiles"),
        ("2709", "petroleum-natural-gas-minerals"),
        ("9503", "consumer-products-mass-merchandising"),
    ],
)
def test_heading_overrides_where_a_chapter_splits(code: str, slug: str) -> None:
    assert code in {r["hscode"] for r in hs_rows("4")} | {"847130"}
    assert sector_for_hs(code) == slug


def test_codes_as_sources_write_them() -> None:
    assert sector_for_hs("8471.30.01") == "electronics"
    assert sector_for_hs(10121) == "agriculture-prepared-products"  # "010121" as an integer
    assert sector_for_hs("77") is None
    assert sector_for_hs(None) is None
    assert sector_for_hs("x") is None


def test_vectorized_mapping_keeps_the_index_and_agrees_with_the_scalar() -> None:
    codes = pd.Series(
        ["8471.30", "847989", 10121, None, "2709", 3004.0, "99", "x"],
        index=list("abcdefgh"),
        name="hs",
        dtype=object,
    )
    out = sectors_for_hs(codes)
    assert list(out.index) == list("abcdefgh")
    assert out.name == "hs"
    expected = [sector_for_hs(c) for c in codes]
    assert [None if pd.isna(v) else v for v in out] == expected


def test_sector_given_by_name_or_slug() -> None:
    assert sector_slug("Base Metals") == "base-metals"
    assert (
        sector_slug("consumer products & mass merchandising")
        == "consumer-products-mass-merchandising"
    )
    assert sector_slug("PHARMACEUTICALS_health_chemicals") == "pharmaceuticals-health-chemicals"
    with pytest.raises(InvalidInput) as exc:
        sector_slug("Toys", "rows[3].sector")
    assert exc.value.problems[0].field == "rows[3].sector"


def test_data_file_names_its_source() -> None:
    from importlib import resources

    text = resources.files("trustlane.registry").joinpath("data", "sectors.yaml").read_text()
    assert "Source:" in text
    assert "Centers of Excellence and Expertise" in text
    assert set(mapping().headings) >= {"8471", "8712", "9018"}
