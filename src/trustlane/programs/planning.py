"""Use cases: risk-based validation planning and the specialists' capacity.

A plan ranks every active member of a program for its next validation (see
:mod:`trustlane.programs.ranking` for the factors), chooses virtual, hybrid or on-site
validation by risk, and fills the specialists' capacity in rank order. Plans are stored with
every row's reasons; ``schedule_plan`` turns the planned rows into scheduled validations.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from trustlane.programs import store, store_program
from trustlane.programs.accounts import sector_slug_of
from trustlane.programs.calendar import today
from trustlane.programs.catalogs import catalog_in_force
from trustlane.programs.membership import require_specialists
from trustlane.programs.models import Plan, Specialist, Validation
from trustlane.programs.ranking import FACTORS, Candidate, Capacity, Context, allocate, rank
from trustlane.programs.signals import collect
from trustlane.programs.validations import schedule_validation
from trustlane.programs.vocab import ACTIVE_STATUSES
from trustlane.progress import NoProgress, Progress


@dataclass(frozen=True)
class PlanParameters:
    horizon_days: int = 90
    # Total capacity units when no specialist is registered (one anonymous pool).
    capacity: float | None = None
    weights: Mapping[str, float] | None = None


@dataclass(frozen=True)
class PlanOutcome:
    plan: Plan
    rows: list[dict[str, Any]]
    timings: dict[str, float]


def _context(session: Session, program: str, as_of: date, horizon_days: int) -> Context:
    catalog = catalog_in_force(session, program).catalog
    by_sector: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    total = failed = 0
    for sector, entity_type, n, f in store_program.outcome_counts(session, program):
        total, failed = total + n, failed + f
        for key, table in ((sector, by_sector), (entity_type, by_type)):
            if key is not None:
                table[key][0] += n
                table[key][1] += f
    # Rates from fewer validations than this are noise, not a pattern of the group.
    enough = 20
    return Context(
        as_of=as_of,
        horizon_end=as_of + timedelta(days=horizon_days),
        policy=catalog.policy,
        overall_failure_rate=failed / total if total else 0.0,
        sector_failure_rate={k: v[1] / v[0] for k, v in by_sector.items() if v[0] >= enough},
        entity_type_failure_rate={k: v[1] / v[0] for k, v in by_type.items() if v[0] >= enough},
    )


def candidates(
    session: Session, program: str, as_of: date
) -> tuple[list[Candidate], dict[str, str]]:
    """Active members without a scheduled validation, with what the factors need; and the
    outside signals that could not be read."""
    members = store_program.planning_members(session, program, [s.value for s in ACTIVE_STATUSES])
    scheduled = store_program.scheduled_member_ids(session, program)
    last = store_program.last_validations(session, program)
    actions = store_program.action_counts(session, program, as_of)
    suspended = store_program.suspension_counts(session, program)
    members = [m for m in members if m.id not in scheduled]
    signals = collect(session, [m.org_id for m in members], as_of)
    out = []
    for m in members:
        outcome, required = last.get(m.id, (None, 0))
        open_n, overdue = actions.get(m.id, (0, 0))
        found = {
            name: s for name in signals.by_signal if (s := signals.of(name, m.org_id)) is not None
        }
        out.append(
            Candidate(
                member_id=m.id,
                org_id=m.org_id,
                name=m.name,
                entity_type=m.entity_type,
                sector=m.sector,
                status=m.status,
                tier=m.tier,
                certified_on=m.certified_on,
                last_validated_on=m.last_validated_on,
                validation_due=m.validation_due,
                profile_review_due=m.profile_review_due,
                last_outcome=outcome,
                last_required_actions=required,
                open_actions=open_n,
                overdue_actions=overdue,
                times_suspended=suspended.get(m.id, 0),
                specialist_user_id=m.specialist_user_id,
                signals=found,
            )
        )
    return out, signals.unavailable


def _capacities(session: Session, capacity: float | None) -> list[Capacity]:
    if capacity is not None:
        if capacity <= 0:
            raise InvalidInput("No capacity", [FieldProblem("capacity", "must be positive")])
        return [Capacity(None, capacity)]
    found = [
        Capacity(s.user_id, s.capacity, frozenset(s.sectors or ()))
        for s, _ in store.specialists(session)
    ]
    if not found:
        raise InvalidInput(
            "No specialist capacity to plan with",
            [
                FieldProblem(
                    "capacity",
                    "register specialists (`trustlane programs specialists set`) or give a "
                    "total capacity",
                )
            ],
        )
    return found


def make_plan(
    session: Session,
    actor: Principal,
    program: str,
    parameters: PlanParameters | None = None,
    *,
    as_of: date | None = None,
    progress: Progress | None = None,
) -> PlanOutcome:
    """Rank the program's members for validation under capacity and store the plan."""
    actor.require("programs:validate")
    if store.is_specialist(actor):
        raise Forbidden("A plan covers the whole membership; the program administrator makes it")
    parameters = parameters or PlanParameters()
    progress = progress or NoProgress()
    unknown = set(parameters.weights or {}) - {f.name for f in FACTORS}
    if unknown or parameters.horizon_days < 1:
        problems = [FieldProblem("weights", "unknown factor", value=n) for n in sorted(unknown)]
        if parameters.horizon_days < 1:
            problems.append(FieldProblem("horizon_days", "must be 1 or more"))
        raise InvalidInput("Bad plan parameters", problems)
    as_of = as_of or today()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    progress.update(0, 3, "reading members")
    ctx = _context(session, program, as_of, parameters.horizon_days)
    found, unavailable = candidates(session, program, as_of)
    capacities = _capacities(session, parameters.capacity)
    timings["read_s"] = time.perf_counter() - started
    progress.update(1, 3, "ranking")
    t = time.perf_counter()
    rows = rank(found, ctx, parameters.weights)
    allocate(rows, capacities)
    timings["rank_s"] = time.perf_counter() - t
    progress.update(2, 3, "storing the plan")
    out = [r.as_dict() for r in rows]
    planned = [r for r in rows if r.selected]
    summary = {
        "candidates": len(rows),
        "planned": len(planned),
        "capacity_units": sum(c.units for c in capacities),
        "units_used": sum(r.cost for r in planned),
        "by_mode": {
            m: sum(1 for r in planned if r.mode.value == m)
            for m in ("virtual", "hybrid", "on_site")
        },
        "signals_not_considered": unavailable,
    }
    plan = Plan(
        program=program,
        as_of=as_of,
        horizon_days=parameters.horizon_days,
        parameters={
            "capacity": parameters.capacity,
            "weights": dict(parameters.weights or {}),
        },
        summary=summary,
        rows=out,
        created_by=actor.label,
    )
    session.add(plan)
    session.flush()
    audit.record(
        session,
        actor,
        "plan",
        "program_plan",
        plan.id,
        summary=f"{len(planned)} of {len(rows)} members planned for validation",
        after={"program": program, **summary},
    )
    timings["total_s"] = time.perf_counter() - started
    progress.update(3, 3, "done")
    return PlanOutcome(plan, out, timings)


