"""Targeting's SQL: shipments as frames, history, scores, selections, the model registry.

The only module of the package that builds queries beyond ``session.get``. Shipments are
read with the cargo tables (current versions only) and turned into one row per shipment
with its first line's fields and its parties' identifiers, the shape the model and the
indicators work on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.cargo.models import Inspection, Shipment, ShipmentLine, ShipmentParty
from trustlane.db import bulk_insert, id_counters, in_batches
from trustlane.registry.models import Organization
from trustlane.targeting.models import (
    ScoringRun,
    Selection,
    SelectionItem,
    ShipmentScore,
    TargetingModel,
)

#: Party roles whose identifier becomes a frame column (the model's entities).
ENTITY_ROLES = {
    "importer": "importer_id",
    "declarant": "declarant_id",
    "seller": "seller_id",
    "courier": "courier_id",
}


def shipment_frame(
    session: Session,
    *,
    ids: Sequence[int] | None = None,
    declared_from: date | None = None,
    declared_to: date | None = None,
    office: str | None = None,
    tenant_id: int | None = None,
    kinds: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Current shipments (filters combined) as one row each, ordered by date and id."""
    line = sa.select(
        ShipmentLine.shipment_id,
        sa.func.min(ShipmentLine.line_no).label("line_no"),
    ).group_by(ShipmentLine.shipment_id)
    first = line.subquery()
    stmt = (
        sa.select(
            Shipment.id.label("shipment_id"),
            Shipment.kind,
            Shipment.external_id,
            Shipment.profile,
            Shipment.importer_org_id,
            Shipment.declared_on,
            Shipment.filed_at,
            Shipment.lading_at,
            Shipment.office,
            Shipment.mode_of_transport,
            Shipment.country_origin,
            Shipment.country_departure,
            Shipment.attributes,
            ShipmentLine.hs_code,
            ShipmentLine.hs6,
            ShipmentLine.value,
            ShipmentLine.duty_rate,
            ShipmentLine.tax_type,
            ShipmentLine.net_mass_kg,
            ShipmentLine.country_origin.label("line_origin"),
            ShipmentLine.attributes.label("line_attributes"),
        )
        .outerjoin(first, first.c.shipment_id == Shipment.id)
        .outerjoin(
            ShipmentLine,
            sa.and_(
                ShipmentLine.shipment_id == Shipment.id, ShipmentLine.line_no == first.c.line_no
            ),
        )
        .where(Shipment.is_current.is_(True))
    )
    if declared_from is not None:
        stmt = stmt.where(Shipment.declared_on >= declared_from)
    if declared_to is not None:
        stmt = stmt.where(Shipment.declared_on <= declared_to)
    if office is not None:
        stmt = stmt.where(Shipment.office == office)
    if tenant_id is not None:
        stmt = stmt.where(Shipment.importer_org_id == tenant_id)
    if kinds:
        stmt = stmt.where(Shipment.kind.in_(list(kinds)))
    stmt = stmt.order_by(Shipment.declared_on, Shipment.id)
    if ids is not None:
        parts = [
            pd.DataFrame(session.execute(stmt.where(Shipment.id.in_(list(batch)))).mappings().all())
            for batch in in_batches(list(ids))
        ]
        rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    else:
        rows = pd.DataFrame(session.execute(stmt).mappings().all())
    if rows.empty:
        return rows
    parties = party_frame(session, rows["shipment_id"].tolist())
    return rows.merge(parties, on="shipment_id", how="left")


def party_frame(session: Session, shipment_ids: Sequence[int]) -> pd.DataFrame:
    """Per shipment: the identifier of each entity role, the roles named, and the
    organizations named (for screening and trusted-trader look-ups)."""
    found: list[dict[str, Any]] = []
    for batch in in_batches(list(shipment_ids)):
        found += [
            dict(r)
            for r in session.execute(
                sa.select(
                    ShipmentParty.shipment_id,
                    ShipmentParty.role,
                    ShipmentParty.name,
                    ShipmentParty.identifiers,
                    ShipmentParty.organization_id,
                ).where(ShipmentParty.shipment_id.in_(list(batch)))
            ).mappings()
        ]
    out: dict[int, dict[str, Any]] = {
        int(i): {"shipment_id": int(i), "roles": set(), "party_orgs": set()} for i in shipment_ids
    }
    for p in found:
        row = out[int(p["shipment_id"])]
        row["roles"].add(p["role"])
        if p["organization_id"] is not None:
            row["party_orgs"].add(int(p["organization_id"]))
        column = ENTITY_ROLES.get(p["role"])
        if column and column not in row:
            ids = p["identifiers"] or {}
            value = next(iter(ids.values()), None) if ids else None
            if value is None and p["organization_id"] is not None:
                value = f"org:{p['organization_id']}"
            row[column] = value if value is not None else (p["name"] or None)
    frame = pd.DataFrame(list(out.values()))
    for column in ENTITY_ROLES.values():
        if column not in frame:
            frame[column] = None
    return frame


