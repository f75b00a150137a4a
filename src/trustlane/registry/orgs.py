"""Use cases: organizations (create, read, change, list, merge)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.errors import Forbidden
from trustlane.registry.models import OrgAddress, Organization, OrgIdentifier, OrgRole
from trustlane.registry.names import name_key
from trustlane.registry.schemas import OrgCreate
from trustlane.registry.vocab import OrgKind


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
        status="active",
        entity_type="company",
        attributes={},
    )
    session.add(org)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "organization",
        org.id,
        tenant_id=org.id,
        after=audit.snapshot(org),
    )
    return org


def create_organization(session: Session, actor: Principal, data: OrgCreate) -> Organization:
    """Create an organization with its roles, identifiers and addresses (validated)."""
    actor.require("orgs:write")
    if not actor.is_agency:
        raise Forbidden("Only agency users create organizations")
    org = Organization(
        name=data.name.strip(),
        name_key=name_key(data.name),
        kind=data.kind.value,
        entity_type=data.entity_type,
        status=data.status,
        country=data.country,
        sector=data.sector,
        website=data.website,
        parent_id=data.parent_id,
        attributes=dict(data.attributes),
        roles=[OrgRole(role=r.value) for r in dict.fromkeys(data.roles)],
        identifiers=[
            OrgIdentifier(
                scheme=i.scheme, value=i.value, value_key=i.value.upper(), country=i.country
            )
            for i in data.identifiers
        ],
        addresses=[OrgAddress(**a.model_dump()) for a in data.addresses],
    )
    session.add(org)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "organization",
        org.id,
        tenant_id=org.id,
        after=audit.snapshot(org),
    )
    return org
