"""The targeting analyst's day in a real browser: the queue, a shipment, an outcome, the
performance charts, the models and a retraining; what an auditor and a trade member get."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.browser.conftest import go, log_in, screenshot
from tests.targeting.test_pages import (
    ADMIN,
    ANALYST,
    AUDITOR,
    TRADER,
    build_people,
    build_world,
    certify_importer,
    ingest_generated,
)
from trustlane.cargo.models import Inspection, Shipment
from trustlane.db import Database
from trustlane.settings import Settings


def test_analyst_works_the_queue_and_records_an_outcome(
    page: Page, server: str, session: Session, database: Database, settings: Settings
) -> None:
    world = build_world(session, database, settings)
    log_in(page, server, ANALYST)
    go(page, "Inspection queue")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Inspection queue, {world.day.isoformat()}"
    )
    page.get_by_label("Lane").select_option("physical")
    page.get_by_role("button", name="Show").click()
    queue = page.get_by_role("table").filter(has=page.get_by_text("Shipments in the queue"))
    expect(queue.locator("tbody tr").first).to_contain_text("physical")
    expect(queue.locator("tbody tr td", has_text="release")).to_have_count(0)
    expect(queue.locator("td.reasons-cell li").first).to_be_visible()
    screenshot(page, "targeting-queue")

    queue.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Score and reasons")).to_be_visible()
    expect(page.get_by_role("heading", name="Filings and their timeliness")).to_be_visible()
    page.get_by_label("Fraud found").check()
    page.get_by_label("Revenue recovered").fill("a lot")
    page.get_by_role("button", name="Record outcome").click()
    expect(page.locator("#outcome-revenue_recovered-error")).to_have_text("an amount, e.g. 1500.00")
    expect(page.get_by_label("Revenue recovered")).to_have_value("a lot")
    page.get_by_label("Revenue recovered").fill("1500")
    page.get_by_label("Notes").fill("undervalued by half")
    page.get_by_role("button", name="Record outcome").click()
    expect(page.get_by_role("status")).to_have_text("Outcome recorded: fraud found.")
    outcomes = page.get_by_role("table").filter(has=page.get_by_text("What inspections"))
    expect(outcomes).to_contain_text("undervalued by half")
    with database.session() as s:
        recorded = s.scalars(sa.select(Inspection).where(Inspection.source == ANALYST)).all()
        assert [(i.fraud, i.revenue_recovered) for i in recorded] == [(True, 1500.0)]

    page.get_by_role("navigation", name="Targeting").get_by_role("link", name="Performance").click()
    expect(page.get_by_role("heading", name="Performance of the picks")).to_be_visible()
    expect(page.locator("figure.chart img")).to_have_count(3)
    weeks = page.get_by_role("table").filter(has=page.get_by_text("Physical picks per week"))
    expect(weeks).to_contain_text("1,500")


@pytest.mark.slow
def test_admin_sees_the_model_and_retrains(
    page: Page, server: str, session: Session, database: Database, settings: Settings
) -> None:
    world = build_world(session, database, settings, declarations=500, model=True)
    certify_importer(database, settings, world.own)
    log_in(page, server, ADMIN)
    page.goto(f"{server}/targeting/shipments/{world.own}")
    expect(page.get_by_role("img", name=re.compile("model's contributions"))).to_be_visible()
    trusted = page.get_by_role("table").filter(has=page.get_by_text("Memberships of the"))
    expect(trusted).to_contain_text("lowers it (TRUSTED_TRADER)")
    screenshot(page, "targeting-shipment")

    page.get_by_role("navigation", name="Targeting").get_by_role("link", name="Performance").click()
    expect(page.get_by_role("img", name=re.compile("population stability"))).to_be_visible()
    screenshot(page, "targeting-performance")

    page.get_by_role("navigation", name="Targeting").get_by_role("link", name="Models").click()
    expect(page.get_by_role("heading", name="Active model: v1")).to_be_visible()
    page.get_by_label("Weeks kept out for the comparison").fill("1")
    page.get_by_role("button", name="Retrain").click()
    expect(page.get_by_role("status").first).to_have_text("Retraining started.")
    # htmx polls the job until it is done; no reload.
    expect(page.locator(".job").first).to_contain_text("model v2", timeout=60_000)
    page.get_by_role("link", name="Reload the list").click()
    versions = page.get_by_role("table").filter(has=page.get_by_text("Every model version"))
    expect(versions.get_by_role("rowheader", name="v2")).to_be_visible()
    screenshot(page, "targeting-models")


def test_auditor_reads_and_a_trade_member_is_refused(
    page: Page, server: str, session: Session, database: Database, settings: Settings
) -> None:
    parties, first, _ = build_people(session)
    ingest_generated(database, settings, parties, {"entry": 20})
    with database.session() as s:
        own = s.scalar(sa.select(Shipment.id).where(Shipment.importer_org_id == first.id))
    log_in(page, server, AUDITOR)
    go(page, "Inspection queue")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Inspection queue")
    expect(page.get_by_role("button", name="Select inspections")).to_have_count(0)
    page.goto(f"{server}/targeting/shipments/{own}")
    expect(page.get_by_role("heading", name="Parties")).to_be_visible()
    expect(page.get_by_role("button", name="Record outcome")).to_have_count(0)
    page.get_by_role("button", name="Log out").click()

    log_in(page, server, TRADER)
    for path in ("/targeting", f"/targeting/shipments/{own}", "/targeting/performance"):
        page.goto(f"{server}{path}")
        expect(page.get_by_role("heading", name="Forbidden")).to_be_visible()
        expect(page.get_by_text("read scores, selections, models and performance")).to_be_visible()
