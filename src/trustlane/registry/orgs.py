"""Use cases: organizations (create, read, change, list, confirm, look up by identifier).

Merging lives in ``registry.merge`` and ownership in ``registry.ownership``. Every write
checks the caller's permission and tenant and records the organization before and after in
the audit log, in the caller's transaction.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from trustlane.paging import Page, PageRequest, paginate
from trustlane.registry import store
from trustlane.registry.checks import (
    AddressValues,
    Problems,
    check_addresses,
    check_aliases,
    check_country,
    check_identifiers,
    check_name,
    check_sector,
    check_status,
)
from trustlane.registry.identifiers import Identifier, IdentifierError, normalize_identifier
from trustlane.registry.models import OrgAddress, OrgAlias, Organization, OrgIdentifier, OrgRole
from trustlane.registry.names import name_key
from trustlane.registry.schemas import OrgCreate, OrgUpdate
from trustlane.registry.vocab import AliasKind, OrgKind, OrgStatus, TradeRole

__all__ = [
    "OrgCreate",
    "OrgUpdate",
    "confirm_organization",
    "create_organization",
    "ensure_agency",
    "find_by_identifier",
    "get_organization",
    "list_organizations",
    "org_snapshot",
    "update_organization",
]


def org_snapshot(org: Organization) -> dict[str, Any]:
    """The organization with its roles, identifiers, addresses and aliases, for the audit log."""
    out = audit.snapshot(org)
    out["roles"] = [r.role for r in org.roles]
    out["identifiers"] = [
        {"scheme": i.scheme, "value": i.value, "country": i.country} for i in org.identifiers
    ]
    out["addresses"] = [
        {
            "kind": a.kind,
            "street": a.street,
            "city": a.city,
            "subdivision": a.subdivision,
            "postal_code": a.postal_code,
            "country": a.country,
        }
        for a in org.addresses
    ]
    out["aliases"] = [{"name": a.name, "kind": a.kind} for a in org.aliases]
    return out


def ensure_agency(session: Session, actor: Principal, name: str) -> Organization:
    """The agency organization called ``name``, created when it does not exist yet."""
    org = session.scalar(
        sa.select(Organization).where(
            Organization.kind == OrgKind.agency, Organization.name == name
        )
    )
    if org is not None:
        return org
    actor.require("orgs:write")
    org = Organization(
        name=name,
        name_key=name_key(name),
        kind=OrgKind.agency.value,
        status=OrgStatus.active.value,
        entity_type="company",
        attributes={},
    )
    session.add(org)
    session.flush()
    audit.record(
        session, actor, "create", "organization", org.id, tenant_id=org.id, after=org_snapshot(org)
    )
    return org


def create_organization(session: Session, actor: Principal, data: OrgCreate) -> Organization:
    """Create an organization with its roles, identifiers, addresses and aliases (validated).

    Only agency users create organizations: a trade member's record is made for it.
    """
    actor.require("orgs:write")
    if not actor.is_agency:
        raise Forbidden("Only agency users create organizations")
    problems = Problems()
    name = check_name(data.name, problems)
    country = check_country(data.country, problems)
    sector = check_sector(data.sector, problems)
    status = check_status(data.status, problems)
    identifiers = check_identifiers(data.identifiers, problems)
    addresses = check_addresses(data.addresses, problems)
    aliases = check_aliases(data.aliases, name, problems)
    if data.parent_id is not None and session.get(Organization, data.parent_id) is None:
        problems.add("parent_id", f"organization {data.parent_id} does not exist")
    problems.raise_if_any()
    _refuse_held_identifiers(session, actor, identifiers, None)
    org = Organization(
        name=name,
        name_key=name_key(name),
        kind=data.kind.value,
        entity_type=data.entity_type,
        status=status,
        country=country or (addresses[0].country if addresses else None),
        sector=sector,
        website=data.website,
        parent_id=data.parent_id,
        attributes=dict(data.attributes),
        roles=[OrgRole(role=r.value) for r in dict.fromkeys(data.roles)],
        identifiers=[_identifier_row(i) for i in identifiers],
        addresses=[_address_row(a) for a in addresses],
        aliases=[OrgAlias(name=a, name_key=name_key(a), kind=AliasKind.alias) for a in aliases],
    )
    session.add(org)
    session.flush()
    store.reindex_names(session, [org])
    audit.record(
        session, actor, "create", "organization", org.id, tenant_id=org.id, after=org_snapshot(org)
    )
    return org


def get_organization(session: Session, actor: Principal, org_id: int) -> Organization:
    """One organization; a trade member gets its own only (404 for any other)."""
    actor.require("orgs:read")
    actor.require_tenant(org_id, f"Organization {org_id}")
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound(f"Organization {org_id} not found")
    return org


def update_organization(
    session: Session, actor: Principal, org_id: int, data: OrgUpdate
) -> Organization:
    """Change the fields given (lists replace the whole list). Trade administrators may change
    their own organization's profile, but not its status or place in a group."""
    actor.require("orgs:write")
    org = get_organization(session, actor, org_id)
    if org.status == OrgStatus.merged.value:
        raise Conflict(f"Organization {org_id} was merged into {org.merged_into_id}; change that")
    given = data.model_fields_set
    if not actor.is_agency and given & {"status", "parent_id"}:
        raise Forbidden("Only agency users change an organization's status or parent")
    before = org_snapshot(org)
    problems = Problems()
    changes: dict[str, Any] = {}
    if "name" in given and data.name is not None:
        changes["name"] = check_name(data.name, problems)
    if "status" in given and data.status is not None:
        changes["status"] = check_status(data.status, problems)
    if "country" in given:
        changes["country"] = check_country(data.country, problems)
    if "sector" in given:
        changes["sector"] = check_sector(data.sector, problems)
    if "entity_type" in given and data.entity_type is not None:
        changes["entity_type"] = data.entity_type
    if "website" in given:
        changes["website"] = data.website
    if "attributes" in given and data.attributes is not None:
        changes["attributes"] = dict(data.attributes)
    if "parent_id" in given:
        changes["parent_id"] = _check_parent(session, org, data.parent_id, problems)
    identifiers = (
        check_identifiers(data.identifiers, problems) if data.identifiers is not None else None
    )
    addresses = check_addresses(data.addresses, problems) if data.addresses is not None else None
    new_name = changes.get("name", org.name)
    aliases = check_aliases(data.aliases, new_name, problems) if data.aliases is not None else None
    problems.raise_if_any()
    if identifiers is not None:
        _refuse_held_identifiers(session, actor, identifiers, org.id)
    renamed = "name" in changes and changes["name"] != org.name
    for key, value in changes.items():
        setattr(org, key, value)
    if renamed:
        org.name_key = name_key(org.name)
        known = {a.name_key for a in org.aliases}
        if aliases is None and name_key(before["name"]) not in known:
            # Keep the old name findable: filings lag behind renames.
            org.aliases.append(
                OrgAlias(name=before["name"], name_key=name_key(before["name"]), kind="former")
            )
    if data.roles is not None:
        org.roles = [OrgRole(role=r.value) for r in dict.fromkeys(data.roles)]
    if identifiers is not None:
        _replace_identifiers(session, org, identifiers)
    if addresses is not None:
        org.addresses = [_address_row(a) for a in addresses]
    if aliases is not None:
        org.aliases = [
            OrgAlias(name=a, name_key=name_key(a), kind=AliasKind.alias) for a in aliases
        ]
    session.flush()
    store.reindex_names(session, [org])
    audit.record(
        session,
        actor,
        "update",
        "organization",
        org.id,
        tenant_id=org.id,
        before=before,
        after=org_snapshot(org),
    )
    return org


