"""The command-line contract: import, resilience, exposure and trace with their exact columns,
and bad input that names the row."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from tests.supplychain.helpers import FACILITY_HEADER, LINK_HEADER, csv_text
from trustlane.db import Database
from trustlane.settings import Settings, get_settings

FACILITIES = csv_text(
    FACILITY_HEADER + ",region",
    [
        "C1,Cotton Gin One,CN,cotton_gin,1000,0,90,0,0,CN-XJ",
        "C2,Cotton Gin Two,US,cotton_gin,1000,0,90,0,0,US-TX",
        "S1,Spinning Mill,IN,spinning_mill,100,0,30,0,0,IN-GJ",
        "G1,Garment Maker,US,garment_factory,40,200,20,30,8,US-CA",
    ],
)
LINKS = csv_text(
    LINK_HEADER,
    ["C1,S1,cotton,1.1,0.5", "C2,S1,cotton,1.1,0.5", "S1,G1,yarn,0.5,1"],
)


@pytest.fixture
def cli(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Result]]:
    from trustlane.cli.main import app

    monkeypatch.setenv("TRUSTLANE_DATABASE_URL", database.url)
    monkeypatch.setenv("TRUSTLANE_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(app, ["supplychain", *args], catch_exceptions=False)

    yield run
    get_settings.cache_clear()


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "facilities.csv").write_text(FACILITIES)
    (tmp_path / "links.csv").write_text(LINKS)
    return tmp_path / "facilities.csv", tmp_path / "links.csv"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_contract_end_to_end(
    cli: Callable[..., Result], files: tuple[Path, Path], tmp_path: Path
) -> None:
    imported = cli(
        "import", "--facilities", str(files[0]), "--links", str(files[1]), "--chain", "denim"
    )
    assert imported.exit_code == 0, imported.output
    assert "4 facilities, 3 links" in imported.output

    out = tmp_path / "resilience.csv"
    ran = cli("resilience", "--chain", "denim", "--horizon", "365", "--output", str(out))
    assert ran.exit_code == 0, ran.output
    rows = read(out)
    assert list(rows[0]) == [
        "facility_id",
        "tts_days",
        "ttr_days",
        "at_risk",
        "lost_units",
        "lost_profit",
    ]
    by_id = {r["facility_id"]: r for r in rows}
    # S1 down 30 days: G1 has 200 in stock for 30/day: TTS 6.67 days (200/30), and over
    # 30 days 900 wanted, 200 sold: 700 lost at 8 each.
    assert float(by_id["S1"]["tts_days"]) == pytest.approx(200 / 30, rel=1e-6)
    assert by_id["S1"]["at_risk"] == "true"
    assert float(by_id["S1"]["lost_units"]) == pytest.approx(700)
    assert float(by_id["S1"]["lost_profit"]) == pytest.approx(5600)
    # One cotton gin down: the other has the capacity for both.
    assert (by_id["C1"]["tts_days"], by_id["C1"]["at_risk"], by_id["C1"]["lost_units"]) == (
        "365",
        "false",
        "0",
    )

    out = tmp_path / "exposure.csv"
    assert cli("exposure", "--chain", "denim", "--output", str(out)).exit_code == 0
    rows = read(out)
    assert list(rows[0]) == ["facility_id", "exposed", "exposure_share", "path", "reasons"]
    exposed = {r["facility_id"]: r for r in rows}
    assert exposed["C1"]["exposed"] == "true"
    assert "HIGH_RISK_AREA" in exposed["C1"]["reasons"]
    assert exposed["G1"]["exposure_share"] == "0.5"
    assert exposed["G1"]["path"] == "C1 > S1 > G1"
    assert exposed["C2"]["exposed"] == "false"

    out = tmp_path / "trace.csv"
    assert cli("trace", "G1", "--chain", "denim", "--output", str(out)).exit_code == 0
    rows = read(out)
    assert list(rows[0]) == ["facility_id", "tier", "share", "country", "path"]
    assert [(r["facility_id"], r["tier"], r["share"]) for r in rows] == [
        ("S1", "1", "1"), ("C1", "2", "0.5"), ("C2", "2", "0.5"),
    ]  # fmt: skip
    assert rows[1]["path"] == "C1 > S1 > G1"


def test_bad_rows_are_named_and_the_valid_rows_imported(
    cli: Callable[..., Result], files: tuple[Path, Path]
) -> None:
    files[1].write_text(LINKS + "X9,G1,buttons,5,1\nG1,C1,returns,1,1\n")
    files[0].write_text(FACILITIES + "B1,Button Maker,TR,trims_factory,-10,0,10,0,0,\n")
    result = cli("import", "--facilities", str(files[0]), "--links", str(files[1]))
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "3 rows rejected" in text
    assert "row 6, capacity_per_day: may not be negative" in text
    assert "row 5, supplier_id: unknown facility 'X9'" in text
    assert "row 6, buyer_id: closes a cycle" in text
    assert "4 facilities, 3 links imported" in text


def test_a_chain_short_of_capacity_is_reported_not_a_crash(
    cli: Callable[..., Result], files: tuple[Path, Path], tmp_path: Path
) -> None:
    files[0].write_text(FACILITIES.replace("spinning_mill,100", "spinning_mill,10"))
    assert cli("import", "--facilities", str(files[0]), "--links", str(files[1])).exit_code == 0
    out = tmp_path / "r.csv"
    result = cli("resilience", "--output", str(out))
    assert result.exit_code == 0, result.output
    # S1 makes 10 yarn/day = 20 garments/day for a demand of 30: 200 / 10 = 20 days.
    assert "cannot meet its own demand: it survives 20 of 365 days" in " ".join(
        result.output.split()
    )
    assert len(read(out)) == 4


def test_dossier_and_documents(
    cli: Callable[..., Result], files: tuple[Path, Path], tmp_path: Path
) -> None:
    assert cli("import", "--facilities", str(files[0]), "--links", str(files[1])).exit_code == 0
    (tmp_path / "inv.txt").write_text("Invoice 77: 3000 kg cotton yarn")
    (tmp_path / "documents.csv").write_text(
        "supplier_id,buyer_id,material,kind,number,date,quantity,unit,amount,currency,file\n"
        "S1,G1,yarn,invoice,INV-77,2026-02-01,3000,kg,9000,USD,inv.txt\n"
        "S1,G1,yarn,bill_of_lading,BL-77,2026-02-03,2900,kg,,,\n"
        "S1,G1,yarn,invoice,INV-78,someday,10,kg,,,\n"
    )
    result = cli("documents", str(tmp_path / "documents.csv"))
    assert result.exit_code == 2
    assert "2 records stored" in result.output
    assert "row 4, date" in " ".join(result.output.split())
    html, packed = tmp_path / "dossier.html", tmp_path / "dossier.zip"
    result = cli("dossier", "G1", "--output", str(html), "--zip", str(packed), "--lot", "6000")
    assert result.exit_code == 0, result.output
    text = html.read_text()
    assert "INV-77" in text
    assert "QUANTITY_MISMATCH" in text
    assert "<svg" in text
    assert packed.stat().st_size > 1000
