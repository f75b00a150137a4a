"""Organization, shipment and job pages over HTTP: filters with errors, other tenants' records,
form posts without a CSRF token."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories as f
from tests.web.test_pages import _csrf, login_browser
from trustlane.access.roles import Role
from trustlane.cargo.ingest import ingest_file
from trustlane.db import Database
from trustlane.registry.schemas import IdentifierIn

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"


def _golden_and_other(session: Session) -> tuple[int, int]:
    golden = f.trade_org(
        session,
        "Golden Industrial Pvt. Ltd.",
        country="US",
        roles=["importer"],
        identifiers=[IdentifierIn(scheme="importer_of_record", value="73-125820100")],
    )
    other = f.trade_org(session, "Other Imports Inc.", country="US", roles=["importer"])
    f.user(session, golden, Role.trade_user, "clerk@golden.example")
    f.user(session, f.agency(session), Role.agency_admin, "admin@agency.example")
    session.commit()
    return golden.id, other.id


def test_bad_date_filter_is_named(client: TestClient, session: Session) -> None:
    _golden_and_other(session)
    login_browser(client, "admin@agency.example")
    resp = client.get("/shipments", params={"declared_from": "yesterday"})
    assert resp.status_code == 422
    assert "declared from: not a date (YYYY-MM-DD)" in resp.text


def test_another_tenants_records_answer_404(
    client: TestClient, session: Session, database: Database, tmp_path: Path
) -> None:
    golden_id, other_id = _golden_and_other(session)
    ingest_file(
        database, f.OPERATOR, EXAMPLES / "isf.csv", "isf", rejects_path=tmp_path / "rejects.csv"
    )
    from trustlane.cargo.models import Shipment

    not_golden = session.query(Shipment).filter(Shipment.importer_org_id != golden_id).first()
    assert not_golden is not None
    login_browser(client, "clerk@golden.example")
    assert client.get(f"/orgs/{other_id}").status_code == 404
    resp = client.get(f"/shipments/{not_golden.id}")
    assert resp.status_code == 404
    assert not_golden.external_id not in resp.text
    assert client.get(f"/orgs/{golden_id}").status_code == 200


def test_merge_without_csrf_token_is_refused(client: TestClient, session: Session) -> None:
    golden_id, other_id = _golden_and_other(session)
    login_browser(client, "admin@agency.example")
    resp = client.post(f"/orgs/{other_id}/merge", data={"into_id": str(golden_id)})
    assert resp.status_code == 403
    page = client.get(f"/orgs/{other_id}")
    resp = client.post(
        f"/orgs/{other_id}/merge", data={"into_id": str(other_id), "csrf_token": _csrf(page.text)}
    )
    assert resp.status_code == 422
    assert "cannot merge into itself" in resp.text


def test_ingest_form_names_the_missing_profile(client: TestClient, session: Session) -> None:
    _golden_and_other(session)
    login_browser(client, "admin@agency.example")
    page = client.get("/shipments/ingest")
    resp = client.post(
        "/shipments/ingest",
        data={"csrf_token": _csrf(page.text)},
        files={"file": ("isf.csv", (EXAMPLES / "isf.csv").read_bytes())},
    )
    assert resp.status_code == 422
    assert 'id="e-profile">required' in resp.text