def list_organizations(
    session: Session,
    actor: Principal,
    page: PageRequest,
    *,
    q: str | None = None,
    country: str | None = None,
    sector: str | None = None,
    role: str | None = None,
    status: str | None = None,
    kind: str | None = None,
) -> Page[Organization]:
    """Organizations by name (also aliases), country, sector, role, status and kind; a trade
    member sees its own organization only. Merged records are listed when asked for."""
    actor.require("orgs:read")
    problems = Problems()
    country_code = check_country(country, problems)
    sector_code = check_sector(sector, problems)
    if role is not None and role not in {r.value for r in TradeRole}:
        problems.add("role", f"unknown role; one of: {', '.join(r.value for r in TradeRole)}")
    if status is not None and status not in {s.value for s in OrgStatus}:
        problems.add("status", f"must be one of: {', '.join(s.value for s in OrgStatus)}")
    if kind is not None and kind not in {k.value for k in OrgKind}:
        problems.add("kind", f"must be one of: {', '.join(k.value for k in OrgKind)}")
    problems.raise_if_any("Bad filter")
    stmt = store.search_statement(
        q=name_key(q) if q else None,
        country=country_code,
        sector=sector_code,
        role=role,
        status=status,
        kind=kind,
        tenant_id=actor.tenant_id,
    )
    return paginate(session, stmt, page, store.SORTABLE, [Organization.id.asc()])