def get_plan(session: Session, actor: Principal, program: str, plan_id: int | None) -> PlanOutcome:
    """A stored plan (the latest when no id); a specialist sees the rows planned for it."""
    actor.require("programs:read")
    if not actor.is_agency:
        raise Forbidden("Validation plans are an agency view")
    plan = (
        store_program.plan_by_id(session, plan_id)
        if plan_id
        else store_program.latest_plan(session, program)
    )
    if plan is None or plan.program != program:
        raise NotFound(
            f"No validation plan for {program}" + (f" with id {plan_id}" if plan_id else "")
        )
    rows = list(plan.rows)
    if store.is_specialist(actor):
        rows = [r for r in rows if r["specialist_user_id"] == actor.user_id]
    return PlanOutcome(plan, rows, {})


def schedule_plan(
    session: Session, actor: Principal, program: str, plan_id: int, start: date | None = None
) -> list[Validation]:
    """Schedule a validation for every planned row, spread over the plan's horizon in rank
    order; rows whose member was scheduled meanwhile are skipped."""
    outcome = get_plan(session, actor, program, plan_id)
    actor.require("programs:validate")
    if store.is_specialist(actor):
        raise Forbidden("The program administrator schedules a plan")
    plan = outcome.plan
    start = start or max(plan.as_of, today())
    planned = [r for r in outcome.rows if r["selected"]]
    if not planned:
        raise Conflict(f"Plan {plan.id} has no planned validation")
    busy = store_program.scheduled_member_ids(session, program)
    step = plan.horizon_days / max(1, len(planned))
    made = []
    for i, row in enumerate(planned):
        if row["member_id"] in busy:
            continue
        team = [row["specialist_user_id"]] if row["specialist_user_id"] else []
        made.append(
            schedule_validation(
                session,
                actor,
                row["member_id"],
                mode=row["mode"],
                scheduled_for=start + timedelta(days=int(i * step)),
                specialist_ids=team,
                note=f"From plan {plan.id}, rank {row['rank']}.",
                plan_reasons=[*row["reasons"], *row["mode_reasons"]],
            )
        )
    return made


def set_specialist(
    session: Session,
    actor: Principal,
    user_id: int,
    *,
    capacity: float,
    sectors: Sequence[str] = (),
    active: bool = True,
) -> Specialist:
    """Register a specialist's capacity (units per planning horizon) and sectors."""
    actor.require("programs:validate")
    if store.is_specialist(actor) and actor.user_id != user_id:
        raise Forbidden("A specialist sets only its own capacity")
    require_specialists(session, [user_id], "user_id")
    if capacity < 0:
        raise InvalidInput("Bad capacity", [FieldProblem("capacity", "must be 0 or more")])
    slugs = [sector_slug_of(s) for s in sectors]
    spec = session.get(Specialist, user_id)
    before = audit.snapshot(spec) if spec is not None else None
    if spec is None:
        spec = Specialist(user_id=user_id)
        session.add(spec)
    spec.capacity, spec.sectors, spec.active = float(capacity), slugs, active
    session.flush()
    audit.record(
        session,
        actor,
        "set",
        "program_specialist",
        user_id,
        before=before,
        after=audit.snapshot(spec),
    )
    return spec


def list_specialists(session: Session, actor: Principal) -> list[tuple[Specialist, Any]]:
    actor.require("programs:read")
    if not actor.is_agency:
        raise Forbidden("Specialists are an agency view")
    return store.specialists(session)
