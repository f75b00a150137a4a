"""Screening as a signal per organization (for validation planning).

``org_signals(session, org_ids, on)`` is the provider the programs package looks for. It reads
the alerts on registry organizations (subjects of kind ``organization``) and the flags of the
50 percent rule, as they stood at the end of day ``on``:

- a true match decided by ``on`` on a sanctions list: severity 1.0 (the organization is
  listed; its property is blocked);
- blocked by ownership (an active flag of the 50 percent rule that was already raised by
  ``on``): severity 1.0;
- a true match decided by ``on`` on another list (export control, forced labor, withhold
  release orders, internal lists): severity 0.9;
- open alerts (raised by ``on`` and not decided by then; escalated ones count as open):
  severity 0.7 × the best score among them. Alerts are raised only above the review
  threshold, so every open alert is a hit above it; a score of 0.9 gives 0.63;
- nothing of these (no alerts, or only alerts cleared as false positives by ``on``): no
  signal for the organization.

Severity is the largest of the findings; the text names each finding with its list, entry
and alert ids. Two queries per batch of organizations (alerts, ownership flags).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from trustlane.db import in_batches
from trustlane.screening.models import Alert, OwnershipFlag, Subject, WatchList

#: Severity of a confirmed match on a sanctions list, and of being blocked by ownership.
LISTED_SEVERITY = 1.0
#: Severity of a confirmed match on a list of another category.
CONFIRMED_SEVERITY = 0.9
#: Severity of open alerts, times the best score among them.
OPEN_SEVERITY = 0.7
#: Alert states still waiting for (or under) review.
OPEN_STATES = ("open", "escalated")


@dataclass(frozen=True)
class OrgSignal:
    severity: float
    text: str


@dataclass
class _Found:
    """What was found on one organization, before it is put in words."""

    confirmed: list[tuple[int, str, str, str, str]] = field(default_factory=list)
    open: list[tuple[int, float, str, str, str]] = field(default_factory=list)
    blocked: tuple[float, list[dict[str, Any]]] | None = None


def _end_of(on: date) -> datetime:
    """The first instant after day ``on`` (UTC): what is dated before it is dated by ``on``."""
    return datetime.combine(on + timedelta(days=1), time(), tzinfo=UTC)


def _alerts(batch: Sequence[int], cutoff: datetime) -> sa.Select[*tuple[Any, ...]]:
    confirmed = sa.and_(Alert.status == "true_match", Alert.decided_at < cutoff)
    still_open = sa.or_(
        Alert.status.in_(OPEN_STATES),
        # Decided (either way) after the day: still open on it.
        sa.and_(Alert.status.in_(("true_match", "false_positive")), Alert.decided_at >= cutoff),
    )
    return (
        sa.select(
            Subject.organization_id,
            Alert.id,
            Alert.status,
            Alert.decided_at,
            Alert.category,
            Alert.score,
            Alert.entry_key,
            Alert.matched_name,
            WatchList.name,
        )
        .join(Subject, Subject.id == Alert.subject_id)
        .join(WatchList, WatchList.id == Alert.list_id)
        .where(
            Subject.kind == "organization",
            Subject.organization_id.in_(batch),
            Alert.created_at < cutoff,
            sa.or_(confirmed, still_open),
        )
        .order_by(Subject.organization_id, Alert.score.desc(), Alert.id)
    )


def _flags(batch: Sequence[int], cutoff: datetime) -> sa.Select[Any]:
    """Active flags of organizations that were flagged by ``cutoff`` already (every
    evaluation writes the flags anew, so the active flag itself may be younger)."""
    earlier = aliased(OwnershipFlag)
    return sa.select(OwnershipFlag.org_id, OwnershipFlag.share, OwnershipFlag.chain).where(
        OwnershipFlag.active.is_(True),
        OwnershipFlag.org_id.in_(batch),
        sa.exists().where(earlier.org_id == OwnershipFlag.org_id, earlier.computed_at < cutoff),
    )


def _words(found: _Found) -> OrgSignal:
    severity = 0.0
    parts: list[str] = []
    for alert_id, category, list_name, key, name in found.confirmed:
        listed = category == "sanctions"
        severity = max(severity, LISTED_SEVERITY if listed else CONFIRMED_SEVERITY)
        parts.append(
            f"Confirmed true match on {list_name} entry {key} {name!r} ({category}, "
            f"alert {alert_id})."
        )
    if found.blocked is not None:
        share, chain = found.blocked
        severity = max(severity, LISTED_SEVERITY)
        owners = ", ".join(
            f"{link.get('owner') or link.get('owner_id')} {float(link.get('share', 0)):.0%}"
            for link in chain
        )
        parts.append(
            f"Blocked by ownership: {share:.0%} held by listed parties"
            + (f" ({owners})." if owners else ".")
        )
    if found.open:
        _, best, list_name, key, name = found.open[0]
        severity = max(severity, OPEN_SEVERITY * best)
        n = len(found.open)
        ids = ", ".join(str(a[0]) for a in found.open[:5]) + (", ..." if n > 5 else "")
        parts.append(
            f"{n} open screening alert{'s' if n != 1 else ''} (best {best:.2f} against "
            f"{list_name} entry {key} {name!r}; alert{'s' if n != 1 else ''} {ids})."
        )
    return OrgSignal(round(min(1.0, severity), 3), " ".join(parts))


def org_signals(session: Session, org_ids: Sequence[int], on: date) -> Mapping[int, OrgSignal]:
    """Confirmed matches, ownership blocks and open alerts of each organization at the end
    of day ``on``; organizations with none of them are absent."""
    cutoff = _end_of(on)
    found: dict[int, _Found] = {}
    for batch in in_batches(sorted({int(i) for i in org_ids})):
        for (
            org_id,
            alert_id,
            status,
            decided_at,
            category,
            score,
            key,
            name,
            list_name,
        ) in session.execute(_alerts(batch, cutoff)):
            mine = found.setdefault(int(org_id), _Found())
            if status == "true_match" and decided_at is not None and decided_at < cutoff:
                mine.confirmed.append((int(alert_id), str(category), list_name, key, name))
            else:
                mine.open.append((int(alert_id), float(score), list_name, key, name))
        for org_id, share, chain in session.execute(_flags(batch, cutoff)):
            mine = found.setdefault(int(org_id), _Found())
            if mine.blocked is None or float(share) > mine.blocked[0]:
                mine.blocked = (float(share), list(chain or []))
    return {org_id: _words(f) for org_id, f in found.items()}