def confirm_organization(session: Session, actor: Principal, org_id: int) -> Organization:
    """Make a proposed organization (from party resolution) an active one."""
    actor.require("orgs:write")
    if not actor.is_agency:
        raise Forbidden("Only agency users confirm proposed organizations")
    org = get_organization(session, actor, org_id)
    if org.status != OrgStatus.proposed.value:
        raise Conflict(f"Organization {org_id} is {org.status}, not proposed")
    before = org_snapshot(org)
    org.status = OrgStatus.active.value
    session.flush()
    audit.record(
        session,
        actor,
        "confirm",
        "organization",
        org.id,
        tenant_id=org.id,
        before=before,
        after=org_snapshot(org),
    )
    return org


def find_by_identifier(
    session: Session, actor: Principal, scheme: str, value: str, country: str | None = None
) -> Organization:
    """The organization holding an identifier (normalized as on create); 404 when none holds
    it or the caller may not see the holder."""
    actor.require("orgs:read")
    try:
        ident = normalize_identifier(scheme, value, country)
    except IdentifierError as exc:
        raise InvalidInput("Invalid identifier", [FieldProblem(exc.part, exc.reason)]) from exc
    held = store.identifier_holders(session, [(ident.scheme, ident.key)])
    org_id = held.get((ident.scheme, ident.key))
    # A trade member asking for another member's identifier learns nothing, not even that
    # it is held.
    if org_id is None or (not actor.is_agency and org_id != actor.org_id):
        raise NotFound(f"No organization holds {ident.scheme} {ident.value}")
    return get_organization(session, actor, org_id)


def _refuse_held_identifiers(
    session: Session, actor: Principal, identifiers: list[Identifier], own_id: int | None
) -> None:
    """Conflict when another organization holds one of ``identifiers``, naming the holder to
    agency users (a trade member learns only that another organization holds it)."""
    held = store.identifier_holders(session, [(i.scheme, i.key) for i in identifiers])
    problems = []
    for i, ident in enumerate(identifiers):
        holder = held.get((ident.scheme, ident.key))
        if holder is None or holder == own_id:
            continue
        if actor.is_agency:
            name = store.org_labels(session, [holder]).get(holder, ("?", ""))[0]
            who = f"organization {holder} ({name})"
        else:
            who = "another organization"
        problems.append(
            FieldProblem(
                f"identifiers[{i}].value", f"{ident.scheme} {ident.value} belongs to {who}"
            )
        )
    if problems:
        raise Conflict("Identifier already registered", problems)


def _replace_identifiers(
    session: Session, org: Organization, identifiers: list[Identifier]
) -> None:
    """Replace the list, keeping rows that stay (a delete then insert of the same key in one
    flush could trip the unique constraint)."""
    wanted = {(i.scheme, i.key): i for i in identifiers}
    keep = [row for row in org.identifiers if (row.scheme, row.value_key) in wanted]
    kept = {(row.scheme, row.value_key) for row in keep}
    org.identifiers = keep
    session.flush()
    org.identifiers.extend(_identifier_row(i) for k, i in wanted.items() if k not in kept)


def _check_parent(
    session: Session, org: Organization, parent_id: int | None, problems: Problems
) -> int | None:
    if parent_id is None:
        return None
    if session.get(Organization, parent_id) is None:
        problems.add("parent_id", f"organization {parent_id} does not exist")
        return None
    seen = {org.id}
    current: int | None = parent_id
    while current is not None:  # a group structure is a tree: no organization is its own parent
        if current in seen:
            problems.add("parent_id", f"organization {parent_id} is below {org.id} already")
            return None
        seen.add(current)
        current = session.scalar(
            sa.select(Organization.parent_id).where(Organization.id == current)
        )
    return parent_id


def _identifier_row(ident: Identifier) -> OrgIdentifier:
    return OrgIdentifier(
        scheme=ident.scheme, value=ident.value, value_key=ident.key, country=ident.country
    )


def _address_row(a: AddressValues) -> OrgAddress:
    return OrgAddress(
        kind=a.kind,
        street=a.street,
        city=a.city,
        subdivision=a.subdivision,
        postal_code=a.postal_code,
        country=a.country,
    )
