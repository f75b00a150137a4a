"""Use case: choose what to inspect on a day, under a capacity, with exploration and lanes.

Per office (or one office), from the shipments declared that day with a current score:

1. the capacity: a number, or a share of that office's shipments ("5%");
2. most of it by expected value (combined probability × (revenue at stake + hit value));
3. an exploration share of it chosen at random (seeded) or by uncertainty (probability
   nearest 0.5) among the rest, because only inspected goods ever get labels and a purely
   greedy selector stops learning about what it never picks. Trusted traders of a tier at
   or above ``explore_skip_tier`` are left out of exploration (fewer inspections for them;
   their negative indicator weight already lowers their expected value);
4. lanes: the picks go to ``physical`` inspection; of the rest, those whose probability is at
   least ``documents_threshold`` get a ``documents`` check; the others are released.

Each pick keeps its propensity (1 for value picks; for random exploration the chance it had
of being drawn) so later analysis can weigh exploration picks fairly.
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.errors import FieldProblem, InvalidInput, NotFound
from trustlane.targeting import store
from trustlane.targeting.models import Selection, SelectionItem


@dataclass
class SelectionPolicy:
    """How to select. ``capacity`` is a count ("12") or a share ("5%") per office."""

    capacity: str = "5%"
    exploration_share: float = 0.1
    exploration: str = "random"  # random | uncertainty
    documents_threshold: float = 0.3
    explore_skip_tier: int = 2
    seed: int = 7

    def problems(self) -> list[FieldProblem]:
        found = []
        try:
            parse_capacity(self.capacity, 100)
        except ValueError as exc:
            found.append(FieldProblem("capacity", str(exc), value=self.capacity))
        if not 0 <= self.exploration_share <= 1:
            found.append(FieldProblem("exploration_share", "must be between 0 and 1"))
        if self.exploration not in ("random", "uncertainty"):
            found.append(FieldProblem("exploration", "must be random or uncertainty"))
        if not 0 <= self.documents_threshold <= 1:
            found.append(FieldProblem("documents_threshold", "must be between 0 and 1"))
        return found


def parse_capacity(text: str, shipments: int) -> int:
    """How many of ``shipments`` may be inspected: "12" or "5%" (rounded up)."""
    text = str(text).strip()
    try:
        if text.endswith("%"):
            share = float(text[:-1])
            if not 0 <= share <= 100:
                raise ValueError
            return min(shipments, math.ceil(shipments * share / 100.0))
        count = int(text)
        if count < 0:
            raise ValueError
        return min(shipments, count)
    except ValueError:
        raise ValueError("a count (e.g. 12) or a share of shipments (e.g. 5%)") from None


def plan_office(scores: pd.DataFrame, policy: SelectionPolicy, rng: random.Random) -> pd.DataFrame:
    """Lanes for one office's shipments (columns shipment_id, score, expected_value,
    trusted_tier): pure, so it is tested on plain frames."""
    n = len(scores)
    out = scores.copy()
    lane = np.full(n, "release", dtype=object)
    picked_by = np.full(n, "lane_rule", dtype=object)
    propensity = np.zeros(n)
    capacity = parse_capacity(policy.capacity, n)
    explore = min(capacity, round(capacity * policy.exploration_share))
    greedy = capacity - explore
    order = np.lexsort((out["shipment_id"].to_numpy(), -out["expected_value"].to_numpy()))
    chosen = [int(i) for i in order[:greedy]]
    picked_by[chosen] = "value"
    propensity[chosen] = 1.0
    tiers = out["trusted_tier"].to_numpy()
    rest = [int(i) for i in order[greedy:] if int(tiers[i]) < policy.explore_skip_tier]
    if explore and rest:
        if policy.exploration == "random":
            drawn = rng.sample(rest, min(explore, len(rest)))
            picked_by[drawn] = "explore_random"
            propensity[drawn] = min(1.0, explore / len(rest))
        else:
            p = out["score"].to_numpy()[rest]
            drawn = [rest[i] for i in np.argsort(np.abs(p - 0.5), kind="stable")[:explore]]
            picked_by[drawn] = "explore_uncertainty"
            propensity[drawn] = 1.0
        chosen += drawn
    lane[chosen] = "physical"
    out["lane"], out["picked_by"], out["propensity"] = lane, picked_by, propensity
    documents = (out["lane"] == "release") & (out["score"] >= policy.documents_threshold)
    out.loc[documents, "lane"] = "documents"
    ranked = out["expected_value"].rank(ascending=False, method="first").astype(int)
    out["rank"] = ranked
    return out


def select_for_inspection(
    session: Session,
    actor: Principal,
    day: date,
    policy: SelectionPolicy,
    *,
    office: str | None = None,
) -> Selection:
    """Select the day's inspections (per office when ``office`` is None), audited."""
    actor.require("targeting:write")
    found = policy.problems()
    if found:
        raise InvalidInput("Invalid selection policy", found)
    scores = store.current_scores(session, day=day, office=office)
    if not scores:
        raise NotFound(
            f"No scored shipments declared on {day}"
            + (f" at office {office}" if office else "")
            + "; score them first (trustlane targeting score-shipments)"
        )
    frame = pd.DataFrame(
        {
            "shipment_id": [s.shipment_id for s in scores],
            "score_id": [s.id for s in scores],
            "office": [s.office for s in scores],
            "score": [s.score for s in scores],
            "expected_value": [s.expected_value for s in scores],
            "trusted_tier": [s.trusted_tier or 0 for s in scores],
        }
    )
    rng = random.Random(f"{policy.seed}:{day.isoformat()}:{office}")
    planned = [
        plan_office(group.reset_index(drop=True), policy, rng)
        for _, group in frame.groupby(frame["office"].fillna(""), sort=True)
    ]
    items = pd.concat(planned, ignore_index=True)
    counts = {k: int(v) for k, v in items["lane"].value_counts().items()}
    counts.update(
        {
            f"by_{k}": int(v)
            for k, v in items.loc[items["lane"] == "physical", "picked_by"].value_counts().items()
        }
    )
    selection = Selection(
        day=day, office=office, policy=asdict(policy), counts=counts, created_by=actor.label
    )
    session.add(selection)
    session.flush()
    items["selection_id"] = selection.id
    store.insert_selection_items(
        session,
        items[
            ["selection_id", "shipment_id", "score_id", "office", "lane", "picked_by", "rank",
             "score", "expected_value", "propensity"]
        ],
    )  # fmt: skip
    audit.record(
        session,
        actor,
        "create",
        "targeting_selection",
        selection.id,
        summary=f"selection for {day}: {counts.get('physical', 0)} physical inspections",
        after={
            "day": day.isoformat(),
            "office": office,
            "policy": asdict(policy),
            "counts": counts,
        },
    )
    return selection


def get_selection(
    session: Session, actor: Principal, selection_id: int
) -> tuple[Selection, list[SelectionItem]]:
    actor.require("targeting:read")
    selection = session.get(Selection, selection_id)
    if selection is None:
        raise NotFound(f"Selection {selection_id} not found")
    return selection, store.selection_items(session, selection_id)
