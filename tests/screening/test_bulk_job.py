"""Bulk screening as a resumable job: chunks counted, parts joined, resume after a crash."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests import factories as f
from trustlane.db import Database
from trustlane.jobs.runner import create_job, execute
from trustlane.screening import jobs
from trustlane.screening.lists import load_list
from trustlane.screening.models import BulkRun
from trustlane.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"

#: Each test loads lists and warms the name analysers: seconds, not milliseconds.
pytestmark = pytest.mark.slow


def test_bulk_job_resumes_at_the_first_unfinished_chunk(
    database: Database, settings: Settings, session: Session, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    load_list(database, f.OPERATOR, FIXTURES / "un_consolidated.xml", "un-xml")
    source = tmp_path / "parties.csv"
    rows = ["full_name,nationality"] + [f"Person Number {i},fr" for i in range(9)]
    rows.insert(4, "ABDULHAI SALEK,af")
    source.write_text("\n".join(rows) + "\n")
    monkeypatch.setattr(jobs, "BULK_CHUNK", 4)
    job = create_job(
        session, f.OPERATOR, "screening_bulk",
        {"input": str(source), "output": str(tmp_path / "out.csv")},
    )  # fmt: skip
    session.commit()
    # A run that died after its first chunk: its part file and count are there.
    session.add(BulkRun(job_id=job.id, input_path=str(source), output_path="", rows_total=10,
                        chunks_done=1, rows_done=4, alerts=0))  # fmt: skip
    session.commit()
    (tmp_path / "out.csv.part00000").write_text(
        "".join(f"Person Number {i},fr,false,0.0000,,,,\n" for i in range(3))
        + "ABDULHAI SALEK,af,true,1.0000,un-sc,TAi.108,ABDULHAI SALEK,from the first run\n"
    )
    finished = execute(database, settings, job.id)
    assert finished.status == "succeeded", finished.error
    out = list(csv.DictReader((tmp_path / "out.csv").open()))
    assert len(out) == 10
    assert out[3]["reasons"] == "from the first run"  # chunk 1 was not screened again
    assert finished.result == {"rows": 10, "alerts": 0, "output": str(tmp_path / "out.csv")}
    assert not list(tmp_path.glob("out.csv.part*"))
