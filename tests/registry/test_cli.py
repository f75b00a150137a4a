"""``trustlane orgs ...`` through the real command line app."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from click.testing import Result
from sqlalchemy.orm import Session

from trustlane.access.models import AuditEntry
from trustlane.registry.models import Organization

FIXTURES = Path(__file__).parent / "fixtures"
Cli = Callable[..., Result]


def test_create_show_update_list(cli: Cli, session: Session) -> None:
    made = cli(
        "orgs",
        "create",
        "Blue Ocean Logistics GmbH",
        "--country",
        "Germany",
        "--sector",
        "machinery",
        "--role",
        "consolidator",
        "--role",
        "third_party_logistics",
        "--id",
        "eori:DE1234567",
        "--id",
        "national_registry@DE:HRB 12345",
        "--street",
        "Am Sandtorkai 1",
        "--city",
        "Hamburg",
        "--subdivision",
        "HH",
    )
    assert made.exit_code == 0, made.output
    assert "Created organization" in made.output
    org_id = session.scalar(sa.select(Organization.id).where(Organization.name_key.like("blue%")))

    shown = cli("orgs", "show", str(org_id))
    assert shown.exit_code == 0, shown.output
    doc = json.loads(shown.stdout)
    assert doc["country"] == "DE"
    assert doc["addresses"][0]["subdivision"] == "DE-HH"
    assert {i["scheme"] for i in doc["identifiers"]} == {"eori", "national_registry"}
    by_id = cli("orgs", "show", "--id", "eori:de 1234567")
    assert json.loads(by_id.stdout)["id"] == org_id

    changed = cli("orgs", "update", str(org_id), "--website", "https://blue.example")
    assert changed.exit_code == 0, changed.output
    listed = cli("orgs", "list", "--country", "DE", "--json")
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["id"], r["website"]) for r in rows] == [(org_id, "https://blue.example")]
    table = cli("orgs", "list", "--sector", "Machinery")
    assert "1 organizations" in table.output

    actions = session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.entity_id == str(org_id))
    ).all()
    assert sorted(actions) == ["create", "update"]


def test_bad_input_exits_with_a_clear_message(cli: Cli) -> None:
    bad = cli("orgs", "create", "X Co", "--country", "ZZ")
    assert bad.exit_code == 2
    assert "country: unknown country 'ZZ'" in bad.output
    missing = cli("orgs", "show", "424242")
    assert missing.exit_code == 3
    assert "not found" in missing.output
    nothing = cli("orgs", "update", "1")
    assert nothing.exit_code == 2


def test_merge_and_confirm(cli: Cli, session: Session) -> None:
    assert cli("orgs", "create", "Keep Co", "--country", "FR").exit_code == 0
    assert cli("orgs", "create", "Keep Company", "--status", "proposed").exit_code == 0
    keep, dupe = session.scalars(sa.select(Organization.id).order_by(Organization.id)).all()
    merged = cli("orgs", "merge", str(dupe), "--into", str(keep))
    assert merged.exit_code == 0, merged.output
    assert f"Merged organization {dupe}" in merged.output
    assert cli("orgs", "confirm", str(dupe)).exit_code == 4  # merged: not proposed
    assert cli("orgs", "list", "--status", "merged", "--json").stdout.count("\n") == 1


def test_import_keeps_valid_rows_and_rejects_bad_ones_by_row_and_field(
    cli: Cli, session: Session, tmp_path: Path
) -> None:
    rejects = tmp_path / "rejects.csv"
    result = cli("orgs", "import", str(FIXTURES / "orgs.csv"), "--rejects", str(rejects))
    assert result.exit_code == 2, result.output
    assert "6 rows: 3 organizations created, 3 rows rejected." in result.output
    names = session.scalars(sa.select(Organization.name).order_by(Organization.id)).all()
    assert names == ["Northwind Traders Inc.", "Rotterdam Steel B.V.", "Pacific Container Line"]
    with rejects.open() as fh:
        problems = [(int(r["row"]), r["field"]) for r in csv.DictReader(fh)]
    assert problems == [
        (4, "country"),
        (5, "roles[0]"),
        (6, "identifiers[0].value"),  # the IOR number belongs to the Northwind of row 2
    ]
    rotterdam = session.scalar(sa.select(Organization).where(Organization.country == "NL"))
    assert rotterdam is not None
    assert rotterdam.sector == "base-metals"
    assert sorted(i.value for i in rotterdam.identifiers) == ["24123456", "NL123456789"]


def test_import_refuses_a_file_with_an_unknown_column(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "typo.csv"
    path.write_text("name,contry\nA Co,DE\n")
    result = cli("orgs", "import", str(path))
    assert result.exit_code == 2
    assert "contry: unknown column" in result.output
    assert cli("orgs", "import", str(tmp_path / "missing.csv")).exit_code == 2


def test_sectors(cli: Cli) -> None:
    result = cli("orgs", "sectors", "--hs", "8471.30")
    assert result.exit_code == 0
    assert "electronics (Electronics)" in result.output
    table = cli("orgs", "sectors")
    assert "base-metals" in table.output
