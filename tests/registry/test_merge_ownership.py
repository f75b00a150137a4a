"""Merging duplicates and ownership links, through the API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories as f
from trustlane.access.models import User
from trustlane.access.roles import Role
from trustlane.db import Base, Database
from trustlane.registry.models import Organization


@pytest.fixture
def later_table(database: Database, session: Session) -> Iterator[sa.Table]:
    """A table a later package might add, pointing at organizations with a unique key: the
    merge must find it from the metadata alone."""
    table = sa.Table(
        "probe_memberships",
        Base.metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("org_id", sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("program", sa.String(20), nullable=False),
        sa.UniqueConstraint("org_id", "program"),
    )
    table.create(database.engine)
    try:
        yield table
    finally:
        session.commit()  # end the test's transaction: PostgreSQL's DROP waits for its locks
        table.drop(database.engine)
        Base.metadata.remove(table)


def test_merge_moves_everything_that_points_at_the_duplicate(
    client: TestClient,
    session: Session,
    agency_headers: dict[str, str],
    later_table: sa.Table,
) -> None:
    keep = f.trade_org(
        session,
        "Hapag-Lloyd AG",
        country="DE",
        roles=["sea_carrier"],
        identifiers=[{"scheme": "scac", "value": "HLCU"}],
    )
    dupe = f.trade_org(
        session,
        "HAPAG LLOYD AKTIENGESELLSCHAFT",
        status="proposed",
        roles=["sea_carrier", "consolidator"],
        identifiers=[{"scheme": "imo", "value": "9321483"}],
        addresses=[{"street": "Ballindamm 25", "city": "Hamburg", "country": "DE"}],
    )
    child = f.trade_org(session, "Hapag-Lloyd Agency Ltd", country="GB", parent_id=dupe.id)
    staff = f.user(session, dupe, Role.trade_user, "ops@hlag.example")
    owner = f.trade_org(session, "Owner Holding", country="DE")
    session.execute(
        sa.insert(later_table),
        [
            {"org_id": keep.id, "program": "aeo"},
            {"org_id": dupe.id, "program": "aeo"},  # the target has it already: dropped
            {"org_id": dupe.id, "program": "ctpat"},  # moved
        ],
    )
    session.commit()
    assert (
        client.put(
            f"/api/organizations/{dupe.id}/owners/{owner.id}",
            headers=agency_headers,
            json={"share": 0.3},
        ).status_code
        == 200
    )

    resp = client.post(
        f"/api/organizations/{dupe.id}/merge", headers=agency_headers, json={"into_id": keep.id}
    )
    assert resp.status_code == 200, resp.text
    result = resp.json()
    assert result["source"]["status"] == "merged"
    assert result["source"]["merged_into_id"] == keep.id
    target = result["target"]
    assert sorted(i["scheme"] for i in target["identifiers"]) == ["imo", "scac"]
    assert target["roles"] == ["consolidator", "sea_carrier"]
    assert [a["city"] for a in target["addresses"]] == ["Hamburg"]
    assert "HAPAG LLOYD AKTIENGESELLSCHAFT" in target["aliases"]
    assert result["moved"]["probe_memberships.org_id"] == 1
    assert result["dropped"]["probe_memberships.org_id"] == 1
    assert result["moved"]["users.org_id"] == 1
    assert result["moved"]["organizations.parent_id"] == 1
    assert result["dropped"]["org_roles.org_id"] == 1

    session.expire_all()
    assert session.get_one(User, staff.id).org_id == keep.id
    assert session.get_one(Organization, child.id).parent_id == keep.id
    programs = session.execute(
        sa.select(later_table.c.program).where(later_table.c.org_id == keep.id)
    ).scalars()
    assert sorted(programs) == ["aeo", "ctpat"]
    owners = client.get(f"/api/organizations/{keep.id}/owners", headers=agency_headers).json()
    assert [(o["owner"]["id"], o["share"]) for o in owners["owners"]] == [(owner.id, 0.3)]

    entries = client.get(
        "/api/audit", headers=agency_headers, params={"entity_type": "organization"}
    ).json()["items"]
    merged = {e["action"]: e for e in entries if e["action"] in ("merge", "merged")}
    assert merged["merge"]["entity_id"] == str(keep.id)
    assert merged["merged"]["after"]["status"] == "merged"
    assert "probe_memberships.org_id 1" in merged["merge"]["summary"]

    again = client.post(
        f"/api/organizations/{dupe.id}/merge", headers=agency_headers, json={"into_id": keep.id}
    )
    assert again.status_code == 409
    into_merged = client.post(
        f"/api/organizations/{child.id}/merge", headers=agency_headers, json={"into_id": dupe.id}
    )
    assert into_merged.status_code == 409
    assert str(keep.id) in into_merged.json()["detail"]


def test_merge_refuses_itself_and_trade_members(
    client: TestClient, session: Session, agency_headers: dict[str, str]
) -> None:
    a = f.trade_org(session, "A Co")
    b = f.trade_org(session, "B Co")
    f.user(session, a, Role.trade_admin, "boss@a.example")
    session.commit()
    same = client.post(
        f"/api/organizations/{a.id}/merge", headers=agency_headers, json={"into_id": a.id}
    )
    assert same.status_code == 422
    assert same.json()["errors"][0]["field"] == "into_id"
    member = f.login(client, "boss@a.example")
    refused = client.post(
        f"/api/organizations/{a.id}/merge", headers=member, json={"into_id": b.id}
    )
    assert refused.status_code == 403


def test_a_merge_that_breaks_an_ownership_rule_changes_nothing(
    client: TestClient, session: Session, agency_headers: dict[str, str]
) -> None:
    keep = f.trade_org(session, "Keep Co")
    dupe = f.trade_org(session, "Keep Company")
    x = f.trade_org(session, "X Holding")
    y = f.trade_org(session, "Y Holding")
    session.commit()
    for owned, owner, share in [(keep.id, x.id, 0.7), (dupe.id, y.id, 0.6)]:
        resp = client.put(
            f"/api/organizations/{owned}/owners/{owner}",
            headers=agency_headers,
            json={"share": share},
        )
        assert resp.status_code == 200
    resp = client.post(
        f"/api/organizations/{dupe.id}/merge", headers=agency_headers, json={"into_id": keep.id}
    )
    assert resp.status_code == 409
    assert "1.3" in resp.json()["errors"][0]["reason"]
    still = client.get(f"/api/organizations/{dupe.id}", headers=agency_headers).json()
    assert still["status"] == "active"
    owners = client.get(f"/api/organizations/{dupe.id}/owners", headers=agency_headers).json()
    assert owners["owned_share_total"] == 0.6


def test_ownership_shares_cycles_and_audit(
    client: TestClient, session: Session, agency_headers: dict[str, str]
) -> None:
    sub = f.trade_org(session, "Sub Co")
    parent = f.trade_org(session, "Parent Co")
    fund = f.trade_org(session, "Fund LP")
    person = f.trade_org(session, "Jane Doe", entity_type="person")
    f.user(session, sub, Role.trade_user, "user@sub.example")
    session.commit()

    def put(owned: int, owner: int, share: float) -> int:
        return client.put(
            f"/api/organizations/{owned}/owners/{owner}",
            headers=agency_headers,
            json={"share": share, "source": "annual report 2025"},
        ).status_code

    assert put(sub.id, parent.id, 0.6) == 200
    assert put(sub.id, fund.id, 0.3) == 200
    assert put(sub.id, person.id, 0.2) == 409  # 0.6 + 0.3 + 0.2 > 1
    assert put(sub.id, person.id, 0.1) == 200
    assert put(sub.id, parent.id, 0.5) == 200  # changing a share is not adding one
    assert put(parent.id, sub.id, 0.1) == 409  # sub owning its owner: a cycle
    assert put(fund.id, sub.id, 0.1) == 409
    assert put(sub.id, sub.id, 0.1) == 422
    assert put(sub.id, fund.id, 0) == 422
    assert put(sub.id, fund.id, 1.5) == 422

    owners = client.get(f"/api/organizations/{sub.id}/owners", headers=agency_headers).json()
    assert owners["owned_share_total"] == pytest.approx(0.9)
    assert [(o["owner"]["name"], o["share"]) for o in owners["owners"]] == [
        ("Parent Co", 0.5),
        ("Fund LP", 0.3),
        ("Jane Doe", 0.1),
    ]
    holdings = client.get(f"/api/organizations/{parent.id}/owners", headers=agency_headers).json()
    assert [(h["owned"]["id"], h["share"]) for h in holdings["holdings"]] == [(sub.id, 0.5)]

    gone = client.delete(f"/api/organizations/{sub.id}/owners/{fund.id}", headers=agency_headers)
    assert gone.status_code == 204
    again = client.delete(f"/api/organizations/{sub.id}/owners/{fund.id}", headers=agency_headers)
    assert again.status_code == 404

    entries = client.get(
        "/api/audit", headers=agency_headers, params={"entity_type": "ownership"}
    ).json()["items"]
    assert [e["action"] for e in entries] == ["delete", "update", "create", "create", "create"]
    assert entries[1]["before"]["share"] == 0.6
    assert entries[1]["after"]["share"] == 0.5

    member = f.login(client, "user@sub.example")
    assert client.get(f"/api/organizations/{sub.id}/owners", headers=member).status_code == 200
    assert (
        client.put(
            f"/api/organizations/{sub.id}/owners/{fund.id}", headers=member, json={"share": 0.1}
        ).status_code
        == 403
    )
