"""Use case: merge a duplicate (often a proposed record) into another organization.

Everything that points at the duplicate is re-pointed at the one that stays: its
identifiers, addresses, roles and aliases, and every foreign key of every package onto
``organizations.id`` (found from the schema's metadata, so that tables added by later
packages are covered without changes here). The duplicate stays as a record with status
``merged`` and ``merged_into_id``, so that old links and the audit trail still make sense,
and its name becomes an alias of the target so that later filings naming it resolve there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.errors import Conflict, FieldProblem, Forbidden, InvalidInput
from trustlane.registry import store
from trustlane.registry.models import OrgAlias, Organization, OrgNameToken, OwnershipLink
from trustlane.registry.names import name_key
from trustlane.registry.orgs import get_organization, org_snapshot
from trustlane.registry.ownership import SHARE_EPSILON, owned_share_total, reaches
from trustlane.registry.vocab import AliasKind, OrgStatus

#: Tables the merge handles itself before the generic re-pointing.
HANDLED_TABLES = {OwnershipLink.__tablename__, OrgNameToken.__tablename__}

#: Fields copied from the duplicate when the target has none.
FILLED_FIELDS = ("country", "sector", "website")


@dataclass
class MergeResult:
    source: Organization
    target: Organization
    moved: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        moved = ", ".join(f"{k} {v}" for k, v in sorted(self.moved.items())) or "nothing"
        text = (
            f"merged organization {self.source.id} ({self.source.name}) into "
            f"{self.target.id} ({self.target.name}); moved: {moved}"
        )
        if self.dropped:
            dropped = ", ".join(f"{k} {v}" for k, v in sorted(self.dropped.items()))
            text += f"; duplicates dropped: {dropped}"
        return text


def merge_organizations(
    session: Session, actor: Principal, source_id: int, target_id: int
) -> MergeResult:
    """Merge ``source_id`` into ``target_id`` (agency users only); all or nothing."""
    actor.require("orgs:write")
    if not actor.is_agency:
        raise Forbidden("Only agency users merge organizations")
    if source_id == target_id:
        raise InvalidInput(
            "Invalid merge", [FieldProblem("into_id", "an organization cannot merge into itself")]
        )
    source = get_organization(session, actor, source_id)
    target = get_organization(session, actor, target_id)
    if source.status == OrgStatus.merged.value:
        raise Conflict(f"Organization {source_id} was merged into {source.merged_into_id} already")
    if target.status == OrgStatus.merged.value:
        raise Conflict(
            f"Organization {target_id} was merged into {target.merged_into_id}; merge into that",
            [FieldProblem("into_id", f"use {target.merged_into_id}")],
        )
    if source.kind != target.kind:
        raise Conflict(f"Cannot merge a {source.kind} organization into a {target.kind} one")
    session.flush()
    before_source, before_target = org_snapshot(source), org_snapshot(target)
    # A savepoint: a rule broken half-way (shares, cycles) leaves nothing half-merged even
    # when the caller catches the error and commits other work.
    with session.begin_nested():
        result = _merge(session, source, target)
    audit.record(
        session,
        actor,
        "merge",
        "organization",
        target.id,
        tenant_id=target.id,
        before=before_target,
        after=org_snapshot(result.target),
        summary=result.summary(),
    )
    audit.record(
        session,
        actor,
        "merged",
        "organization",
        source.id,
        tenant_id=source.id,
        before=before_source,
        after=org_snapshot(result.source),
        summary=result.summary(),
    )
    return result


def _merge(session: Session, source: Organization, target: Organization) -> MergeResult:
    s, t = source.id, target.id
    names = [(source.name, AliasKind.merged.value)] + [(a.name, a.kind) for a in source.aliases]
    filled = {f: getattr(source, f) for f in FILLED_FIELDS if getattr(target, f) is None}
    result = MergeResult(source=source, target=target)
    moved, dropped = _merge_ownership(session, s, t)
    if moved:
        result.moved["org_ownership"] = moved
    if dropped:
        result.dropped["org_ownership"] = dropped
    session.execute(sa.delete(OrgNameToken).where(OrgNameToken.org_id == s))
    for ref in store.organization_references(session):
        if ref.table.name in HANDLED_TABLES:
            continue
        n_moved, n_dropped = store.repoint(session, ref, s, t)
        if n_moved:
            result.moved[ref.label] = n_moved
        if n_dropped:
            result.dropped[ref.label] = n_dropped
    # The target may have had the duplicate as its parent.
    session.execute(
        sa.update(Organization)
        .where(Organization.id == t, Organization.parent_id == t)
        .values(parent_id=None)
    )
    # Core statements changed rows behind the ORM's back: reload what it holds.
    session.expire_all()
    source = session.get_one(Organization, s)
    target = session.get_one(Organization, t)
    _dedupe_addresses(session, target)
    known = {name_key(target.name)} | {a.name_key for a in target.aliases}
    for name, kind in names:
        key = name_key(name)
        if key and key not in known:
            known.add(key)
            kind = kind if kind != AliasKind.alias.value else AliasKind.merged.value
            target.aliases.append(OrgAlias(name=name, name_key=key, kind=kind))
    for field_name, value in filled.items():
        setattr(target, field_name, value)
    source.status = OrgStatus.merged.value
    source.merged_into_id = t
    session.flush()
    store.reindex_names(session, [target, source])
    result.source, result.target = source, target
    return result


def _merge_ownership(session: Session, s: int, t: int) -> tuple[int, int]:
    """Move the duplicate's ownership links to the target. A link between the two goes (it
    would be self-ownership); a link the target has too keeps the larger share (the same
    stake recorded twice, not two stakes)."""
    links = list(
        session.scalars(
            sa.select(OwnershipLink).where(
                sa.or_(OwnershipLink.owner_id.in_((s, t)), OwnershipLink.owned_id.in_((s, t)))
            )
        )
    )
    by_pair = {(link.owner_id, link.owned_id): link for link in links}
    moved = dropped = 0
    for link in links:
        if {link.owner_id, link.owned_id} == {s, t}:
            session.delete(link)
            dropped += 1
            continue
        if s not in (link.owner_id, link.owned_id):
            continue
        pair = (
            t if link.owner_id == s else link.owner_id,
            t if link.owned_id == s else link.owned_id,
        )
        twin = by_pair.get(pair)
        if twin is not None:
            twin.share = max(twin.share, link.share)
            session.delete(link)
            dropped += 1
        else:
            link.owner_id, link.owned_id = pair
            by_pair[pair] = link
            moved += 1
    session.flush()
    total = owned_share_total(session, t)
    if total > 1 + SHARE_EPSILON:
        raise Conflict(
            "Shares over 100 %",
            [
                FieldProblem(
                    "into_id",
                    f"after the merge the owners of organization {t} would hold {total:.4g}; "
                    "correct the ownership links first",
                )
            ],
        )
    if reaches(session, t, t):
        raise Conflict(
            "Ownership cycle",
            [
                FieldProblem(
                    "into_id",
                    f"after the merge organization {t} would own itself through others; "
                    "correct the ownership links first",
                )
            ],
        )
    return moved, dropped


def _dedupe_addresses(session: Session, org: Organization) -> None:
    seen: set[tuple[str | None, ...]] = set()
    for address in list(org.addresses):
        key = (
            address.kind,
            address.street,
            address.city,
            address.subdivision,
            address.postal_code,
            address.country,
        )
        if key in seen:
            org.addresses.remove(address)
        seen.add(key)
