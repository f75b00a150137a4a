"""Risk-based validation planning, as pure functions: factors → score → rank → mode →
allocation under the specialists' capacity. Every point of a score has a sentence.

Factors read as a table (``FACTORS``): each is a small documented function returning a
strength (about -1 to 1) and a sentence, or None when it has nothing to say; the points are
strength × weight. Weights can be overridden per plan.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from trustlane.programs.catalog import Policy
from trustlane.programs.signals import OrgSignal
from trustlane.programs.verdicts import Reason
from trustlane.programs.vocab import MODE_COST, ValidationMode


@dataclass(frozen=True)
class Candidate:
    """A member that can be planned, with what the factors look at."""

    member_id: int
    org_id: int
    name: str
    entity_type: str
    sector: str | None
    status: str
    tier: int | None
    certified_on: date | None
    last_validated_on: date | None
    validation_due: date | None
    profile_review_due: date | None
    last_outcome: str | None
    last_required_actions: int
    open_actions: int
    overdue_actions: int
    times_suspended: int
    specialist_user_id: int | None
    signals: Mapping[str, OrgSignal] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """What the factors compare a member with."""

    as_of: date
    horizon_end: date
    policy: Policy
    overall_failure_rate: float
    sector_failure_rate: Mapping[str, float]
    entity_type_failure_rate: Mapping[str, float]


Strength = tuple[float, str] | None


def validation_overdue(c: Candidate, ctx: Context) -> Strength:
    """The validation or revalidation is past due (full strength) or falls due in the horizon."""
    if c.validation_due is None:
        return None
    if c.validation_due < ctx.as_of:
        days = (ctx.as_of - c.validation_due).days
        what = "First validation" if c.last_validated_on is None else "Revalidation"
        return 1.0, f"{what} overdue by {days} days (due {c.validation_due.isoformat()})."
    if c.validation_due <= ctx.horizon_end:
        return 0.6, f"Validation falls due on {c.validation_due.isoformat()}, within the horizon."
    months = (c.validation_due - ctx.horizon_end).days / 30.4
    if months <= 12:
        return 0.2, f"Validation due on {c.validation_due.isoformat()}, within a year after it."
    return None


def never_validated(c: Candidate, ctx: Context) -> Strength:
    """Certified on a self-assessment alone: nobody has checked the profile yet."""
    if c.last_validated_on is not None:
        return None
    since = f" since {c.certified_on.isoformat()}" if c.certified_on else ""
    return 1.0, f"Never validated: certified{since} on its self-assessment alone."


def previous_findings(c: Candidate, ctx: Context) -> Strength:
    """Required actions at the last validation, relative to the program's failure threshold."""
    if c.last_validated_on is None or c.last_required_actions == 0:
        return None
    threshold = max(1, ctx.policy.failure_required_actions)
    strength = min(1.0, c.last_required_actions / threshold)
    return strength, f"{c.last_required_actions} required actions at the last validation."


def last_validation_failed(c: Candidate, ctx: Context) -> Strength:
    if c.last_outcome != "failed":
        return None
    return 1.0, "The last validation failed."


def overdue_actions(c: Candidate, ctx: Context) -> Strength:
    """Required actions past their due date: the member is not closing its gaps."""
    if not c.overdue_actions:
        return None
    return min(1.0, c.overdue_actions / 3), f"{c.overdue_actions} required actions overdue."


def tier_held(c: Candidate, ctx: Context) -> Strength:
    """Tier III members showed best practices (lower risk); tier I members are unproven."""
    if c.tier == 3:
        return -1.0, "Tier III: exceeded the criteria at its last validation."
    if c.tier == 1:
        return 0.5, "Tier I: benefits not yet backed by a clean validation."
    return None


def _signal(name: str, label: str) -> Callable[[Candidate, Context], Strength]:
    def factor(c: Candidate, ctx: Context) -> Strength:
        found = c.signals.get(name)
        if found is None or found.severity <= 0:
            return None
        return found.severity, f"{label}: {found.text}"

    factor.__name__ = name
    factor.__doc__ = f"{label}, from the {name} signal (severity 0..1)."
    return factor


