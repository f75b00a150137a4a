"""The demo's year of shipments: files generated in each profile's format, naming the demo
population's parties, ingested through the real ingest jobs (as ``trustlane ingest`` does)."""

from __future__ import annotations

from trustlane.access.principal import Principal
from trustlane.cargo import ingest
from trustlane.db import Database
from trustlane.demo.declarations import PartyPool, Trader, generate
from trustlane.demo.population import DemoOrg
from trustlane.errors import TrustlaneError
from trustlane.jobs import runner
from trustlane.progress import Progress
from trustlane.settings import Settings

#: Lines per profile: enough for every page and model to show something, small enough to
#: build in about a minute.
DEMO_LINES = {
    "customs-kr": 12_000,
    "isf": 6_000,
    "entry": 6_000,
    "air": 1_500,
    "export": 1_000,
    "carrier-events": 2_000,
}


def _trader(org: DemoOrg) -> Trader:
    return Trader(org.name, org.street, org.city or org.country, org.country, dict(org.identifiers))


def party_pool(population: list[DemoOrg]) -> PartyPool:
    """The demo's organizations as the generator's parties: filings name known traders."""
    importers = [_trader(o) for o in population if o.key.startswith("imp-")]
    suppliers = [_trader(o) for o in population if o.key.startswith("for-")]
    consolidators = [_trader(o) for o in population if o.key.startswith("con-")]
    return PartyPool(importers, suppliers, consolidators)


def ingest_demo_shipments(
    database: Database,
    settings: Settings,
    population: list[DemoOrg],
    seed: int,
    progress: Progress,
    lines: dict[str, int] | None = None,
) -> dict[str, int]:
    """Generate and ingest the demo's filings; returns filings loaded per profile."""
    pool = party_pool(population)
    folder = settings.path("demo", "files")
    folder.mkdir(parents=True, exist_ok=True)
    actor = Principal.system("demo")
    counts: dict[str, int] = {}
    for profile, count in (lines or DEMO_LINES).items():
        path = folder / f"{profile}.csv"
        generate(profile, path, lines=count, seed=seed, pool=pool)
        with database.session() as session:
            job_id = ingest.submit_ingest(session, actor, path, profile).id
        finished = runner.execute(database, settings, job_id, progress=progress)
        if finished.status != "succeeded" or finished.result is None:
            raise TrustlaneError(f"demo ingest of {profile} failed: {finished.error}")
        result = finished.result
        counts[f"shipments.{profile}"] = int(
            result.get("filings_new", 0) or result.get("events_new", 0)
        )
    return counts