def labelled_outcomes(session: Session, until: date | None = None) -> pd.DataFrame:
    """Inspection outcomes of current shipments (one per shipment: fraud if any line was),
    with the shipment's date."""
    stmt = (
        sa.select(
            Inspection.shipment_id,
            sa.func.max(sa.case((Inspection.fraud.is_(True), 1), else_=0)).label("fraud"),
            sa.func.max(Inspection.critical).label("critical"),
            sa.func.sum(Inspection.revenue_recovered).label("revenue"),
            sa.func.min(Inspection.inspected_on).label("inspected_on"),
        )
        .join(Shipment, Shipment.id == Inspection.shipment_id)
        .where(Shipment.is_current.is_(True))
        .group_by(Inspection.shipment_id)
    )
    if until is not None:
        stmt = stmt.where(Shipment.declared_on <= until)
    return pd.DataFrame(
        session.execute(stmt).mappings().all(),
        columns=["shipment_id", "fraud", "critical", "revenue", "inspected_on"],
    )


def history_frame(session: Session, until: date, kinds: Sequence[str]) -> pd.DataFrame:
    """Every current shipment of ``kinds`` up to ``until`` with the columns history needs."""
    return shipment_frame(session, declared_to=until, kinds=kinds)


# -- scores ----------------------------------------------------------------------------


def insert_scores(session: Session, rows: pd.DataFrame) -> int:
    """Mark the shipments' earlier scores not current and insert the new ones."""
    conn = session.connection()
    ids = rows["shipment_id"].astype("int64").tolist()
    for batch in in_batches(ids):
        conn.execute(
            sa.update(ShipmentScore)
            .where(ShipmentScore.shipment_id.in_(list(batch)), ShipmentScore.is_current.is_(True))
            .values(is_current=False)
        )
    columns = list(rows.columns)
    table = ShipmentScore.__table__
    assert isinstance(table, sa.Table)
    return bulk_insert(conn, table, columns, rows.itertuples(index=False, name=None))


def reserve_score_ids(session: Session, count: int) -> int:
    """The first of ``count`` fresh score ids, from the shared counter in the session's own
    transaction (:func:`trustlane.db.reserve_ids` commits on a connection of its own, which
    on SQLite would wait for the write lock this session may hold)."""
    conn = session.connection()
    row = conn.execute(
        id_counters.update()
        .where(id_counters.c.name == "targeting_scores")
        .values(next_id=id_counters.c.next_id + count)
        .returning(id_counters.c.next_id)
    ).first()
    if row is not None:
        return int(row[0]) - count
    conn.execute(id_counters.insert().values(name="targeting_scores", next_id=1 + count))
    return 1


def current_scores(
    session: Session,
    *,
    day: date | None = None,
    office: str | None = None,
    tenant_id: int | None = None,
    shipment_ids: Sequence[int] | None = None,
) -> list[ShipmentScore]:
    stmt = sa.select(ShipmentScore).where(ShipmentScore.is_current.is_(True))
    if day is not None:
        stmt = stmt.where(ShipmentScore.declared_on == day)
    if office is not None:
        stmt = stmt.where(ShipmentScore.office == office)
    if tenant_id is not None:
        stmt = stmt.where(ShipmentScore.importer_org_id == tenant_id)
    if shipment_ids is not None:
        stmt = stmt.where(ShipmentScore.shipment_id.in_(list(shipment_ids)))
    return list(session.scalars(stmt.order_by(ShipmentScore.score.desc(), ShipmentScore.id)))


def scores_query(
    *,
    day: date | None,
    office: str | None,
    tenant_id: int | None,
    min_score: float | None,
) -> sa.Select[Any]:
    stmt = sa.select(ShipmentScore).where(ShipmentScore.is_current.is_(True))
    if day is not None:
        stmt = stmt.where(ShipmentScore.declared_on == day)
    if office is not None:
        stmt = stmt.where(ShipmentScore.office == office)
    if tenant_id is not None:
        stmt = stmt.where(ShipmentScore.importer_org_id == tenant_id)
    if min_score is not None:
        stmt = stmt.where(ShipmentScore.score >= min_score)
    return stmt


def score_history(session: Session, since: date) -> pd.DataFrame:
    """Scores (current or not) of shipments declared since ``since``, for drift."""
    stmt = sa.select(
        ShipmentScore.declared_on, ShipmentScore.score, ShipmentScore.model_version
    ).where(ShipmentScore.declared_on >= since, ShipmentScore.is_current.is_(True))
    return pd.DataFrame(
        session.execute(stmt).mappings().all(), columns=["declared_on", "score", "model_version"]
    )


