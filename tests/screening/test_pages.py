"""The screening pages over HTTP: the queue's filters and their errors, the alert page and
its review forms (audited, CSRF-checked), lists, versions and entries, screening a name,
ownership flags, and what a trade member may and may not see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories as f
from tests.web.test_pages import _csrf, login_browser
from trustlane.access.models import AuditEntry
from trustlane.access.roles import Role
from trustlane.db import Database
from trustlane.registry.ownership import set_owner
from trustlane.screening.engine import Party
from trustlane.screening.lists import load_list
from trustlane.screening.models import Alert, Decision
from trustlane.screening.normalize import EntityKind
from trustlane.screening.parties import screen_organizations
from trustlane.screening.subjects import SubjectIn, decide_alert, screen_subjects
from trustlane.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"

#: Each test loads small lists and screens a few parties: about a second, more on the first.
pytestmark = pytest.mark.slow

HEADER = "id,name,aliases,type,country,nationality,date_of_birth,programs,imo,category,source\n"
#: A small sanctions list in the generic CSV shape (names as published on the OFAC SDN list).
WATCH_V1 = HEADER + (
    "PW-1,ROSOBORONEXPORT,ROSOBORONEKSPORT; RUSSIAN DEFENSE EXPORT ROSOBORONEXPORT,"
    "organization,ru,,,RUSSIA-EO14024; UKRAINE-EO13662,,sanctions,pages test\n"
    'PW-2,"SALEK, Abdul Hai",Abdulhai Salek,person,af,af,1965,SDGT,,sanctions,pages test\n'
    "PW-3,KAPITAN MASLOV SHIPPING CO,,organization,ru,,,RUSSIA-EO14024,,sanctions,pages test\n"
)
#: The next version: PW-1 gains an alias, PW-3 is delisted, PW-4 is new.
WATCH_V2 = HEADER + (
    "PW-1,ROSOBORONEXPORT,ROSOBORONEKSPORT; RUSSIAN DEFENSE EXPORT ROSOBORONEXPORT; "
    "ROE JSC,organization,ru,,,RUSSIA-EO14024; UKRAINE-EO13662,,sanctions,pages test\n"
    'PW-2,"SALEK, Abdul Hai",Abdulhai Salek,person,af,af,1965,SDGT,,sanctions,pages test\n'
    "PW-4,SOVCOMFLOT,SCF GROUP,organization,ru,,,RUSSIA-EO14024,,sanctions,pages test\n"
)


@dataclass
class ReviewData:
    """Who is who in the review data, and the alerts raised."""

    acme_id: int
    globex_id: int
    listed_org_id: int
    owned_id: int
    owned_in_turn_id: int
    agency_alert: int  # tenant none: a name screened by the agency
    acme_alert: int  # forced labor, a partner of ACME
    globex_alert: int  # withhold release order, a partner of Globex
    org_alert: int  # the listed organization's registry record (decided true match)


def build_review_data(
    database: Database, session: Session, settings: Settings, tmp: Path
) -> ReviewData:
    """Users of every reviewing role, two trade members, three lists (one with two
    versions), alerts in three tenants and the agency's, one decided a true match with the
    ownership chain it blocks. Everything goes through the use cases."""
    op = f.OPERATOR
    agency = f.agency(session)
    for role, email in (
        (Role.targeting_analyst, "analyst@agency.example"),
        (Role.security_specialist, "specialist@agency.example"),
        (Role.agency_admin, "admin@agency.example"),
        (Role.auditor, "auditor@agency.example"),
    ):
        f.user(session, agency, role, email)
    acme = f.trade_org(session, "ACME Imports", country="US")
    globex = f.trade_org(session, "Globex Trading", country="US")
    f.user(session, acme, Role.trade_user, "clerk@acme.example")
    f.user(session, globex, Role.trade_admin, "boss@globex.example")
    listed = f.trade_org(session, "Rosoboronexport JSC", country="RU")
    owned = f.trade_org(session, "Blue Harbor Logistics", country="CY")
    owned_in_turn = f.trade_org(session, "Harbor Terminal Services", country="CY")
    session.commit()

    v1, v2 = tmp / "watch_v1.csv", tmp / "watch_v2.csv"
    v1.write_text(WATCH_V1, encoding="utf-8")
    v2.write_text(WATCH_V2, encoding="utf-8")
    load_list(database, op, v1, "csv", name="pages-watch", rescreen=False)
    load_list(database, op, v2, "csv", name="pages-watch", rescreen=False)
    mapping = yaml.safe_load((FIXTURES / "forced_labor_mapping.yaml").read_text())
    load_list(
        database, op, FIXTURES / "forced_labor_entities.csv", "csv", name="pages-uflpa",
        mapping=mapping, rescreen=False,
    )  # fmt: skip
    load_list(
        database, op, FIXTURES / "withhold_release_orders.csv", "csv", name="pages-wro",
        rescreen=False,
    )  # fmt: skip
    screen_subjects(
        database,
        settings,
        op,
        [
            SubjectIn(
                "adhoc", "pages-agency-1",
                Party("Abdul Hay Salik", EntityKind.person, birth_date="1965"),
            ),
            SubjectIn(
                "adhoc", "pages-acme-1", Party("Hoshin Silicon Industries Ltd"),
                tenant_id=acme.id,
            ),
            SubjectIn(
                "adhoc", "pages-globex-1", Party("Top Gloves Corp"),
                tenant_id=globex.id,
            ),
        ],
    )  # fmt: skip
    screen_organizations(database, settings, op)
    with database.session() as s:
        set_owner(s, op, owned.id, listed.id, 0.6, source="registry filing 2024")
        set_owner(s, op, owned_in_turn.id, owned.id, 0.5, source="annual report")
        alerts = {a.subject_id: a for a in s.scalars(sa.select(Alert))}
        by_tenant = {a.tenant_id: a.id for a in alerts.values()}
        decide_alert(s, op, by_tenant[listed.id], "true_match", "same company, listed address")
    return ReviewData(
        acme_id=acme.id,
        globex_id=globex.id,
        listed_org_id=listed.id,
        owned_id=owned.id,
        owned_in_turn_id=owned_in_turn.id,
        agency_alert=by_tenant[None],
        acme_alert=by_tenant[acme.id],
        globex_alert=by_tenant[globex.id],
        org_alert=by_tenant[listed.id],
    )


@pytest.fixture
def data(database: Database, session: Session, settings: Settings, tmp_path: Path) -> ReviewData:
    return build_review_data(database, session, settings, tmp_path)


def test_queue_filters_and_their_errors(client: TestClient, data: ReviewData) -> None:
    login_browser(client, "analyst@agency.example")
    page = client.get("/screening")
    assert page.status_code == 200
    # Open alerts of three tenants and the agency's; the decided one is not "to review".
    for alert_id in (data.agency_alert, data.acme_alert, data.globex_alert):
        assert f'href="/screening/alerts/{alert_id}"' in page.text
    assert f'href="/screening/alerts/{data.org_alert}"' not in page.text
    decided = client.get("/screening", params={"status": "true_match"}).text
    assert f'href="/screening/alerts/{data.org_alert}"' in decided
    only_wro = client.get("/screening", params={"list": "pages-wro"}).text
    assert f'/screening/alerts/{data.globex_alert}"' in only_wro
    assert f'/screening/alerts/{data.acme_alert}"' not in only_wro
    by_name = client.get("/screening", params={"q": "hoshin"}).text
    assert f'/screening/alerts/{data.acme_alert}"' in by_name
    assert f'/screening/alerts/{data.globex_alert}"' not in by_name
    # Scores: Salik 0.78 (person), the two companies 0.89-0.90.
    middle = client.get("/screening", params={"min_score": "0.85", "max_score": "0.95"}).text
    assert f'/screening/alerts/{data.acme_alert}"' in middle
    assert f'/screening/alerts/{data.agency_alert}"' not in middle
    none_high = client.get("/screening", params={"min_score": "0.95", "max_score": "1"}).text
    assert "No alerts to review." in none_high
    persons = client.get("/screening", params={"sort": "score"}).text
    assert persons.index(f'/alerts/{data.agency_alert}"') < persons.index(
        f'/alerts/{data.acme_alert}"'
    )
    bad = client.get("/screening", params={"min_score": "0.9", "max_score": "0.2"})
    assert bad.status_code == 422
    assert re.search(r'id="e-max_score">must not be below the lowest score', bad.text)
    bad = client.get("/screening", params={"min_score": "high", "list": "nope"})
    assert re.search(r'id="e-min_score">a number between 0 and 1', bad.text)
    assert re.search(r'id="e-list">no list named', bad.text)


def test_queue_pages_through_alerts(client: TestClient, data: ReviewData) -> None:
    from trustlane.screening import pages

    login_browser(client, "analyst@agency.example")
    pages.PAGE, saved = 2, pages.PAGE
    try:
        first = client.get("/screening", params={"status": "all"}).text
        assert "1–2 of 4" in first
        assert 'rel="next"' in first
        second = client.get("/screening", params={"status": "all", "offset": 2}).text
        assert "3–4 of 4" in second
    finally:
        pages.PAGE = saved


def test_alert_page_shows_party_entry_names_and_contributions(
    client: TestClient, data: ReviewData
) -> None:
    login_browser(client, "specialist@agency.example")
    html = client.get(f"/screening/alerts/{data.acme_alert}").text
    assert "Hoshin Silicon Industries Ltd" in html
    assert "Hoshine Silicon Industry Co. Ltd." in html
    assert "as it was in version 1" in html
    assert "Forced labor: goods are presumed made with forced labor" in html
    assert "280461" in html  # the entry's HS codes
    assert "query_coverage" in html  # a feature's contribution
    assert "intercept" in html
    assert "'hoshine'" not in html  # word pairs are a table, not the raw text
    assert re.search(r"<td>silicon</td><td>= \(the same\)</td><td>silicon</td>", html)
    assert re.search(r"<td>hoshin</td><td>≈[^<]*</td><td>hoshine</td>", html)
    assert 'name="decision" value="escalated"' in html


def test_decide_shows_errors_next_to_fields_and_is_audited(
    client: TestClient, data: ReviewData, session: Session
) -> None:
    login_browser(client, "analyst@agency.example")
    page = client.get(f"/screening/alerts/{data.agency_alert}")
    token = _csrf(page.text)
    url = f"/screening/alerts/{data.agency_alert}/decide"
    resp = client.post(url, data={"decision": "false_positive", "note": "", "csrf_token": token})
    assert resp.status_code == 422
    assert re.search(r'id="e-note">say why', resp.text)
    resp = client.post(url, data={"decision": "maybe", "note": "x", "csrf_token": token})
    assert re.search(r'id="e-decision">one of true_match', resp.text)
    resp = client.post(
        url, data={"decision": "escalated", "note": "DOB matches; ask the field office",
                   "csrf_token": token},
    )  # fmt: skip
    assert "Alert" in resp.text
    assert "escalated." in resp.text
    resp = client.post(
        url, data={"decision": "false_positive", "note": "different person, born 1972",
                   "csrf_token": token},
    )  # fmt: skip
    assert "cleared as a false positive" in resp.text
    session.expire_all()
    decisions = session.scalars(
        sa.select(Decision.decision).where(Decision.alert_id == data.agency_alert)
    ).all()
    assert decisions == ["escalated", "false_positive"]
    audited = session.scalars(
        sa.select(AuditEntry.action).where(
            AuditEntry.entity_type == "screening_alert",
            AuditEntry.entity_id == str(data.agency_alert),
            AuditEntry.actor == "analyst@agency.example",
        )
    ).all()
    assert audited.count("decide") == 2
    # Decided: the page no longer offers a decision.
    assert f'action="/screening/alerts/{data.agency_alert}/decide"' not in resp.text


def test_assign_checks_the_reviewer(client: TestClient, data: ReviewData, session: Session) -> None:
    login_browser(client, "analyst@agency.example")
    token = _csrf(client.get(f"/screening/alerts/{data.acme_alert}").text)
    url = f"/screening/alerts/{data.acme_alert}/assign"
    resp = client.post(url, data={"assignee": "clerk@acme.example", "csrf_token": token})
    assert resp.status_code == 422
    assert re.search(r'id="e-assignee">not an active agency user who reviews alerts', resp.text)
    resp = client.post(url, data={"assignee": "specialist@agency.example", "csrf_token": token})
    assert "assigned to specialist@agency.example" in resp.text
    mine = client.get("/screening", params={"assignee": "specialist@agency.example"}).text
    assert f'/screening/alerts/{data.acme_alert}"' in mine
    assert f'/screening/alerts/{data.globex_alert}"' not in mine
    session.expire_all()
    assert session.get(Alert, data.acme_alert).assignee == "specialist@agency.example"  # type: ignore[union-attr]


def test_review_forms_refuse_a_missing_csrf_token(client: TestClient, data: ReviewData) -> None:
    login_browser(client, "analyst@agency.example")
    for action, body in (
        ("decide", {"decision": "true_match", "note": "x"}),
        ("assign", {"assignee": "analyst@agency.example"}),
    ):
        resp = client.post(f"/screening/alerts/{data.agency_alert}/{action}", data=body)
        assert resp.status_code == 403
        assert "form has expired" in resp.text
    assert client.post("/screening/ownership/evaluate", data={}).status_code == 403


def test_auditor_reads_but_may_not_review(client: TestClient, data: ReviewData) -> None:
    login_browser(client, "auditor@agency.example")
    html = client.get(f"/screening/alerts/{data.agency_alert}").text
    assert "Abdul Hay Salik" in html
    # The entry states no consequence: its sanctions list's default, said as such.
    assert "If confirmed: Sanctions: property blocked" in html
    assert "its list category&#39;s default" in html
    assert "Record decision" not in html
    assert "Assign to me" not in html
    token = _csrf(html)
    resp = client.post(
        f"/screening/alerts/{data.agency_alert}/decide",
        data={"decision": "true_match", "note": "", "csrf_token": token},
    )
    assert resp.status_code == 403


def test_trade_member_sees_only_its_own_alerts(
    client: TestClient, data: ReviewData, database: Database
) -> None:
    with database.session() as s:
        decide_alert(s, f.OPERATOR, data.acme_alert, "escalated", "internal: ask the field office")
    login_browser(client, "clerk@acme.example")
    queue = client.get("/screening", params={"status": "all"}).text
    assert f'/screening/alerts/{data.acme_alert}"' in queue
    for other in (data.globex_alert, data.agency_alert, data.org_alert):
        assert f'/screening/alerts/{other}"' not in queue
    assert "Top Glove" not in queue
    assert "Salik" not in queue
    own = client.get(f"/screening/alerts/{data.acme_alert}")
    assert own.status_code == 200
    assert "Record decision" not in own.text
    # The outcome, not the agency's working notes or who reviews.
    assert "Under further review." in own.text
    assert "ask the field office" not in own.text
    assert "@agency.example" not in own.text
    for other in (data.globex_alert, data.agency_alert, data.org_alert):
        resp = client.get(f"/screening/alerts/{other}")
        assert resp.status_code == 404
        assert "Top Glove" not in resp.text
        assert "Salik" not in resp.text
    token = _csrf(own.text)
    resp = client.post(
        f"/screening/alerts/{data.globex_alert}/decide",
        data={"decision": "false_positive", "note": "not ours", "csrf_token": token},
    )
    assert resp.status_code in (403, 404)
    flags = client.get("/screening/ownership").text
    assert "Blue Harbor" not in flags
    assert "Harbor Terminal" not in flags


def test_lists_versions_differences_and_entries(client: TestClient, data: ReviewData) -> None:
    login_browser(client, "clerk@acme.example")  # lists are public: trade members read them
    lists = client.get("/screening/lists").text
    assert "pages-watch" in lists
    assert "pages-uflpa" in lists
    versions = client.get("/screening/lists/pages-watch").text
    assert "/screening/lists/pages-watch/versions/2?change=removed" in versions
    added = client.get("/screening/lists/pages-watch/versions/2").text
    assert "SOVCOMFLOT" in added
    assert "ROSOBORONEXPORT" not in added
    removed = client.get("/screening/lists/pages-watch/versions/2?change=removed").text
    assert "KAPITAN MASLOV" in removed
    changed = client.get("/screening/lists/pages-watch/versions/2?change=changed").text
    assert "ROSOBORONEXPORT" in changed
    assert re.search(r'class="ins">.*?ROE JSC \(aka\)', changed)
    first = client.get("/screening/lists/pages-watch/versions/1").text
    assert "KAPITAN MASLOV" in first
    assert "SOVCOMFLOT" not in first
    current = client.get("/screening/lists/pages-watch/entries").text
    assert "SOVCOMFLOT" in current
    assert "KAPITAN MASLOV" not in current
    old = client.get("/screening/lists/pages-watch/entries", params={"version": 1}).text
    assert "KAPITAN MASLOV" in old
    assert "SOVCOMFLOT" not in old
    alias = client.get("/screening/lists/pages-watch/entries", params={"q": "scf group"}).text
    assert "SOVCOMFLOT" in alias
    assert "SALEK" not in alias
    entry_link = re.search(r'href="(/screening/lists/pages-watch/entries/\d+)"><code>PW-1', current)
    assert entry_link
    entry = client.get(entry_link.group(1)).text
    assert "ROE JSC" in entry
    assert "first listed" in entry
    assert client.get("/screening/lists/nope").status_code == 404
    assert client.get("/screening/lists/pages-watch/versions/9").status_code == 404


def test_screen_a_name_ranks_hits_with_reasons(client: TestClient, data: ReviewData) -> None:
    login_browser(client, "clerk@acme.example")
    resp = client.get(
        "/screening/screen",
        params={"name": "Abdul Hai Salek", "party_type": "person", "date_of_birth": "1965",
                "country": "Afghanistan"},
    )  # fmt: skip
    assert resp.status_code == 200
    assert "PW-2" in resp.text
    assert "born 1965" in resp.text
    assert 'class="badge bad">alert' in resp.text
    bad = client.get(
        "/screening/screen",
        params={"name": "", "country": "Atlantis", "date_of_birth": "someday"},
    )
    assert bad.status_code == 422
    assert re.search(r'id="e-name">required', bad.text)
    assert re.search(r'id="e-country">not a country we know', bad.text)
    assert re.search(r'id="e-date_of_birth">not a date', bad.text)


def test_ownership_flags_show_their_chains(client: TestClient, data: ReviewData) -> None:
    login_browser(client, "analyst@agency.example")
    html = client.get("/screening/ownership").text
    assert "Blue Harbor Logistics" in html
    assert "Harbor Terminal Services" in html
    assert "60% held by" in html
    assert "Rosoboronexport JSC" in html
    assert f'href="/screening/alerts/{data.org_alert}"' in html
    # The second organization's chain goes through the first one, down to the listing.
    assert html.count("Rosoboronexport JSC") >= 2
    token = _csrf(html)
    resp = client.post("/screening/ownership/evaluate", data={"csrf_token": token})
    assert "2 organizations blocked by ownership" in resp.text
    found = client.get("/screening/ownership", params={"q": "terminal"}).text
    assert "1 organization blocked" in found


# -- the API routes added with these pages -------------------------------------------


def test_api_alert_detail_entries_and_changes(client: TestClient, data: ReviewData) -> None:
    analyst = f.login(client, "analyst@agency.example")
    detail = client.get(f"/api/screening/alerts/{data.acme_alert}", headers=analyst).json()
    assert detail["list"] == "pages-uflpa"
    assert detail["entry_now"] == "unchanged"
    assert detail["consequence"]["action"] == "rebuttable_presumption"
    features = {c["feature"] for c in detail["name"]["contributions"]}
    assert "query_coverage" in features
    assert detail["name"]["log_odds"] == pytest.approx(
        detail["name"]["intercept"] + sum(c["weight"] for c in detail["name"]["contributions"])
    )
    changes = client.get(
        "/api/screening/lists/pages-watch/versions/2/changes",
        params={"change": "changed"},
        headers=analyst,
    ).json()
    assert changes["previous"] == 1
    assert changes["total"] == 1
    assert changes["items"][0]["fields"][0]["added"] == ["ROE JSC (aka)"]
    bad = client.get(
        "/api/screening/lists/pages-watch/versions/2/changes",
        params={"change": "moved"},
        headers=analyst,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "change"
    entries = client.get(
        "/api/screening/lists/pages-watch/entries",
        params={"version": 1, "q": "maslov"},
        headers=analyst,
    ).json()
    assert [e["key"] for e in entries["items"]] == ["PW-3"]
    entry = client.get(
        f"/api/screening/lists/pages-watch/entries/{entries['items'][0]['id']}", headers=analyst
    ).json()
    assert (entry["first_version"], entry["last_version"]) == (1, 1)


def test_api_alert_detail_hides_other_tenants(client: TestClient, data: ReviewData) -> None:
    clerk = f.login(client, "clerk@acme.example")
    assert client.get(f"/api/screening/alerts/{data.acme_alert}", headers=clerk).status_code == 200
    for other in (data.globex_alert, data.agency_alert, data.org_alert):
        assert client.get(f"/api/screening/alerts/{other}", headers=clerk).status_code == 404


def test_bulk_screening_page_runs_a_job_and_gives_the_file(
    client: TestClient, data: ReviewData
) -> None:
    login_browser(client, "clerk@acme.example")
    page = client.get("/screening/bulk")
    token = _csrf(page.text)
    bad = client.post(
        "/screening/bulk",
        data={"csrf_token": token},
        files={"file": ("parties.txt", b"full_name\nx\n", "text/plain")},
    )
    assert bad.status_code == 422
    assert re.search(r'id="e-file">must end in .csv', bad.text)
    csv_bytes = b"full_name,country\nTop Gloves Corp,MY\nNorthwind Traders,US\n"
    resp = client.post(
        "/screening/bulk",
        data={"csrf_token": token},
        files={"file": ("partners.csv", csv_bytes, "text/csv")},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    job_id = resp.headers["location"].rsplit("/", 1)[-1]
    client.app.state.runner.wait(job_id, timeout=60)  # type: ignore[attr-defined]
    done = client.get(f"/screening/bulk/{job_id}/progress").text
    assert "succeeded" in done
    assert "with an alert" in done
    screened = client.get(f"/screening/bulk/{job_id}/output")
    assert screened.headers["content-type"].startswith("text/csv")
    lines = screened.text.strip().splitlines()
    assert lines[0].startswith("full_name,country,alert,score")
    assert lines[1].startswith("Top Gloves Corp,MY,true")
    assert lines[2].startswith("Northwind Traders,US,false")
    # Another member may neither see the job nor fetch its file.
    client.cookies.clear()
    login_browser(client, "boss@globex.example")
    assert client.get(f"/screening/bulk/{job_id}").status_code == 404
    assert client.get(f"/screening/bulk/{job_id}/output").status_code == 404
    assert job_id[:8] not in client.get("/screening/bulk").text
