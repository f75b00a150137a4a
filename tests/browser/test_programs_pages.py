"""Trusted-trader programs in a real browser: a trade member fills in its security profile with
evidence and answers a required action; a specialist records a validation's findings; the
agency reads its accounts, member pages, plan and analytics; nobody sees another tenant."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests import factories as f
from tests.browser.conftest import go, log_in, screenshot
from tests.programs.test_demo_and_docs import _registry
from tests.programs.test_pages import OP, PDF, _world
from trustlane.access.principal import Principal
from trustlane.access.roles import Role
from trustlane.db import Database
from trustlane.programs import demo, validations
from trustlane.progress import NoProgress


@pytest.fixture(autouse=True)
def _patient(page: Page) -> Iterator[None]:
    """More time per step than the default: the suite shares a busy 2-core machine, and a
    step here can wait for analytics or a plan to be computed."""
    page.set_default_timeout(20_000)
    expect.set_options(timeout=10_000)
    yield
    expect.set_options(timeout=5_000)  # Playwright's default, for the other modules


def test_a_trade_member_fills_in_its_profile_with_evidence(
    page: Page, server: str, session: Session, tmp_path: Path
) -> None:
    world = _world(session)
    log_in(page, server, "boss@other.example")
    go(page, "Programs")
    expect(page.get_by_role("heading", name="Your trusted-trader memberships")).to_be_visible()
    page.get_by_role("link", name="Security profile").click()
    expect(page.get_by_role("heading", name="Section 1.", exact=False)).to_be_visible()

    page.get_by_label("Answer to 1.1").select_option("implemented")
    page.get_by_role("button", name="Save section 1").click()
    expect(page.locator("#e-narrative-1\\.1")).to_contain_text("explain the answer")
    page.get_by_label("Narrative for 1.1").fill("Security manual, chapter 2; owner: compliance.")
    page.get_by_label("Answer to 1.2").select_option("not_implemented")
    page.get_by_role("button", name="Save section 1").click()
    expect(page.get_by_role("status")).to_have_text("Saved 2 answers in section 1.")

    bad = tmp_path / "policy.pdf"
    bad.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)  # an executable named .pdf
    page.get_by_label("Evidence file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#e-upload-file")).to_contain_text("policy.pdf is not a valid PDF")
    good = tmp_path / "security-manual.pdf"
    good.write_bytes(PDF)
    page.get_by_label("Criterion", exact=True).select_option("1.1")
    page.get_by_label("Evidence file").set_input_files(str(good))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Attached security-manual.pdf to criterion 1.1"
    )
    expect(page.get_by_role("link", name="security-manual.pdf")).to_be_visible()
    screenshot(page, "programs-profile")

    page.get_by_role("button", name="Submit the profile for review").click()
    expect(page.get_by_role("alert").first).to_contain_text("criteria are not answered yet")

    # Another member's profile and validation: not found, nothing of it shown.
    page.goto(f"{server}/programs/members/{world.acme.id}/profile")
    expect(page.get_by_role("heading", name="Not Found")).to_be_visible()
    expect(page.get_by_text("ACME")).to_have_count(0)
    page.goto(f"{server}/programs/validations/{world.validation_id}")
    expect(page.get_by_role("heading", name="Not Found")).to_be_visible()


def test_a_trade_member_sees_its_tier_and_answers_a_required_action(
    page: Page, server: str, session: Session
) -> None:
    world = _world(session)
    log_in(page, server, "boss@acme.example")
    go(page, "Programs")
    expect(page.get_by_role("cell", name="tier I", exact=False).first).to_be_visible()
    expect(page.get_by_text("overdue").first).to_be_visible()  # due dates of the findings
    screenshot(page, "programs-trade-home")
    page.get_by_role("navigation", name="Programs").get_by_role(
        "link", name="Required actions"
    ).click()
    expect(page.get_by_role("cell", name="ACME Imports").first).to_be_visible()
    page.get_by_role("rowheader", name="1.1").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Required action on criterion 1.1")).to_be_visible()
    page.get_by_role("button", name="Send the response").click()
    expect(page.locator("#e-respond-response")).to_have_text("must not be empty")
    page.get_by_label("What you did to close the gap").fill("Seal log kept at both gates.")
    page.get_by_role("button", name="Send the response").click()
    expect(page.get_by_role("status")).to_have_text("Response sent to the agency for review.")
    expect(page.get_by_role("cell", name="Seal log kept at both gates.")).to_be_visible()
    page.goto(f"{server}/programs/members/{world.other.id}")
    expect(page.get_by_role("heading", name="Not Found")).to_be_visible()


def test_a_specialist_records_findings_and_completes_a_validation(
    page: Page, server: str, session: Session
) -> None:
    world = _world(session)
    log_in(page, server, "spec@agency.example")
    go(page, "Programs")
    page.get_by_role("navigation", name="Programs").get_by_role("link", name="Members").click()
    expect(page.get_by_role("link", name="Other Imports")).to_have_count(0)  # not assigned
    page.get_by_role("link", name="ACME Imports").click()
    page.get_by_label("Mode").select_option("virtual")
    page.get_by_label("Visit date").fill((date.today() - timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("status")).to_contain_text("scheduled for")
    vid = int(page.url.rsplit("/", 1)[1].split("?")[0])
    # Sections 2 onwards as if recorded earlier; section 1 now, in the browser.
    detail = validations.validation_detail(session, OP, vid)
    rest = [validations.FindingIn(c.id, "meets") for c in detail.criteria if c.section != "1"]
    validations.record_findings(session, OP, vid, rest)
    session.commit()
    page.reload()
    for c in (c for c in detail.criteria if c.section == "1"):
        page.get_by_label(f"Finding on {c.id}").select_option("meets")
    page.get_by_label("Finding on 1.2").select_option("required_action")
    page.get_by_role("button", name="Record the findings of section 1").click()
    expect(page.locator("#e-note-1\\.2")).to_contain_text("a required action needs a note")
    page.get_by_label("Note on 1.2").fill("Name the owner of the security program in writing.")
    page.get_by_role("button", name="Record the findings of section 1").click()
    expect(page.get_by_role("status")).to_contain_text("findings in section 1.")
    page.get_by_role("button", name="Complete the validation").click()
    expect(page.get_by_role("status")).to_have_text("Validation completed: passed with actions.")
    expect(page.get_by_role("rowheader", name="1.2")).to_be_visible()  # the required action
    screenshot(page, "programs-validation")
    page.goto(f"{server}/programs/members/{world.other.id}")
    expect(page.get_by_role("heading", name="Not Found")).to_be_visible()


@pytest.mark.slow
def test_the_agency_reads_accounts_members_the_plan_and_analytics(
    page: Page, server: str, session: Session, database: Database
) -> None:
    _registry(session, 16)
    agency = f.agency(session, "Customs Agency (demo)")
    f.user(session, agency, Role.agency_admin, "admin@agency.demo")
    session.commit()
    demo.populate(database, Principal.system("demo"), 3, NoProgress())
    # The first analytics call imports scikit-learn and SciPy: slow on a busy machine.
    page.set_default_timeout(30_000)

    log_in(page, server, "accounts@agency.demo")
    go(page, "Programs")
    expect(page.get_by_text("Showing your accounts.")).to_be_visible()
    screenshot(page, "programs-accounts")
    page.get_by_role("link", name="Electronics").click()
    expect(page.get_by_role("heading", name="Electronics")).to_be_visible()
    page.get_by_role("button", name="Search").click()  # the search box works on its own
    page.locator("tbody th a").first.click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(page.get_by_role("heading", name="Decisions")).to_have_count(0)
    screenshot(page, "programs-member")

    page.get_by_role("button", name="Log out").click()
    log_in(page, server, "admin@agency.demo")
    go(page, "Programs")
    page.get_by_role("navigation", name="Programs").get_by_role(
        "link", name="Validation plan"
    ).click()
    expect(page.get_by_role("heading", name="Specialists' capacity")).to_be_visible()
    expect(page.get_by_text("points)").first).to_be_visible()  # every point has its reason
    screenshot(page, "programs-plan")
    # The demo scheduled that plan's validations: a new plan has nobody left to plan.
    page.get_by_role("button", name="Rank and plan").click()
    expect(page.get_by_role("status")).to_contain_text(
        "members planned for validation", timeout=30_000
    )

    page.get_by_role("navigation", name="Programs").get_by_role("link", name="Analytics").click()
    expect(page.get_by_role("heading", name="Where members fail")).to_be_visible(timeout=30_000)
    charts = page.locator("figure.chart img")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 5  # sections, entity types, sectors, years, criteria at least
    for i in range(charts.count()):
        charts.nth(i).scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=charts.nth(i).element_handle()
        )
    with page.expect_download() as download:
        page.get_by_role("link", name="Every table (XLSX)").click()
    assert download.value.suggested_filename == "ctpat-analytics.xlsx"
    screenshot(page, "programs-analytics")