def new_run(
    session: Session, model_version: int | None, params: dict[str, Any], by: str
) -> ScoringRun:
    run = ScoringRun(model_version=model_version, params=params, created_by=by)
    session.add(run)
    session.flush()
    return run


# -- selections ------------------------------------------------------------------------


def insert_selection_items(session: Session, items: pd.DataFrame) -> int:
    table = SelectionItem.__table__
    assert isinstance(table, sa.Table)
    return bulk_insert(
        session.connection(), table, list(items.columns), items.itertuples(index=False, name=None)
    )


def selection_items(
    session: Session, selection_id: int, lane: str | None = None
) -> list[SelectionItem]:
    stmt = sa.select(SelectionItem).where(SelectionItem.selection_id == selection_id)
    if lane:
        stmt = stmt.where(SelectionItem.lane == lane)
    return list(session.scalars(stmt.order_by(SelectionItem.lane, SelectionItem.rank)))


def picks_with_outcomes(session: Session, since: date | None = None) -> pd.DataFrame:
    """Every shipment picked for physical inspection, its selection day, how it was picked
    and what its inspection found (fraud, revenue; NULL while not yet recorded)."""
    outcome = (
        sa.select(
            Inspection.shipment_id,
            sa.func.max(sa.case((Inspection.fraud.is_(True), 1), else_=0)).label("fraud"),
            sa.func.sum(Inspection.revenue_recovered).label("revenue"),
        )
        .group_by(Inspection.shipment_id)
        .subquery()
    )
    stmt = (
        sa.select(
            Selection.day,
            SelectionItem.shipment_id,
            SelectionItem.picked_by,
            SelectionItem.score,
            SelectionItem.propensity,
            outcome.c.fraud,
            outcome.c.revenue,
            ShipmentScore.revenue_if_fraud,
        )
        .join(Selection, Selection.id == SelectionItem.selection_id)
        .outerjoin(ShipmentScore, ShipmentScore.id == SelectionItem.score_id)
        .outerjoin(outcome, outcome.c.shipment_id == SelectionItem.shipment_id)
        .where(SelectionItem.lane == "physical")
    )
    if since is not None:
        stmt = stmt.where(Selection.day >= since)
    return pd.DataFrame(
        session.execute(stmt).mappings().all(),
        columns=[
            "day",
            "shipment_id",
            "picked_by",
            "score",
            "propensity",
            "fraud",
            "revenue",
            "revenue_if_fraud",
        ],
    )


# -- model registry --------------------------------------------------------------------


def model_by_version(session: Session, version: int) -> TargetingModel | None:
    return session.scalar(sa.select(TargetingModel).where(TargetingModel.version == version))


def active_model(session: Session) -> TargetingModel | None:
    return session.scalar(
        sa.select(TargetingModel)
        .where(TargetingModel.status == "active")
        .order_by(TargetingModel.version.desc())
    )


def next_model_version(session: Session) -> int:
    return int(session.scalar(sa.select(sa.func.max(TargetingModel.version))) or 0) + 1


def list_models(session: Session) -> list[TargetingModel]:
    return list(session.scalars(sa.select(TargetingModel).order_by(TargetingModel.version.desc())))


def last_trained_at(session: Session) -> datetime | None:
    return session.scalar(sa.select(sa.func.max(TargetingModel.created_at)))


def outcomes_since(session: Session, since: datetime | None) -> int:
    stmt = sa.select(sa.func.count()).select_from(Inspection)
    if since is not None:
        stmt = stmt.where(Inspection.created_at > since)
    return int(session.scalar(stmt) or 0)


# -- the analyst's pages ---------------------------------------------------------------

#: Lanes in the order a queue lists them: what to inspect first.
LANE_ORDER = {"physical": 0, "documents": 1, "release": 2}


