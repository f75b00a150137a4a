"""Use cases: screen the parties of stored shipments and the registry's organizations.

Cargo ingest calls :func:`screen_shipments` with the ids it wrote (or the CLI runs it for
all current shipments); the registry's organizations are screened with
:func:`screen_organizations`. Both go through :func:`.subjects.screen_subjects`, so alerts,
remembered decisions and the audit log work the same for every kind of party.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from trustlane.access.principal import Principal
from trustlane.cargo.models import Shipment, ShipmentParty
from trustlane.db import Database, in_batches
from trustlane.progress import Progress
from trustlane.registry.models import Organization, OrgIdentifier
from trustlane.screening.engine import Party
from trustlane.screening.normalize import EntityKind
from trustlane.screening.records import Identifier
from trustlane.screening.subjects import SubjectIn, screen_subjects
from trustlane.settings import Settings


def shipment_subjects(database: Database, shipment_ids: Sequence[int] | None) -> list[SubjectIn]:
    """A subject per named party of the (current) shipments."""
    stmt = (
        sa.select(ShipmentParty, Shipment.importer_org_id)
        .join(Shipment, Shipment.id == ShipmentParty.shipment_id)
        .where(Shipment.is_current.is_(True), ShipmentParty.name.is_not(None))
    )
    out: list[SubjectIn] = []
    with database.sessions() as session:
        batches = in_batches(list(shipment_ids)) if shipment_ids is not None else [None]
        for chunk in batches:
            query = stmt if chunk is None else stmt.where(Shipment.id.in_(chunk))
            for party, importer in session.execute(query):
                if not (party.name or "").strip():
                    continue
                out.append(
                    SubjectIn(
                        kind="shipment_party",
                        ref=f"{party.shipment_id}:{party.seq}",
                        party=Party(
                            name=party.name or "",
                            kind=EntityKind.unknown,
                            countries=frozenset([party.country.lower()])
                            if party.country
                            else frozenset(),
                            identifiers=frozenset(
                                Identifier("x", v).key
                                for v in (party.identifiers or {}).values()
                                if v and len(v) >= 5
                            ),
                        ),
                        tenant_id=importer,
                        organization_id=party.organization_id,
                    )
                )
    return out


def screen_shipments(
    database: Database,
    settings: Settings,
    actor: Principal,
    shipment_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Screen the parties of the given shipments (all current ones when None)."""
    actor.require("screening:write")
    return screen_subjects(
        database, settings, actor, shipment_subjects(database, shipment_ids), progress=progress
    )


def organization_subjects(database: Database) -> list[SubjectIn]:
    with database.sessions() as session:
        orgs = session.scalars(sa.select(Organization).where(Organization.kind != "agency")).all()
        out: list[SubjectIn] = []
        for org in orgs:
            ids = frozenset(
                Identifier(i.scheme, i.value).key
                for i in session.scalars(
                    sa.select(OrgIdentifier).where(OrgIdentifier.org_id == org.id)
                )
                if len(i.value) >= 5
            )
            out.append(
                SubjectIn(
                    kind="organization",
                    ref=str(org.id),
                    party=Party(
                        name=org.name,
                        kind=EntityKind.person
                        if org.entity_type == "person"
                        else EntityKind.organization,
                        countries=frozenset([org.country.lower()]) if org.country else frozenset(),
                        identifiers=ids,
                    ),
                    tenant_id=org.id,
                    organization_id=org.id,
                )
            )
    return out


def screen_organizations(
    database: Database, settings: Settings, actor: Principal, progress: Progress | None = None
) -> tuple[int, int]:
    """Screen every registry organization (agency organizations left out)."""
    actor.require("screening:write")
    return screen_subjects(
        database, settings, actor, organization_subjects(database), progress=progress
    )
