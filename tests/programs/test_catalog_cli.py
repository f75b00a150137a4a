"""The exact command-line contract of catalogs: export → import → export gives identical
files (CSV and XLSX); edits make a new revision; bad files are refused whole, naming the row
and field."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy.orm import Session

from trustlane.programs import catalogs
from trustlane.programs.catalog_files import COLUMNS
from trustlane.programs.models import CatalogRevision

Cli = Callable[..., Result]
EXPORT = ["programs", "catalog", "export", "--program", "ctpat", "--entity-type", "importer"]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_import_export_gives_identical_files(cli: Cli, tmp_path: Path, suffix: str) -> None:
    first, second = tmp_path / f"a.{suffix}", tmp_path / f"b.{suffix}"
    out = cli(*EXPORT, "--output", str(first))
    assert out.exit_code == 0, out.output
    assert "93 criteria" in out.output
    loaded = cli("programs", "catalog", "import", str(first))
    assert loaded.exit_code == 0, loaded.output
    assert "nothing changed" in loaded.output
    assert cli(*EXPORT, "--output", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text())))


def _write(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns or list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_the_export_has_the_contract_columns(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "importer.csv"
    cli(*EXPORT, "--output", str(path))
    rows = _rows(path)
    assert list(rows[0])[:8] == [
        "id",
        "focus_area",
        "section",
        "criterion",
        "guidance",
        "level",
        "entity_types",
        "effective_from",
    ]
    assert {r["level"] for r in rows} == {"must", "should"}
    assert all("importer" in r["entity_types"].split(";") for r in rows)
    assert rows[0]["focus_area"] == "Corporate Security"


def test_an_edited_file_makes_a_new_revision_and_keeps_other_entity_types(
    cli: Cli, tmp_path: Path, session: Session
) -> None:
    path = tmp_path / "importer.csv"
    cli(*EXPORT, "--output", str(path))
    rows = _rows(path)
    rows[0]["criterion"] = "Leadership signs and shows a security policy."
    new = dict(rows[-1], id="12.99", criterion="Staff rehearse reporting a seal breach.")
    _write(path, [*rows, new])
    out = cli("programs", "catalog", "import", str(path))
    assert out.exit_code == 0, out.output
    assert "revision 1 stored: 1 added, 1 changed" in out.output
    session.expire_all()
    catalog = catalogs.catalog_in_force(session, "ctpat").catalog
    assert catalog.criterion("1.1").text == "Leadership signs and shows a security policy."
    assert "12.99" in catalog.by_id
    assert len(catalog.applicable("importer")) == 93 + 1
    # Criteria of other entity types were not in the file and are still there.
    assert len(catalog.applicable("highway_carrier")) == 99
    again = tmp_path / "again.csv"
    cli(*EXPORT, "--output", str(again))
    assert again.read_bytes() == path.read_bytes()


def test_replace_makes_the_file_the_whole_catalog(
    cli: Cli, tmp_path: Path, session: Session
) -> None:
    path = tmp_path / "importer.csv"
    cli(*EXPORT, "--output", str(path))
    out = cli("programs", "catalog", "import", str(path), "--replace")
    assert out.exit_code == 0, out.output
    assert "removed" in out.output
    session.expire_all()
    assert len(catalogs.catalog_in_force(session, "ctpat").catalog.criteria) == 93


def _bad(cli: Cli, path: Path, session: Session) -> str:
    out = cli("programs", "catalog", "import", str(path))
    assert out.exit_code == 2, out.output
    session.expire_all()
    assert session.query(CatalogRevision).count() == 0, "nothing may be half-imported"
    return " ".join(out.output.split())


def test_bad_files_are_refused_whole_naming_row_and_field(
    cli: Cli, tmp_path: Path, session: Session
) -> None:
    path = tmp_path / "importer.csv"
    cli(*EXPORT, "--output", str(path))
    good = _rows(path)

    rows = [dict(r) for r in good]
    rows[2]["id"] = rows[1]["id"]
    msg = _bad(cli, _write(tmp_path / "dup.csv", rows), session)
    assert "row 4, id: duplicate id; already on row 3" in msg

    rows = [dict(r) for r in good]
    rows[0]["entity_types"] = "importer;spaceport"
    rows[5]["section_id"], rows[5]["section"] = "13", "Space Security"
    rows[6]["criterion"] = ""
    rows[7]["effective_from"] = "someday"
    msg = _bad(cli, _write(tmp_path / "many.csv", rows), session)
    assert "row 2, entity_types: unknown entity type of ctpat" in msg
    assert "row 7, section_id: unknown section of ctpat" in msg
    assert "row 8, criterion: a criterion needs its text" in msg
    assert "row 9, effective_from: must be a date" in msg

    columns = [*COLUMNS, "owner"]
    rows = [dict(r, owner="x") for r in good]
    msg = _bad(cli, _write(tmp_path / "cols.csv", rows, columns), session)
    assert "row 1, owner: unknown column" in msg


def test_a_yaml_document_brings_a_new_program(cli: Cli, tmp_path: Path) -> None:
    import yaml

    doc = catalogs.bundled()["port-resilience"].document()
    doc["program"] = "inland-terminals"
    path = tmp_path / "inland.yaml"
    path.write_text(yaml.safe_dump(doc))
    out = cli("programs", "catalog", "import", str(path))
    assert out.exit_code == 0, out.output
    listed = cli("programs", "catalog", "list")
    assert "inland-terminals" in listed.output
    bad = cli(*EXPORT[:4], "inland-terminals", "--entity-type", "importer", "--output", "x.csv")
    assert bad.exit_code == 2
    assert "entity_type" in bad.output
