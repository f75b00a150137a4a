"""The cargo API: upload → job → result and rejects, 413, tenant isolation, outcomes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories as f
from tests.cargo.helpers import kr_rows, write_csv
from trustlane.access.roles import Role
from trustlane.registry.schemas import IdentifierIn
from trustlane.settings import Environment, Settings


def _agency_headers(client: TestClient, session: Session) -> dict[str, str]:
    f.user(session, f.agency(session), Role.targeting_analyst, "analyst@agency.example")
    session.commit()
    return f.login(client, "analyst@agency.example")


def _upload(client: TestClient, headers: dict[str, str], path: Path, profile: str):  # type: ignore[no-untyped-def]
    with path.open("rb") as fh:
        return client.post(
            "/api/ingest",
            headers=headers,
            files={"file": (path.name, fh, "text/csv")},
            data={"profile": profile},
        )


def test_upload_runs_a_job_with_progress_result_and_rejects(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    headers = _agency_headers(client, session)
    rows = kr_rows(5)
    rows[2]["HS6 Code"] = "12"
    resp = _upload(client, headers, write_csv(tmp_path / "decl.csv", rows), "customs-kr")
    assert resp.status_code == 202, resp.text
    job = resp.json()
    assert job["kind"] == "ingest"
    assert job["params"]["file"] == "decl.csv"
    app: FastAPI = client.app  # type: ignore[assignment]
    app.state.runner.wait(job["id"], timeout=60)
    done = client.get(f"/api/jobs/{job['id']}", headers=headers).json()
    assert done["status"] == "succeeded", done["error"]
    assert done["progress"] == 1.0
    result = done["result"]
    assert (result["rows_read"], result["rows_rejected"], result["filings_new"]) == (5, 1, 4)
    rejects = client.get(f"/api/ingest/{job['id']}/rejects", headers=headers)
    assert rejects.status_code == 200
    assert rejects.headers["content-type"].startswith("text/csv")
    lines = rejects.text.strip().splitlines()
    assert lines[0] == "row,field,value,reason"
    assert lines[1].startswith("4,HS6 Code,12,")
    listed = client.get("/api/shipments", headers=headers, params={"kind": "declaration"}).json()
    assert listed["total"] == 4


def test_oversized_upload_is_413_and_leaves_nothing(
    session: Session,
    database,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    from trustlane.web.app import create_app

    small = Settings(
        data_dir=tmp_path / "data",
        database_url=database.url,
        environment=Environment.test,
        max_upload_mb=1,
    )
    with TestClient(create_app(small, database)) as client:
        headers = _agency_headers(client, session)
        big = write_csv(tmp_path / "big.csv", kr_rows(14000))
        assert big.stat().st_size > 2**20
        resp = _upload(client, headers, big, "customs-kr")
        assert resp.status_code == 413
        assert resp.headers["content-type"].startswith("application/problem+json")
        assert not list((tmp_path / "data" / "uploads").glob("*"))


def test_unknown_profile_and_missing_columns_are_422(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    headers = _agency_headers(client, session)
    path = write_csv(tmp_path / "decl.csv", kr_rows(2))
    resp = _upload(client, headers, path, "nope")
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "profile"
    short = write_csv(tmp_path / "short.csv", kr_rows(2), ["Declaration ID", "Date"])
    resp = _upload(client, headers, short, "customs-kr")
    assert resp.status_code == 422
    assert "Importer ID" in {e["field"] for e in resp.json()["errors"]}


def test_trade_member_sees_only_its_own_shipments(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    headers = _agency_headers(client, session)
    mine = f.trade_org(
        session,
        "Mine Imports",
        identifiers=[IdentifierIn(scheme="kr_importer_id", value="MINE001")],
    )
    f.user(session, mine, Role.trade_user, "clerk@mine.example")
    session.commit()
    rows = kr_rows(2, **{"Importer ID": "MINE001"}) + kr_rows(2, 20000001)
    job = _upload(client, headers, write_csv(tmp_path / "a.csv", rows), "customs-kr").json()
    client.app.state.runner.wait(job["id"], timeout=60)  # type: ignore[attr-defined]
    every = client.get("/api/shipments", headers=headers).json()["items"]
    theirs = next(s for s in every if s["importer_org_id"] != mine.id)
    own = next(s for s in every if s["importer_org_id"] == mine.id)

    member = f.login(client, "clerk@mine.example")
    listed = client.get("/api/shipments", headers=member).json()
    assert {s["external_id"] for s in listed["items"]} == {"10000001", "10000002"}
    assert client.get(f"/api/shipments/{theirs['id']}", headers=member).status_code == 404
    assert client.get(f"/api/shipments/{theirs['id']}/versions", headers=member).status_code == 404
    detail = client.get(f"/api/shipments/{own['id']}", headers=member).json()
    importer = next(p for p in detail["parties"] if p["role"] == "importer")
    assert importer["organization"]["id"] == mine.id
    assert importer["resolution"] == "identifier"
    assert detail["inspections"][0]["source"] == "ingest:customs-kr"
    # Members may not record outcomes, nor upload (trade users have no shipments:write).
    outcome = {"fraud": True, "critical": 1}
    resp = client.post(f"/api/shipments/{own['id']}/inspections", headers=member, json=outcome)
    assert resp.status_code == 403
    assert _upload(client, member, tmp_path / "a.csv", "customs-kr").status_code == 403


def test_agency_records_an_outcome_and_reads_versions(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    headers = _agency_headers(client, session)
    job = _upload(client, headers, write_csv(tmp_path / "a.csv", kr_rows(1)), "customs-kr").json()
    client.app.state.runner.wait(job["id"], timeout=60)  # type: ignore[attr-defined]
    changed = kr_rows(1, **{"Net Mass": "999.0"})
    job = _upload(client, headers, write_csv(tmp_path / "b.csv", changed), "customs-kr").json()
    client.app.state.runner.wait(job["id"], timeout=60)  # type: ignore[attr-defined]
    current = client.get("/api/shipments", headers=headers).json()["items"]
    assert len(current) == 1
    shipment_id = current[0]["id"]
    versions = client.get(f"/api/shipments/{shipment_id}/versions", headers=headers).json()
    assert [(v["version"], v["is_current"]) for v in versions] == [(2, True), (1, False)]
    every = client.get("/api/shipments", headers=headers, params={"current_only": False})
    assert every.json()["total"] == 2
    resp = client.post(
        f"/api/shipments/{shipment_id}/inspections",
        headers=headers,
        json={"fraud": True, "critical": 2, "revenue_recovered": 1200.5, "notes": "undervalued"},
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["source"] == "analyst@agency.example"
    bad = client.post(
        f"/api/shipments/{shipment_id}/inspections",
        headers=headers,
        json={"fraud": False, "critical": 2},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "critical"
    audit = client.get("/api/audit", headers=f.login(client, "analyst@agency.example"))
    assert audit.status_code in (200, 403)


def test_profiles_and_filters(client: TestClient, session: Session, tmp_path: Path) -> None:
    headers = _agency_headers(client, session)
    profiles = client.get("/api/profiles", headers=headers).json()
    assert [p["name"] for p in profiles][:2] == ["customs-kr", "isf"]
    rows = kr_rows(3) + kr_rows(2, 30000001, **{"HS6 Code": "850440", "Country of Origin": "VN"})
    job = _upload(client, headers, write_csv(tmp_path / "a.csv", rows), "customs-kr").json()
    client.app.state.runner.wait(job["id"], timeout=60)  # type: ignore[attr-defined]
    by_hs = client.get("/api/shipments", headers=headers, params={"hs6": "850440"}).json()
    assert by_hs["total"] == 2
    by_origin = client.get("/api/shipments", headers=headers, params={"origin": "cn"}).json()
    assert by_origin["total"] == 3
    page = client.get(
        "/api/shipments", headers=headers, params={"sort": "external_id", "limit": 2}
    ).json()
    assert [s["external_id"] for s in page["items"]] == ["10000001", "10000002"]
    assert client.get("/api/shipments", headers=headers, params={"sort": "x"}).status_code == 422
