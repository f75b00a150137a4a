"""Outcomes, tiers and the validation ranking: pure rules, every verdict with its reasons."""

from __future__ import annotations

from datetime import date, timedelta

from trustlane.programs.catalogs import bundled
from trustlane.programs.ranking import (
    Candidate,
    Capacity,
    Context,
    allocate,
    rank,
)
from trustlane.programs.signals import OrgSignal
from trustlane.programs.verdicts import TierFacts, propose_outcome, propose_tier
from trustlane.programs.vocab import FindingKind, MemberStatus, Outcome, ValidationMode

CATALOG = bundled()["ctpat"]
MUST = [c.id for c in CATALOG.applicable("importer") if c.level.value == "must"]
SHOULD = [c.id for c in CATALOG.applicable("importer") if c.level.value == "should"]


def test_outcome_fails_at_the_threshold_of_must_criteria() -> None:
    meets = dict.fromkeys(MUST + SHOULD, FindingKind.meets)
    assert propose_outcome(meets, CATALOG)[0] == Outcome.passed
    five = dict(meets, **dict.fromkeys(MUST[:5], FindingKind.required_action))
    outcome, reasons = propose_outcome(five, CATALOG)
    assert outcome == Outcome.passed_with_actions
    assert "5 required actions" in reasons[0].text
    assert "90 days" in reasons[0].text
    # Required actions on "should" criteria do not count towards failure.
    many_should = dict(five, **dict.fromkeys(SHOULD[:5], FindingKind.required_action))
    assert propose_outcome(many_should, CATALOG)[0] == Outcome.passed_with_actions
    six = dict(meets, **dict.fromkeys(MUST[:6], FindingKind.required_action))
    outcome, reasons = propose_outcome(six, CATALOG)
    assert outcome == Outcome.failed
    assert reasons[0].code == "required_actions_on_must_criteria"
    assert MUST[0] in reasons[0].text


def _facts(**kw: object) -> TierFacts:
    base: dict[str, object] = {
        "status": MemberStatus.validated,
        "certified_on": date(2022, 1, 1),
        "last_validated_on": date(2023, 1, 1),
        "last_outcome": Outcome.passed,
        "last_basis": "agency",
        "last_required_actions": 0,
        "last_best_practices": 0,
        "open_actions": 0,
    }
    base.update(kw)
    return TierFacts(**base)  # type: ignore[arg-type]


def test_tiers_follow_the_rules_and_say_why() -> None:
    assert propose_tier(_facts(status=MemberStatus.suspended), CATALOG)[0] is None
    assert (
        propose_tier(_facts(status=MemberStatus.certified, last_validated_on=None), CATALOG)[0] == 1
    )
    tier, reasons = propose_tier(_facts(open_actions=2, last_required_actions=2), CATALOG)
    assert tier == 1
    assert "2 required actions still open" in reasons[0].text
    assert propose_tier(_facts(last_required_actions=2), CATALOG)[0] == 2
    assert propose_tier(_facts(last_best_practices=3), CATALOG)[0] == 3
    # Best practices are this agency's finding: a recognized validation gives tier II.
    tier, reasons = propose_tier(
        _facts(last_best_practices=5, last_basis="mutual_recognition"), CATALOG
    )
    assert tier == 2
    assert "mutual recognition" in reasons[0].text


AS_OF = date(2025, 1, 1)
CTX = Context(
    as_of=AS_OF,
    horizon_end=AS_OF + timedelta(days=90),
    policy=CATALOG.policy,
    overall_failure_rate=0.1,
    sector_failure_rate={"apparel": 0.3},
    entity_type_failure_rate={},
)


def _candidate(member_id: int, **kw: object) -> Candidate:
    base: dict[str, object] = {
        "member_id": member_id,
        "org_id": member_id,
        "name": f"Member {member_id}",
        "entity_type": "importer",
        "sector": "electronics",
        "status": "validated",
        "tier": 2,
        "certified_on": date(2020, 1, 1),
        "last_validated_on": date(2023, 1, 1),
        "validation_due": date(2027, 1, 1),
        "profile_review_due": date(2025, 6, 1),
        "last_outcome": "passed",
        "last_required_actions": 0,
        "open_actions": 0,
        "overdue_actions": 0,
        "times_suspended": 0,
        "specialist_user_id": None,
        "signals": {},
    }
    base.update(kw)
    return Candidate(**base)  # type: ignore[arg-type]


def test_ranking_puts_risk_first_and_explains_every_point() -> None:
    calm = _candidate(1, tier=3)
    overdue = _candidate(2, validation_due=date(2024, 6, 1))
    never = _candidate(3, status="certified", tier=1, last_validated_on=None, last_outcome=None)
    screened = _candidate(
        4, signals={"screening_hits": OrgSignal(0.9, "2 confirmed hits on the entity list.")}
    )
    apparel = _candidate(5, sector="apparel")
    rows = rank([calm, overdue, never, screened, apparel], CTX)
    order = [r.candidate.member_id for r in rows]
    assert order[0] in (2, 3)
    assert order[-1] == 1
    for row in rows:
        assert row.score == round(sum(r.points or 0 for r in row.reasons), 2)
        assert all(r.text for r in row.reasons)
    by_id = {r.candidate.member_id: r for r in rows}
    assert any("overdue by 214 days" in r.text for r in by_id[2].reasons)
    assert any(r.code == "screening_hits" and "entity list" in r.text for r in by_id[4].reasons)
    assert any("Sector apparel: 30%" in r.text for r in by_id[5].reasons)
    assert by_id[1].score < 0
    assert by_id[1].reasons[0].code == "tier"


def test_mode_is_virtual_where_the_risk_allows() -> None:
    rows = {
        r.candidate.member_id: r
        for r in rank(
            [
                _candidate(1, tier=3),
                _candidate(2, status="certified", last_validated_on=None, last_outcome=None),
                _candidate(
                    3,
                    signals={"inspection_outcomes": OrgSignal(0.7, "3 of 5 found discrepancies.")},
                ),
                _candidate(4, last_outcome="failed"),
            ],
            CTX,
        )
    }
    assert rows[1].mode == ValidationMode.virtual
    assert "Virtual" in rows[1].mode_reasons[0].text
    assert rows[2].mode == ValidationMode.on_site
    assert "first validation" in rows[2].mode_reasons[0].text
    assert rows[3].mode == ValidationMode.on_site
    assert "inspection" in rows[3].mode_reasons[0].text
    assert rows[4].mode == ValidationMode.on_site
    assert "failed" in rows[4].mode_reasons[0].text


def test_allocation_fills_capacity_in_rank_order_and_says_why_not() -> None:
    cands = [
        _candidate(1, validation_due=date(2024, 1, 1), specialist_user_id=8),
        _candidate(2, validation_due=date(2024, 2, 1)),
        _candidate(3, validation_due=date(2024, 3, 1), sector="machinery"),
        _candidate(4, tier=3),
    ]
    rows = rank(cands, CTX)
    allocate(rows, [Capacity(7, 2.5, frozenset({"electronics"})), Capacity(8, 2.0)])
    by_id = {r.candidate.member_id: r for r in rows}
    assert by_id[1].selected
    assert by_id[1].specialist_user_id == 8
    assert "its own specialist" in by_id[1].selection
    assert by_id[2].selected
    assert by_id[2].specialist_user_id == 7
    assert not by_id[3].selected
    assert "no specialist has" in by_id[3].selection
    # The cheap virtual validation further down still fits in what is left.
    assert by_id[4].mode == ValidationMode.virtual
    assert by_id[4].selected
