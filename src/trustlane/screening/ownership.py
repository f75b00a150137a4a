"""The 50 percent rule: an organization owned 50% or more, alone or in aggregate, by listed
parties is blocked by ownership, and so, in turn, are the organizations it owns half of.

Listed parties are registry organizations whose screening alert was decided a true match
on a sanctions list. Ownership links (share and source) come from the registry. The flag
carries the chain of owners as its reason; evaluating again after a list or ownership
change replaces the previous flags.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.paging import Page, PageRequest, paginate
from trustlane.registry.models import Organization, OwnershipLink
from trustlane.screening.models import Alert, OwnershipFlag, Subject

#: Aggregate share from which an owned organization is blocked (OFAC guidance, 2014).
BLOCKING_SHARE = 0.5


@dataclass(frozen=True)
class Listed:
    org_id: int
    why: str  # the list entry, or "blocked by ownership"


def listed_organizations(session: Session) -> dict[int, str]:
    """org id → the list entry it was confirmed to match (sanctions lists)."""
    rows = session.execute(
        sa.select(Subject.organization_id, Alert.entry_key, Alert.matched_name)
        .join(Alert, Alert.subject_id == Subject.id)
        .where(
            Subject.kind == "organization",
            Subject.organization_id.is_not(None),
            Alert.status == "true_match",
            Alert.category == "sanctions",
        )
    ).all()
    return {int(org): f"listed as {name} ({key})" for org, key, name in rows if org is not None}


def blocked_by_ownership(
    listed: dict[int, str], links: list[tuple[int, int, float, str | None]]
) -> dict[int, tuple[float, list[dict[str, object]]]]:
    """Organizations blocked by ownership: owned id → (aggregate share, chain of owners).

    Pure: ``links`` are (owner, owned, share, source). Iterates to a fixed point so that an
    organization blocked by ownership counts as a listed owner further down the chain."""
    blocked: dict[int, tuple[float, list[dict[str, object]]]] = {}
    reasons = dict(listed)
    changed = True
    while changed:
        changed = False
        totals: dict[int, float] = {}
        chains: dict[int, list[dict[str, object]]] = {}
        for owner, owned, share, source in links:
            if owner in reasons and owned not in reasons:
                totals[owned] = totals.get(owned, 0.0) + share
                chains.setdefault(owned, []).append(
                    {"owner_id": owner, "share": share, "source": source, "why": reasons[owner]}
                )
        for owned, total in totals.items():
            if total >= BLOCKING_SHARE - 1e-9:
                blocked[owned] = (round(total, 4), chains[owned])
                reasons[owned] = f"blocked by ownership ({total:.0%} held by listed parties)"
                changed = True
    return blocked


def evaluate_ownership(session: Session, actor: Principal) -> list[OwnershipFlag]:
    """Recompute every ownership flag (previous flags are deactivated, audited)."""
    actor.require("screening:review")
    listed = listed_organizations(session)
    links = [
        (int(a), int(b), float(s), src)
        for a, b, s, src in session.execute(
            sa.select(
                OwnershipLink.owner_id,
                OwnershipLink.owned_id,
                OwnershipLink.share,
                OwnershipLink.source,
            )
        )
    ]
    blocked = blocked_by_ownership(listed, links)
    session.execute(
        sa.update(OwnershipFlag).where(OwnershipFlag.active.is_(True)).values(active=False)
    )
    names = dict(session.execute(sa.select(Organization.id, Organization.name)).all())
    flags: list[OwnershipFlag] = []
    for org_id, (share, chain) in sorted(blocked.items()):
        for link in chain:
            link["owner"] = names.get(int(str(link["owner_id"])), "?")
        flag = OwnershipFlag(org_id=org_id, tenant_id=org_id, share=share, chain=chain, active=True)
        session.add(flag)
        flags.append(flag)
    session.flush()
    for flag in flags:
        audit.record(
            session, actor, "flag", "ownership", flag.org_id, tenant_id=flag.org_id,
            summary=f"blocked by ownership: {flag.share:.0%} held by listed parties",
            after=audit.snapshot(flag),
        )  # fmt: skip
    return flags


@dataclass
class OwnerLink:
    """One owner of a blocked organization: its share, where the link comes from, why the
    owner counts as listed, and (for the agency) the alert that confirmed it or the flag
    that blocks it in turn."""

    owner_id: int
    owner: str
    share: float
    source: str | None
    why: str
    confirmed_alert_id: int | None = None
    owner_flag: FlagView | None = None


@dataclass
class FlagView:
    org_id: int
    organization: str
    share: float
    computed_at: datetime
    chain: list[OwnerLink]


def list_ownership_flags(
    session: Session, actor: Principal, page: PageRequest, text: str | None = None
) -> Page[FlagView]:
    """The active flags, largest share first, searchable by organization name; a trade
    member sees its own organization's flag only. For agency users each owner that is
    blocked by ownership itself carries its own flag, so the whole chain can be read."""
    from trustlane.screening import store

    actor.require("screening:read")
    stmt = sa.select(OwnershipFlag).where(OwnershipFlag.active.is_(True))
    if actor.tenant_id is not None:
        stmt = stmt.where(OwnershipFlag.tenant_id == actor.tenant_id)
    if text and text.strip():
        matching = sa.select(Organization.id).where(
            sa.func.lower(Organization.name).contains(text.strip().lower(), autoescape=True)
        )
        stmt = stmt.where(OwnershipFlag.org_id.in_(matching))
    found = paginate(
        session,
        stmt,
        page,
        {"share": OwnershipFlag.share},
        [OwnershipFlag.share.desc(), OwnershipFlag.org_id],
    )
    flags: list[OwnershipFlag] = list(found.items)
    all_flags = {f.org_id: f for f in flags}
    if actor.is_agency:
        all_flags = {
            f.org_id: f
            for f in session.scalars(sa.select(OwnershipFlag).where(OwnershipFlag.active.is_(True)))
        }
    org_ids = set(all_flags) | {
        int(link["owner_id"]) for f in all_flags.values() for link in f.chain
    }
    names = store.organization_names(session, org_ids)
    confirmed = store.confirmed_alerts_of_organizations(session, org_ids) if actor.is_agency else {}

    def view(flag: OwnershipFlag, seen: frozenset[int]) -> FlagView:
        links: list[OwnerLink] = []
        for link in flag.chain:
            owner_id = int(link["owner_id"])
            nested = all_flags.get(owner_id) if actor.is_agency else None
            links.append(
                OwnerLink(
                    owner_id=owner_id,
                    owner=names.get(owner_id) or str(link.get("owner") or owner_id),
                    share=float(link["share"]),
                    source=link.get("source"),
                    why=str(link.get("why") or ""),
                    confirmed_alert_id=confirmed.get(owner_id),
                    owner_flag=view(nested, seen | {owner_id})
                    if nested is not None and owner_id not in seen
                    else None,
                )
            )
        return FlagView(
            org_id=flag.org_id,
            organization=names.get(flag.org_id, str(flag.org_id)),
            share=flag.share,
            computed_at=flag.computed_at,
            chain=links,
        )

    items = [view(f, frozenset({f.org_id})) for f in flags]
    return Page(items=items, total=found.total, limit=found.limit, offset=found.offset)
