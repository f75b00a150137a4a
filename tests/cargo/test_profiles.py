"""Profiles, their docs and examples, and the checks of one chunk (no database)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.cargo.helpers import EXAMPLES, KR_ROW
from trustlane.cargo.profiles import PROFILES, get_profile
from trustlane.cargo.readers import SourceFile
from trustlane.cargo.validate import check_chunk
from trustlane.errors import InvalidInput

DOCS = Path(__file__).parents[2] / "docs" / "cargo.md"


@pytest.mark.parametrize("name", list(PROFILES))
def test_every_profile_has_an_example_and_a_documented_column_table(name: str) -> None:
    profile = PROFILES[name]
    example = EXAMPLES / profile.example
    assert example.is_file(), f"docs/examples/{profile.example} is missing"
    columns = SourceFile(example).columns
    assert [c.name for c in profile.required if c.name not in columns] == []
    docs = DOCS.read_text()
    section = docs.split(f"### `{name}`", 1)[1].split("\n### ", 1)[0]
    for column in profile.columns:
        assert f"| `{column.name}` |" in section, f"{name}: {column.name} not in docs/cargo.md"


def test_unknown_profile_names_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as err:
        get_profile("manifest-xx")
    assert "customs-kr" in str(err.value)
    assert err.value.problems[0].field == "profile"


def test_checks_name_each_bad_field_and_convert_the_good_ones() -> None:
    rows = [
        dict(KR_ROW),
        {**KR_ROW, "Date": "2020-13-40", "Country of Origin": "XX"},
        {**KR_ROW, "HS6 Code": "3926.9", "Net Mass": "-3"},
        {**KR_ROW, "Importer ID": " ", "Fraud": "maybe"},
        {**KR_ROW, "HS6 Code": "3926.90", "Country of Origin": "cn", "Fraud": "yes"},
    ]
    frame = pd.DataFrame(rows).astype("str")
    checked = check_chunk(frame, np.arange(2, 7, dtype=np.int64), PROFILES["customs-kr"])
    found = {(r.row, r.field) for r in checked.rejects.itertuples()}
    assert found == {
        (3, "Date"),
        (3, "Country of Origin"),
        (4, "HS6 Code"),
        (4, "Net Mass"),
        (5, "Importer ID"),
        (5, "Fraud"),
    }
    assert checked.bad.tolist() == [False, True, True, True, False]
    good = checked.values.iloc[4]
    assert good["HS6 Code"] == "392690"
    assert good["Country of Origin"] == "CN"
    assert bool(good["Fraud"]) is True
    assert good["Date"] == pd.Timestamp("2020-01-02")
    reasons = dict(zip(checked.rejects["field"], checked.rejects["reason"], strict=True))
    assert reasons["Importer ID"] == "required value missing"
    assert "ISO 3166" in reasons["Country of Origin"]


def test_unknown_extension_needs_a_format(tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    path.write_text("x")
    with pytest.raises(InvalidInput) as err:
        SourceFile(path)
    assert err.value.problems[0].field == "format"
