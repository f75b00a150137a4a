"""The programs pages over HTTP: each role's view, forms with errors next to their fields,
evidence upload limits, CSRF refusal and tenant isolation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories as f
from tests.programs import helpers as h
from tests.web.test_pages import _csrf, login_browser
from trustlane.access.roles import Role
from trustlane.db import Database
from trustlane.programs import accounts, evidence, membership, planning, validations
from trustlane.programs.models import Action, Member
from trustlane.settings import Environment, Settings

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
OP = h.OPERATOR


@dataclass
class World:
    acme: Member  # validated, with required actions, followed by spec@
    other: Member  # an applicant filling in its profile, followed by nobody
    validation_id: int
    action_id: int
    evidence_id: int


def _world(session: Session) -> World:
    agency = f.agency(session)
    acme_org = f.trade_org(session, "ACME Imports", roles=["importer"], sector="electronics")
    other_org = f.trade_org(session, "Other Imports", roles=["importer"], sector="electronics")
    f.user(session, agency, Role.agency_admin, "admin@agency.example")
    spec = f.user(session, agency, Role.security_specialist, "spec@agency.example")
    f.user(session, agency, Role.security_specialist, "spec2@agency.example")
    manager = f.user(session, agency, Role.account_manager, "am@agency.example")
    f.user(session, agency, Role.auditor, "auditor@agency.example")
    f.user(session, acme_org, Role.trade_admin, "boss@acme.example")
    f.user(session, other_org, Role.trade_admin, "boss@other.example")
    accounts.set_account_managers(session, OP, "electronics", [manager.id])
    planning.set_specialist(session, OP, spec.id, capacity=10)
    acme = h.certified(session, acme_org, specialist_id=spec.id)
    v = h.validated(
        session, acme, spec.id, kinds={"1.1": "required_action", "3.1": "required_action"}
    )
    other = membership.apply(
        session, OP, org_id=other_org.id, program="ctpat", entity_type="importer"
    )
    newco = f.trade_org(session, "Newco Traders", roles=["importer"], sector="machinery")
    f.user(session, newco, Role.trade_user, "clerk@newco.example")
    stored = evidence.add_evidence(
        session, OP, acme.id, filename="seal-policy.pdf", data=PDF, content_type=None,
        max_bytes=2**20, criterion="1.1",
    )  # fmt: skip
    action = session.query(Action).filter_by(validation_id=v.id).order_by(Action.id).first()
    assert action is not None
    session.commit()
    return World(acme, other, v.id, action.id, stored.id)


@pytest.fixture
def world(session: Session) -> World:
    return _world(session)


def _as(client: TestClient, email: str) -> TestClient:
    client.cookies.clear()
    login_browser(client, email)
    return client


def test_pages_need_a_login(client: TestClient) -> None:
    resp = client.get("/programs", follow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["location"] == "/login?next=%2Fprograms"


def test_the_agency_admin_sees_accounts_members_plan_and_analytics(
    client: TestClient, world: World
) -> None:
    _as(client, "admin@agency.example")
    home = client.get("/programs")
    assert home.status_code == 200
    assert "Membership by industry sector" in home.text
    assert re.search(r'href="/programs/accounts/electronics\?program=ctpat">Electronics', home.text)
    account = client.get("/programs/accounts/electronics")
    assert "ACME Imports" in account.text
    assert "Other Imports" in account.text
    assert "ACME Imports" in client.get("/programs/accounts/electronics?q=acme").text
    assert "Other Imports" not in client.get("/programs/accounts/electronics?q=acme").text
    members = client.get("/programs/members?q=other")
    assert "Other Imports" in members.text
    assert "ACME Imports" not in members.text
    member = client.get(f"/programs/members/{world.acme.id}").text
    assert "tier I" in member  # validated with open required actions: tier I, with why
    assert "2 required actions still open: tier I until they are closed" in member
    assert "Decisions" in member
    assert "Override the tier" in member
    plan = client.get("/programs/plan")
    assert "No validation plan for ctpat yet" in plan.text
    made = client.post(
        "/programs/plan",
        data={"program": "ctpat", "horizon_days": "90", "csrf_token": _csrf(plan.text)},
    )
    assert made.status_code == 200  # followed the redirect to the plan
    assert "members planned for validation" in made.text
    assert "Rank and plan" in made.text
    assert "points" in made.text
    analytics = client.get("/programs/analytics")
    assert analytics.status_code == 200
    assert 'src="/programs/analytics/charts/sections.svg?program=ctpat"' in analytics.text
    chart = client.get("/programs/analytics/charts/sections.svg?program=ctpat")
    assert chart.headers["content-type"] == "image/svg+xml"
    assert chart.content.lstrip().startswith(b"<?xml")
    csv = client.get("/programs/analytics/export?program=ctpat&format=csv&table=sections")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("section_id,section,focus_area")
    xlsx = client.get("/programs/analytics/export?program=ctpat&format=xlsx")
    assert xlsx.content[:2] == b"PK"
    bad = client.get("/programs/analytics/export?program=ctpat&format=csv")
    assert bad.status_code == 422
    assert "a CSV file holds one table" in bad.text


def test_a_plan_form_error_is_shown_next_to_its_field(client: TestClient, world: World) -> None:
    _as(client, "admin@agency.example")
    page = client.get("/programs/plan")
    resp = client.post(
        "/programs/plan",
        data={"program": "ctpat", "horizon_days": "0", "csrf_token": _csrf(page.text)},
    )
    assert resp.status_code == 422
    assert re.search(r'id="e-plan-horizon_days">must be 1 or more', resp.text)


def test_a_specialist_sees_its_assigned_members_only(client: TestClient, world: World) -> None:
    _as(client, "spec@agency.example")
    members = client.get("/programs/members").text
    assert "ACME Imports" in members
    assert "Other Imports" not in members
    assert client.get(f"/programs/members/{world.other.id}").status_code == 404
    validation = client.get(f"/programs/validations/{world.validation_id}")
    assert validation.status_code == 200
    assert "passed with actions" in validation.text
    _as(client, "spec2@agency.example")
    assert client.get(f"/programs/validations/{world.validation_id}").status_code == 404


def test_an_account_manager_starts_from_its_own_accounts(client: TestClient, world: World) -> None:
    _as(client, "am@agency.example")
    home = client.get("/programs").text
    assert "Showing your accounts" in home
    assert "Electronics" in home
    assert "Machinery" not in home
    assert "Machinery" in client.get("/programs?show=all").text
    member = client.get(f"/programs/members/{world.acme.id}").text
    assert "Decisions" not in member  # read only


def test_the_auditor_reads_without_forms(client: TestClient, world: World) -> None:
    _as(client, "auditor@agency.example")
    member = client.get(f"/programs/members/{world.acme.id}").text
    assert "Decisions" not in member
    validation = client.get(f"/programs/validations/{world.validation_id}").text
    assert "Record the findings" not in validation
    action = client.get(f"/programs/actions/{world.action_id}").text
    assert "Accept and close" not in action
    assert "Send the response" not in action
    resp = client.post(
        f"/programs/members/{world.acme.id}/tier",
        data={"tier": "3", "reason": "x", "csrf_token": _csrf(member)},
    )
    assert resp.status_code == 403


def test_a_trade_member_sees_only_its_own_organization(client: TestClient, world: World) -> None:
    _as(client, "boss@other.example")
    home = client.get("/programs").text
    assert "Your trusted-trader memberships" in home
    assert "ACME" not in home
    assert f'href="/programs/members/{world.acme.id}"' not in home
    for url in (
        f"/programs/members/{world.acme.id}",
        f"/programs/members/{world.acme.id}/profile",
        f"/programs/validations/{world.validation_id}",
        f"/programs/actions/{world.action_id}",
        f"/programs/evidence/{world.evidence_id}",
    ):
        resp = client.get(url)
        assert resp.status_code == 404, url
        assert "ACME" not in resp.text, url
    for url in ("/programs/analytics", "/programs/plan", "/programs/accounts/electronics"):
        assert client.get(url).status_code == 403, url
    assert "ACME" not in client.get("/programs/actions").text
    assert "ACME" not in client.get("/programs/members").text


def test_a_member_sees_its_validation_but_not_why_it_was_planned(
    client: TestClient, world: World, session: Session
) -> None:
    planned = validations.schedule_validation(
        session,
        OP,
        world.acme.id,
        mode="on_site",
        scheduled_for=date.today(),
        plan_reasons=[{"code": "screening_hits", "text": "A supplier is on a list.", "points": 12}],
    )
    session.commit()
    _as(client, "admin@agency.example")
    assert "A supplier is on a list." in client.get(f"/programs/validations/{planned.id}").text
    _as(client, "boss@acme.example")
    page = client.get(f"/programs/validations/{planned.id}")
    assert page.status_code == 200
    assert f"Validation {planned.id}" in page.text
    assert "A supplier is on a list." not in page.text


def test_answers_are_checked_and_errors_shown_next_to_the_criterion(
    client: TestClient, world: World, session: Session
) -> None:
    _as(client, "boss@other.example")
    url = f"/programs/members/{world.other.id}/profile"
    page = client.get(url + "?section=1")
    assert re.search(r'<label for="f-status-1\.1">Answer to 1\.1</label>', page.text)
    resp = client.post(
        f"{url}/sections/1",
        data={
            "status-1.1": "implemented",
            "narrative-1.1": "",
            "status-1.2": "bogus",
            "csrf_token": _csrf(page.text),
        },
    )
    assert resp.status_code == 422
    assert re.search(r'id="e-narrative-1\.1">explain the answer', resp.text)
    assert re.search(r'id="e-status-1\.2">one of: implemented', resp.text)
    assert "selected>Implemented</option>" in resp.text  # what was typed is kept
    saved = client.post(
        f"{url}/sections/1",
        data={
            "status-1.1": "implemented",
            "narrative-1.1": "Our security manual, chapter 2.",
            "csrf_token": _csrf(page.text),
        },
    )
    assert saved.status_code == 200
    assert "Saved 1 answers in section 1." in saved.text
    again = client.post(
        f"{url}/sections/1",
        data={
            "status-1.1": "implemented",
            "narrative-1.1": "Our security manual, chapter 2.",
            "csrf_token": _csrf(page.text),
        },
    )
    assert "Nothing changed in section 1." in again.text
    early = client.post(f"{url}/submit", data={"csrf_token": _csrf(page.text)})
    assert early.status_code == 422
    assert "criteria are not answered yet" in early.text
    assert re.search(r'href="\?section=1#c-1\.2">1\.2</a>', early.text)


def test_a_trade_member_applies_from_its_page(client: TestClient, world: World) -> None:
    _as(client, "clerk@newco.example")
    home = client.get("/programs")
    assert "not a member of any program yet" in home.text
    wrong = client.post(
        "/programs/apply",
        data={"choice": "ctpat:highway_carrier", "csrf_token": _csrf(home.text)},
    )
    assert wrong.status_code == 422
    assert re.search(r'id="e-choice">Newco Traders does not hold the trade role', wrong.text)
    applied = client.post(
        "/programs/apply",
        data={"choice": "ctpat:importer", "csrf_token": _csrf(home.text)},
        follow_redirects=False,
    )
    assert applied.status_code == 303
    assert re.fullmatch(r"/programs/members/\d+/profile", applied.headers["location"])
    profile = client.get(applied.headers["location"])
    assert "Security profile" in profile.text
    assert "0 of" in profile.text


@pytest.fixture
def small_upload_client(database: Database, tmp_path: Path) -> Iterator[TestClient]:
    """The app with a 1 MB upload limit."""
    from trustlane.web.app import create_app

    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=database.url,
        environment=Environment.test,
        max_upload_mb=1,
    )
    with TestClient(create_app(settings, database)) as c:
        yield c


def test_evidence_upload_checks_size_and_content(
    small_upload_client: TestClient, world: World
) -> None:
    client = _as(small_upload_client, "boss@acme.example")
    url = f"/programs/members/{world.acme.id}/profile?section=6"
    page = client.get(url)
    assert "up to 1 MB" in page.text
    token = _csrf(page.text)

    def upload(name: str, data: bytes, ctype: str = "application/pdf") -> object:
        return client.post(
            f"/programs/members/{world.acme.id}/evidence",
            data={"criterion": "6.1", "section": "6", "csrf_token": token},
            files={"file": (name, data, ctype)},
        )

    exe = upload("seal.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    assert exe.status_code == 422  # type: ignore[attr-defined]
    assert re.search(r'id="e-upload-file">seal\.pdf is not a valid PDF', exe.text)  # type: ignore[attr-defined]
    big = upload("big.pdf", PDF + b"0" * (2**20 + 10))
    assert big.status_code == 413  # type: ignore[attr-defined]
    assert re.search(r'id="e-upload-file">larger than 1,048,576 bytes', big.text)  # type: ignore[attr-defined]
    lying = upload("seal.pdf", PDF, "image/png")
    assert lying.status_code == 422  # type: ignore[attr-defined]
    assert "declared image/png but the file is PDF" in lying.text  # type: ignore[attr-defined]
    ok = upload("seals.pdf", PDF + b"% 6.1\n")
    assert ok.status_code == 200  # type: ignore[attr-defined]
    assert "Attached seals.pdf to criterion 6.1" in ok.text  # type: ignore[attr-defined]
    link = re.search(r'href="/programs/evidence/(\d+)">seals\.pdf', ok.text)  # type: ignore[attr-defined]
    assert link
    got = client.get(f"/programs/evidence/{link.group(1)}")
    assert got.content == PDF + b"% 6.1\n"
    assert len(got.headers["x-content-sha256"]) == 64


def test_posts_without_the_csrf_token_are_refused(client: TestClient, world: World) -> None:
    _as(client, "boss@acme.example")
    resp = client.post(f"/programs/actions/{world.action_id}/respond", data={"response": "Fixed."})
    assert resp.status_code == 403
    assert "form has expired" in resp.text
    page = client.get(f"/programs/actions/{world.action_id}")
    assert "Send the response" in page.text
    assert client.get(f"/programs/actions/{world.action_id}").text.count("responded") == 0


def test_a_required_action_is_answered_and_reviewed(client: TestClient, world: World) -> None:
    _as(client, "boss@acme.example")
    page = client.get(f"/programs/actions/{world.action_id}")
    empty = client.post(
        f"/programs/actions/{world.action_id}/respond",
        data={"response": " ", "csrf_token": _csrf(page.text)},
    )
    assert empty.status_code == 422
    assert re.search(r'id="e-respond-response">must not be empty', empty.text)
    done = client.post(
        f"/programs/actions/{world.action_id}/respond",
        data={"response": "Seals logged at every site.", "csrf_token": _csrf(page.text)},
    )
    assert "Response sent to the agency for review." in done.text
    _as(client, "spec@agency.example")
    page = client.get(f"/programs/actions/{world.action_id}")
    back = client.post(
        f"/programs/actions/{world.action_id}/review",
        data={"decision": "send_back", "note": "", "csrf_token": _csrf(page.text)},
    )
    assert back.status_code == 422
    assert re.search(r'id="e-review-note">a refused response needs a note', back.text)
    closed = client.post(
        f"/programs/actions/{world.action_id}/review",
        data={"decision": "accept", "csrf_token": _csrf(page.text)},
    )
    assert "Action is now closed." in closed.text


def test_a_specialist_schedules_records_and_completes(
    client: TestClient, world: World, session: Session
) -> None:
    _as(client, "spec@agency.example")
    page = client.get(f"/programs/members/{world.acme.id}")
    visit = (date.today() + timedelta(days=7)).isoformat()
    bad = client.post(
        f"/programs/members/{world.acme.id}/validations",
        data={"mode": "on_site", "scheduled_for": "next week", "csrf_token": _csrf(page.text)},
    )
    assert bad.status_code == 422
    assert re.search(r'id="e-schedule-scheduled_for">not a date', bad.text)
    made = client.post(
        f"/programs/members/{world.acme.id}/validations",
        data={"mode": "virtual", "scheduled_for": visit, "csrf_token": _csrf(page.text)},
        follow_redirects=False,
    )
    assert made.status_code == 303
    url = made.headers["location"]
    vid = int(url.rsplit("/", 1)[1])
    page = client.get(url + "?section=1")
    assert re.search(r'<label for="f-kind-1\.1">Finding on 1\.1</label>', page.text)
    assert "Member's answer: " in page.text
    missing_note = client.post(
        f"/programs/validations/{vid}/findings/1",
        data={"kind-1.1": "required_action", "note-1.1": "", "csrf_token": _csrf(page.text)},
    )
    assert missing_note.status_code == 422
    assert re.search(r'id="e-note-1\.1">a required action needs a note', missing_note.text)
    early = client.post(
        f"/programs/validations/{vid}/complete", data={"csrf_token": _csrf(page.text)}
    )
    assert early.status_code == 422
    assert "criteria have no finding yet" in early.text
    # Every other criterion through the use case; section 1 through the page.
    detail = validations.validation_detail(session, OP, vid)
    rest = [validations.FindingIn(c.id, "meets") for c in detail.criteria if c.section != "1"]
    validations.record_findings(session, OP, vid, rest)
    session.commit()
    form = {f"kind-{c.id}": "meets" for c in detail.criteria if c.section == "1"}
    form["kind-1.1"] = "best_practice"
    recorded = client.post(
        f"/programs/validations/{vid}/findings/1", data={**form, "csrf_token": _csrf(page.text)}
    )
    assert "findings in section 1." in recorded.text
    done = client.post(
        f"/programs/validations/{vid}/complete", data={"csrf_token": _csrf(page.text)}
    )
    assert done.status_code == 200
    assert "Validation completed: passed." in done.text
