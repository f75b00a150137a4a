"""The screening demo fills lists, alerts, decisions and an ownership flag, seeded."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests import factories as f
from trustlane.db import Database
from trustlane.progress import NoProgress
from trustlane.screening import demo
from trustlane.screening.models import OwnershipFlag
from trustlane.settings import Settings


@pytest.mark.slow
def test_demo_populates_through_the_use_cases(
    database: Database, session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo reads the process settings; here they are the test's (its data folder).
    monkeypatch.setattr(demo, "get_settings", lambda: settings)
    f.agency(session)
    for name in ("Northwind Traders", "Blue Harbor Imports", "Contoso Freight"):
        f.trade_org(session, name, country="US")
    session.commit()
    counts = demo.populate(database, f.OPERATOR, 7, NoProgress())
    assert counts["lists"] == 3
    assert counts["lookalike_organizations"] == demo.LOOKALIKES
    assert counts["alerts"] >= 1
    assert counts["decisions"] >= 1
    flags = session.query(OwnershipFlag).filter(OwnershipFlag.active.is_(True)).all()
    assert len(flags) == counts["ownership_flags"]
