"""Supply chains in a real browser: an agency specialist walks a chain's picture to a facility's
trace, downloads its dossier, runs the disruption scenarios and reads the port view; a trade
member sees its own chain only, and another member's chain is "Not Found"."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.browser.conftest import go, log_in, screenshot
from tests.supplychain.test_pages import ANALYST, TRADER, build_chains


def test_specialist_walks_a_chain_from_picture_to_trace_dossier_and_disruption(
    page: Page, server: str, session: Session, tmp_path: Path
) -> None:
    chains = build_chains(session, tmp_path)
    log_in(page, server, ANALYST)
    go(page, "Supply chains")
    expect(page.get_by_role("heading", level=1)).to_have_text("Supply chains")
    expect(page.get_by_role("link", name="acme-garments")).to_be_visible()
    page.get_by_label("Chain name").fill("crit")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="acme-garments")).to_have_count(0)
    page.get_by_role("link", name="critical", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Chain critical")
    picture = page.locator("svg.chain")
    expect(picture.locator("a")).to_have_count(60)
    expect(picture.locator("rect.exp-source").first).to_be_visible()
    screenshot(page, "supplychain-chain")
    node = picture.get_by_role("link", name=re.compile(rf"^{chains.product} "))
    node.focus()  # each facility is reachable from the keyboard
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text(chains.product)
    trace = page.get_by_role("table").filter(has=page.get_by_text("upstream facilities"))
    expect(trace.locator("tbody tr").first).to_contain_text("1")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the dossier (ZIP, with documents)").click()
    saved = tmp_path / "dossier.zip"
    download.value.save_as(saved)
    assert "dossier.html" in zipfile.ZipFile(saved).namelist()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the dossier (HTML)").click()
    assert download.value.suggested_filename == f"dossier-{chains.product}.html"
    page.get_by_label("Facility, country or material").fill("CN")
    page.get_by_role("button", name="Search").click()
    expect(trace).to_contain_text("CN")
    screenshot(page, "supplychain-trace")

    page.get_by_role("navigation", name="Chain critical").get_by_role(
        "link", name="Disruption impact"
    ).click()
    ranked = page.get_by_role("table").filter(has=page.get_by_text("ranked by lost profit"))
    expect(ranked.locator("tbody tr")).to_have_count(25)
    page.get_by_label("each port").check()
    page.get_by_role("button", name="Run the scenarios").click()
    expect(page.get_by_role("link", name="See the scenarios ranked by lost profit")).to_be_visible()
    page.get_by_role("link", name="See the scenarios ranked by lost profit").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Run 2")
    expect(page.locator("figure.chart img")).to_be_visible()
    screenshot(page, "supplychain-resilience")

    page.get_by_role("navigation", name="Chain critical").get_by_role("link", name="Ports").click()
    ports = page.get_by_role("table").filter(has=page.get_by_text("Ports by throughput share"))
    expect(ports).to_contain_text(chains.port)
    expect(ports.locator(".badge.bad", has_text="critical").first).to_be_visible()
    expect(page.get_by_text("has no port scenarios")).to_have_count(0)  # run 2 closed ports
    screenshot(page, "supplychain-ports")


def test_trade_member_sees_its_own_chain_only(
    page: Page, server: str, session: Session, tmp_path: Path
) -> None:
    chains = build_chains(session, tmp_path)
    log_in(page, server, TRADER)
    go(page, "Supply chains")
    expect(page.get_by_role("link", name="acme-garments")).to_be_visible()
    expect(page.get_by_role("link", name="other-garments")).to_have_count(0)
    expect(page.get_by_role("link", name="critical", exact=True)).to_have_count(0)
    expect(page.get_by_role("heading", name="Import a chain")).to_be_visible()
    page.get_by_role("link", name="acme-garments").click()
    expect(page.locator("svg.chain a")).to_have_count(3)
    for chain in (chains.other, chains.critical):
        page.goto(f"{server}/supplychain/{chain}")
        expect(page.get_by_role("heading", name="Not Found")).to_be_visible()
    page.goto(f"{server}/supplychain/{chains.other}/facilities/MILL")
    expect(page.get_by_role("heading", name="Not Found")).to_be_visible()
    expect(page.get_by_text("Secret Mill")).to_have_count(0)
