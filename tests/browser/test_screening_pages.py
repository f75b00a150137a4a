"""The screening reviewer's walk in a real browser: the queue and its filters, an alert's
decision, escalation and assignment, list versions and their differences, screening a
name, ownership chains; and a trade member who sees only its own organization's alerts."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.browser.conftest import go, log_in, screenshot
from tests.screening.test_pages import build_review_data
from trustlane.db import Database
from trustlane.settings import Settings


def test_analyst_reviews_an_alert(
    page: Page, server: str, database: Database, session: Session, settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    data = build_review_data(database, session, settings, tmp_path)
    log_in(page, server, "analyst@agency.example")
    go(page, "Screening alerts")
    expect(page.get_by_role("heading", name="Screening alerts")).to_be_visible()
    expect(page.get_by_role("link", name=f"#{data.acme_alert}")).to_be_visible()
    screenshot(page, "screening-queue")

    page.get_by_label("List").select_option("pages-uflpa")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name=f"#{data.globex_alert}")).to_have_count(0)
    page.get_by_role("link", name=f"#{data.acme_alert}").click()

    expect(page.get_by_role("heading", name="The party")).to_be_visible()
    expect(
        page.get_by_role("heading", name=re.compile("The list entry, as it was"))
    ).to_be_visible()
    expect(page.get_by_text("If confirmed: Forced labor")).to_be_visible()
    contributions = page.get_by_role("table", name=re.compile("Each feature's contribution"))
    expect(contributions.get_by_role("row")).not_to_have_count(0)
    screenshot(page, "screening-alert")

    # Clearing without a note: the error is shown next to the note.
    page.get_by_label("False positive").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("#e-note")).to_have_text("say why")
    page.get_by_label("Escalate").check()
    page.get_by_label("Note").fill(
        "Producer named on the UFLPA list; ask the importer for its supply chain"
    )
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("status")).to_have_text(f"Alert {data.acme_alert} escalated.")

    page.get_by_label("Reviewer").select_option("specialist@agency.example")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_role("status")).to_have_text(
        f"Alert {data.acme_alert} assigned to specialist@agency.example."
    )
    decisions = page.get_by_role("table", name=re.compile("Decisions taken"))
    expect(decisions.get_by_role("cell", name="analyst@agency.example")).to_be_visible()

    page.get_by_role("link", name="← Alert queue").click()
    page.get_by_label("Status").select_option("escalated")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name=f"#{data.acme_alert}")).to_be_visible()


def test_specialist_reads_list_versions_and_entries(
    page: Page, server: str, database: Database, session: Session, settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    build_review_data(database, session, settings, tmp_path)
    log_in(page, server, "specialist@agency.example")
    go(page, "Screening alerts")
    page.get_by_role("navigation", name="Screening").get_by_role("link", name="Lists").click()
    page.get_by_role("link", name="pages-watch", exact=True).click()
    expect(page.get_by_role("table", name=re.compile("Versions of pages-watch"))).to_be_visible()
    page.get_by_role("link", name="2", exact=True).click()
    expect(page.get_by_role("cell", name="SOVCOMFLOT")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Changed \(1\)")).click()
    expect(page.get_by_text("ROE JSC (aka)")).to_be_visible()
    screenshot(page, "screening-list-changes")
    page.get_by_role("link", name=re.compile(r"^Removed \(1\)")).click()
    expect(page.get_by_role("cell", name="KAPITAN MASLOV SHIPPING CO")).to_be_visible()

    page.goto(f"{server}/screening/lists/pages-watch/entries")
    page.get_by_label("Name or key").fill("scf group")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name="SOVCOMFLOT")).to_be_visible()
    expect(page.get_by_role("cell", name="ROSOBORONEXPORT")).to_have_count(0)
    page.get_by_label("Name or key").fill("")
    page.get_by_label("Version").select_option("1")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name="KAPITAN MASLOV SHIPPING CO")).to_be_visible()
    screenshot(page, "screening-entries")
    page.get_by_role("link", name="PW-1").click()
    expect(page.get_by_role("heading", name="ROSOBORONEXPORT")).to_be_visible()
    expect(
        page.get_by_role("table", name=re.compile("Every version of this entry"))
    ).to_be_visible()


def test_screen_a_name_and_ownership_chains(
    page: Page, server: str, database: Database, session: Session, settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    data = build_review_data(database, session, settings, tmp_path)
    log_in(page, server, "admin@agency.example")
    page.goto(f"{server}/screening/screen")
    page.get_by_label("Name", exact=True).fill("Abdul Hay Salik")
    page.get_by_label("Type").select_option("person")
    page.get_by_label("Country").fill("Atlantis")
    page.get_by_label("Date of birth").fill("1965")
    page.get_by_role("button", name="Screen").click()
    expect(page.locator("#e-country")).to_contain_text("not a country we know")
    page.get_by_label("Country").fill("AF")
    page.get_by_role("button", name="Screen").click()
    hits = page.get_by_role("table", name=re.compile("best first"))
    expect(hits.get_by_role("link", name="PW-2")).to_be_visible()
    expect(hits.get_by_text("born 1965, listed 1965")).to_be_visible()
    screenshot(page, "screening-screen")

    page.get_by_role("navigation", name="Screening").get_by_role("link", name="Ownership").click()
    expect(page.get_by_role("link", name="Harbor Terminal Services")).to_be_visible()
    expect(page.get_by_role("link", name=f"alert #{data.org_alert}").first).to_be_visible()
    screenshot(page, "screening-ownership")
    page.get_by_role("button", name="Evaluate ownership again").click()
    expect(page.get_by_role("status")).to_contain_text("2 organizations blocked by ownership")


def test_trade_member_sees_only_its_own_alerts(
    page: Page, server: str, database: Database, session: Session, settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    data = build_review_data(database, session, settings, tmp_path)
    log_in(page, server, "clerk@acme.example")
    go(page, "Screening alerts")
    expect(page.get_by_role("link", name=f"#{data.acme_alert}")).to_be_visible()
    expect(page.get_by_role("link", name=f"#{data.globex_alert}")).to_have_count(0)
    expect(page.get_by_text("Top Gloves Corp")).to_have_count(0)
    page.get_by_role("link", name=f"#{data.acme_alert}").click()
    expect(page.get_by_role("heading", name="The party")).to_be_visible()
    expect(page.get_by_role("button", name="Record decision")).to_have_count(0)
    expect(page.get_by_role("button", name="Assign", exact=True)).to_have_count(0)
    page.goto(f"{server}/screening/alerts/{data.globex_alert}")
    expect(page.get_by_role("heading", name="Not Found")).to_be_visible()
    expect(page.get_by_text("Top Gloves")).to_have_count(0)


def test_trade_member_screens_a_file_and_watches_it_run(
    page: Page, server: str, database: Database, session: Session, settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    build_review_data(database, session, settings, tmp_path)
    partners = tmp_path / "partners.csv"
    partners.write_text("full_name,country\nTop Gloves Corp,MY\nNorthwind Traders,US\n")
    log_in(page, server, "boss@globex.example")
    go(page, "Screening alerts")
    page.get_by_role("navigation", name="Screening").get_by_role(
        "link", name="Bulk screening"
    ).click()
    page.get_by_label("CSV file").set_input_files(str(partners))
    page.get_by_role("button", name="Start screening").click()
    expect(page.get_by_role("heading", name=re.compile("Bulk screening"))).to_be_visible()
    # htmx polls the progress until the job is done; then the file can be downloaded.
    expect(page.get_by_role("link", name="Download the screened file")).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_text("1 with an alert")).to_be_visible()
    screenshot(page, "screening-bulk")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the screened file").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0].startswith("full_name,country,alert")
    assert lines[1].startswith("Top Gloves Corp,MY,true")