def queue_query(
    *, day: date, office: str | None, lane: str | None, search: str | None
) -> sa.Select[Any]:
    """The inspection queue of ``day``: for each office, the items of the latest selection
    of that day covering it (a selection made for one office overrides an earlier one made
    for all), with the score's reasons as the selection saw them, the filing's key, the
    importer's name and what inspections found so far."""
    office_key = sa.func.coalesce(SelectionItem.office, "")
    latest = (
        sa.select(office_key.label("office_key"), sa.func.max(Selection.id).label("sid"))
        .join(Selection, Selection.id == SelectionItem.selection_id)
        .where(Selection.day == day)
        .group_by(office_key)
        .subquery()
    )
    on_day = (
        sa.select(SelectionItem.shipment_id)
        .join(Selection, Selection.id == SelectionItem.selection_id)
        .where(Selection.day == day)
    )
    outcome = (  # only the day's shipments: the inspections table holds every outcome ever
        sa.select(
            Inspection.shipment_id,
            sa.func.count().label("inspections"),
            sa.func.max(sa.case((Inspection.fraud.is_(True), 1), else_=0)).label("fraud"),
        )
        .where(Inspection.shipment_id.in_(on_day))
        .group_by(Inspection.shipment_id)
        .subquery()
    )
    stmt = (
        sa.select(
            SelectionItem.selection_id,
            SelectionItem.shipment_id,
            SelectionItem.office,
            SelectionItem.lane,
            SelectionItem.picked_by,
            SelectionItem.rank,
            SelectionItem.score,
            SelectionItem.expected_value,
            SelectionItem.propensity,
            ShipmentScore.reasons,
            ShipmentScore.model_version,
            Shipment.kind,
            Shipment.external_id,
            Shipment.version,
            Organization.name.label("importer_name"),
            outcome.c.inspections,
            outcome.c.fraud,
        )
        .join(
            latest,
            sa.and_(latest.c.sid == SelectionItem.selection_id, latest.c.office_key == office_key),
        )
        .join(Shipment, Shipment.id == SelectionItem.shipment_id)
        .outerjoin(ShipmentScore, ShipmentScore.id == SelectionItem.score_id)
        .outerjoin(Organization, Organization.id == Shipment.importer_org_id)
        .outerjoin(outcome, outcome.c.shipment_id == SelectionItem.shipment_id)
    )
    if office is not None:
        stmt = stmt.where(SelectionItem.office == office)
    if lane is not None:
        stmt = stmt.where(SelectionItem.lane == lane)
    if search:
        pattern = f"%{search.strip()}%"
        stmt = stmt.where(
            sa.or_(Shipment.external_id.ilike(pattern), Organization.name.ilike(pattern))
        )
    return stmt


def queue_order() -> list[Any]:
    """Physical picks first, then document checks, then releases; highest value first."""
    return [
        sa.case(LANE_ORDER, value=SelectionItem.lane, else_=len(LANE_ORDER)),
        SelectionItem.expected_value.desc(),
        SelectionItem.shipment_id,
    ]


def selections_on(session: Session, day: date) -> list[Selection]:
    return list(
        session.scalars(sa.select(Selection).where(Selection.day == day).order_by(Selection.id))
    )


def selection_days(session: Session, limit: int) -> list[date]:
    """The latest days that have a selection, newest first."""
    rows = session.scalars(
        sa.select(Selection.day).distinct().order_by(Selection.day.desc()).limit(limit)
    )
    return list(rows)


def latest_declared_on(session: Session, kinds: Sequence[str]) -> date | None:
    """The latest declaration day of the current shipments of ``kinds``."""
    return session.scalar(
        sa.select(sa.func.max(Shipment.declared_on)).where(
            Shipment.is_current.is_(True), Shipment.kind.in_(list(kinds))
        )
    )


def latest_scored_day(session: Session) -> date | None:
    return session.scalar(
        sa.select(sa.func.max(ShipmentScore.declared_on)).where(ShipmentScore.is_current.is_(True))
    )


def offices_on(session: Session, day: date) -> list[str]:
    """Offices with a current score or a selection item on ``day``."""
    scored = sa.select(ShipmentScore.office).where(
        ShipmentScore.is_current.is_(True),
        ShipmentScore.declared_on == day,
        ShipmentScore.office.is_not(None),
    )
    picked = (
        sa.select(SelectionItem.office)
        .join(Selection, Selection.id == SelectionItem.selection_id)
        .where(Selection.day == day, SelectionItem.office.is_not(None))
    )
    rows = session.scalars(sa.union(scored, picked))
    return sorted({str(r) for r in rows})


def selections_of_shipment(session: Session, shipment_id: int) -> list[Any]:
    """Every selection a shipment was in: day, lane, how it was picked, newest first."""
    stmt = (
        sa.select(
            Selection.id.label("selection_id"),
            Selection.day,
            Selection.created_by,
            SelectionItem.office,
            SelectionItem.lane,
            SelectionItem.picked_by,
            SelectionItem.rank,
            SelectionItem.score,
            SelectionItem.expected_value,
            SelectionItem.propensity,
        )
        .join(Selection, Selection.id == SelectionItem.selection_id)
        .where(SelectionItem.shipment_id == shipment_id)
        .order_by(Selection.day.desc(), Selection.id.desc())
    )
    return list(session.execute(stmt).all())


def latest_score_of(session: Session, shipment_id: int) -> ShipmentScore | None:
    """The shipment's current score, or its latest one when none is current."""
    return session.scalar(
        sa.select(ShipmentScore)
        .where(ShipmentScore.shipment_id == shipment_id)
        .order_by(ShipmentScore.is_current.desc(), ShipmentScore.id.desc())
        .limit(1)
    )
