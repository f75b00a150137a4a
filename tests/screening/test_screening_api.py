"""Screening through the API: lists, compare, screen, alerts and decisions, access."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories as f
from trustlane.access.roles import Role
from trustlane.db import Database
from trustlane.screening.engine import Party
from trustlane.screening.normalize import EntityKind
from trustlane.screening.subjects import SubjectIn, screen_subjects
from trustlane.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"

#: Each test loads lists and warms the name analysers: seconds, not milliseconds.
pytestmark = pytest.mark.slow


def test_load_compare_screen_and_review(
    client: TestClient, session: Session, database: Database, settings: Settings
) -> None:
    agency = f.agency(session)
    f.user(session, agency, Role.targeting_analyst, "analyst@agency.example")
    member = f.trade_org(session, "ACME Imports")
    f.user(session, member, Role.trade_user, "user@acme.example")
    session.commit()
    analyst = f.login(client, "analyst@agency.example")
    trade = f.login(client, "user@acme.example")

    with (FIXTURES / "un_consolidated.xml").open("rb") as fh:
        resp = client.post(
            "/api/screening/lists/un-sc/load",
            headers=analyst,
            files={"files": ("UN_consolidated.xml", fh, "application/xml")},
            data={"format": "un-xml"},
        )
    assert resp.status_code == 201, resp.text
    assert resp.json()["added"] == 5
    assert [x["name"] for x in client.get("/api/screening/lists", headers=trade).json()] == [
        "un-sc"
    ]

    resp = client.post(
        "/api/screening/compare",
        headers=trade,
        json={"name1": "Vladimir Putin", "name2": "Владимир Путин", "schema": "Person"},
    )
    assert resp.json()["match"] is True
    assert resp.json()["contributions"]

    resp = client.post(
        "/api/screening/screen",
        headers=trade,
        json={
            "parties": [{"name": "Abdul Hai Salek", "schema": "Person", "date_of_birth": "1965"}]
        },
    )
    result = resp.json()[0]
    assert result["alert"] is True
    assert result["hits"][0]["entry_id"] == "TAi.108"
    assert {r["code"] for r in result["hits"][0]["reasons"]} >= {"name", "dob_same_year"}

    screen_subjects(
        database, settings, f.OPERATOR,
        [SubjectIn("adhoc", "x", Party("ABDULHAI SALEK", EntityKind.person), tenant_id=member.id)],
    )  # fmt: skip
    alerts = client.get("/api/screening/alerts", headers=trade).json()
    assert len(alerts) == 1
    # Trade users read their own alerts but may not decide them.
    denied = client.post(
        f"/api/screening/alerts/{alerts[0]['id']}/decide",
        headers=trade,
        json={"decision": "true_match"},
    )
    assert denied.status_code == 403
    decided = client.post(
        f"/api/screening/alerts/{alerts[0]['id']}/decide",
        headers=analyst,
        json={"decision": "true_match", "note": "same person, DOB and nationality agree"},
    )
    assert decided.json()["status"] == "true_match"


def test_lists_loading_refused_to_trade_members(client: TestClient, session: Session) -> None:
    member = f.trade_org(session, "ACME Imports")
    f.user(session, member, Role.trade_admin, "boss@acme.example")
    session.commit()
    with (FIXTURES / "un_consolidated.xml").open("rb") as fh:
        resp = client.post(
            "/api/screening/lists/un-sc/load",
            headers=f.login(client, "boss@acme.example"),
            files={"files": ("UN_consolidated.xml", fh, "application/xml")},
            data={"format": "un-xml"},
        )
    assert resp.status_code == 403
