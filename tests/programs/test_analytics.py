"""Failure analytics on a tiny hand-made history whose figures can be checked by hand, its
exports and charts; and the analytics, accounts and plan routes on a real database."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from tests import factories as f
from tests.programs import helpers as h
from trustlane.access.roles import Role
from trustlane.errors import InvalidInput
from trustlane.programs import report, store_program
from trustlane.programs.analytics import compute, predict_failures
from trustlane.programs.calendar import today
from trustlane.programs.catalogs import bundled

CATALOG = bundled()["ctpat"]
AS_OF = date(2024, 1, 1)


def _frames() -> tuple[pd.DataFrame, dict[str, pd.DataFrame], pd.DataFrame, pd.DataFrame]:
    """(validations, finding counts, required-action pairs, members) as the store gives them."""
    validations, findings, members = _history()
    joined = findings.merge(validations, on="validation_id")
    joined["year"] = joined["completed_on"].dt.year
    joined["half"] = (joined["completed_on"].dt.month > 6).astype(int) + 1
    counts = {
        name: joined.groupby([*keys, "criterion", "kind"]).size().rename("n").reset_index()
        for name, keys in store_program.COUNT_VIEWS.items()
    }
    ra = findings[findings["kind"] == "required_action"][["validation_id", "criterion"]]
    return validations, counts, ra, members


def _history() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    validations = pd.DataFrame(
        [
            (1, 1, 11, "2022-03-01", "passed", "importer", "electronics"),
            (2, 2, 12, "2022-05-01", "failed", "importer", "machinery"),
            (3, 1, 11, "2023-04-01", "passed_with_actions", "importer", "electronics"),
            (4, 3, 13, "2023-06-01", "failed", "exporter", "electronics"),
        ],
        columns=[
            "validation_id", "member_id", "org_id", "completed_on", "outcome", "entity_type",
            "sector",
        ],
    )  # fmt: skip
    validations["completed_on"] = pd.to_datetime(validations["completed_on"])
    validations["mode"] = "on_site"
    validations["n_meets"] = [1, 0, 2, 0]
    validations["n_required_actions"] = [1, 2, 1, 2]
    validations["n_recommendations"] = 0
    validations["n_best_practices"] = [0, 0, 0, 1]
    findings = pd.DataFrame(
        [
            (1, "1.1", "meets"), (1, "3.1", "required_action"),
            (2, "1.1", "required_action"), (2, "3.1", "required_action"),
            (3, "1.1", "meets"), (3, "3.1", "meets"), (3, "4.17", "required_action"),
            (4, "1.1", "best_practice"), (4, "3.1", "required_action"),
            (4, "4.17", "required_action"),
        ],
        columns=["validation_id", "criterion", "kind"],
    )  # fmt: skip
    members = pd.DataFrame(
        [
            (1, "validated", 2, "importer", "electronics", date(2023, 4, 1), date(2027, 4, 1), 0),
            (2, "suspended", None, "importer", "machinery", None, None, 0),
            (3, "certified", 1, "exporter", "electronics", None, date(2024, 6, 1), 1),
            (4, "certified", 1, "importer", "machinery", None, date(2024, 9, 1), 0),
        ],
        columns=[
            "member_id", "status", "tier", "entity_type", "sector", "last_validated_on",
            "validation_due", "overdue_actions",
        ],
    )  # fmt: skip
    return validations, findings, members


@pytest.mark.slow
def test_failure_rates_at_every_level_match_the_hand_count() -> None:
    a = compute(CATALOG, *_frames(), AS_OF)
    crit = a.tables["criteria"].set_index("criterion")
    assert crit.loc["1.1", "failure_rate"] == 0.25
    assert crit.loc["3.1", "failure_rate"] == 0.75
    assert crit.loc["4.17", "failure_rate"] == 1.0
    assert crit.loc["4.17", "assessed"] == 2
    assert crit.loc["1.1", "best_practices"] == 1
    sections = a.tables["sections"].set_index("section_id")["failure_rate"].to_dict()
    assert sections == {"1": 0.25, "3": 0.75, "4": 1.0}
    years = a.tables["years"].set_index("year")
    assert years.loc[2022, "failure_rate"] == 0.75
    assert years.loc[2023, "failure_rate"] == 0.5
    assert years.loc[2022, "validation_failure_rate"] == 0.5
    types = a.tables["entity_types"].set_index("entity_type")
    assert types.loc["exporter", "validation_failure_rate"] == 1.0
    assert types.loc["importer", "failure_rate"] == pytest.approx(4 / 7)
    sectors = a.tables["sectors"].set_index("sector")
    assert sectors.loc["machinery", "failure_rate"] == 1.0
    assert a.summary["validations"] == 4
    assert a.summary["failed_validations"] == 2
    assert a.summary["failure_rate"] == 0.6


def test_compliance_counts_members_in_good_standing() -> None:
    a = compute(CATALOG, *_frames(), AS_OF)
    # Active: members 1, 3, 4; member 3 has an overdue action (and failed).
    assert a.summary["active_members"] == 3
    assert a.summary["members_in_good_standing"] == 2
    assert a.summary["member_compliance_rate"] == pytest.approx(2 / 3)
    # Latest validations: v3 (1 of 3 failed), v2 (2 of 2), v4 (2 of 3).
    assert a.summary["criteria_compliance_rate"] == pytest.approx(3 / 8)


def test_trend_after_a_criterion_takes_effect() -> None:
    a = compute(CATALOG, *_frames(), AS_OF)
    trend = a.tables["trend_new_criteria"]
    # 4.17 took effect on 2022-07-01, after the first validation in the data.
    assert set(trend["criterion"]) == {"4.17"}
    assert trend["half_year"].tolist() == [1, 1] or trend["assessed"].sum() == 2
    assert a.tables["trend_cohorts"]["assessed"].sum() == 2


def test_predictors_compare_failure_with_and_without_a_required_action() -> None:
    validations, counts, ra, members = _frames()
    a = compute(CATALOG, validations, counts, ra, members, AS_OF)
    v = validations.assign(failed=validations["outcome"] == "failed")
    table, model = predict_failures(ra, v, min_with=1)
    row = table.set_index("criterion").loc["3.1"]
    assert row["validations_with_required_action"] == 3
    assert row["failure_rate_with"] == pytest.approx(2 / 3)
    assert row["failure_rate_without"] == 0
    assert "failed 67% of the time, against 0% without" in row["explanation"]
    assert model["trained_on"] == [2022]
    assert model["tested_on"] == 2023
    # With the default minimum of validations, none of these tiny counts is rated.
    assert a.tables["predictors"].empty


@pytest.mark.slow
def test_exports_and_charts() -> None:
    a = compute(CATALOG, *_frames(), AS_OF)
    csv = report.export_analytics(a, "csv", "sections").decode()
    assert (
        csv.splitlines()[0]
        == "section_id,section,focus_area,assessed,required_actions,failure_rate"
    )
    wb = load_workbook(io.BytesIO(report.export_analytics(a, "xlsx")))
    assert wb.sheetnames[0] == "summary"
    assert "criteria" in wb.sheetnames
    with pytest.raises(InvalidInput, match="CSV"):
        report.export_analytics(a, "csv")
    for name in ("sections", "criteria", "years", "sectors", "entity_types", "trend", "predictors"):
        assert report.chart(a, name, "png").startswith(b"\x89PNG")
        assert b"<svg" in report.chart(a, name, "svg")[:500]
    v, counts, ra, members = _frames()
    empty = compute(
        CATALOG, v.iloc[0:0], {k: c.iloc[0:0] for k, c in counts.items()}, ra.iloc[0:0],
        members.iloc[0:0], AS_OF,
    )  # fmt: skip
    assert report.chart(empty, "sections", "png").startswith(b"\x89PNG")


@pytest.mark.slow
def test_analytics_accounts_and_plans_through_the_api(client: TestClient, session: Session) -> None:
    agency = f.agency(session)
    f.user(session, agency, Role.agency_admin, "admin@agency.example")
    manager = f.user(session, agency, Role.account_manager, "accounts@agency.example")
    spec = h.specialist(session)
    acme = f.trade_org(session, "ACME Imports", roles=["importer"], sector="electronics")
    f.user(session, acme, Role.trade_admin, "boss@acme.example")
    old = today() - timedelta(days=1700)
    m = h.certified(session, acme, on=old, specialist_id=spec.id)
    h.validated(session, m, spec.id, on=old + timedelta(days=60), kinds={"3.1": "required_action"})
    session.commit()
    admin = f.login(client, "admin@agency.example")
    api = "/api/programs"

    got = client.get(f"{api}/ctpat/analytics", headers=admin).json()
    assert got["summary"]["validations"] == 1
    assert got["tables"]["criteria"][0]["criterion"] == "3.1"
    xlsx = client.get(f"{api}/ctpat/analytics/export", headers=admin, params={"format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    png = client.get(f"{api}/ctpat/analytics/charts/sections.png", headers=admin)
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    trade = f.login(client, "boss@acme.example")
    assert client.get(f"{api}/ctpat/analytics", headers=trade).status_code == 403

    put = client.put(
        f"{api}/accounts/electronics/managers", headers=admin, json={"user_ids": [manager.id]}
    )
    assert put.status_code == 200, put.text
    accounts = client.get(f"{api}/accounts", headers=admin).json()
    electronics = next(a for a in accounts if a["sector"] == "electronics")
    assert electronics["members"] == 1
    assert electronics["managers"][0]["email"] == manager.email
    assert len(accounts) >= 10
    view = client.get(f"{api}/accounts/electronics", headers=admin).json()
    assert view["members"][0]["member"]["organization"] == "ACME Imports"
    assert view["members"][0]["overdue_actions"] == 1
    assert client.get(f"{api}/accounts", headers=trade).status_code == 403

    no_capacity = client.post(f"{api}/ctpat/plans", headers=admin, json={})
    assert no_capacity.status_code == 422
    assert "capacity" in no_capacity.text
    client.put(f"{api}/specialists/{spec.id}", headers=admin, json={"capacity": 4})
    plan = client.post(f"{api}/ctpat/plans", headers=admin, json={"horizon_days": 90})
    assert plan.status_code == 201, plan.text
    (row,) = plan.json()["rows"]
    assert row["selected"]
    assert row["mode"] in ("hybrid", "on_site")
    assert row["mode_reasons"]
    assert any(r["code"] == "validation_overdue" for r in row["reasons"])
    # Every outside signal is offered now (targeting, screening, supply chain).
    assert plan.json()["summary"]["signals_not_considered"] == {}
    specialist = f.login(client, "specialist@agency.example")
    assert client.post(f"{api}/ctpat/plans", headers=specialist, json={}).status_code == 403
    mine = client.get(f"{api}/ctpat/plans/latest", headers=specialist).json()
    assert [r["member_id"] for r in mine["rows"]] == [m.id]
    made = client.post(f"{api}/ctpat/plans/{plan.json()['id']}/schedule", headers=admin, json={})
    assert made.status_code == 200
    assert made.json()[0]["status"] == "scheduled"
    assert made.json()[0]["plan_reasons"]
