"""Pure rules that decide with reasons: a validation's proposed outcome and a member's tier.

Each returns the verdict and the sentences behind it; a specialist may override either, and
the override is kept beside the proposal with its own reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from trustlane.programs.catalog import Catalog, natural_key
from trustlane.programs.vocab import FindingKind, Level, MemberStatus, Outcome


@dataclass(frozen=True)
class Reason:
    """A code a program can count and a sentence a person can read (and, in rankings, the
    points the reason adds)."""

    code: str
    text: str
    points: float | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "text": self.text}
        if self.points is not None:
            out["points"] = round(self.points, 2)
        return out


def _listed(ids: list[str], limit: int = 8) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def propose_outcome(
    findings: Mapping[str, FindingKind], catalog: Catalog
) -> tuple[Outcome, list[Reason]]:
    """The outcome the findings call for.

    Failed when required actions fall on at least ``policy.failure_required_actions`` "must"
    criteria: the member's program has gaps too wide to keep benefits while they are closed.
    Passed with actions when there is any required action; passed otherwise.
    """
    by_id = catalog.by_id
    required = sorted(
        (c for c, k in findings.items() if k == FindingKind.required_action), key=natural_key
    )
    must = [c for c in required if c in by_id and by_id[c].level == Level.must]
    best = sum(1 for k in findings.values() if k == FindingKind.best_practice)
    threshold = catalog.policy.failure_required_actions
    if not required:
        reasons = [
            Reason(
                "no_required_actions",
                f"All {len(findings)} criteria reviewed meet the minimum"
                + (f", {best} of them as best practice." if best else "."),
            )
        ]
        return Outcome.passed, reasons
    if threshold and len(must) >= threshold:
        return Outcome.failed, [
            Reason(
                "required_actions_on_must_criteria",
                f"Required actions on {len(must)} 'must' criteria ({_listed(must)}), "
                f"at or above the program's threshold of {threshold}.",
            )
        ]
    return Outcome.passed_with_actions, [
        Reason(
            "required_actions",
            f"{len(required)} required actions ({_listed(required)}), {len(must)} of them on "
            f"'must' criteria, below the failure threshold of {threshold}; to be closed within "
            f"{catalog.policy.action_due_days} days.",
        )
    ]


@dataclass(frozen=True)
class TierFacts:
    """What the tier depends on."""

    status: MemberStatus
    certified_on: date | None
    last_validated_on: date | None
    last_outcome: Outcome | None
    last_basis: str | None  # agency | mutual_recognition
    last_required_actions: int
    last_best_practices: int
    open_actions: int


def propose_tier(facts: TierFacts, catalog: Catalog) -> tuple[int | None, list[Reason]]:
    """Tier I: certified, or validated with required actions still open. Tier II: validated
    with every required action closed. Tier III: validated by this agency with no required
    action and at least ``policy.tier3_best_practices`` best practices."""
    status = facts.status
    if status not in (MemberStatus.certified, MemberStatus.validated):
        return None, [Reason("no_tier", f"No benefit tier while the membership is {status.value}.")]
    if status == MemberStatus.certified or facts.last_validated_on is None:
        since = f" on {facts.certified_on.isoformat()}" if facts.certified_on else ""
        return 1, [
            Reason("certified_not_validated", f"Certified{since}; not validated yet: tier I.")
        ]
    if facts.open_actions:
        return 1, [
            Reason(
                "required_actions_open",
                f"Validated on {facts.last_validated_on.isoformat()} with "
                f"{facts.open_actions} required actions still open: tier I until they are "
                "closed.",
            )
        ]
    needed = catalog.policy.tier3_best_practices
    if (
        facts.last_basis == "agency"
        and facts.last_required_actions == 0
        and needed
        and facts.last_best_practices >= needed
    ):
        return 3, [
            Reason(
                "exceeds_criteria",
                f"Validated on {facts.last_validated_on.isoformat()} with no required action "
                f"and {facts.last_best_practices} best practices (tier III needs {needed}).",
            )
        ]
    how = (
        "through mutual recognition"
        if facts.last_basis == "mutual_recognition"
        else "by the agency"
    )
    detail = (
        "every required action closed"
        if facts.last_required_actions
        else f"{facts.last_best_practices} best practices (tier III needs {needed})"
    )
    return 2, [
        Reason(
            "validated",
            f"Validated {how} on {facts.last_validated_on.isoformat()}, {detail}: tier II.",
        )
    ]
