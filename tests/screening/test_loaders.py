"""List loaders on small real slices and hand-made files: what each keeps, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustlane.errors import InvalidInput
from trustlane.screening.loaders import read_list
from trustlane.screening.normalize import EntityKind
from trustlane.screening.records import Action, Category, NameQuality

FIXTURES = Path(__file__).parent / "fixtures"


def test_ofac_sdn_trio_keeps_names_remarks_and_addresses() -> None:
    result = read_list(FIXTURES / "ofac_sdn", "ofac-sdn")
    by_key = {r.key: r for r in result.records}
    assert set(by_key) == {"36", "306", "4238", "6365", "7182", "15045"}
    bank = by_key["306"]
    assert bank.primary_name == "BANCO NACIONAL DE CUBA"
    qualities = {n.name: n.quality for n in bank.names}
    assert qualities["NATIONAL BANK OF CUBA"] is NameQuality.aka
    assert qualities["BNC"] is NameQuality.weak  # a.k.a. in the remarks: low quality
    assert any("Zurich" in a for a in bank.addresses)
    person = by_key["7182"]
    assert person.kind is EntityKind.person
    assert person.birth_dates == ["1957-11-08"]
    assert [i.scheme for i in person.identifiers] == ["national_id"]
    assert by_key["4238"].kind is EntityKind.vessel


def test_un_xml_reads_people_entities_original_script_and_documents() -> None:
    result = read_list(FIXTURES / "un_consolidated.xml", "un-xml")
    assert result.published == "2026-02-27"
    kinds = {r.kind for r in result.records}
    assert kinds == {EntityKind.person, EntityKind.organization}
    salek = next(r for r in result.records if "SALEK" in r.primary_name)
    assert salek.birth_dates
    assert salek.nationalities == ["af"]
    assert any(n.quality is NameQuality.original_script for r in result.records for n in r.names)


def test_csl_keeps_each_source_and_export_control_licence() -> None:
    result = read_list(FIXTURES / "csl_sample.csv", "csl")
    sources = {r.key.split(":")[0] for r in result.records}
    assert {"EL", "MEU", "SDN"} <= sources
    meu = next(r for r in result.records if r.key.startswith("MEU:"))
    assert meu.category is Category.export_control
    assert meu.consequence is not None
    assert meu.consequence.action is Action.licence_required
    assert "supplement no. 2" in (meu.consequence.licence_requirement or "")
    sdn = next(r for r in result.records if r.key.startswith("SDN:"))
    assert sdn.category is Category.sanctions
    assert sdn.consequence is None


def test_dpl_groups_addresses_of_one_person() -> None:
    result = read_list(FIXTURES / "bis_dpl.txt", "dpl")
    assert result.rows_read == 6
    assert all(r.category is Category.export_control for r in result.records)


def test_ftm_reads_things_and_attaches_sanction_programs() -> None:
    result = read_list(FIXTURES / "entities.ftm.jsonl", "ftm")
    by_key = {r.key: r for r in result.records}
    assert set(by_key) == {"NK-demo-1", "NK-demo-2", "NK-demo-3"}
    person = by_key["NK-demo-1"]
    assert person.programs == ["RUSSIA-EO14024"]
    assert [n.quality for n in person.names] == [
        NameQuality.primary,
        NameQuality.aka,
        NameQuality.weak,
    ]
    assert by_key["NK-demo-2"].category is Category.export_control
    assert by_key["NK-demo-3"].identifiers[0].scheme == "imo"


def test_generic_csv_with_mapping_carries_forced_labor_consequence() -> None:
    import yaml

    mapping = yaml.safe_load((FIXTURES / "forced_labor_mapping.yaml").read_text())
    result = read_list(FIXTURES / "forced_labor_entities.csv", "csv", mapping)
    hoshine = result.records[0]
    assert hoshine.category is Category.forced_labor
    assert hoshine.consequence is not None
    assert hoshine.consequence.action is Action.rebuttable_presumption
    assert hoshine.consequence.hs_codes == ["280461", "280469"]
    assert hoshine.consequence.regions == ["cn-xj"]
    wro = read_list(FIXTURES / "withhold_release_orders.csv", "csv").records
    assert [r.consequence.action for r in wro if r.consequence] == [
        Action.exclude,
        Action.detain,
        Action.detain,
    ]


def test_unknown_format_and_wrong_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="Unknown list format"):
        read_list(FIXTURES / "csl_sample.csv", "pdf")
    with pytest.raises(InvalidInput, match="not a un-xml file"):
        read_list(FIXTURES / "csl_sample.csv", "un-xml")
    with pytest.raises(InvalidInput, match="not a ofac-sdn file"):
        read_list(tmp_path, "ofac-sdn")


def test_bad_rows_are_reported_and_good_rows_still_load(tmp_path: Path) -> None:
    bad = tmp_path / "list.csv"
    bad.write_bytes(
        b"name,country\nGood Trading LLC,China\n,China\nBad \xff\xfe bytes,China\nOther Co,Peru\n"
    )
    result = read_list(bad, "csv")
    assert [r.primary_name for r in result.records] == ["Good Trading LLC", "Other Co"]
    reasons = {(p.field, p.row) for p in result.problems}
    assert ("name", 3) in reasons
    assert ("encoding", 4) in reasons


def test_malformed_xml_keeps_entries_read_before_the_break(tmp_path: Path) -> None:
    text = (FIXTURES / "un_consolidated.xml").read_text()
    cut = text.index("</INDIVIDUAL>", text.index("</INDIVIDUAL>") + 1) + len("</INDIVIDUAL>")
    broken = tmp_path / "un.xml"
    broken.write_text(text[:cut] + "\n<INDIVIDUAL><DATAID>1</DATA")
    result = read_list(broken, "un-xml")
    assert len(result.records) == 2
    assert result.problems[-1].field == "xml"
