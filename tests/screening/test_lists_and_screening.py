"""Stored lists, versions and their difference, screening files and stored parties, alerts,
decisions remembered per party–entry pair, consequences and the 50 percent rule."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests import factories as f
from trustlane.db import Database
from trustlane.errors import Forbidden, InvalidInput
from trustlane.screening import interface, subjects
from trustlane.screening.engine import Party
from trustlane.screening.files import screen_file
from trustlane.screening.lists import load_list
from trustlane.screening.normalize import EntityKind
from trustlane.screening.screeners import get_screener
from trustlane.screening.subjects import SubjectIn, screen_subjects
from trustlane.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"

#: Each test loads lists and warms the name analysers: seconds, not milliseconds.
pytestmark = pytest.mark.slow
OP = f.OPERATOR


def _load_basics(database: Database) -> None:
    load_list(database, OP, FIXTURES / "ofac_sdn", "ofac-sdn")
    load_list(database, OP, FIXTURES / "un_consolidated.xml", "un-xml")


def test_new_version_reports_its_difference(database: Database, tmp_path: Path) -> None:
    first = load_list(database, OP, FIXTURES / "ofac_sdn", "ofac-sdn")
    assert (first.version, len(first.diff.added)) == (1, 6)
    changed = tmp_path / "sdn"
    shutil.copytree(FIXTURES / "ofac_sdn", changed)
    lines = (changed / "sdn.csv").read_bytes().split(b"\r\n")
    lines = [ln.replace(b"CUBA", b"CUBA] [IRAN") if ln.startswith(b"36,") else ln for ln in lines]
    lines = [ln for ln in lines if not ln.startswith(b"424,") and not ln.startswith(b"7182,")]
    (changed / "sdn.csv").write_bytes(b"\r\n".join(lines))
    second = load_list(database, OP, changed, "ofac-sdn")
    assert second.version == 2
    assert second.diff.changed == ["36"]
    assert second.diff.removed == ["7182"]
    assert second.diff.unchanged == 4
    assert not second.diff.added


def test_failed_load_leaves_the_previous_version(database: Database, tmp_path: Path) -> None:
    load_list(database, OP, FIXTURES / "un_consolidated.xml", "un-xml")
    bad = tmp_path / "un.xml"
    bad.write_text("<nothing/>")
    with pytest.raises(InvalidInput):
        load_list(database, OP, bad, "un-xml")
    with database.sessions() as session:
        from trustlane.screening.lists import list_versions

        assert [v.number for v in list_versions(session, OP, "un-sc")] == [1]


def test_trade_members_cannot_load_lists(database: Database, session: Session) -> None:
    from trustlane.access.principal import Principal
    from trustlane.access.roles import Role

    member = Principal("x@acme.example", Role.trade_admin, org_id=1)
    with pytest.raises(Forbidden):
        load_list(database, member, FIXTURES / "ofac_sdn", "ofac-sdn")


def test_screen_contract_with_alerts_and_hits(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    _load_basics(database)
    screener = get_screener(database, settings)
    out, hits = tmp_path / "out.csv", tmp_path / "hits.csv"
    summary = screen_file(FIXTURES / "parties.csv", out, screener, hits_output=hits, workers=1)
    rows = list(csv.DictReader(out.open()))
    assert [r["full_name"] for r in rows] == [
        "SALEK, ABDULHAI",
        "Kathryn Barr",
        "",
        "Ousama bin Laden",
    ]
    assert list(rows[0])[-6:] == ["alert", "score", "list", "entry_id", "matched_name", "reasons"]
    assert rows[0]["alert"] == "true"
    assert rows[0]["list"] == "un-sc"
    assert rows[1]["alert"] == "false"
    assert rows[2]["reasons"] == "error: empty full_name"
    assert rows[3]["alert"] == "true"
    assert rows[3]["entry_id"] == "6365"
    assert summary.problems[0].row == 4
    assert len(list(csv.DictReader(hits.open()))) == summary.hits >= 2
    only_un = get_screener(database, settings, ["un-sc"])
    assert not only_un.screen(Party("Ousama bin Laden", EntityKind.person))[:1] or all(
        h.entry.list_name == "un-sc" for h in only_un.screen(Party("Ousama bin Laden"))
    )


def test_decisions_are_remembered_until_a_side_changes(
    database: Database, settings: Settings, session: Session
) -> None:
    _load_basics(database)
    item = SubjectIn("adhoc", "p1", Party("Usama bin Laden", EntityKind.person))
    assert screen_subjects(database, settings, OP, [item])[1] == 1
    alert = subjects.alert_queue(session, OP)[0]
    subjects.assign_alert(session, OP, alert.id, "analyst@agency.example")
    with pytest.raises(InvalidInput, match="note"):
        subjects.decide_alert(session, OP, alert.id, "false_positive")
    subjects.decide_alert(session, OP, alert.id, "false_positive", "other person, born 1970")
    session.commit()
    # The same party and entry: not raised again.
    assert screen_subjects(database, settings, OP, [item])[1] == 0
    # The party changed (a date of birth added): raised again, with its evidence kept.
    changed = SubjectIn("adhoc", "p1", Party("Usama bin Laden", EntityKind.person, "1957"))
    assert screen_subjects(database, settings, OP, [changed])[1] == 1
    session.expire_all()
    decision = session.query(subjects.Decision).one()
    assert decision.evidence["entry"]["key"] == "6365"
    assert decision.evidence["explanation"]


def test_forced_labor_consequences_by_hs_code_and_region(
    database: Database, session: Session
) -> None:
    import yaml

    mapping = yaml.safe_load((FIXTURES / "forced_labor_mapping.yaml").read_text())
    load_list(
        database, OP, FIXTURES / "forced_labor_entities.csv", "csv", name="uflpa", mapping=mapping
    )
    load_list(database, OP, FIXTURES / "withhold_release_orders.csv", "csv", name="wro")
    cotton = interface.forced_labor_consequences(session, OP, hs_code="520100")
    assert [c.name for c in cotton] == ["Xinjiang Production and Construction Corps"]
    assert cotton[0].action == "rebuttable_presumption"
    assert cotton[0].regions == ("cn-xj",)
    gloves = interface.forced_labor_consequences(session, OP, hs_code="4015.19.10")
    assert [(c.name, c.action) for c in gloves] == [("Top Glove Corporation Bhd.", "exclude")]


def test_ownership_fifty_percent_rule_with_chain() -> None:
    from trustlane.screening.ownership import blocked_by_ownership

    listed = {1: "listed as X (SDN 1)", 2: "listed as Y (SDN 2)"}
    links = [(1, 10, 0.3, "registry"), (2, 10, 0.25, "filing"), (10, 20, 0.6, "registry"),
             (1, 30, 0.49, "registry")]  # fmt: skip
    blocked = blocked_by_ownership(listed, links)
    assert set(blocked) == {10, 20}
    share, chain = blocked[10]
    assert share == 0.55
    assert {c["owner_id"] for c in chain} == {1, 2}
    assert blocked[20][1][0]["why"].startswith("blocked by ownership")
