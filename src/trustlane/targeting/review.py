"""Use cases of the analyst's pages: a day's inspection queue, and one shipment reviewed
from the analyst's side (score and reasons, indicators, the model's exact contributions,
parties with their screening alerts and trusted-trader memberships, filings and their
timeliness, supply-chain exposure, selections, outcomes and earlier versions).

Both only read, and both are agency information: a trade member must not learn how its
shipments are targeted (403, like the API's scores).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.cargo import shipments as cargo_shipments
from trustlane.cargo.models import Inspection, Shipment
from trustlane.cargo.store import ShipmentFilter
from trustlane.errors import FieldProblem, InvalidInput, NotFound
from trustlane.paging import Page, PageRequest, paginate
from trustlane.settings import Settings
from trustlane.targeting import monitor, signals, store
from trustlane.targeting.indicators import INDICATORS, Config, load_config
from trustlane.targeting.models import Selection, ShipmentScore
from trustlane.targeting.scores import explain_exactly, require_agency_read

#: The lanes a shipment can be in, in queue order.
LANES = tuple(store.LANE_ORDER)

#: Days with a selection offered as quick links on the queue.
RECENT_DAYS = 14


@dataclass
class Queue:
    """The inspection queue of one day: the selections made that day, a page of their items
    (rows with score, lane, reasons, filing key, importer name and outcome so far), the
    offices of that day and the latest days with a selection."""

    day: date
    office: str | None
    lane: str | None
    search: str | None
    selections: list[Selection]
    items: Page[Any]
    offices: list[str]
    recent_days: list[date]
    day_defaulted: bool


def inspection_queue(
    session: Session,
    actor: Principal,
    page: PageRequest,
    *,
    day: date | None = None,
    office: str | None = None,
    lane: str | None = None,
    search: str | None = None,
    today: date | None = None,
) -> Queue:
    """The queue of ``day``, of one office or all, of one lane or all. Without a day: today
    when today has a selection, else the latest day with one, else the latest scored day
    (the analyst lands on the work at hand, not on an empty page)."""
    require_agency_read(actor)
    if lane is not None and lane not in LANES:
        raise InvalidInput(
            "Unknown lane", [FieldProblem("lane", f"one of {', '.join(LANES)}", value=lane)]
        )
    recent = store.selection_days(session, RECENT_DAYS)
    defaulted = day is None
    if day is None:
        today = today or date.today()
        chosen = today if today in recent else (recent[0] if recent else None)
        day = chosen or store.latest_scored_day(session) or today
    items = paginate(
        session,
        store.queue_query(day=day, office=office, lane=lane, search=search),
        page,
        {},
        store.queue_order(),
        scalars=False,
    )
    return Queue(
        day=day,
        office=office,
        lane=lane,
        search=search,
        selections=store.selections_on(session, day),
        items=items,
        offices=store.offices_on(session, day),
        recent_days=recent,
        day_defaulted=defaulted,
    )


@dataclass(frozen=True)
class IndicatorCheck:
    """One indicator against one shipment's score: whether it fired, why, and its weight."""

    code: str
    description: str
    enabled: bool
    fired: bool
    text: str
    weight: float | None  # what it added when it fired (log-odds)
    configured: str  # its weight in the indicators file, as written there


@dataclass(frozen=True)
class FilingTiming:
    """A filing for the same bill of lading (or the shipment itself) and when it came."""

    shipment_id: int
    kind: str
    external_id: str
    version: int
    filed_at: Any
    lading_at: Any
    arrival_at: Any
    hours_before_lading: float | None
    verdict: str  # on time | late | no rule | unknown
    reason: str


@dataclass
class ShipmentReview:
    """Everything the analyst's shipment page shows, each part with its reasons."""

    shipment: Shipment
    organizations: dict[int, tuple[str, str]]
    inspections: list[Inspection]
    score: ShipmentScore | None
    indicators: list[IndicatorCheck]
    contributions: list[dict[str, Any]]
    contributions_note: str | None
    filings: list[FilingTiming]
    alerts: list[signals.PartyAlert]
    memberships: list[signals.Membership]
    exposure: list[signals.Exposure] | None
    versions: list[Shipment]
    selections: list[Any]


def review_shipment(
    session: Session, actor: Principal, settings: Settings, shipment_id: int
) -> ShipmentReview:
    """One shipment version as the analyst sees it (see the module doc)."""
    require_agency_read(actor)
    detail = cargo_shipments.get_shipment(session, actor, shipment_id)
    shipment = detail.shipment
    config = load_config()
    score = store.latest_score_of(session, shipment.id)
    org_ids = {p.organization_id for p in shipment.parties if p.organization_id is not None}
    if shipment.importer_org_id is not None:
        org_ids.add(shipment.importer_org_id)
    contributions, note = _contributions(session, actor, settings, shipment)
    return ShipmentReview(
        shipment=shipment,
        organizations=detail.organizations,
        inspections=detail.inspections,
        score=score,
        indicators=indicator_checks(score.reasons if score else [], config),
        contributions=contributions,
        contributions_note=note,
        filings=_filings(session, actor, shipment, config),
        alerts=signals.shipment_alerts(session, shipment.id, org_ids),
        memberships=signals.memberships(session, org_ids),
        exposure=signals.supply_chain_exposure(
            session,
            actor,
            [shipment.importer_org_id] if shipment.importer_org_id is not None else [],
        ),
        versions=cargo_shipments.shipment_versions(session, actor, shipment.id),
        selections=store.selections_of_shipment(session, shipment.id),
    )


