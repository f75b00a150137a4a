"""Use cases: read stored scores, and explain one shipment with exact SHAP values.

Scores are agency information: a trade member must not learn how its shipments are
targeted, so every read here needs an agency role as well as ``targeting:read``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.errors import Forbidden, NotFound
from trustlane.paging import Page, PageRequest, paginate
from trustlane.settings import Settings
from trustlane.targeting import registry, store
from trustlane.targeting.explain import REASON_GROUPS, shap_contributions
from trustlane.targeting.models import ShipmentScore
from trustlane.targeting.reasons import reason_list
from trustlane.targeting.shipments import canonical


def require_agency_read(actor: Principal) -> None:
    actor.require("targeting:read")
    if not actor.is_agency:
        raise Forbidden("Targeting scores are for agency users only")


def list_scores(
    session: Session,
    actor: Principal,
    page: PageRequest,
    *,
    day: date | None = None,
    office: str | None = None,
    min_score: float | None = None,
) -> Page[ShipmentScore]:
    require_agency_read(actor)
    stmt = store.scores_query(day=day, office=office, tenant_id=None, min_score=min_score)
    return paginate(
        session,
        stmt,
        page,
        {
            "score": ShipmentScore.score,
            "expected_value": ShipmentScore.expected_value,
            "declared_on": ShipmentScore.declared_on,
        },
        [ShipmentScore.score.desc(), ShipmentScore.id],
    )


def get_score(session: Session, actor: Principal, shipment_id: int) -> ShipmentScore:
    require_agency_read(actor)
    found = store.current_scores(session, shipment_ids=[shipment_id])
    if not found:
        raise NotFound(f"Shipment {shipment_id} has no score yet")
    return found[0]


def explain_exactly(
    session: Session, actor: Principal, settings: Settings, shipment_id: int
) -> list[dict[str, Any]]:
    """The active model's TreeSHAP contributions for one shipment, per reason group, with
    the readable sentences (every group, strongest first)."""
    require_agency_read(actor)
    active = store.active_model(session)
    if active is None:
        raise NotFound("No active model to explain with")
    rows = store.shipment_frame(session, ids=[shipment_id])
    if rows.empty:
        raise NotFound(f"Shipment {shipment_id} not found")
    model, _ = registry.load_files(settings, active)
    # The model reads the declaration's own columns and its stored history only; the
    # indicators' look-ups over every stored shipment (analysis_frame) are not needed here.
    frame = canonical(rows)
    X = model.design(frame)
    groups = shap_contributions(model.classifier, X, threads=1)
    reasons = reason_list(frame, X, groups.astype(np.float64), model.history, len(REASON_GROUPS))
    for r in reasons[0]:
        r["source"] = "model (TreeSHAP)"
    return reasons[0]
