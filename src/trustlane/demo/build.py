"""Builds the demo data set through the real use cases."""

from __future__ import annotations

import importlib
import importlib.util
import random
import time
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from trustlane.access import users
from trustlane.access.principal import Principal
from trustlane.access.roles import Role
from trustlane.db import Database
from trustlane.demo.population import DemoOrg, build_population
from trustlane.logs import get_logger
from trustlane.progress import NoProgress, Progress
from trustlane.registry.models import Organization
from trustlane.registry.orgs import create_organization, ensure_agency
from trustlane.registry.schemas import AddressIn, IdentifierIn, OrgCreate
from trustlane.settings import Settings

log = get_logger(__name__)

AGENCY_NAME = "Customs Agency (demo)"
DEMO_PASSWORD = "trustlane-demo"  # noqa: S105 (printed for the demo; never for production)

#: Agency users of the demo, one per agency role.
AGENCY_USERS = [
    ("admin@agency.demo", "Ada Admin", Role.agency_admin),
    ("analyst@agency.demo", "Tariq Analyst", Role.targeting_analyst),
    ("specialist@agency.demo", "Sofia Specialist", Role.security_specialist),
    ("accounts@agency.demo", "Ian Accounts", Role.account_manager),
    ("auditor@agency.demo", "Aude Auditor", Role.auditor),
]

#: Packages whose ``demo.populate`` adds their own data, in dependency order.
PACKAGE_DEMOS = ["screening", "supplychain", "programs", "targeting"]


@dataclass
class DemoSummary:
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0


def already_built(database: Database) -> bool:
    with database.sessions() as session:
        found = session.scalar(sa.select(Organization.id).where(Organization.name == AGENCY_NAME))
        return found is not None


def _org_create(org: DemoOrg) -> OrgCreate:
    return OrgCreate(
        name=org.name,
        country=org.country,
        sector=org.sector,
        roles=org.roles,
        identifiers=[IdentifierIn(scheme=s, value=v) for s, v in org.identifiers.items()],
        addresses=[
            AddressIn(
                street=org.street,
                city=org.city or None,
                subdivision=org.subdivision,
                country=org.country,
            )
        ],
        attributes={"demo_key": org.key},
    )


def build(
    database: Database,
    settings: Settings,
    *,
    seed: int = 7,
    progress: Progress | None = None,
    **options: Any,
) -> DemoSummary:
    """Create the whole demo in ``database``. Returns counts and the demo logins."""
    progress = progress or NoProgress()
    started = time.monotonic()
    actor = Principal.system("demo")
    summary = DemoSummary()
    population = build_population(seed)
    rng = random.Random(seed)
    with database.session() as session:
        agency = ensure_agency(session, actor, AGENCY_NAME)
        for email, name, role in AGENCY_USERS:
            users.create_user(
                session,
                actor,
                email=email,
                name=name,
                password=DEMO_PASSWORD,
                org_id=agency.id,
                role=role,
            )
            summary.logins.append((email, role.value))
        created: dict[str, Organization] = {}
        for i, demo_org in enumerate(population):
            created[demo_org.key] = create_organization(session, actor, _org_create(demo_org))
            progress.update(i + 1, len(population), "organizations")
        summary.counts["organizations"] = len(created)
        importers = [o for o in population if o.key.startswith("imp-")]
        for demo_org in rng.sample(importers, 3):
            org = created[demo_org.key]
            slug = demo_org.name.split()[0].lower()
            for role in (Role.trade_admin, Role.trade_user):
                email = f"{role.value.split('_')[1]}@{slug}.demo"
                users.create_user(
                    session,
                    actor,
                    email=email,
                    name=f"{demo_org.name} {role.value}",
                    password=DEMO_PASSWORD,
                    org_id=org.id,
                    role=role,
                )
                summary.logins.append((email, f"{role.value} of {demo_org.name}"))
    summary.counts.update(_shipments(database, settings, population, seed, progress, **options))
    for package in PACKAGE_DEMOS:
        name = f"trustlane.{package}.demo"
        if importlib.util.find_spec(name) is None:
            continue
        log.info("demo data", package=package)
        counts = importlib.import_module(name).populate(database, actor, seed, progress)
        summary.counts.update({f"{package}.{k}": v for k, v in counts.items()})
    summary.seconds = time.monotonic() - started
    return summary


def _shipments(
    database: Database,
    settings: Settings,
    population: list[DemoOrg],
    seed: int,
    progress: Progress,
    **options: Any,
) -> dict[str, int]:
    """Generate a year of filings naming the population's parties and ingest them."""
    from trustlane.demo.shipments import ingest_demo_shipments

    return ingest_demo_shipments(database, settings, population, seed, progress, **options)