def _rate_factor(
    rates: Callable[[Context], Mapping[str, float]],
    key: Callable[[Candidate], str | None],
    what: str,
) -> Callable[[Candidate, Context], Strength]:
    def factor(c: Candidate, ctx: Context) -> Strength:
        k = key(c)
        if k is None or k not in rates(ctx) or ctx.overall_failure_rate <= 0:
            return None
        rate = rates(ctx)[k]
        relative = (rate - ctx.overall_failure_rate) / ctx.overall_failure_rate
        if abs(relative) < 0.1:
            return None
        strength = max(-1.0, min(1.0, relative))
        return strength, (
            f"{what} {k}: {rate:.0%} of validations failed against {ctx.overall_failure_rate:.0%} "
            "across the program."
        )

    return factor


def profile_review_overdue(c: Candidate, ctx: Context) -> Strength:
    if c.profile_review_due is None or c.profile_review_due >= ctx.as_of:
        return None
    return 1.0, f"Annual profile review overdue since {c.profile_review_due.isoformat()}."


def suspension_history(c: Candidate, ctx: Context) -> Strength:
    if not c.times_suspended:
        return None
    times = "once" if c.times_suspended == 1 else f"{c.times_suspended} times"
    return min(1.0, c.times_suspended / 2), f"Suspended {times} before."


@dataclass(frozen=True)
class Factor:
    name: str
    weight: float
    func: Callable[[Candidate, Context], Strength]


FACTORS: list[Factor] = [
    Factor("validation_overdue", 40, validation_overdue),
    Factor("never_validated", 15, never_validated),
    Factor("previous_findings", 20, previous_findings),
    Factor("last_validation_failed", 20, last_validation_failed),
    Factor("overdue_actions", 15, overdue_actions),
    Factor("tier", 10, tier_held),
    Factor("inspection_outcomes", 20, _signal("inspection_outcomes", "Inspections")),
    Factor("targeting_risk", 15, _signal("targeting_risk", "Targeting")),
    Factor("screening_hits", 25, _signal("screening_hits", "Screening")),
    Factor("supply_chain_exposure", 15, _signal("supply_chain_exposure", "Supply chain")),
    Factor(
        "sector_failure_rate",
        8,
        _rate_factor(lambda x: x.sector_failure_rate, lambda c: c.sector, "Sector"),
    ),
    Factor(
        "entity_type_failure_rate",
        5,
        _rate_factor(lambda x: x.entity_type_failure_rate, lambda c: c.entity_type, "Entity type"),
    ),
    Factor("profile_review_overdue", 5, profile_review_overdue),
    Factor("suspension_history", 10, suspension_history),
]

#: Scores at or above which a validation is planned on site / hybrid instead of virtual.
ON_SITE_SCORE = 60.0
HYBRID_SCORE = 35.0
#: Severity of a screening, inspection or exposure signal that calls for a site visit.
SITE_SIGNAL_SEVERITY = 0.5


def score(
    c: Candidate, ctx: Context, weights: Mapping[str, float] | None = None
) -> tuple[float, list[Reason]]:
    """The member's planning score and the reasons behind each point, largest first."""
    total = 0.0
    reasons: list[Reason] = []
    for factor in FACTORS:
        found = factor.func(c, ctx)
        if found is None:
            continue
        strength, text = found
        points = strength * (weights or {}).get(factor.name, factor.weight)
        if points == 0:
            continue
        total += points
        reasons.append(Reason(factor.name, text, points))
    reasons.sort(key=lambda r: -abs(r.points or 0))
    return round(total, 2), reasons


