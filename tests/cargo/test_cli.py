"""The cargo commands through the real CLI app: exit codes, summaries, listings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cargo.helpers import kr_rows, write_csv
from trustlane.cli.main import app
from trustlane.db import Database
from trustlane.settings import get_settings


@pytest.fixture
def cli(database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("TRUSTLANE_DATABASE_URL", database.url)
    monkeypatch.setenv("TRUSTLANE_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_ingest_prints_a_summary_and_exits_0_with_some_rows_rejected(
    cli: CliRunner, tmp_path: Path
) -> None:
    rows = kr_rows(4)
    rows[1]["Date"] = "yesterday"
    path = write_csv(tmp_path / "decl.csv", rows)
    rejects = tmp_path / "out" / "rejects.csv"
    result = cli.invoke(
        app, ["ingest", str(path), "--profile", "customs-kr", "--rejects", str(rejects)]
    )
    assert result.exit_code == 0, result.output
    assert "rows rejected" in result.output
    assert "filings new" in result.output
    assert "1 rows rejected" in result.output.replace("\n", " ")
    assert str(rejects) in result.output.replace("\n", "")
    assert rejects.read_text().splitlines()[1].startswith("3,Date,yesterday,")

    again = cli.invoke(app, ["ingest", str(path), "--profile", "customs-kr", "--format", "csv"])
    assert again.exit_code == 0, again.output
    assert "filings unchanged" in again.output


def test_bad_input_exits_non_zero_with_a_clear_message(cli: CliRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "decl.csv", kr_rows(1))
    unknown = cli.invoke(app, ["ingest", str(path), "--profile", "nope"])
    assert unknown.exit_code == 2
    assert "Unknown profile" in unknown.output
    missing = cli.invoke(app, ["ingest", str(tmp_path / "none.csv"), "--profile", "isf"])
    assert missing.exit_code == 2
    assert "no such file" in missing.output
    columns = cli.invoke(app, ["ingest", str(path), "--profile", "isf"])
    assert columns.exit_code == 2
    assert "isf_number" in columns.output
    fmt = cli.invoke(app, ["ingest", str(path), "--profile", "customs-kr", "--format", "xml"])
    assert fmt.exit_code == 2


def test_profiles_shipments_and_inspections_commands(cli: CliRunner, tmp_path: Path) -> None:
    listed = cli.invoke(app, ["profiles"])
    assert listed.exit_code == 0
    assert "carrier-events" in listed.output
    one = cli.invoke(app, ["profiles", "isf"])
    assert one.exit_code == 0
    assert "consolidator_name" in one.output

    path = write_csv(tmp_path / "decl.csv", kr_rows(3))
    assert cli.invoke(app, ["ingest", str(path), "--profile", "customs-kr"]).exit_code == 0
    shown = cli.invoke(app, ["shipments", "list", "--kind", "declaration"])
    assert shown.exit_code == 0
    assert "10000003" in shown.output

    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text(
        "kind,external_id,fraud,critical,notes\n"
        "declaration,10000001,1,2,undervalued\n"
        "declaration,99999999,0,,\n"
        "declaration,10000002,no,1,\n"
    )
    imported = cli.invoke(app, ["inspections", "import", str(outcomes)])
    assert imported.exit_code == 0, imported.output
    assert "1 outcomes recorded" in imported.output
    assert "row 3, external_id" in imported.output.replace("\n", " ")
    assert "row 4, critical" in imported.output.replace("\n", " ")

    import sqlalchemy as sa

    from trustlane.cargo.models import Shipment

    database = Database(get_settings().resolved_database_url)
    with database.sessions() as session:
        first = session.scalars(
            sa.select(Shipment.id).where(Shipment.external_id == "10000001")
        ).one()
    database.dispose()
    detail = cli.invoke(app, ["shipments", "show", str(first)])
    assert detail.exit_code == 0, detail.output
    data = json.loads(detail.output)
    assert [i["critical"] for i in data["inspections"]] == [0, 2]
    assert cli.invoke(app, ["shipments", "show", "999999"]).exit_code == 3
