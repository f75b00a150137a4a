"""Targeting risk as a planning signal: each importer's scored declarations of the last year,
ranked against the other importers, its picks for inspection, and what a validation plan
makes of them. The declarations are the public customs slice moved to the last year."""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests import factories as f
from tests.programs import helpers as h
from trustlane.cargo.ingest import ingest_file
from trustlane.cargo.models import Shipment
from trustlane.db import Database
from trustlane.programs.calendar import today
from trustlane.programs.planning import PlanParameters, make_plan
from trustlane.registry.models import Organization
from trustlane.registry.schemas import IdentifierIn
from trustlane.settings import Settings
from trustlane.targeting import assess
from trustlane.targeting.models import SelectionItem, ShipmentScore
from trustlane.targeting.select import SelectionPolicy, select_for_inspection
from trustlane.targeting.signals import org_signals

FIXTURES = Path(__file__).parent / "fixtures"
OP = f.OPERATOR

#: Ingests, scores and selects about 1,500 declarations: a few seconds.
pytestmark = pytest.mark.slow


def _recent_copy(tmp_path: Path, last_day: date) -> Path:
    """The 2020 slice with every date moved so that its last day is ``last_day``."""
    with (FIXTURES / "customs_kr_2020_slice.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    shift = last_day - max(date.fromisoformat(r["Date"]) for r in rows)
    for r in rows:
        r["Date"] = (date.fromisoformat(r["Date"]) + shift).isoformat()
    path = tmp_path / "customs-kr-recent.csv"
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_importers_ranked_picks_counted_and_planning_reads_them(
    database: Database, session: Session, settings: Settings, tmp_path: Path
) -> None:
    def importer(name: str, code: str) -> Organization:
        ids = [IdentifierIn(scheme="kr_importer_id", value=code)]
        return f.trade_org(session, name, roles=["importer"], identifiers=ids)

    spec = h.specialist(session)
    busy = importer("Seven Kings Trading", "7KGLWW5")  # 10 declarations, the riskiest
    calm = importer("Zero Five Supplies", "05XSCCC")  # 6 declarations, ordinary risk
    idle = f.trade_org(session, "Idle Imports", roles=["importer"])  # none
    session.commit()
    day = today()
    since = day - timedelta(days=365)
    ingest_file(
        database, OP, _recent_copy(tmp_path, day - timedelta(days=1)), "customs-kr",
        rejects_path=tmp_path / "rejects.csv",
    )  # fmt: skip
    with database.session() as s:
        assess.score_shipments(s, OP, settings)
    with database.session() as s:
        # Every declaration of one of its days goes to physical inspection.
        picked_day = s.scalars(
            sa.select(Shipment.declared_on)
            .where(Shipment.importer_org_id == busy.id, Shipment.declared_on > since)
            .order_by(Shipment.declared_on.desc())
        ).first()
        assert picked_day is not None
        select_for_inspection(
            s, OP, picked_day, SelectionPolicy(capacity="100%", exploration_share=0)
        )

    with database.session() as s:
        declared: dict[int | None, int] = dict(
            s.execute(
                sa.select(Shipment.importer_org_id, sa.func.count())
                .where(Shipment.declared_on > since, Shipment.declared_on <= day)
                .group_by(Shipment.importer_org_id)
            ).all()
        )
        picks = s.scalar(
            sa.select(sa.func.count())
            .select_from(SelectionItem)
            .join(Shipment, Shipment.id == SelectionItem.shipment_id)
            .where(Shipment.importer_org_id == busy.id, SelectionItem.lane == "physical")
        )
        assert picks is not None
        assert picks >= 1
        assert s.scalar(sa.select(sa.func.count()).select_from(ShipmentScore)) == 1496

        found = org_signals(s, [busy.id, calm.id, idle.id], day)
        assert set(found) == {busy.id, calm.id}
        risky = found[busy.id]
        assert risky.severity > 0.5
        assert re.fullmatch(
            rf"{declared[busy.id]} declarations scored in the last year, mean risk 0\.\d\d "
            r"\(top \d+% of \d+ importers by mean risk\); \d+ among the highest-risk 10% of "
            rf"all declarations scored, {picks} picked for physical inspection\.",
            risky.text,
        ), risky.text
        ordinary = found[calm.id]
        assert ordinary.severity == 0
        assert ordinary.text.startswith(f"{declared[calm.id]} declarations scored")
        assert "not above the median of" in ordinary.text
        assert "0 picked for physical inspection." in ordinary.text

        # Scores recorded today are not dated by yesterday; a year later nothing is recent.
        assert org_signals(s, [busy.id, calm.id], day - timedelta(days=1)) == {}
        assert org_signals(s, [busy.id, calm.id], day + timedelta(days=400)) == {}

        # A plan of members: targeting is a reason of the rank where it has something to say.
        old = day - timedelta(days=1700)
        for org in (busy, calm, idle):
            h.certified(s, org, on=old, specialist_id=spec.id)
        plan = make_plan(s, OP, "ctpat", PlanParameters(capacity=10), as_of=day)
        assert plan.plan.summary["signals_not_considered"] == {}
        rows = {r["org_id"]: r for r in plan.rows}
        (reason,) = [r for r in rows[busy.id]["reasons"] if r["code"] == "targeting_risk"]
        assert reason["text"] == f"Targeting: {risky.text}"
        assert reason["points"] == round(15 * risky.severity, 2)
        for org in (calm, idle):
            assert not [r for r in rows[org.id]["reasons"] if r["code"] == "targeting_risk"]
        assert rows[busy.id]["rank"] < min(rows[calm.id]["rank"], rows[idle.id]["rank"])
