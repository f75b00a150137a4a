"""The bundled catalogs and the catalog engine's validation (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from trustlane.errors import InvalidInput
from trustlane.programs.catalog import from_document, natural_key
from trustlane.programs.catalogs import bundled
from trustlane.registry.vocab import TradeRole


def test_the_minimum_security_criteria_catalog_has_its_structure() -> None:
    c = bundled()["ctpat"]
    assert [fa.title for fa in c.focus_areas] == [
        "Corporate Security",
        "Transportation Security",
        "People and Physical Security",
    ]
    assert [s.id for s in c.sections] == [str(i) for i in range(1, 13)]
    assert c.section("12").title == "Security and Threat Awareness Training"
    # Every trade role of the registry is an entity type with its own criteria.
    assert set(c.entity_types) == {r.value for r in TradeRole}
    counts = {e: len(c.applicable(e)) for e in c.entity_types}
    assert 85 <= counts["importer"] <= 100
    assert all(n >= 40 for n in counts.values()), counts
    # One numbering: the same id means the same criterion for every entity type.
    assert len({x.id for x in c.criteria}) == len(c.criteria)
    # Each section holds criteria for importers.
    assert {x.section for x in c.applicable("importer")} == {s.id for s in c.sections}


def test_criteria_are_phased_in_and_forced_labor_came_later() -> None:
    c = bundled()["ctpat"]
    first = c.applicable("importer", date(2020, 1, 1))
    later = c.applicable("importer", date(2025, 1, 1))
    assert {x.section for x in first} == {"1", "2", "3", "4"}
    assert len(later) > len(first) + 40
    forced = [x for x in c.criteria if "forced" in x.text.lower()]
    assert len(forced) >= 4
    assert all(x.effective_from >= date(2020, 1, 1) for x in forced)
    assert any(x.effective_from >= date(2024, 1, 1) and x.level.value == "must" for x in forced)
    assert any("social compliance" in x.text.lower() for x in c.criteria)


def test_the_second_catalog_runs_on_the_same_engine() -> None:
    p = bundled()["port-resilience"]
    titles = " ".join(s.title for s in p.sections).lower()
    for topic in ("access", "cargo", "ot", "equipment", "data platforms", "continuity"):
        assert topic in titles
    assert any("ship-to-shore cranes" in x.text for x in p.criteria)
    assert p.policy.revalidation_years == 3
    assert p.applicable("port_authority")
    assert p.applicable("port_terminal_operator")


def test_equal_catalogs_hash_equal_whatever_the_shorthand() -> None:
    c = bundled()["ctpat"]
    again = from_document(c.document(), "round trip")
    assert again == c
    assert again.content_hash() == c.content_hash()


def test_a_bad_document_names_every_problem() -> None:
    doc = bundled()["ctpat"].document()
    doc["criteria"][0]["entity_types"] = ["importer", "spaceport"]
    doc["criteria"][1]["id"] = doc["criteria"][2]["id"]
    doc["criteria"][3]["text"] = "  "
    doc["criteria"][4]["section"] = "99"
    doc["criteria"][5]["level"] = "could"
    with pytest.raises(InvalidInput) as err:
        from_document(doc, "bad.yaml")
    found = {(p.field, p.reason) for p in err.value.problems}
    assert ("criteria[1.1].entity_types", "unknown entity type or group") in found
    assert any(field.endswith(".id") and "duplicate" in reason for field, reason in found)
    assert ("criteria[1.4].text", "a criterion needs its text") in found
    assert ("criteria[1.5].section", "unknown section") in found
    assert any(field == "criteria[1.6].level" for field, _ in found)


def test_criteria_sort_naturally() -> None:
    assert sorted(["3.10", "3.2", "12.1", "3.1"], key=natural_key) == ["3.1", "3.2", "3.10", "12.1"]
