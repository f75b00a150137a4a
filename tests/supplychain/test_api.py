"""The supply-chain API: import, analyses, records and dossier, ports, resilience as a job,
configuration, tenant isolation and the audit log."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories as f
from trustlane.access.roles import Role
from trustlane.supplychain.generator import generate_chain

API = "/api/supplychain"


@pytest.fixture
def chain_files(tmp_path: Path) -> tuple[Path, Path]:
    generated = generate_chain(60, seed=7)
    facilities, links = tmp_path / "facilities.csv", tmp_path / "links.csv"
    generated.write(str(facilities), str(links))
    return facilities, links


@pytest.fixture
def agency(client: TestClient, session: Session) -> dict[str, str]:
    f.user(session, f.agency(session), Role.agency_admin, "admin@agency.example")
    f.user(session, f.agency(session), Role.security_specialist, "analyst@agency.example")
    session.commit()
    return f.login(client, "admin@agency.example")


def upload(client: TestClient, headers: dict[str, str], files: tuple[Path, Path], **form: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"{API}/chains/import",
        headers=headers,
        files={
            "facilities": ("facilities.csv", files[0].read_bytes(), "text/csv"),
            "links": ("links.csv", files[1].read_bytes(), "text/csv"),
        },
        data=form,
    )


def test_import_then_trace_exposure_concentration_and_ports(
    client: TestClient, agency: dict[str, str], chain_files: tuple[Path, Path]
) -> None:
    resp = upload(client, agency, chain_files, chain="batteries")
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert (body["facilities"], body["rejected"]) == (60, [])
    chain_id = body["chain"]["id"]
    product = client.get(f"{API}/chains/{chain_id}/facilities", headers=agency,
                         params={"limit": 1000}).json()  # fmt: skip
    assert product["total"] == 60
    final = next(x["code"] for x in product["items"] if x["demand_per_day"] > 0)

    traced = client.get(f"{API}/chains/{chain_id}/trace/{final}", headers=agency).json()
    assert traced["upstream"]
    assert traced["origins"]
    assert all(row["path"][-1] == final for row in traced["upstream"])
    as_csv = client.get(f"{API}/chains/{chain_id}/trace/{final}/csv", headers=agency)
    assert as_csv.text.splitlines()[0] == "facility_id,tier,share,country,path"

    exposure = client.get(f"{API}/chains/{chain_id}/exposure", headers=agency).json()
    assert any("screening" in note for note in exposure["notes"])
    assert exposure["screening_available"] is False  # no list is loaded in this test
    for row in exposure["items"]:
        assert row["exposed"]
        assert row["reasons"]
        assert row["path"]
    header = client.get(f"{API}/chains/{chain_id}/exposure/csv", headers=agency).text
    assert header.splitlines()[0] == "facility_id,exposed,exposure_share,path,reasons"

    concentration = client.get(f"{API}/chains/{chain_id}/concentration", headers=agency).json()
    assert (
        concentration["materials"][0]["hhi_country"]
        >= concentration["materials"][-1]["hhi_country"]
    )

    added = client.post(
        f"{API}/chains/{chain_id}/equipment",
        headers=agency,
        json={"port_code": "USLAX", "kind": "crane", "vendor": "ZPMC", "vendor_country": "CN",
              "quantity": 4, "remote_access": True},
    )  # fmt: skip
    assert added.status_code == 201, added.text
    ports = client.get(f"{API}/chains/{chain_id}/ports", headers=agency).json()
    flagged = [e for p in ports["ports"] for e in p["equipment"]]
    assert flagged
    assert flagged[0]["severity"] == "critical"
    assert {r["code"] for r in flagged[0]["reasons"]} >= {"UNTRUSTED_VENDOR", "REMOTE_ACCESS"}


def test_rejected_rows_come_back_with_line_and_field(
    client: TestClient, agency: dict[str, str], chain_files: tuple[Path, Path], tmp_path: Path
) -> None:
    links = tmp_path / "bad_links.csv"
    links.write_text(
        chain_files[1].read_text() + "F00001,NOPE,glass,1,1\nF00002,F00003,glass,-1,1\n"
    )
    resp = upload(client, agency, (chain_files[0], links))
    assert resp.status_code == 201
    rejected = {(r["row"], r["field"]) for r in resp.json()["rejected"]}
    last = len(chain_files[1].read_text().splitlines())
    assert rejected == {(last + 1, "buyer_id"), (last + 2, "qty_per_unit")}
    chain = resp.json()["chain"]
    assert len(chain["import_problems"]) == 2


def test_resilience_runs_as_a_job_and_reports(
    client: TestClient, agency: dict[str, str], chain_files: tuple[Path, Path]
) -> None:
    chain_id = upload(client, agency, chain_files).json()["chain"]["id"]
    resp = client.post(
        f"{API}/chains/{chain_id}/resilience",
        headers=agency,
        json={"horizon": 180, "scenarios": ["facility", "port"]},
    )
    assert resp.status_code == 202, resp.text
    app: FastAPI = client.app  # type: ignore[assignment]
    app.state.runner.wait(resp.json()["id"], timeout=120)
    job = client.get(f"/api/jobs/{resp.json()['id']}", headers=agency).json()
    assert job["status"] == "succeeded", job["error"]
    run_id = job["result"]["run_id"]
    runs = client.get(f"{API}/chains/{chain_id}/resilience/runs", headers=agency).json()
    assert runs["items"][0]["id"] == run_id
    scenarios = client.get(f"{API}/resilience/runs/{run_id}/scenarios", headers=agency,
                           params={"limit": 1000}).json()  # fmt: skip
    kinds = {s["kind"] for s in scenarios["items"]}
    assert kinds == {"facility", "port"}
    ranked = [s["lost_profit"] for s in scenarios["items"]]
    assert ranked == sorted(ranked, reverse=True)
    csv_text = client.get(f"{API}/resilience/runs/{run_id}/csv", headers=agency).text
    lines = csv_text.strip().splitlines()
    assert lines[0] == "facility_id,tts_days,ttr_days,at_risk,lost_units,lost_profit"
    assert len(lines) == 61
    report = client.get(f"{API}/resilience/runs/{run_id}/report", headers=agency)
    assert "ranked by lost profit" in report.text
    chart = client.get(f"{API}/resilience/runs/{run_id}/chart.png", headers=agency)
    assert chart.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_records_attach_to_links_and_travel_in_the_dossier_zip(
    client: TestClient, agency: dict[str, str], chain_files: tuple[Path, Path]
) -> None:
    chain_id = upload(client, agency, chain_files).json()["chain"]["id"]
    links = client.get(
        f"{API}/chains/{chain_id}/links", headers=agency, params={"limit": 1000}
    ).json()
    facilities = client.get(f"{API}/chains/{chain_id}/facilities", headers=agency,
                            params={"limit": 1000}).json()["items"]  # fmt: skip
    final = next(x["code"] for x in facilities if x["demand_per_day"] > 0)
    into_final = next(x for x in links["items"] if x["buyer"] == final)
    resp = client.post(
        f"{API}/chains/{chain_id}/documents",
        headers=agency,
        data={"supplier_id": into_final["supplier"], "buyer_id": final, "kind": "invoice",
              "number": "INV-2026-0042", "issued_on": "2026-03-01", "quantity": "1200",
              "amount": "48000", "currency": "USD", "material": into_final["material"]},
        files={"file": ("invoice-0042.pdf", b"%PDF-1.4 invoice", "application/pdf")},
    )  # fmt: skip
    assert resp.status_code == 201, resp.text
    assert len(resp.json()["sha256"]) == 64
    html = client.get(f"{API}/chains/{chain_id}/dossier/{final}", headers=agency)
    assert html.status_code == 200
    assert "INV-2026-0042" in html.text
    assert "<svg" in html.text
    packed = client.get(f"{API}/chains/{chain_id}/dossier/{final}", headers=agency,
                        params={"format": "zip", "lot": 500})  # fmt: skip
    names = zipfile.ZipFile(io.BytesIO(packed.content)).namelist()
    assert {"dossier.html", "flowchart.svg", "flowchart.png", "tracing_table.csv"} <= set(names)
    assert any(n.endswith("invoice-0042.pdf") for n in names)


def test_a_member_sees_only_its_own_chains(
    client: TestClient, session: Session, agency: dict[str, str], chain_files: tuple[Path, Path]
) -> None:
    member = f.trade_org(session, "Acme Imports")
    other = f.trade_org(session, "Other Imports")
    f.user(session, member, Role.trade_admin, "admin@acme.example")
    f.user(session, other, Role.trade_admin, "admin@other.example")
    session.commit()
    acme = f.login(client, "admin@acme.example")
    theirs = f.login(client, "admin@other.example")
    mine = upload(client, acme, chain_files, chain="acme").json()["chain"]
    assert mine["tenant_id"] == member.id
    agency_chain = upload(client, agency, chain_files, chain="critical").json()["chain"]
    assert client.get(f"{API}/chains/{mine['id']}", headers=theirs).status_code == 404
    assert client.get(f"{API}/chains/{agency_chain['id']}", headers=acme).status_code == 404
    listed = client.get(f"{API}/chains", headers=acme).json()
    assert [c["name"] for c in listed["items"]] == ["acme"]
    assert client.get(f"{API}/chains", headers=agency).json()["total"] == 2
    audit = client.get("/api/audit", headers=agency, params={"entity_type": "supply_chain"}).json()
    assert {e["action"] for e in audit["items"]} >= {"create", "import"}


def test_high_risk_areas_are_agency_configuration(
    client: TestClient, session: Session, agency: dict[str, str]
) -> None:
    defaults = client.get(f"{API}/risk-areas", headers=agency).json()
    assert {a["code"] for a in defaults} >= {"CN-XJ", "KP"}
    assert defaults[0]["default"]
    member = f.trade_org(session, "Acme Imports")
    f.user(session, member, Role.trade_admin, "admin@acme.example")
    session.commit()
    acme = f.login(client, "admin@acme.example")
    body = {"code": "MM", "category": "forced_labor", "reason": "test", "source": "x"}
    assert client.post(f"{API}/risk-areas", headers=acme, json=body).status_code == 403
    assert client.post(f"{API}/risk-areas", headers=agency, json=body).status_code == 201
    now = client.get(f"{API}/risk-areas", headers=agency).json()
    assert [(a["code"], a["default"]) for a in now] == [("MM", False)]
    bad = client.post(f"{API}/risk-areas", headers=agency, json={**body, "code": "ZZ-99"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "code"


def test_exposure_signal_for_validation_planning(
    session: Session, chain_files: tuple[Path, Path]
) -> None:
    from datetime import date

    from trustlane.access.principal import Principal
    from trustlane.supplychain.ingest import import_chain
    from trustlane.supplychain.signals import org_signals

    org = f.trade_org(session, "Xinjiang Spinning", country="CN")
    clean = f.trade_org(session, "Clean Mill", country="US")
    text = chain_files[0].read_text().splitlines()
    header = text[0] + ",organization_id"
    rows = [r + "," for r in text[1:]]
    exposed_row = next(i for i, r in enumerate(rows) if ",CN-XJ," in r)
    rows[exposed_row] = rows[exposed_row][:-1] + f",{org.id}"
    calm_row = next(i for i, r in enumerate(rows) if ",US," in r and ",CN-XJ," not in r)
    rows[calm_row] = rows[calm_row][:-1] + f",{clean.id}"
    import_chain(session, Principal.system("t"), "\n".join([header, *rows]) + "\n",
                 chain_files[1].read_text(), chain_name="signals")  # fmt: skip
    found = org_signals(session, [org.id, clean.id], date(2026, 1, 1))
    assert found[org.id].severity == 1.0
    assert "high-risk areas" in found[org.id].text
    assert clean.id not in found or found[clean.id].severity < 1.0
