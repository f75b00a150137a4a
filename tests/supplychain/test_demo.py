"""The package's demo data: seeded, through the use cases, and something on every route."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories as f
from trustlane.access.principal import Principal
from trustlane.access.roles import Role
from trustlane.db import Database
from trustlane.progress import NoProgress
from trustlane.supplychain import demo

API = "/api/supplychain"


@pytest.mark.slow
def test_demo_populates_chains_that_every_route_can_show(
    client: TestClient, session: Session, database: Database
) -> None:
    agency = f.agency(session)
    f.user(session, agency, Role.auditor, "auditor@agency.example")
    for i, country in enumerate(["CN", "CN", "VN", "IN", "DE", "KR", "MY", "AU", "CL", "US"]):
        f.trade_org(session, f"Maker {i}", country=country, roles=["foreign_manufacturer"])
    member = f.trade_org(session, "Acme Imports", country="US", roles=["importer"])
    f.user(session, member, Role.trade_admin, "admin@acme.example")
    session.commit()
    counts = demo.populate(database, Principal.system("demo"), 7, NoProgress())
    assert counts["critical_facilities"] == 600
    assert counts["documents"] > 100
    assert counts["resilience_scenarios"] > 600
    auditor = f.login(client, "auditor@agency.example")
    chains = client.get(f"{API}/chains", headers=auditor).json()["items"]
    critical = next(c for c in chains if c["name"] == demo.CRITICAL)
    linked = client.get(f"{API}/chains/{critical['id']}/facilities", headers=auditor,
                        params={"limit": 1000}).json()["items"]  # fmt: skip
    assert sum(1 for x in linked if x["organization_id"]) > 5
    ports = client.get(f"{API}/chains/{critical['id']}/ports", headers=auditor).json()
    assert any(p["critical_flags"] for p in ports["ports"])
    assert any(p["lost_profit"] is not None for p in ports["ports"])
    runs = client.get(f"{API}/chains/{critical['id']}/resilience/runs", headers=auditor).json()
    assert runs["total"] == 1
    acme = f.login(client, "admin@acme.example")
    mine = client.get(f"{API}/chains", headers=acme).json()["items"]
    assert [c["name"] for c in mine] == [demo.DENIM]
    lot = mine[0]["attributes"]["demo_lot"]
    html = client.get(f"{API}/chains/{mine[0]['id']}/dossier/{lot['facility']}", headers=acme,
                      params={"lot": lot["quantity"]}).text  # fmt: skip
    for code in ("QUANTITY_MISMATCH", "PAYMENT_SHORT", "INPUTS_SHORT", "MISSING_RECORD"):
        assert code in html
