"""Screening's part of the demo: lists, look-alike trade parties, alerts, decisions,
ownership.

The demo lists ship with trustlane (``data/demo_*.csv``): 81 entries taken from the OFAC
SDN (2023-12) and UN (2026-02) lists, and small forced-labor and withhold-release lists
written from public announcements. On top of the demo registry, a few trade organizations
are created whose names resemble listed ones (spelt the way trade data spells them); one
of them is owned 60% by another, so that the 50 percent rule has something to show. Then
every organization and shipment party is screened through the real use cases, a few
alerts are decided, and ownership is evaluated.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import sqlalchemy as sa

from trustlane.access.principal import Principal
from trustlane.db import Database
from trustlane.progress import Progress
from trustlane.registry.models import Organization
from trustlane.registry.orgs import create_organization
from trustlane.registry.ownership import set_owner
from trustlane.registry.schemas import OrgCreate
from trustlane.registry.vocab import TradeRole
from trustlane.screening.lists import load_list
from trustlane.screening.models import Subject
from trustlane.screening.normalize import EntityKind
from trustlane.screening.ownership import evaluate_ownership
from trustlane.screening.parties import screen_organizations, screen_shipments
from trustlane.screening.subjects import alert_queue, decide_alert
from trustlane.screening.training import perturb
from trustlane.settings import get_settings

DATA = Path(__file__).parent / "data"

#: How many look-alike trade organizations the demo adds.
LOOKALIKES = 6


def _lookalikes(rng: random.Random) -> list[tuple[str, str]]:
    """(name, country) of trade organizations that resemble listed organizations."""
    with (DATA / "demo_watchlist.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["type"] == "organization"]
    out: list[tuple[str, str]] = []
    for row in rng.sample(rows, LOOKALIKES):
        damaged = perturb(row["name"].title(), EntityKind.organization, rng)
        name = damaged[0] if damaged else row["name"].title()
        out.append((name, (row["country"].split(";")[0].strip() or "ae").upper()))
    return out


def populate(database: Database, actor: Principal, seed: int, progress: Progress) -> dict[str, int]:
    """Fill screening's demo data on top of the demo registry and shipments; return counts."""
    rng = random.Random(seed)
    settings = get_settings()
    counts: dict[str, int] = {}
    progress.update(0, None, "screening: loading demo lists")
    import yaml

    load_list(
        database, actor, DATA / "demo_watchlist.csv", "csv", name="demo-sanctions", rescreen=False
    )
    load_list(
        database, actor, DATA / "demo_forced_labor.csv", "csv", name="demo-uflpa",
        mapping=yaml.safe_load((DATA / "demo_forced_labor_mapping.yaml").read_text()),
        rescreen=False,
    )  # fmt: skip
    load_list(
        database, actor, DATA / "demo_withhold_release_orders.csv", "csv", name="demo-wro",
        rescreen=False,
    )  # fmt: skip
    counts["lists"] = 3
    with database.session() as session:
        created: list[Organization] = []
        for name, country in _lookalikes(rng):
            created.append(
                create_organization(
                    session,
                    actor,
                    OrgCreate(
                        name=name,
                        country=country,
                        roles=[TradeRole.foreign_manufacturer],
                        attributes={"demo_key": f"screening-lookalike-{len(created)}"},
                    ),
                )
            )
        holder = session.scalar(
            sa.select(Organization)
            .where(Organization.kind != "agency", Organization.id.not_in([o.id for o in created]))
            .order_by(Organization.id)
        )
        if holder is not None and created:
            # A look-alike of a listed company holds 60% of an ordinary member.
            set_owner(session, actor, holder.id, created[0].id, 0.6, source="demo: registry filing")
        counts["lookalike_organizations"] = len(created)
        lookalike_refs = [str(o.id) for o in created]
    progress.update(0, None, "screening: organizations")
    counts["organizations_screened"], orgs_alerts = screen_organizations(database, settings, actor)
    progress.update(0, None, "screening: shipment parties")
    counts["shipment_parties_screened"], ship_alerts = screen_shipments(database, settings, actor)
    counts["alerts"] = orgs_alerts + ship_alerts
    with database.session() as session:
        decided = 0
        for alert in alert_queue(session, actor, limit=1000):
            subject = session.get(Subject, alert.subject_id)
            if subject is None:
                continue
            if subject.kind == "organization" and subject.ref == lookalike_refs[0]:
                note = "demo: same company, registration and address agree with the listing"
                decide_alert(session, actor, alert.id, "true_match", note)
                decided += 1
            elif subject.kind == "organization" and subject.ref == lookalike_refs[-1]:
                note = "demo: a different company of a similar name, other country"
                decide_alert(session, actor, alert.id, "false_positive", note)
                decided += 1
        counts["decisions"] = decided
        counts["ownership_flags"] = len(evaluate_ownership(session, actor))
    return counts
