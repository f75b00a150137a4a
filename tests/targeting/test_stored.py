"""The stored side: score shipments, select, record outcomes, retrain, performance, drift,
through the use cases and the API."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories as f
from trustlane.access.principal import Principal
from trustlane.access.roles import Role
from trustlane.cargo.ingest import ingest_file
from trustlane.cargo.models import Shipment
from trustlane.db import Database
from trustlane.settings import Settings
from trustlane.targeting import assess, monitor, registry
from trustlane.targeting.models import ShipmentScore
from trustlane.targeting.select import SelectionPolicy, select_for_inspection

FIXTURES = Path(__file__).parent / "fixtures"
OPERATOR = Principal.system("test")

pytestmark = pytest.mark.slow


def _ingest(database: Database, tmp_path: Path) -> None:
    ingest_file(
        database, OPERATOR, FIXTURES / "customs_kr_2020_slice.csv", "customs-kr",
        rejects_path=tmp_path / "rejects.csv",
    )  # fmt: skip


def test_score_select_learn_and_monitor(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    _ingest(database, tmp_path)
    with database.session() as session:
        first = assess.score_shipments(session, OPERATOR, settings)  # indicators only: no model
        assert first.model_version is None
        assert first.shipments == 1496
        result = registry.retrain(session, OPERATOR, settings, compare_weeks=6)
        assert result.promoted
        assert result.model.status == "active"
        assert result.comparison["recent_rows"] > 0
        assert (settings.data_dir / result.model.path / "model.json").exists()
        second = assess.score_shipments(
            session, OPERATOR, settings, declared_from=date(2020, 12, 1)
        )
        assert second.model_version == result.model.version
    with database.session() as session:
        top = session.scalars(
            sa.select(ShipmentScore)
            .where(ShipmentScore.is_current.is_(True), ShipmentScore.model_version.is_not(None))
            .order_by(ShipmentScore.score.desc())
        ).first()
        assert top is not None
        sources = {r["source"] for r in top.reasons}
        assert "model" in sources
        assert all(r["code"] and r["text"] for r in top.reasons)
        day = top.declared_on
        assert day is not None
        selection = select_for_inspection(
            session, OPERATOR, day, SelectionPolicy(capacity="2", exploration_share=0.5)
        )
        assert selection.counts["physical"] >= 2
        drift = monitor.drift_report(session, OPERATOR, settings, days=30)
        assert drift["score"]["level"] in {"stable", "moderate", "major"}
        assert len(drift["inputs"]) > 5
    with database.session() as session:
        again = registry.retrain(session, OPERATOR, settings, compare_weeks=6)
        assert again.comparison["current"]["rows"] == again.comparison["candidate"]["rows"]
        assert [m.version for m in registry.list_models(session, OPERATOR)] == [2, 1]


def test_api_flow_for_an_analyst_and_none_for_a_trader(
    client: TestClient, session: Session, database: Database, settings: Settings, tmp_path: Path
) -> None:
    agency = f.agency(session)
    f.user(session, agency, Role.targeting_analyst, "analyst@agency.example")
    trader = f.trade_org(session, "Importer Co")
    f.user(session, trader, Role.trade_admin, "admin@importer.example")
    session.commit()
    _ingest(database, tmp_path)
    analyst = f.login(client, "analyst@agency.example")
    resp = client.post(
        "/api/targeting/scores", json={"declared_from": "2020-12-01"}, headers=analyst
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["shipments"] > 0
    listing = client.get("/api/targeting/scores?limit=5", headers=analyst).json()
    best = listing["items"][0]
    assert best["reasons"]
    assert best["reasons"][0]["code"]
    day = best["declared_on"]
    sel = client.post(
        "/api/targeting/selections",
        json={"day": day, "capacity": "1", "exploration_share": 0},
        headers=analyst,
    )
    assert sel.status_code == 201, sel.text
    detail = client.get(f"/api/targeting/selections/{sel.json()['id']}", headers=analyst).json()
    picked = [i for i in detail["items"] if i["lane"] == "physical"]
    assert len(picked) >= 1
    outcome = client.post(
        "/api/targeting/outcomes",
        json={"shipment_id": picked[0]["shipment_id"], "fraud": True, "revenue_recovered": 1500.0},
        headers=analyst,
    )
    assert outcome.status_code == 201, outcome.text
    weeks = client.get("/api/targeting/performance", headers=analyst).json()
    assert weeks[0]["inspected"] >= 1
    assert weeks[0]["revenue"] >= 1500.0
    bad = client.post(
        "/api/targeting/selections", json={"day": day, "capacity": "lots"}, headers=analyst
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "capacity"
    trader_headers = f.login(client, "admin@importer.example")
    assert client.get("/api/targeting/scores", headers=trader_headers).status_code == 403
    assert client.post("/api/targeting/scores", json={}, headers=trader_headers).status_code == 403
    shipments = session.scalar(sa.select(sa.func.count()).select_from(Shipment))
    assert shipments == 1496
