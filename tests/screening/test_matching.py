"""Name matching: normalization across scripts, explained scores, the compare contract."""

from __future__ import annotations

import csv
from pathlib import Path

from trustlane.screening.config import current_model
from trustlane.screening.files import compare_file
from trustlane.screening.matching import compare_names
from trustlane.screening.normalize import EntityKind, prepare_name

FIXTURES = Path(__file__).parent / "fixtures"


def test_normalization_romanizes_and_folds() -> None:
    def texts(name: str, kind: EntityKind = EntityKind.person) -> list[str]:
        prepared = prepare_name(name, kind)
        assert prepared is not None
        return prepared.texts

    assert texts("Владимир Путин") == ["vladimir", "putin"]
    assert texts("SALEK, Abdulhai") == ["abdulhai", "salek"]
    assert texts("Ig0r Sech1n") == ["igor", "sechin"]
    assert texts("김정은") == ["gim", "jeong", "eun"]
    assert texts("Müller-Lüdenscheidt") == ["muller", "ludenscheidt"]
    company = prepare_name("Siemens Aktiengesellschaft", EntityKind.organization)
    assert company is not None
    assert company.texts == ["siemens"]
    assert company.legal_forms


def test_scores_are_explained_and_sensible() -> None:
    model = current_model()
    same = compare_names("Vladimir Vladimirovich Putin", "Vladimir Putin", EntityKind.person, model)
    other = compare_names("Roman Fico", "Robert Fico", EntityKind.person, model)
    assert same.is_match
    assert not other.is_match
    assert "'putin' = 'putin'" in same.explanation()
    assert same.contributions
    assert all(c.sentence for c in same.contributions)
    swapped = compare_names(
        "ABDULLAH BIN OMAR AL-MUHAMMAD", "OMAR BIN ABDULLAH AL-MUHAMMAD", EntityKind.person, model
    )
    assert not swapped.is_match  # the father's and the son's names traded places
    generic = compare_names(
        "Global Trading Corp", "Global Trading LLC", EntityKind.organization, model
    )
    distinct = compare_names("Volkswagen AG", "Siemens AG", EntityKind.organization, model)
    assert not distinct.is_match
    assert distinct.score < generic.score


def test_compare_contract_keeps_rows_and_columns(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    summary = compare_file(FIXTURES / "pairs.csv", out, current_model())
    rows = list(csv.DictReader(out.open()))
    assert [r["case"] for r in rows] == [str(i) for i in range(1, 9)]
    assert list(rows[0])[-3:] == ["score", "match", "explanation"]
    assert rows[0]["match"] == "true"
    assert rows[2]["match"] == "false"
    assert rows[7]["explanation"] == "error: empty name1"
    assert summary.rows == 8
    assert summary.problems[0].row == 9
    assert all(0.0 <= float(r["score"]) <= 1.0 for r in rows)


def test_words_that_only_look_alike_do_not_align() -> None:
    from trustlane.screening.align import align, compare_text, gendered_pair

    # Masculine and feminine forms of a name are two people, not a typo.
    assert gendered_pair("antonio", "antonia")
    assert gendered_pair("daniela", "daniel")
    assert gendered_pair("ivanov", "ivanova")
    assert compare_text("joaquin", "joaquina").how == "none"
    assert not gendered_pair("abdullah", "abdullaha")
    assert not gendered_pair("maria", "mariam")

    def aligned(a: str, b: str, kind: EntityKind = EntityKind.person) -> list[str]:
        q, r = prepare_name(a, kind), prepare_name(b, kind)
        assert q is not None
        assert r is not None
        v = align(q, r)
        return [f"{q.tokens[p.q[0]].text}:{r.tokens[p.r[0]].text}" for p in v.pairs]

    # A particle ("e": Spanish 'and') is no one's initial.
    assert "eva:e" not in aligned("Eva Luna", "MONTOYA LUNA E HIJOS Y CIA. S.C.S.")
    # One romanized syllable's consonant skeleton is shared by many syllables.
    assert aligned("强 俞", "CHEW, Kheng Siang") == []
    # ... while romanizations of one syllable still align ("zhong" / "chung").
    assert aligned("钟", "Chung") == ["zhong:chung"]
    # A romanized syllable is a name part, not a particle: 德 "de" counts.
    prepared = prepare_name("明德", EntityKind.person)
    assert prepared is not None
    assert not any(t.stop for t in prepared.tokens)
