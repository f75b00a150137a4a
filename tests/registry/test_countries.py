"""Countries and subdivisions: codes, names and variants to ISO 3166."""

from __future__ import annotations

import pytest

from trustlane.errors import InvalidInput
from trustlane.registry.countries import country_code, find_country, subdivision_code


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("DE", "DE"),
        ("de", "DE"),
        ("DEU", "DE"),
        ("276", "DE"),
        ("Germany", "DE"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("United States of America", "US"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("South Korea", "KR"),
        ("Korea, Republic of", "KR"),
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("Ivory Coast", "CI"),
        ("Côte d'Ivoire", "CI"),
        ("Holland", "NL"),
        ("Hong Kong", "HK"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Kosovo", "XK"),
    ],
)
def test_codes_names_and_variants(given: str, code: str) -> None:
    assert find_country(given) == code


def test_unknown_country_names_the_field() -> None:
    assert find_country("ZZ") is None
    assert find_country("") is None
    with pytest.raises(InvalidInput) as exc:
        country_code("XYZ", "addresses[1].country")
    (problem,) = exc.value.problems
    assert problem.field == "addresses[1].country"
    assert "XYZ" in problem.reason


@pytest.mark.slow  # the first lookup loads rigour's multilingual territory names (seconds)
def test_names_in_other_languages_and_unknown_names() -> None:
    assert find_country("Deutschland") == "DE"
    assert find_country("Allemagne") == "DE"
    assert find_country("Narnia") is None


def test_subdivisions_by_code_or_name() -> None:
    assert subdivision_code("CN-GD", "CN") == "CN-GD"
    assert subdivision_code("gd", "CN") == "CN-GD"
    assert subdivision_code("Guangdong", "CN") == "CN-GD"  # "Guangdong Sheng" in ISO 3166-2
    assert subdivision_code("California", "US") == "US-CA"
    with pytest.raises(InvalidInput) as exc:
        subdivision_code("US-CA", "CN", "addresses[0].subdivision")
    assert exc.value.problems[0].field == "addresses[0].subdivision"
    assert "another country" in exc.value.problems[0].reason
    with pytest.raises(InvalidInput):
        subdivision_code("Atlantis", "US")
