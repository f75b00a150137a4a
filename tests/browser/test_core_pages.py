"""Organizations, shipments, ingest by upload with live job progress, and what a trade member
may see of them, walked in a real browser."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests import factories as f
from tests.browser.conftest import go, log_in, screenshot
from trustlane.access.roles import Role
from trustlane.registry.schemas import IdentifierIn

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"


def test_analyst_ingests_a_file_and_reads_a_shipment(
    page: Page, server: str, session: Session
) -> None:
    f.user(session, f.agency(session), Role.targeting_analyst, "analyst@agency.example")
    f.trade_org(
        session,
        "Golden Industrial Pvt. Ltd.",
        country="US",
        roles=["importer"],
        identifiers=[IdentifierIn(scheme="importer_of_record", value="73-125820100")],
    )
    session.commit()
    log_in(page, server, "analyst@agency.example")

    go(page, "Shipments")
    page.get_by_role("link", name="Ingest a file").click()
    page.get_by_label("Profile").select_option("isf")
    page.get_by_label("File", exact=True).set_input_files(str(EXAMPLES / "isf.csv"))
    page.get_by_role("button", name="Upload and ingest").click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]+$"))
    expect(page.locator("#job-progress .badge")).to_have_text("succeeded", timeout=30_000)
    expect(page.get_by_text("filings new")).to_be_visible()
    screenshot(page, "ingest-job")

    go(page, "Shipments")
    expect(page.get_by_role("caption")).to_contain_text("Current versions (6)")
    screenshot(page, "shipments")
    page.get_by_role("link", name="ISF000000000").click()
    expect(page.get_by_role("heading", name=re.compile("ISF ISF000000000"))).to_be_visible()
    importer = page.get_by_role("row").filter(has_text="importer").first
    expect(importer).to_contain_text("Golden Industrial Pvt. Ltd.")
    expect(importer).to_contain_text("identifier")
    screenshot(page, "shipment")

    importer.get_by_role("link", name="Golden Industrial Pvt. Ltd.").click()
    expect(page.get_by_role("heading", name=re.compile("Golden Industrial"))).to_be_visible()
    expect(page.get_by_role("cell", name="73-125820100")).to_be_visible()
    screenshot(page, "organization")


def test_trade_member_sees_only_its_own_shipments(
    page: Page, server: str, session: Session, tmp_path: Path
) -> None:
    from trustlane.cargo.ingest import ingest_file
    from trustlane.db import Database

    golden = f.trade_org(
        session,
        "Golden Industrial Pvt. Ltd.",
        country="US",
        roles=["importer"],
        identifiers=[IdentifierIn(scheme="importer_of_record", value="73-125820100")],
    )
    f.user(session, golden, Role.trade_user, "clerk@golden.example")
    session.commit()
    database = Database(str(session.get_bind().url.render_as_string(hide_password=False)))
    ingest_file(
        database, f.OPERATOR, EXAMPLES / "isf.csv", "isf", rejects_path=tmp_path / "rejects.csv"
    )
    database.dispose()

    log_in(page, server, "clerk@golden.example")
    go(page, "Shipments")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(4)  # the four filings whose importer is Golden Industrial
    expect(page.get_by_role("link", name="ISF000000001")).to_have_count(0)
    go(page, "Organizations")
    expect(page.locator("tbody tr")).to_have_count(1)
