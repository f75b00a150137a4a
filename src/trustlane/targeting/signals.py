"""What targeting asks of screening and programs, through one narrow door each.

Screening (alerts on parties) and trusted-trader programs (member tiers) are other packages
that may be absent, not migrated or empty. Targeting reads their tables by name only when
they exist, and otherwise gets "no alerts" and "no members": it never fails for their sake.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.db import in_batches

#: Alert states that still count against a party.
ALERT_STATES = ("open", "escalated", "true_match")
#: Member states that enjoy trusted-trader benefits.
MEMBER_STATES = ("certified", "validated")

_alerts = sa.table(
    "screening_alerts",
    sa.column("subject_id"),
    sa.column("status"),
    sa.column("category"),
    sa.column("matched_name"),
)
_subjects = sa.table("screening_subjects", sa.column("id"), sa.column("organization_id"))
_members = sa.table("programs_members", sa.column("org_id"), sa.column("status"), sa.column("tier"))


def _has(session: Session, *tables: str) -> bool:
    inspector = sa.inspect(session.connection())
    return all(inspector.has_table(t) for t in tables)


def screening_hits(session: Session, org_ids: Iterable[int]) -> dict[int, str]:
    """Organization id → a short description of its open or confirmed alerts."""
    ids = sorted({int(i) for i in org_ids})
    if not ids or not _has(session, "screening_alerts", "screening_subjects"):
        return {}
    found: dict[int, list[str]] = {}
    for batch in in_batches(ids):
        rows = session.execute(
            sa.select(_subjects.c.organization_id, _alerts.c.category, _alerts.c.matched_name)
            .join(_subjects, _subjects.c.id == _alerts.c.subject_id)
            .where(
                _subjects.c.organization_id.in_(list(batch)),
                _alerts.c.status.in_(ALERT_STATES),
            )
        )
        for org_id, category, name in rows:
            found.setdefault(int(org_id), []).append(f"{name} ({category})")
    return {k: "; ".join(sorted(set(v))[:3]) for k, v in found.items()}


def trusted_tiers(session: Session, org_ids: Iterable[int]) -> dict[int, int]:
    """Organization id → its highest trusted-trader tier among active memberships."""
    ids = sorted({int(i) for i in org_ids})
    if not ids or not _has(session, "programs_members"):
        return {}
    tiers: dict[int, int] = {}
    for batch in in_batches(ids):
        rows = session.execute(
            sa.select(_members.c.org_id, sa.func.max(_members.c.tier))
            .where(_members.c.org_id.in_(list(batch)), _members.c.status.in_(MEMBER_STATES))
            .group_by(_members.c.org_id)
        )
        for org_id, tier in rows:
            tiers[int(org_id)] = int(tier or 1)
    return tiers
