"""Use cases: ownership links between organizations (who owns what share of whom).

Rules: a share is more than 0 and at most 1; the owners of one organization hold at most 1
in total; no organization owns itself, directly or through others (a cycle would make
ultimate-owner questions unanswerable). Agency users write links; a trade member reads those
of its own organization.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from trustlane.registry.models import Organization, OwnershipLink
from trustlane.registry.orgs import get_organization
from trustlane.registry.vocab import OrgStatus

#: Rounding slack when adding shares given as decimals (0.1 + 0.2 + 0.7 is not exactly 1).
SHARE_EPSILON = 1e-9


@dataclass(frozen=True)
class Holding:
    """One link with the organization on its other side."""

    link: OwnershipLink
    other: Organization


@dataclass(frozen=True)
class OwnershipOf:
    organization: Organization
    owners: list[Holding]
    holdings: list[Holding]

    @property
    def owned_share_total(self) -> float:
        return round(sum(h.link.share for h in self.owners), 9)


def list_ownership(session: Session, actor: Principal, org_id: int) -> OwnershipOf:
    """Who owns ``org_id`` and what it owns."""
    org = get_organization(session, actor, org_id)
    owners = session.execute(
        sa.select(OwnershipLink, Organization)
        .join(Organization, Organization.id == OwnershipLink.owner_id)
        .where(OwnershipLink.owned_id == org_id)
        .order_by(OwnershipLink.share.desc(), OwnershipLink.owner_id)
    ).all()
    holdings = session.execute(
        sa.select(OwnershipLink, Organization)
        .join(Organization, Organization.id == OwnershipLink.owned_id)
        .where(OwnershipLink.owner_id == org_id)
        .order_by(OwnershipLink.share.desc(), OwnershipLink.owned_id)
    ).all()
    return OwnershipOf(
        organization=org,
        owners=[Holding(link, other) for link, other in owners],
        holdings=[Holding(link, other) for link, other in holdings],
    )


def set_owner(
    session: Session,
    actor: Principal,
    owned_id: int,
    owner_id: int,
    share: float,
    *,
    source: str | None = None,
    as_of: datetime | None = None,
) -> OwnershipLink:
    """Record that ``owner_id`` holds ``share`` of ``owned_id`` (a new link or a changed one)."""
    actor.require("orgs:write")
    if not actor.is_agency:
        raise Forbidden("Only agency users record ownership")
    if not 0 < share <= 1:
        raise InvalidInput(
            "Invalid share", [FieldProblem("share", "must be more than 0 and at most 1")]
        )
    if owner_id == owned_id:
        raise InvalidInput(
            "Invalid owner", [FieldProblem("owner_id", "an organization cannot own itself")]
        )
    owned = get_organization(session, actor, owned_id)
    owner = get_organization(session, actor, owner_id)
    for org, field in ((owned, "owned_id"), (owner, "owner_id")):
        if org.status == OrgStatus.merged.value:
            raise Conflict(
                f"Organization {org.id} was merged into {org.merged_into_id}",
                [FieldProblem(field, "use the organization it was merged into")],
            )
    link = session.scalar(
        sa.select(OwnershipLink).where(
            OwnershipLink.owner_id == owner_id, OwnershipLink.owned_id == owned_id
        )
    )
    others = owned_share_total(session, owned_id, excluding_owner=owner_id)
    if others + share > 1 + SHARE_EPSILON:
        raise Conflict(
            "Shares over 100 %",
            [
                FieldProblem(
                    "share",
                    f"other owners of organization {owned_id} hold {others:.4g} already; "
                    f"at most {max(0.0, 1 - others):.4g} is left",
                )
            ],
        )
    if link is None and reaches(session, owned_id, owner_id):
        raise Conflict(
            "Ownership cycle",
            [
                FieldProblem(
                    "owner_id",
                    f"organization {owned_id} already owns {owner_id} (directly or through "
                    "others); a cycle is not allowed",
                )
            ],
        )
    before = audit.snapshot(link) if link is not None else None
    if link is None:
        link = OwnershipLink(owner_id=owner_id, owned_id=owned_id, share=share)
        session.add(link)
    link.share = share
    link.source = source
    link.as_of = as_of
    session.flush()
    audit.record(
        session,
        actor,
        "create" if before is None else "update",
        "ownership",
        link.id,
        tenant_id=owned_id,
        before=before,
        after=audit.snapshot(link),
        summary=f"organization {owner_id} owns {share:.4g} of {owned_id}",
    )
    _reevaluate_listed_ownership(session, actor)
    return link


def remove_owner(session: Session, actor: Principal, owned_id: int, owner_id: int) -> None:
    """Delete the link saying ``owner_id`` owns part of ``owned_id``."""
    actor.require("orgs:write")
    if not actor.is_agency:
        raise Forbidden("Only agency users record ownership")
    get_organization(session, actor, owned_id)
    link = session.scalar(
        sa.select(OwnershipLink).where(
            OwnershipLink.owner_id == owner_id, OwnershipLink.owned_id == owned_id
        )
    )
    if link is None:
        raise NotFound(f"Organization {owner_id} is not recorded as an owner of {owned_id}")
    before = audit.snapshot(link)
    session.delete(link)
    session.flush()
    audit.record(
        session,
        actor,
        "delete",
        "ownership",
        before["id"],
        tenant_id=owned_id,
        before=before,
        summary=f"organization {owner_id} no longer recorded as owner of {owned_id}",
    )
    _reevaluate_listed_ownership(session, actor)


def _reevaluate_listed_ownership(session: Session, actor: Principal) -> None:
    """Screening flags organizations owned 50 % or more by listed parties (the OFAC 50 percent
    rule); a change of ownership can create or clear such a flag, so the rule runs again in
    the same transaction, when the screening package is installed."""
    if importlib.util.find_spec("trustlane.screening.ownership") is None:
        return
    from trustlane.screening.ownership import evaluate_ownership

    evaluate_ownership(session, Principal.system(f"ownership change by {actor.label}"))


def owned_share_total(
    session: Session, owned_id: int, *, excluding_owner: int | None = None
) -> float:
    stmt = sa.select(sa.func.coalesce(sa.func.sum(OwnershipLink.share), 0.0)).where(
        OwnershipLink.owned_id == owned_id
    )
    if excluding_owner is not None:
        stmt = stmt.where(OwnershipLink.owner_id != excluding_owner)
    return float(session.execute(stmt).scalar_one())


def reaches(session: Session, start: int, goal: int) -> bool:
    """Whether ``start`` owns ``goal`` directly or through a chain of holdings."""
    seen: set[int] = {start}
    frontier: set[int] = {start}
    while frontier:
        owned = set(
            session.scalars(
                sa.select(OwnershipLink.owned_id).where(OwnershipLink.owner_id.in_(frontier))
            )
        )
        if goal in owned:
            return True
        frontier = owned - seen
        seen |= frontier
    return False


def has_cycle(edges: Iterable[tuple[int, int]]) -> bool:
    """Whether the owner → owned graph ``edges`` has a cycle (depth-first, iterative)."""
    graph: dict[int, list[int]] = {}
    for owner, owned in edges:
        graph.setdefault(owner, []).append(owned)
    state: dict[int, int] = {}  # 1 = on the current path, 2 = done
    for root in list(graph):
        if state.get(root):
            continue
        stack: list[tuple[int, int]] = [(root, 0)]
        state[root] = 1
        while stack:
            node, i = stack.pop()
            children = graph.get(node, [])
            if i < len(children):
                stack.append((node, i + 1))
                child = children[i]
                if state.get(child) == 1:
                    return True
                if not state.get(child):
                    state[child] = 1
                    stack.append((child, 0))
            else:
                state[node] = 2
    return False
