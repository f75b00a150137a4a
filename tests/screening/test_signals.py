"""Screening as a planning signal: confirmed matches, ownership blocks and open alerts of
registry organizations, as they stood on a day, and what a validation plan makes of them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests import factories as f
from tests.programs import helpers as h
from trustlane.db import Database
from trustlane.programs.calendar import today
from trustlane.programs.planning import PlanParameters, make_plan
from trustlane.registry.ownership import set_owner
from trustlane.screening.lists import load_list
from trustlane.screening.models import Alert, Subject
from trustlane.screening.parties import screen_organizations
from trustlane.screening.signals import org_signals
from trustlane.screening.subjects import decide_alert
from trustlane.settings import Settings

#: Loads a list and warms the name analysers: seconds, not milliseconds.
pytestmark = pytest.mark.slow
OP = f.OPERATOR

HEADER = "id,name,aliases,type,country,nationality,date_of_birth,programs,imo,category,source\n"
WATCH = HEADER + (
    "SW-1,ROSOBORONEXPORT,ROSOBORONEKSPORT,organization,ru,,,RUSSIA-EO14024,,sanctions,t\n"
    "SW-3,KAPITAN MASLOV SHIPPING CO,,organization,ru,,,RUSSIA-EO14024,,sanctions,t\n"
    "SW-4,SOVCOMFLOT,SCF GROUP,organization,ru,,,RUSSIA-EO14024,,sanctions,t\n"
)


def _alerts_by_org(session: Session) -> dict[int, Alert]:
    rows = session.execute(
        sa.select(Subject.organization_id, Alert)
        .join(Alert, Alert.subject_id == Subject.id)
        .where(Subject.kind == "organization")
    ).all()
    return {int(org): alert for org, alert in rows if org is not None}


def test_confirmed_blocked_open_and_nothing(
    database: Database, session: Session, settings: Settings, tmp_path: Path
) -> None:
    spec = h.specialist(session)
    listed = f.trade_org(session, "Rosoboronexport JSC", country="RU", roles=["importer"])
    owned = f.trade_org(session, "Blue Harbor Logistics", country="CY", roles=["importer"])
    maslov = f.trade_org(session, "Kapitan Maslov Shipping Co", country="RU")
    cleared = f.trade_org(session, "Sovcomflot PJSC", country="RU")
    quiet = f.trade_org(session, "Quiet Meadow Textiles", country="US", roles=["importer"])
    session.commit()
    watch = tmp_path / "watch.csv"
    watch.write_text(WATCH, encoding="utf-8")
    load_list(database, OP, watch, "csv", name="signals-watch", rescreen=False)
    screen_organizations(database, settings, OP)

    with database.session() as s:
        alerts = _alerts_by_org(s)
        assert {listed.id, maslov.id, cleared.id} <= set(alerts)
        assert quiet.id not in alerts
        set_owner(s, OP, owned.id, listed.id, 0.6, source="registry filing 2024")
        decide_alert(s, OP, alerts[listed.id].id, "true_match", "same company, listed address")
        decide_alert(s, OP, alerts[cleared.id].id, "false_positive", "a different company")

    day = today()
    with database.session() as s:
        found = org_signals(s, [listed.id, owned.id, maslov.id, cleared.id, quiet.id], day)
        alerts = _alerts_by_org(s)
        assert set(found) == {listed.id, owned.id, maslov.id}

        confirmed = found[listed.id]
        assert confirmed.severity == 1.0
        assert "Confirmed true match on signals-watch entry SW-1 'ROSOBORONEXPORT'" in (
            confirmed.text
        )
        assert f"alert {alerts[listed.id].id}" in confirmed.text

        blocked = found[owned.id]
        assert blocked.severity == 1.0
        assert blocked.text == (
            "Blocked by ownership: 60% held by listed parties (Rosoboronexport JSC 60%)."
        )

        open_alert = alerts[maslov.id]
        pending = found[maslov.id]
        assert pending.severity == pytest.approx(round(0.7 * open_alert.score, 3))
        assert 0.5 <= pending.severity <= 0.7
        assert pending.text == (
            f"1 open screening alert (best {open_alert.score:.2f} against signals-watch entry "
            f"SW-3 'KAPITAN MASLOV SHIPPING CO'; alert {open_alert.id})."
        )

        # Nothing was dated by the day before: no alert, no decision, no flag.
        assert org_signals(s, [listed.id, owned.id, maslov.id], day - timedelta(days=1)) == {}
        assert org_signals(s, [], day) == {}

        # A plan of members: screening is a reason of their rank, not "not considered".
        old = day - timedelta(days=1700)
        for org in (listed, owned, quiet):
            h.certified(s, org, on=old, specialist_id=spec.id)
        plan = make_plan(s, OP, "ctpat", PlanParameters(capacity=10), as_of=day)
        assert "screening_hits" not in plan.plan.summary["signals_not_considered"]
        assert "targeting_risk" not in plan.plan.summary["signals_not_considered"]
        rows = {r["org_id"]: r for r in plan.rows}
        for org_id in (listed.id, owned.id):
            (reason,) = [r for r in rows[org_id]["reasons"] if r["code"] == "screening_hits"]
            assert reason["text"] == f"Screening: {found[org_id].text}"
            assert reason["points"] == 25
            assert "screening hits severity 1.00" in rows[org_id]["mode_reasons"][0]["text"]
        assert not [r for r in rows[quiet.id]["reasons"] if r["code"] == "screening_hits"]
        ranks = {org_id: r["rank"] for org_id, r in rows.items()}
        assert ranks[quiet.id] > max(ranks[listed.id], ranks[owned.id])
