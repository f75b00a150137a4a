"""Targeting's demo data, through the real use cases, on whatever shipments the demo has.

1. score every stored shipment with the indicators (no model yet);
2. when the stored inspection outcomes are enough, train a model from them (a retraining
   run, compared and promoted), and score the latest month again with it;
3. select inspections for each of the last 14 declaration days (5 % per office, 10 %
   exploration);
4. record outcomes for the picks of the first 10 of those days (seeded: fraud found with
   the combined probability, revenue recovered from the duty at stake), so performance per
   week has something to show.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from trustlane.access.principal import Principal
from trustlane.cargo.inspections import OutcomeIn
from trustlane.cargo.models import Inspection
from trustlane.db import Database
from trustlane.errors import InvalidInput
from trustlane.progress import Progress
from trustlane.settings import get_settings
from trustlane.targeting import assess, registry, store
from trustlane.targeting.models import SelectionItem, ShipmentScore
from trustlane.targeting.outcomes import record_outcome
from trustlane.targeting.select import SelectionPolicy, select_for_inspection


def populate(database: Database, actor: Principal, seed: int, progress: Progress) -> dict[str, int]:
    """Fill this package's demo data on top of the demo registry and shipments; return counts."""
    settings = get_settings()
    counts = {"scored": 0, "models": 0, "selections": 0, "outcomes": 0}
    with database.session() as session:
        counts["scored"] = assess.score_shipments(
            session, actor, settings, progress=progress
        ).shipments
    with database.session() as session:
        try:
            result = registry.retrain(session, actor, settings, seed=seed, progress=progress)
            counts["models"] = 1
        except InvalidInput:
            result = None  # too few outcomes in this demo: indicators only
    if result is not None:
        with database.session() as session:
            last = session.scalar(sa.select(sa.func.max(ShipmentScore.declared_on)))
            if last is not None:
                assess.score_shipments(
                    session, actor, settings, declared_from=last - timedelta(days=30)
                )
    with database.session() as session:
        days: list[date] = sorted(
            d
            for (d,) in session.execute(
                sa.select(ShipmentScore.declared_on)
                .where(ShipmentScore.is_current.is_(True), ShipmentScore.declared_on.is_not(None))
                .distinct()
            )
            if d is not None
        )[-14:]
        policy = SelectionPolicy(capacity="5%", exploration_share=0.1, seed=seed)
        selections = [select_for_inspection(session, actor, day, policy) for day in days]
        counts["selections"] = len(selections)
    rng = random.Random(seed)
    with database.session() as session:
        inspected = set(session.scalars(sa.select(Inspection.shipment_id)))
        for selection in selections[:10]:
            for item in store.selection_items(session, selection.id, "physical"):
                if item.shipment_id in inspected:
                    continue
                fraud = rng.random() < item.score
                score = session.get(ShipmentScore, item.score_id) if item.score_id else None
                at_stake = score.revenue_if_fraud if score is not None else 0.0
                record_outcome(
                    session,
                    actor,
                    item.shipment_id,
                    OutcomeIn(
                        fraud=fraud,
                        critical=1 if fraud else 0,
                        inspected_on=selection.day + timedelta(days=1),
                        revenue_recovered=round(at_stake * rng.uniform(0.5, 1.0), 2)
                        if fraud
                        else 0.0,
                        notes="demo outcome",
                    ),
                )
                counts["outcomes"] += 1
        counts["picks"] = int(
            session.scalar(
                sa.select(sa.func.count())
                .select_from(SelectionItem)
                .where(SelectionItem.lane == "physical")
            )
            or 0
        )
    return counts
