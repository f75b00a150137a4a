"""An administrator's and a trade member's walk through login and administration."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests import factories as f
from tests.browser.conftest import go, log_in, screenshot
from trustlane.access.roles import Role


def test_admin_creates_a_user_and_a_token(page: Page, server: str, session: Session) -> None:
    agency = f.agency(session)
    f.user(session, agency, Role.agency_admin, "admin@agency.example")
    session.commit()
    log_in(page, server, "admin@agency.example")
    expect(page.get_by_role("heading", name="Welcome, admin@agency.example")).to_be_visible()

    go(page, "Users")
    page.get_by_label("E-mail").fill("analyst@agency.example")
    page.get_by_label("Name").fill("Ana Lyst")
    page.get_by_label("Password").fill("short")
    page.get_by_label("Role").select_option("targeting_analyst")
    page.get_by_role("button", name="Create user").click()
    expect(page.locator("#e-password")).to_have_text("must be at least 10 characters")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("status")).to_have_text("Created analyst@agency.example.")
    expect(page.get_by_role("cell", name="analyst@agency.example")).to_be_visible()
    screenshot(page, "admin-users")

    go(page, "API tokens")
    page.get_by_label("What it is for").fill("nightly ingest")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("code.token").inner_text()
    assert token.startswith("tl_")

    go(page, "Audit log")
    expect(page.get_by_role("cell", name="api_token", exact=False).first).to_be_visible()
    screenshot(page, "admin-audit")


def test_trade_member_cannot_reach_administration(
    page: Page, server: str, session: Session
) -> None:
    acme = f.trade_org(session, "ACME Imports")
    f.user(session, acme, Role.trade_user, "clerk@acme.example")
    session.commit()
    log_in(page, server, "clerk@acme.example")
    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)
    page.goto(f"{server}/admin/audit")
    expect(page.get_by_role("heading", name="Forbidden")).to_be_visible()
