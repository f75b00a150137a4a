"""Organizations through the API: create, read, change, list, confirm, tenant isolation,
audit entries."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories as f
from trustlane.access.roles import Role

APPLE_LEI = "HWUPKR0MPOU8FGXBT394"


def acme(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "ACME Electronics Co., Ltd.",
        "country": "China",
        "sector": "Electronics",
        "roles": ["exporter", "foreign_manufacturer"],
        "identifiers": [
            {"scheme": "lei", "value": APPLE_LEI.lower()},
            {"scheme": "manufacturer_id", "value": "CNACMELE88SHE"},
        ],
        "addresses": [
            {
                "street": "88 Keyuan Road",
                "city": "Shenzhen",
                "subdivision": "Guangdong",
                "country": "CN",
            }
        ],
        "aliases": ["ACME Shenzhen"],
    }
    body.update(extra)
    return body


def audit_of(client: TestClient, headers: dict[str, str], org_id: int) -> list[dict[str, Any]]:
    resp = client.get(
        "/api/audit",
        headers=headers,
        params={"entity_type": "organization", "entity_id": str(org_id)},
    )
    assert resp.status_code == 200, resp.text
    items: list[dict[str, Any]] = resp.json()["items"]
    return items


def test_create_read_and_update_are_validated_and_audited(
    client: TestClient, agency_headers: dict[str, str]
) -> None:
    resp = client.post("/api/organizations", headers=agency_headers, json=acme())
    assert resp.status_code == 201, resp.text
    org = resp.json()
    assert org["country"] == "CN"
    assert org["sector"] == "electronics"
    assert org["roles"] == ["exporter", "foreign_manufacturer"]
    assert org["identifiers"][0] == {"scheme": "lei", "value": APPLE_LEI, "country": None}
    assert org["addresses"][0]["subdivision"] == "CN-GD"
    assert org["aliases"] == ["ACME Shenzhen"]

    got = client.get(f"/api/organizations/{org['id']}", headers=agency_headers).json()
    assert got["name"] == "ACME Electronics Co., Ltd."

    resp = client.patch(
        f"/api/organizations/{org['id']}",
        headers=agency_headers,
        json={"name": "ACME Technology Co., Ltd.", "website": "https://acme.example"},
    )
    assert resp.status_code == 200, resp.text
    changed = resp.json()
    assert changed["website"] == "https://acme.example"
    assert changed["roles"] == ["exporter", "foreign_manufacturer"]  # left out: unchanged
    assert "ACME Electronics Co., Ltd." in changed["aliases"]  # the former name stays findable

    entries = audit_of(client, agency_headers, org["id"])
    assert [e["action"] for e in entries] == ["update", "create"]
    update = entries[0]
    assert update["before"]["name"] == "ACME Electronics Co., Ltd."
    assert update["after"]["name"] == "ACME Technology Co., Ltd."
    assert update["after"]["identifiers"][0]["value"] == APPLE_LEI
    assert update["tenant_id"] == org["id"]


def test_bad_fields_are_named(client: TestClient, agency_headers: dict[str, str]) -> None:
    body = acme(
        sector="Toys",
        identifiers=[{"scheme": "lei", "value": "HWUPKR0MPOU8FGXBT395"}],
        addresses=[
            {"city": "Shenzhen", "country": "CN"},
            {"city": "Nowhere", "country": "ZZ"},
            {"city": "Guangzhou", "country": "CN", "subdivision": "US-CA"},
        ],
    )
    resp = client.post("/api/organizations", headers=agency_headers, json=body)
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"] for e in resp.json()["errors"]}
    assert fields == {
        "sector",
        "identifiers[0].value",
        "addresses[1].country",
        "addresses[2].subdivision",
    }


def test_an_identifier_belongs_to_one_organization(
    client: TestClient, agency_headers: dict[str, str]
) -> None:
    first = client.post("/api/organizations", headers=agency_headers, json=acme()).json()
    resp = client.post(
        "/api/organizations",
        headers=agency_headers,
        json={"name": "Other Co", "identifiers": [{"scheme": "LEI", "value": APPLE_LEI}]},
    )
    assert resp.status_code == 409
    (error,) = resp.json()["errors"]
    assert error["field"] == "identifiers[0].value"
    assert f"organization {first['id']} (ACME Electronics Co., Ltd.)" in error["reason"]

    found = client.get(
        "/api/organizations/by-identifier",
        headers=agency_headers,
        params={"scheme": "lei", "value": APPLE_LEI.lower()},
    )
    assert found.status_code == 200
    assert found.json()["id"] == first["id"]
    missing = client.get(
        "/api/organizations/by-identifier",
        headers=agency_headers,
        params={"scheme": "scac", "value": "ZZZZ"},
    )
    assert missing.status_code == 404


def test_trade_member_sees_and_changes_only_its_own_organization(
    client: TestClient, session: Session
) -> None:
    own = f.trade_org(session, "Own Imports LLC", country="US", roles=["importer"])
    other = f.trade_org(
        session,
        "Other Imports LLC",
        country="US",
        identifiers=[{"scheme": "scac", "value": "OTHR"}],
    )
    f.user(session, own, Role.trade_admin, "boss@own.example")
    session.commit()
    headers = f.login(client, "boss@own.example")

    assert client.get(f"/api/organizations/{own.id}", headers=headers).status_code == 200
    hidden = client.get(f"/api/organizations/{other.id}", headers=headers)
    missing = client.get("/api/organizations/999999", headers=headers)
    assert hidden.status_code == missing.status_code == 404
    assert "Other" not in hidden.text
    listed = client.get("/api/organizations", headers=headers).json()
    assert [o["id"] for o in listed["items"]] == [own.id]
    by_id = client.get(
        "/api/organizations/by-identifier",
        headers=headers,
        params={"scheme": "scac", "value": "OTHR"},
    )
    assert by_id.status_code == 404
    assert client.get(f"/api/organizations/{other.id}/owners", headers=headers).status_code == 404

    ok = client.patch(
        f"/api/organizations/{own.id}", headers=headers, json={"website": "https://own.example"}
    )
    assert ok.status_code == 200
    assert (
        client.patch(
            f"/api/organizations/{other.id}", headers=headers, json={"website": "https://x.example"}
        ).status_code
        == 404
    )
    assert (
        client.patch(
            f"/api/organizations/{own.id}", headers=headers, json={"status": "inactive"}
        ).status_code
        == 403
    )
    # taking another member's identifier: refused without naming the holder
    taken = client.patch(
        f"/api/organizations/{own.id}",
        headers=headers,
        json={"identifiers": [{"scheme": "scac", "value": "othr"}]},
    )
    assert taken.status_code == 409
    assert "Other" not in taken.text
    assert str(other.id) not in taken.json()["errors"][0]["reason"]
    assert client.post("/api/organizations", headers=headers, json=acme()).status_code == 403


def test_read_only_roles_cannot_write(client: TestClient, session: Session) -> None:
    f.user(session, f.agency(session), Role.auditor, "audit@agency.example")
    session.commit()
    headers = f.login(client, "audit@agency.example")
    assert client.get("/api/organizations", headers=headers).status_code == 200
    assert client.post("/api/organizations", headers=headers, json=acme()).status_code == 403


def test_list_filters_pages_and_sorts(client: TestClient, agency_headers: dict[str, str]) -> None:
    for body in [
        {
            "name": "Zeta Steel GmbH",
            "country": "DE",
            "sector": "base-metals",
            "roles": ["exporter"],
        },
        {"name": "Alpha Steel AG", "country": "DE", "sector": "base-metals", "roles": ["importer"]},
        {
            "name": "Beta Toys Ltd",
            "country": "GB",
            "sector": "consumer-products-mass-merchandising",
            "aliases": ["Beta Playthings"],
        },
        {
            "name": "Gamma Pharma Inc",
            "country": "US",
            "sector": "pharmaceuticals-health-chemicals",
            "status": "proposed",
        },
    ]:
        assert (
            client.post("/api/organizations", headers=agency_headers, json=body).status_code == 201
        )

    def names(**params: Any) -> list[str]:
        resp = client.get("/api/organizations", headers=agency_headers, params=params)
        assert resp.status_code == 200, resp.text
        return [o["name"] for o in resp.json()["items"]]

    assert names(country="Germany", sort="name") == ["Alpha Steel AG", "Zeta Steel GmbH"]
    assert names(sector="Base Metals", role="importer") == ["Alpha Steel AG"]
    assert names(q="steel", sort="-name") == ["Zeta Steel GmbH", "Alpha Steel AG"]
    assert names(q="playthings") == ["Beta Toys Ltd"]  # found by its alias
    assert names(status="proposed") == ["Gamma Pharma Inc"]
    assert names(kind="agency") == ["Customs Agency"]
    page = client.get(
        "/api/organizations",
        headers=agency_headers,
        params={"kind": "trade", "limit": 2, "offset": 2, "sort": "name"},
    ).json()
    assert page["total"] == 4
    assert [o["name"] for o in page["items"]] == ["Gamma Pharma Inc", "Zeta Steel GmbH"]
    bad = client.get(
        "/api/organizations",
        headers=agency_headers,
        params={"country": "QQ", "role": "pirate", "sort": "shoe_size"},
    )
    assert bad.status_code == 422


def test_confirm_a_proposed_organization(
    client: TestClient, agency_headers: dict[str, str]
) -> None:
    org = client.post(
        "/api/organizations",
        headers=agency_headers,
        json={"name": "Maybe Co", "status": "proposed"},
    ).json()
    resp = client.post(f"/api/organizations/{org['id']}/confirm", headers=agency_headers)
    assert resp.status_code == 200
    assert resp.json()["status"] == "active"
    again = client.post(f"/api/organizations/{org['id']}/confirm", headers=agency_headers)
    assert again.status_code == 409
    assert [e["action"] for e in audit_of(client, agency_headers, org["id"])] == [
        "confirm",
        "create",
    ]


def test_sectors(client: TestClient, agency_headers: dict[str, str]) -> None:
    listed = client.get("/api/sectors", headers=agency_headers).json()
    assert len(listed) == 10
    electronics = next(s for s in listed if s["slug"] == "electronics")
    assert "85" in electronics["chapters"]
    assert "8471" in electronics["headings"]
    one = client.get("/api/sectors/for-hs/8471.30", headers=agency_headers).json()
    assert one["sector"]["slug"] == "electronics"
    assert client.get("/api/sectors/for-hs/77", headers=agency_headers).json()["sector"] is None
    assert client.get("/api/sectors").status_code == 401