def choose_mode(c: Candidate, total: float) -> tuple[ValidationMode, list[Reason]]:
    """On site where the risk calls for eyes on the premises; virtual where it allows."""
    site: list[str] = []
    if c.last_validated_on is None:
        site.append("a first validation is done on site")
    if c.last_outcome == "failed":
        site.append("the last validation failed")
    for name in ("screening_hits", "inspection_outcomes", "supply_chain_exposure"):
        s = c.signals.get(name)
        if s is not None and s.severity >= SITE_SIGNAL_SEVERITY:
            site.append(f"{name.replace('_', ' ')} severity {s.severity:.2f}")
    if total >= ON_SITE_SCORE:
        site.append(f"score {total:.0f} ≥ {ON_SITE_SCORE:.0f}")
    if site:
        return ValidationMode.on_site, [Reason("on_site", "On site: " + "; ".join(site) + ".")]
    if total >= HYBRID_SCORE:
        return ValidationMode.hybrid, [
            Reason(
                "hybrid",
                f"Hybrid: score {total:.0f} between {HYBRID_SCORE:.0f} and {ON_SITE_SCORE:.0f}; "
                "documents reviewed remotely, a short visit to the premises.",
            )
        ]
    return ValidationMode.virtual, [
        Reason(
            "virtual",
            f"Virtual: score {total:.0f} < {HYBRID_SCORE:.0f}, validated before without failure "
            "and no outside signal calling for a visit.",
        )
    ]


@dataclass(frozen=True)
class Capacity:
    """A specialist's capacity units in the horizon and the sectors it covers (empty: any)."""

    user_id: int | None
    units: float
    sectors: frozenset[str] = frozenset()

    def covers(self, sector: str | None) -> bool:
        return not self.sectors or (sector is not None and sector in self.sectors)


@dataclass
class PlanRow:
    rank: int
    candidate: Candidate
    score: float
    reasons: list[Reason]
    mode: ValidationMode
    mode_reasons: list[Reason]
    cost: float
    selected: bool = False
    specialist_user_id: int | None = None
    selection: str = ""

    def as_dict(self) -> dict[str, Any]:
        c = self.candidate
        return {
            "rank": self.rank,
            "member_id": c.member_id,
            "org_id": c.org_id,
            "name": c.name,
            "entity_type": c.entity_type,
            "sector": c.sector,
            "tier": c.tier,
            "validation_due": c.validation_due.isoformat() if c.validation_due else None,
            "score": self.score,
            "reasons": [r.as_dict() for r in self.reasons],
            "mode": self.mode.value,
            "mode_reasons": [r.as_dict() for r in self.mode_reasons],
            "cost": self.cost,
            "selected": self.selected,
            "specialist_user_id": self.specialist_user_id,
            "selection": self.selection,
        }


def rank(
    candidates: Sequence[Candidate], ctx: Context, weights: Mapping[str, float] | None = None
) -> list[PlanRow]:
    """Every candidate scored, highest first (ties: earliest due date, then member id)."""
    rows = []
    for c in candidates:
        total, reasons = score(c, ctx, weights)
        mode, mode_reasons = choose_mode(c, total)
        rows.append(PlanRow(0, c, total, reasons, mode, mode_reasons, MODE_COST[mode]))
    rows.sort(
        key=lambda r: (-r.score, r.candidate.validation_due or date.max, r.candidate.member_id)
    )
    for i, row in enumerate(rows, start=1):
        row.rank = i
    return rows


def allocate(rows: Sequence[PlanRow], capacities: Sequence[Capacity]) -> None:
    """Give ranked members to specialists until capacity runs out, in rank order.

    The member's own specialist is preferred; otherwise the specialist covering the sector
    with the most capacity left. A member whose validation does not fit is skipped with the
    reason, and cheaper (virtual) validations further down may still fit.
    """
    left = {i: cap.units for i, cap in enumerate(capacities)}
    for row in rows:
        c = row.candidate
        fits = [
            i for i, cap in enumerate(capacities) if cap.covers(c.sector) and left[i] >= row.cost
        ]
        if not fits:
            covering = [i for i, cap in enumerate(capacities) if cap.covers(c.sector)]
            row.selection = (
                f"Not planned: no specialist has {row.cost:g} capacity units left for a "
                f"{row.mode.value.replace('_', '-')} validation."
                if covering
                else f"Not planned: no specialist covers sector {c.sector or '(none)'}."
            )
            continue
        own = [i for i in fits if capacities[i].user_id == c.specialist_user_id]
        pick = own[0] if own else max(fits, key=lambda i: (left[i], -i))
        left[pick] -= row.cost
        row.selected = True
        row.specialist_user_id = capacities[pick].user_id
        who = "its own specialist" if own else "the covering specialist with most capacity left"
        row.selection = f"Planned (rank {row.rank}) with {who}; costs {row.cost:g} units."