def indicator_checks(reasons: list[dict[str, Any]], config: Config) -> list[IndicatorCheck]:
    """Every indicator, fired or not, from a score's stored reasons (pure)."""
    fired = {r["code"]: r for r in reasons if r.get("source") == "indicator"}
    out = []
    for ind in INDICATORS:
        cfg = config[ind.key]
        hit = fired.get(ind.code)
        if "tier_weights" in cfg:
            configured = ", ".join(
                f"tier {k}: {float(v):+g}" for k, v in sorted(cfg["tier_weights"].items())
            )
        else:
            configured = f"{float(cfg['weight']):+g}"
        out.append(
            IndicatorCheck(
                code=ind.code,
                description=ind.description,
                enabled=bool(cfg.get("enabled", True)),
                fired=hit is not None,
                text=str(hit["text"]) if hit else "",
                weight=float(hit["weight"]) if hit and hit.get("weight") is not None else None,
                configured=configured,
            )
        )
    return out


def _contributions(
    session: Session, actor: Principal, settings: Settings, shipment: Shipment
) -> tuple[list[dict[str, Any]], str | None]:
    """The active model's exact TreeSHAP contributions per reason, or why there are none."""
    if not shipment.is_current:
        return [], "An earlier version: the model explains current versions only."
    try:
        return explain_exactly(session, actor, settings, shipment.id), None
    except NotFound as exc:
        return [], exc.message


def filing_timing(
    shipment: Shipment, min_hours_before_lading: float
) -> tuple[float | None, str, str]:
    """Hours between filing and lading, and the verdict with its reason (pure).

    Only importer security filings have a deadline here (the SECURITY_FILING_LATE
    indicator's ``min_hours_before_lading``); other filings show their lead time.
    """
    hours = None
    if shipment.filed_at is not None and shipment.lading_at is not None:
        hours = (shipment.lading_at - shipment.filed_at).total_seconds() / 3600.0
    if shipment.kind != "isf":
        lead = f"filed {hours:.1f} h before lading" if hours is not None else "no lading time"
        return hours, "no rule", f"no filing deadline for {shipment.kind} filings ({lead})"
    if hours is None:
        missing = "filing" if shipment.filed_at is None else "lading"
        return None, "unknown", f"no {missing} time on the filing"
    if hours < min_hours_before_lading:
        return (
            hours,
            "late",
            f"filed {hours:.1f} h before lading; due {min_hours_before_lading:g} h before",
        )
    return (
        hours,
        "on time",
        f"filed {hours:.1f} h before lading (due {min_hours_before_lading:g} h)",
    )


def _filings(
    session: Session, actor: Principal, shipment: Shipment, config: Config
) -> list[FilingTiming]:
    """The shipment and the current filings of other kinds for the same bill of lading."""
    related: list[Shipment] = [shipment]
    if shipment.bill_of_lading:
        found = cargo_shipments.list_shipments(
            session,
            actor,
            ShipmentFilter(bill_of_lading=shipment.bill_of_lading),
            PageRequest(limit=50, sort="filed_at"),
        )
        related += [s for s in found.items if s.id != shipment.id and s.kind != shipment.kind]
    limit = float(config["security_filing_late"]["min_hours_before_lading"])
    out = []
    for s in related:
        hours, verdict, reason = filing_timing(s, limit)
        out.append(
            FilingTiming(
                shipment_id=s.id,
                kind=s.kind,
                external_id=s.external_id,
                version=s.version,
                filed_at=s.filed_at,
                lading_at=s.lading_at,
                arrival_at=s.arrival_at,
                hours_before_lading=hours,
                verdict=verdict,
                reason=reason,
            )
        )
    return out


@dataclass
class PerformanceReport:
    """How the picks did per week, the mean score per week, and the drift of the active
    model's inputs (or why there is no drift report)."""

    weeks: list[dict[str, Any]]
    score_trend: list[dict[str, Any]]
    drift: dict[str, Any] | None
    drift_note: str | None


def performance_report(
    session: Session, actor: Principal, settings: Settings, *, weeks: int, days: int
) -> PerformanceReport:
    """Performance of the last ``weeks`` weeks with picks, mean score over the same weeks up
    to the latest scored day, drift over the last ``days`` days of declarations."""
    require_agency_read(actor)
    if not 1 <= weeks <= 520:
        raise InvalidInput("Bad period", [FieldProblem("weeks", "must be 1..520", value=weeks)])
    if not 1 <= days <= 366:
        raise InvalidInput("Bad period", [FieldProblem("days", "must be 1..366", value=days)])
    figures = monitor.performance(session, actor, weeks)
    latest = store.latest_scored_day(session)
    trend = monitor.weekly_score_summary(session, latest - timedelta(weeks=weeks)) if latest else []
    try:
        drift: dict[str, Any] | None = monitor.drift_report(session, actor, settings, days)
        note = None
    except NotFound as exc:
        drift, note = None, exc.message
    return PerformanceReport(figures, trend, drift, note)
