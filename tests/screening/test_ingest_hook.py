"""Parties of ingested shipments are screened right after the ingest, as a job of its own."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests import factories as f
from trustlane.cargo.ingest import submit_ingest
from trustlane.db import Database
from trustlane.jobs.runner import execute
from trustlane.screening.lists import load_list
from trustlane.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"

pytestmark = pytest.mark.slow


def test_ingest_screens_the_parties_it_wrote(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    load_list(database, f.OPERATOR, FIXTURES / "ofac_sdn", "ofac-sdn")
    with (EXAMPLES / "isf.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    first = rows[0]
    filing = [r for r in rows if r["isf_number"] == first["isf_number"]]
    for row in filing:
        row["seller_name"] = "AEROCARIBBEAN AIRLINES"
        row["seller_country"] = "CU"
    path = tmp_path / "isf.csv"
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(first))
        writer.writeheader()
        writer.writerows(filing)

    with database.session() as session:
        job_id = submit_ingest(session, f.OPERATOR, path, "isf").id
    finished = execute(database, settings, job_id)

    assert finished.status == "succeeded", finished.error
    assert finished.result is not None
    screening = finished.result["screening_job"]
    assert screening["status"] == "succeeded"
    assert screening["shipments"] == 1
    assert screening["alerts"] >= 1
