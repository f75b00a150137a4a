"""Every list page is paged and searchable, its filters' errors sit next to the field, and a
search never reaches another tenant's records (issue 8's expectations), over HTTP."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories as f
from tests.supplychain.test_pages import small_chain
from tests.web.test_pages import login_browser
from trustlane.access import users
from trustlane.access.models import User
from trustlane.access.principal import Principal
from trustlane.access.roles import Role
from trustlane.db import Database
from trustlane.screening.lists import load_list

HEADER = "id,name,aliases,type,country,nationality,date_of_birth,programs,imo,category,source\n"
ROW = "PL-1,ROSOBORONEXPORT,,organization,ru,,,RUSSIA-EO14024,,sanctions,lists test\n"


def _as(user: User) -> Principal:
    return Principal(label=user.email, role=Role(user.role), org_id=user.org_id, user_id=user.id)


def test_tokens_are_paged_searched_and_ones_own(client: TestClient, session: Session) -> None:
    org = f.trade_org(session, "Golden Industrial Pvt. Ltd.", country="US")
    clerk = f.user(session, org, Role.trade_user, "clerk@golden.example")
    colleague = f.user(session, org, Role.trade_admin, "boss@golden.example")
    for i in range(26):
        users.create_token(session, _as(clerk), name=f"feed {i:02d}")
    users.create_token(session, _as(clerk), name="nightly ingest")
    users.create_token(session, _as(colleague), name="colleague secret")
    session.commit()
    login_browser(client, "clerk@golden.example")

    first = client.get("/admin/tokens")
    assert first.status_code == 200
    assert "1–25 of 27" in first.text
    assert 'rel="next"' in first.text
    assert '<label for="s-q">Search tokens</label>' in first.text
    assert "colleague secret" not in first.text
    second = client.get("/admin/tokens", params={"offset": 25})
    assert "26–27 of 27" in second.text

    found = client.get("/admin/tokens", params={"q": "NIGHTLY"})
    assert "1–1 of 1" in found.text
    assert "nightly ingest" in found.text
    assert "feed 00" not in found.text
    # Another user's token name finds nothing: the search runs over one's own tokens only.
    other = client.get("/admin/tokens", params={"q": "colleague"})
    assert "colleague secret" not in other.text
    assert "No tokens match." in other.text


def test_audit_log_names_a_bad_date_next_to_the_field(client: TestClient, session: Session) -> None:
    f.user(session, f.agency(session), Role.agency_admin, "admin@agency.example")
    session.commit()
    login_browser(client, "admin@agency.example")
    resp = client.get("/admin/audit", params={"since": "yesterday"})
    assert resp.status_code == 422
    assert 'aria-describedby="e-since"' in resp.text
    assert '<p class="error" id="e-since">not a date (YYYY-MM-DD)</p>' in resp.text
    ok = client.get("/admin/audit", params={"since": "2020-01-01"})
    assert ok.status_code == 200
    assert "<caption>Audit entries, newest first" in ok.text


def test_list_versions_are_searchable(
    client: TestClient, session: Session, database: Database, tmp_path: Path
) -> None:
    f.user(session, f.agency(session), Role.targeting_analyst, "analyst@agency.example")
    session.commit()
    path = tmp_path / "list.csv"
    path.write_text(HEADER + ROW)
    load_list(database, Principal.system("loader-a"), path, "csv", name="pl", rescreen=False)
    path.write_text(HEADER + ROW.replace(",,,RUSSIA", ",,,UKRAINE"))
    load_list(database, Principal.system("loader-b"), path, "csv", name="pl", rescreen=False)
    login_browser(client, "analyst@agency.example")

    every = client.get("/screening/lists/pl")
    assert every.status_code == 200
    assert "1–2 of 2" in every.text
    assert re.search(r"<label for=\"s-q\">Search versions", every.text)
    found = client.get("/screening/lists/pl", params={"q": "LOADER-B"})
    assert "1–1 of 1" in found.text
    assert "loader-b" in found.text
    assert "loader-a" not in found.text
    none = client.get("/screening/lists/pl", params={"q": "nobody"})
    assert "No versions match." in none.text


def test_bulk_screening_jobs_filter_by_status(client: TestClient, session: Session) -> None:
    org = f.trade_org(session, "Golden Industrial Pvt. Ltd.", country="US")
    f.user(session, org, Role.trade_admin, "boss@golden.example")
    session.commit()
    login_browser(client, "boss@golden.example")
    resp = client.get("/screening/bulk", params={"status": "failed"})
    assert resp.status_code == 200
    assert '<option value="failed" selected>' in resp.text
    assert "No bulk screening yet." in resp.text
    # An unknown status is ignored rather than failing the page.
    assert client.get("/screening/bulk", params={"status": "bogus"}).status_code == 200


def test_chain_search_runs_in_sql_within_the_tenant(client: TestClient, session: Session) -> None:
    golden = f.trade_org(session, "Golden Industrial Pvt. Ltd.", country="US")
    other = f.trade_org(session, "Other Imports Inc.", country="US")
    f.user(session, golden, Role.trade_user, "clerk@golden.example")
    f.user(session, f.agency(session), Role.agency_admin, "admin@agency.example")
    small_chain(session, "Golden apparel", golden.id, "Golden Mill")
    small_chain(session, "Other apparel", other.id, "Other Mill")
    session.commit()

    login_browser(client, "clerk@golden.example")
    mine = client.get("/supplychain", params={"q": "APPAREL"})
    assert mine.status_code == 200
    assert "Golden apparel" in mine.text
    assert "Other apparel" not in mine.text
    assert "Other apparel" not in client.get("/supplychain", params={"q": "other"}).text

    client.cookies.clear()
    login_browser(client, "admin@agency.example")
    every = client.get("/supplychain", params={"q": "apparel"})
    assert "Golden apparel" in every.text
    assert "Other apparel" in every.text


def test_model_versions_filter_by_status(client: TestClient, session: Session) -> None:
    f.user(session, f.agency(session), Role.targeting_analyst, "analyst@agency.example")
    session.commit()
    login_browser(client, "analyst@agency.example")
    resp = client.get("/targeting/models", params={"status": "active"})
    assert resp.status_code == 200
    assert "<label>Version status" in resp.text
    assert '<option value="active" selected>' in resp.text
    assert "Model versions active, newest first" in resp.text
