"""Party resolution: identifiers, names, proposals, de-duplication within a call, reasons."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories as f
from trustlane.access.models import AuditEntry
from trustlane.access.principal import Principal
from trustlane.access.roles import Role
from trustlane.errors import Forbidden
from trustlane.registry.merge import merge_organizations
from trustlane.registry.models import Organization
from trustlane.registry.resolve import resolve_parties, resolve_party

OPERATOR = f.OPERATOR


def party(
    role: str = "seller",
    name: str | None = None,
    address: str | None = None,
    city: str | None = None,
    country: str | None = None,
    identifiers: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "role": role,
        "name": name,
        "address": address,
        "city": city,
        "country": country,
        "identifiers": identifiers,
    }


@pytest.fixture
def registry(session: Session) -> dict[str, Organization]:
    orgs = {
        "acme": f.trade_org(
            session,
            "Acme Trading Company Limited",
            country="CN",
            identifiers=[{"scheme": "manufacturer_id", "value": "CNACMTRA88SHA"}],
            addresses=[{"street": "88 Nanjing Road", "city": "Shanghai", "country": "CN"}],
        ),
        "importer": f.trade_org(
            session,
            "Great Lakes Imports LLC",
            country="US",
            identifiers=[{"scheme": "importer_of_record", "value": "04-2103594"}],
        ),
        "apple": f.trade_org(
            session,
            "Apple Inc.",
            country="US",
            identifiers=[{"scheme": "lei", "value": "HWUPKR0MPOU8FGXBT394"}],
        ),
        "global_de": f.trade_org(session, "Global Trading GmbH", country="DE"),
    }
    session.flush()
    return orgs


def run(session: Session, rows: list[dict[str, Any]], **kw: Any) -> pd.DataFrame:
    frame = pd.DataFrame(rows, index=[100 + i for i in range(len(rows))])
    return resolve_parties(session, OPERATOR, frame, **kw)


def test_identifier_that_agrees_links(session: Session, registry: dict[str, Organization]) -> None:
    out = run(
        session,
        [
            party("importer", "Whatever Name", identifiers={"ior": "042103594"}),
            party("manufacturer", None, identifiers={"MID": "cnacmtra88sha"}),
        ],
    )
    assert list(out.index) == [100, 101]
    assert list(out.columns) == [
        "organization_id",
        "resolution",
        "resolution_score",
        "resolution_reason",
    ]
    assert str(out["organization_id"].dtype) == "Int64"
    assert list(out["organization_id"]) == [registry["importer"].id, registry["acme"].id]
    assert list(out["resolution"]) == ["identifier", "identifier"]
    assert list(out["resolution_score"]) == [1.0, 1.0]
    assert out.loc[100, "resolution_reason"] == (
        f"importer_of_record 042103594 is held by organization {registry['importer'].id} "
        "(Great Lakes Imports LLC)"
    )


def test_disagreeing_identifiers_follow_the_priority_and_say_so(
    session: Session, registry: dict[str, Organization]
) -> None:
    out = run(
        session,
        [
            party(
                "importer",
                identifiers={"importer_of_record": "04-2103594", "lei": "HWUPKR0MPOU8FGXBT394"},
            )
        ],
    )
    assert out.loc[100, "organization_id"] == registry["apple"].id  # LEI outranks the IOR
    reason = out.loc[100, "resolution_reason"]
    assert "lei HWUPKR0MPOU8FGXBT394 is held by organization" in reason
    assert f"importer_of_record 04-2103594 → organization {registry['importer'].id}" in reason


def test_name_and_address_link_with_reasons(
    session: Session, registry: dict[str, Organization]
) -> None:
    out = run(
        session,
        [
            party("seller", "ACME TRADING CO., LTD.", "88 Nanjing Rd", "Shanghai", "CN"),
            party("seller", "Acme Tradng Co", None, None, "China"),  # typo, country as a name
            party("seller", "Acme Trading Co Ltd", None, None, None),  # no country: not compared
        ],
        propose=False,
    )
    assert list(out["organization_id"]) == [registry["acme"].id] * 3
    assert list(out["resolution"]) == ["name"] * 3
    first = out.loc[100, "resolution_reason"]
    assert "≈ 'Acme Trading Company Limited'" in first
    assert "same country (China)" in first
    assert "address agrees" in first
    assert out.loc[100, "resolution_score"] == 1.0
    assert 0.9 <= out.loc[101, "resolution_score"] < 1.0
    assert "country not compared" in out.loc[102, "resolution_reason"]


def test_namesakes_in_another_country_or_another_company_do_not_link(
    session: Session, registry: dict[str, Organization]
) -> None:
    out = run(
        session,
        [
            party("buyer", "Global Trading GmbH", country="FR"),
            party("seller", "Acme Trading International", country="CN"),
        ],
        propose=False,
    )
    assert out["organization_id"].isna().all()
    assert out["resolution"].isna().all()
    assert out["resolution_score"].isna().all()
    assert "country differs (FR vs DE)" in out.loc[100, "resolution_reason"]
    assert "closest name is not close enough" in out.loc[101, "resolution_reason"]
    assert "not proposed" in out.loc[101, "resolution_reason"]


def test_unknown_parties_are_proposed_once_per_distinct_party(
    session: Session, registry: dict[str, Organization]
) -> None:
    rows = [
        party("importer", None, identifiers={"kr_importer_id": "QLRUBN9"}),
        party("importer", None, identifiers={"KR importer ID": "qlrubn9"}),
        party(
            "manufacturer",
            "Shenzhen Widget Factory",
            "5 Industrial Ave",
            "Shenzhen",
            "CN",
            {"manufacturer_id": "CNSHEWID5SHE"},
        ),
        party("seller", "SHENZHEN WIDGET FACTORY CO., LTD.", None, None, "CN"),
        party(
            "carrier", "Ocean Star Shipping", None, None, "PA", {"imo": "9074729", "scac": "OSSX"}
        ),
        party("carrier", None, None, None, None, {"scac": "ossx"}),
        party("notify", None, None, None, None, {"lei": "NOT-A-LEI"}),
        party("notify", None),
    ]
    out = run(session, rows)
    ids = out["organization_id"]
    assert list(out["resolution"][:6]) == ["proposed"] * 6
    assert ids[100] == ids[101]
    assert ids[102] == ids[103]  # name-only row joins the party with the same name and country
    assert ids[104] == ids[105]  # connected through the SCAC
    assert len({ids[100], ids[102], ids[104]}) == 3
    assert pd.isna(ids[106])
    assert pd.isna(ids[107])
    assert "fails its format or check" in out.loc[106, "resolution_reason"]
    assert "no name and no usable identifier" in out.loc[107, "resolution_reason"]
    assert "shared by 2 rows of this batch" in out.loc[100, "resolution_reason"]

    unnamed = session.get_one(Organization, int(ids[100]))
    assert unnamed.status == "proposed"
    assert unnamed.name == "Unnamed importer (kr_importer_id QLRUBN9)"
    assert [r.role for r in unnamed.roles] == ["importer"]
    widget = session.get_one(Organization, int(ids[102]))
    assert widget.name in ("Shenzhen Widget Factory", "SHENZHEN WIDGET FACTORY CO., LTD.")
    assert widget.country == "CN"
    assert sorted(r.role for r in widget.roles) == ["exporter", "foreign_manufacturer"]
    assert [(i.scheme, i.value) for i in widget.identifiers] == [
        ("manufacturer_id", "CNSHEWID5SHE")
    ]
    assert widget.addresses[0].city == "Shenzhen"
    ship = session.get_one(Organization, int(ids[104]))
    assert sorted(i.scheme for i in ship.identifiers) == ["imo", "scac"]
    assert [r.role for r in ship.roles] == ["sea_carrier"]
    (entry,) = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "propose"))
    assert entry.after is not None

    def rows_of(listing: dict[str, list[Any]]) -> list[dict[str, Any]]:
        return [
            dict(zip(listing, values, strict=True))
            for values in zip(*listing.values(), strict=True)
        ]

    listed = {o["id"]: o for o in rows_of(entry.after["organizations"])}
    assert set(listed) == {int(ids[100]), int(ids[102]), int(ids[104])}
    assert listed[int(ids[100])]["name"] == "Unnamed importer (kr_importer_id QLRUBN9)"
    assert listed[int(ids[100])]["rows"] == 2
    held = [(i["org_id"], i["scheme"], i["value"]) for i in rows_of(entry.after["identifiers"])]
    assert sorted(h for h in held if h[0] == int(ids[104])) == [
        (int(ids[104]), "imo", "9074729"),
        (int(ids[104]), "scac", "OSSX"),
    ]
    assert (int(ids[100]), "kr_importer_id", "QLRUBN9") in held
    roles = {(r["org_id"], r["role"]) for r in rows_of(entry.after["roles"])}
    assert (int(ids[104]), "sea_carrier") in roles
    (address,) = rows_of(entry.after["addresses"])
    assert address == {
        "org_id": int(ids[102]),
        "street": "5 Industrial Ave",
        "city": "Shenzhen",
        "country": "CN",
    }
    assert entry.summary == "party resolution proposed 3 organizations for 6 parties"

    # the next batch finds them: by identifier, and by name (a proposal is a candidate)
    again = run(session, rows[:6])
    assert list(again["organization_id"]) == list(ids[:6])
    assert list(again["resolution"]) == [
        "identifier",
        "identifier",
        "identifier",
        "name",
        "identifier",
        "identifier",
    ]
    assert "organization is proposed" in again.loc[103, "resolution_reason"]


def test_a_merged_duplicate_name_resolves_to_the_survivor(
    session: Session, registry: dict[str, Organization]
) -> None:
    first = run(session, [party("seller", "Shanghai Acme Export Ltd", None, None, "CN")])
    proposed_id = int(first.loc[100, "organization_id"])
    merge_organizations(session, OPERATOR, proposed_id, registry["acme"].id)
    later = run(session, [party("seller", "SHANGHAI ACME EXPORT LIMITED", None, None, "CN")])
    assert later.loc[100, "organization_id"] == registry["acme"].id
    assert "(merged name)" in later.loc[100, "resolution_reason"]


def test_empty_frames_and_missing_columns(session: Session) -> None:
    out = resolve_parties(session, OPERATOR, pd.DataFrame(columns=["role", "name"]))
    assert out.empty
    assert next(iter(out.columns)) == "organization_id"
    only_names = pd.DataFrame({"name": ["Nobody Co"]}, index=["x"])
    out = resolve_parties(session, OPERATOR, only_names, propose=False)
    assert list(out.index) == ["x"]
    assert pd.isna(out.loc["x", "organization_id"])


def test_read_only_roles_may_resolve_but_not_propose(session: Session) -> None:
    auditor = Principal("auditor@agency.example", Role.auditor, None)
    frame = pd.DataFrame([party("seller", "Someone Ltd", country="GB")])
    with pytest.raises(Forbidden):
        resolve_parties(session, auditor, frame)
    out = resolve_parties(session, auditor, frame, propose=False)
    assert pd.isna(out.loc[0, "organization_id"])


def test_resolve_party_ranks_candidates(
    session: Session, registry: dict[str, Organization]
) -> None:
    found = resolve_party(
        session,
        OPERATOR,
        role="seller",
        name="Acme Trading Co",
        country="CN",
        identifiers={"lei": "HWUPKR0MPOU8FGXBT394"},
    )
    assert found.decision == "identifier"
    assert found.organization_id == registry["apple"].id
    assert [c.org_id for c in found.candidates[:2]] == [registry["apple"].id, registry["acme"].id]
    assert found.candidates[0].links
    assert not found.candidates[1].links
    assert found.candidates[1].reasons[0].code == "name_same"


def test_resolve_endpoint(
    client: TestClient, session: Session, agency_headers: dict[str, str]
) -> None:
    acme = f.trade_org(session, "Acme Trading Company Limited", country="CN")
    member_org = f.trade_org(session, "Member Imports", country="US")
    f.user(session, member_org, Role.trade_user, "user@member.example")
    session.commit()
    body = {"role": "seller", "name": "ACME TRADING CO LTD", "country": "CN"}
    resp = client.post("/api/organizations/resolve", headers=agency_headers, json=body)
    assert resp.status_code == 200, resp.text
    found = resp.json()
    assert found["decision"] == "name"
    assert found["organization_id"] == acme.id
    top = found["candidates"][0]
    assert top["organization"]["name"] == "Acme Trading Company Limited"
    assert {r["code"] for r in top["reasons"]} >= {"name_same", "country_same"}
    member = f.login(client, "user@member.example")
    hidden = client.post("/api/organizations/resolve", headers=member, json=body).json()
    assert hidden["candidates"] == []
    assert hidden["organization_id"] is None
