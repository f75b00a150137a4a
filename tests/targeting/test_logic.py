"""Pure parts: metrics, indicators, selection planning, reason groups."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from trustlane.targeting import features as F
from trustlane.targeting.explain import REASON_GROUPS
from trustlane.targeting.indicators import INDICATORS, evaluate_indicators, load_config
from trustlane.targeting.metrics import top_n_figures
from trustlane.targeting.select import SelectionPolicy, parse_capacity, plan_office


def test_every_feature_has_exactly_one_reason_group() -> None:
    grouped = [f for g in REASON_GROUPS for f in g.features]
    assert sorted(grouped) == sorted(F.feature_names())


def test_top_n_figures() -> None:
    score = np.array([0.9, 0.8, 0.7, 0.1] + [0.0] * 96)
    fraud = np.array([1, 0, 1, 1] + [0] * 96)
    revenue = np.array([10.0, 99.0, 30.0, 60.0] + [5.0] * 96)
    one, two = top_n_figures(score, fraud, revenue, (1, 2))
    assert (one.inspected, one.precision, one.recall, one.revenue) == (1, 1.0, 1 / 3, 0.1)
    assert (two.precision, two.revenue) == (0.5, 0.1)  # a non-fraud's revenue never counts


def test_history_features_see_only_earlier_days() -> None:
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2020-01-01", "2020-01-01", "2020-01-02", "2020-01-03"]),
            "importer_id": ["A", "A", "A", "A"],
            "fraud": [1, 1, 0, 0],
            "critical": [0, 0, 0, 0],
        }
    )
    for cols in F.HISTORY_KEYS.values():
        for c in cols:
            if c not in frame:
                frame[c] = None
    frame["hs6"], frame["net_mass"], frame["item_price"] = "010101", 1.0, 1.0
    history = F.History(prior_fraud=0.5, prior_critical=0.0, smoothing=2.0)
    out = history.training_features(frame)
    n = np.expm1(out["importer_log_n"].to_numpy())
    np.testing.assert_allclose(n, [0, 0, 2, 3], atol=1e-5)
    rate = out["importer_fraud_rate"].to_numpy()
    np.testing.assert_allclose(rate, [0.5, 0.5, (2 + 1) / 4, (2 + 1) / 5], atol=1e-6)


def _frame(**cols: object) -> pd.DataFrame:
    base: dict[str, object] = {
        "importer_id": ["I1"], "seller_id": ["S1"], "hs6": ["520811"], "country_origin": ["CN"],
        "country_departure": ["CN"], "importer_prior_declarations": [5.0],
        "pair_prior_declarations": [2.0], "unit_value_z": [0.0], "unit_value_history": [10.0],
        "screening_hits": [""], "hours_filed_before_lading": [np.nan], "filing_missing": [""],
        "kind": ["declaration"], "importer_prior_inspections": [0.0],
        "importer_prior_frauds": [0.0], "trusted_tier": [0],
    }  # fmt: skip
    base.update({k: [v] for k, v in cols.items()})
    return pd.DataFrame(base)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"importer_prior_declarations": 0.0}, "FIRST_TIME_IMPORTER"),
        ({"pair_prior_declarations": 0.0}, "NEW_IMPORTER_SELLER_PAIR"),
        ({"unit_value_z": -4.2}, "UNIT_VALUE_OUTLIER"),
        ({"country_departure": "VN"}, "ORIGIN_DEPARTURE_DIFFER"),
        ({"screening_hits": "ACME (sanctions)"}, "SCREENING_HIT"),
        ({"hours_filed_before_lading": 6.0}, "SECURITY_FILING_LATE"),
        ({"kind": "isf", "filing_missing": "buyer"}, "SECURITY_FILING_INCOMPLETE"),
        ({"importer_prior_inspections": 4.0, "importer_prior_frauds": 2.0}, "PAST_FRAUD_FINDINGS"),
        ({"trusted_tier": 2}, "TRUSTED_TRADER"),
    ],
)
def test_each_indicator_fires_with_a_reason(change: dict[str, object], code: str) -> None:
    config = load_config()
    quiet = evaluate_indicators(_frame(hs6="010101"), config)
    assert quiet.reasons == [[]]
    found = evaluate_indicators(_frame(hs6="010101", **change), config)
    codes = [r["code"] for r in found.reasons[0]]
    assert codes == [code]
    assert found.reasons[0][0]["text"]
    if code == "TRUSTED_TRADER":
        assert found.points[0] < 0


def test_high_risk_list_fires_on_cotton_from_cn() -> None:
    found = evaluate_indicators(_frame(), load_config())
    assert [r["code"] for r in found.reasons[0]] == ["HIGH_RISK_COMMODITY_ORIGIN"]
    assert "cotton" in found.reasons[0][0]["text"]
    assert {i.code for i in INDICATORS} >= {"HIGH_RISK_COMMODITY_ORIGIN", "TRUSTED_TRADER"}


def test_capacity_as_count_or_share() -> None:
    assert parse_capacity("12", 100) == 12
    assert parse_capacity("5%", 101) == 6
    assert parse_capacity("500", 10) == 10
    with pytest.raises(ValueError, match="count"):
        parse_capacity("lots", 10)


def test_plan_picks_by_value_explores_and_spares_trusted_traders() -> None:
    n = 100
    scores = pd.DataFrame(
        {
            "shipment_id": range(n),
            "score": np.linspace(0.99, 0.01, n),
            "expected_value": np.linspace(1000, 10, n),
            "trusted_tier": [3 if i % 2 else 0 for i in range(n)],
        }
    )
    policy = SelectionPolicy(capacity="10", exploration_share=0.3, documents_threshold=0.5)
    plan = plan_office(scores, policy, random.Random(1))
    physical = plan[plan["lane"] == "physical"]
    assert len(physical) == 10
    assert sorted(physical.loc[physical["picked_by"] == "value", "shipment_id"]) == list(range(7))
    explored = physical[physical["picked_by"] == "explore_random"]
    assert len(explored) == 3
    assert (explored["trusted_tier"] == 0).all()
    assert (explored["propensity"] < 1).all()
    docs = plan[plan["lane"] == "documents"]
    assert (docs["score"] >= 0.5).all()
    assert len(docs) > 0
    again = plan_office(scores, policy, random.Random(1))
    assert again["lane"].tolist() == plan["lane"].tolist()  # seeded
