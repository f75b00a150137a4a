"""The targeting analyst's pages over HTTP: the queue, a shipment, recording an outcome,
performance, models; roles, CSRF refusal and what a trade member may not see.

The data: a few organizations of the demo population, a month of generated filings naming
them (declarations, security filings, entries), ingested, scored and selected through the
real use cases. ``build_world`` is shared with the browser tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories as f
from tests.programs.helpers import certified
from trustlane.access.models import AuditEntry
from trustlane.access.principal import Principal
from trustlane.access.roles import Role
from trustlane.cargo.ingest import ingest_file
from trustlane.cargo.models import Inspection, Shipment
from trustlane.db import Database
from trustlane.demo.build import _org_create
from trustlane.demo.declarations import generate
from trustlane.demo.population import DemoOrg, build_population
from trustlane.demo.shipments import party_pool
from trustlane.registry.models import Organization
from trustlane.registry.orgs import create_organization
from trustlane.screening.lists import load_list
from trustlane.screening.parties import screen_shipments
from trustlane.settings import Settings
from trustlane.targeting import assess, registry
from trustlane.targeting.models import Selection, SelectionItem
from trustlane.targeting.select import SelectionPolicy, select_for_inspection

OPERATOR = Principal.system("test")
START = date(2024, 3, 4)
ANALYST, ADMIN, AUDITOR = "analyst@agency.example", "admin@agency.example", "audit@agency.example"
TRADER, OTHER_TRADER = "admin@first.example", "admin@second.example"


@dataclass
class World:
    day: date  # the day with a selection
    picked: int  # a shipment picked for physical inspection that day
    own: int  # a shipment (a security filing) of TRADER's organization
    others: int  # a shipment of OTHER_TRADER's organization


def build_people(session: Session) -> tuple[list[DemoOrg], Organization, Organization]:
    """The agency's users of every role, and two importers of the demo population with a
    trade administrator each; returns the parties filings may name and the two importers."""
    agency = f.agency(session)
    f.user(session, agency, Role.targeting_analyst, ANALYST)
    f.user(session, agency, Role.agency_admin, ADMIN)
    f.user(session, agency, Role.auditor, AUDITOR)
    population = build_population(7)
    importers = [o for o in population if o.key.startswith("imp-")][:4]
    others = [o for o in population if o.key.startswith("for-")][:10]
    others += [o for o in population if o.key.startswith("con-")][:2]
    made = {o.key: create_organization(session, OPERATOR, _org_create(o)) for o in importers}
    for o in others:
        create_organization(session, OPERATOR, _org_create(o))
    first, second = made[importers[0].key], made[importers[1].key]
    f.user(session, first, Role.trade_admin, TRADER)
    f.user(session, second, Role.trade_admin, OTHER_TRADER)
    session.commit()
    return importers + others, first, second


def ingest_generated(
    database: Database,
    settings: Settings,
    parties: list[DemoOrg],
    lines: dict[str, int],
    *,
    labels: bool = False,
) -> None:
    """Two weeks of generated filings naming ``parties``, ingested (no screening job).

    Without ``labels`` the declarations come without their inspection results, as the
    day's new declarations do: every outcome is then one a test records.
    """
    pool = party_pool(parties)
    folder = settings.data_dir / "world"
    for profile, count in lines.items():
        path = generate(
            profile, folder / f"{profile}.csv", lines=count, seed=7, pool=pool, start=START,
            days=14,
        ).path  # fmt: skip
        if profile == "customs-kr" and not labels:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            frame.drop(columns=["Fraud", "Critical Fraud"]).to_csv(path, index=False)
        ingest_file(database, OPERATOR, path, profile, rejects_path=folder / "rejects.csv")


def build_world(
    session: Session, database: Database, settings: Settings, *, declarations: int = 300,
    model: bool = False,
) -> World:  # fmt: skip
    """People, two weeks of filings, their scores and the busiest day's selection; with
    ``model``, the declarations' inspection results and a model trained on them."""
    parties, first, second = build_people(session)
    lines = {"customs-kr": declarations, "isf": 40, "entry": 40}
    ingest_generated(database, settings, parties, lines, labels=model)
    with database.session() as s:
        assess.score_shipments(s, OPERATOR, settings)
        if model:
            registry.retrain(s, OPERATOR, settings, compare_weeks=1)
            assess.score_shipments(s, OPERATOR, settings)
    with database.session() as s:
        day = s.scalar(  # the busiest day: a queue long enough to page through
            sa.select(Shipment.declared_on)
            .where(Shipment.kind == "declaration")
            .group_by(Shipment.declared_on)
            .order_by(sa.func.count().desc(), Shipment.declared_on)
        )
        assert day is not None
        selection = select_for_inspection(s, OPERATOR, day, SelectionPolicy(capacity="20%"))
        picked = s.scalar(
            sa.select(SelectionItem.shipment_id).where(
                SelectionItem.selection_id == selection.id, SelectionItem.lane == "physical"
            )
        )
        own = s.scalar(
            sa.select(Shipment.id).where(
                Shipment.importer_org_id == first.id, Shipment.kind == "isf"
            )
        )
        others = s.scalar(sa.select(Shipment.id).where(Shipment.importer_org_id == second.id))
    assert picked
    assert own
    assert others
    return World(day, picked, own, others)


def certify_importer(database: Database, settings: Settings, shipment_id: int) -> None:
    """Certify the shipment's importer as a trusted trader (programs' use cases), and score
    the shipment again."""
    with database.session() as s:
        shipment = s.get(Shipment, shipment_id)
        assert shipment is not None
        importer = s.get(Organization, shipment.importer_org_id)
        assert importer is not None
        certified(s, importer)
    with database.session() as s:
        assess.score_shipments(s, OPERATOR, settings, shipment_ids=[shipment_id])


def list_seller(database: Database, settings: Settings, shipment_id: int) -> str:
    """Put the shipment's seller on an in-house watch list, screen the shipment's parties
    (screening's use cases) and score it again. Returns the listed name."""
    with database.session() as s:
        shipment = s.get(Shipment, shipment_id)
        assert shipment is not None
        seller = next(p.name for p in shipment.parties if p.role == "seller")
    assert seller
    listed = settings.data_dir / "in-house.csv"
    listed.write_text(f"id,name,category\nIH-1,{seller},sanctions\n")
    load_list(database, OPERATOR, listed, "csv", name="in-house")
    screen_shipments(database, settings, OPERATOR, [shipment_id])
    with database.session() as s:
        assess.score_shipments(s, OPERATOR, settings, shipment_ids=[shipment_id])
    return seller


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login_browser(client: TestClient, email: str) -> None:
    page = client.get("/login")
    resp = client.post(
        "/login",
        data={"email": email, "password": f.PASSWORD, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert resp.status_code == 303, resp.text


@pytest.fixture
def world(session: Session, database: Database, settings: Settings) -> World:
    return build_world(session, database, settings)


@pytest.mark.slow
def test_queue_shows_the_days_picks_with_reasons_filters_and_pages(
    client: TestClient, world: World
) -> None:
    login_browser(client, ANALYST)
    page = client.get("/targeting")
    assert page.status_code == 200, page.text
    assert f"Inspection queue, {world.day.isoformat()}" in page.text
    assert f'href="/targeting/shipments/{world.picked}"' in page.text
    assert ">physical</span>" in page.text
    assert re.search(r"<li><code>[A-Z_]+</code> \S", page.text)  # reasons: code and sentence
    assert 'rel="next"' in page.text
    links = set(re.findall(r'href="/targeting/shipments/(\d+)"', page.text))
    second = client.get(f"/targeting?day={world.day}&offset=25")
    assert second.status_code == 200
    assert links.isdisjoint(re.findall(r'href="/targeting/shipments/(\d+)"', second.text))
    physical = client.get(f"/targeting?day={world.day}&lane=physical")
    assert ">physical</span>" in physical.text
    assert ">release</span>" not in physical.text
    released = client.get(f"/targeting?day={world.day}&lane=release")
    assert ">physical</span>" not in released.text
    nothing = client.get(f"/targeting?day={world.day}&q=no-such-filing")
    assert "Nothing in the queue matches." in nothing.text
    bad = client.get("/targeting?day=2024-02-31")
    assert bad.status_code == 422
    assert 'id="q-day-error"' in bad.text
    assert client.get(f"/targeting?day={world.day}&lane=sideways").status_code == 422


@pytest.mark.slow
def test_analyst_scores_and_selects_with_errors_next_to_the_fields(
    client: TestClient, world: World, database: Database
) -> None:
    login_browser(client, ANALYST)
    token = csrf_of(client.get(f"/targeting?day={world.day}").text)
    scored = client.post(
        "/targeting/scores", data={"day": world.day.isoformat(), "csrf_token": token}
    )
    assert scored.status_code == 200
    assert re.search(r"Scored \d+ shipments \(indicators only\)", scored.text)
    bad = client.post("/targeting/scores", data={"day": "tuesday", "csrf_token": token})
    assert bad.status_code == 422
    assert 'id="score-day-error">a date as YYYY-MM-DD' in bad.text
    policy = {"exploration": "random", "documents_threshold": "0.3", "csrf_token": token}
    bad = client.post(
        "/targeting/selections",
        data={**policy, "day": world.day.isoformat(), "capacity": "lots", "exploration_share": "2"},
    )
    assert bad.status_code == 422
    assert re.search(r'id="select-capacity-error">a count', bad.text)
    assert re.search(r'id="select-exploration_share-error">must be between 0 and 1', bad.text)
    assert 'value="lots"' in bad.text  # what was typed is kept
    empty_day = client.post(
        "/targeting/selections",
        data={**policy, "day": "1999-01-04", "capacity": "5", "exploration_share": "0"},
    )
    assert empty_day.status_code == 404
    assert "No scored shipments declared on 1999-01-04" in empty_day.text
    done = client.post(
        "/targeting/selections",
        data={**policy, "day": world.day.isoformat(), "capacity": "3", "exploration_share": "0"},
    )
    assert done.status_code == 200
    assert re.search(r"Selection \d+: \d+ physical inspections", done.text)
    with database.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Selection)) == 2


@pytest.mark.slow
def test_auditor_reads_every_page_but_may_not_act(client: TestClient, world: World) -> None:
    login_browser(client, AUDITOR)
    page = client.get(f"/targeting/shipments/{world.picked}")
    assert page.status_code == 200, page.text
    headings = (
        "Score and reasons", "Indicators", "Model contributions", "Parties", "Lines",
        "Filings and their timeliness", "Screening alerts", "Trusted-trader membership",
        "Supply-chain exposure", "Selections", "Inspection outcomes", "Versions",
    )  # fmt: skip
    for heading in headings:
        assert f">{heading}</h2>" in page.text, heading
    assert "<code>FIRST_TIME_IMPORTER</code>" in page.text
    assert "No active model" in page.text  # indicators only in this world
    assert "Record an outcome" not in page.text
    isf = client.get(f"/targeting/shipments/{world.own}")
    assert isf.status_code == 200
    assert re.search(r"filed -?\d+\.\d h before lading", isf.text)
    assert client.get("/targeting/shipments/999999").status_code == 404
    queue = client.get("/targeting")
    assert queue.status_code == 200
    assert "Select inspections" not in queue.text
    token = csrf_of(queue.text)
    for url, data in (
        (f"/targeting/shipments/{world.picked}/outcome", {"fraud": "no"}),
        ("/targeting/selections", {"day": world.day.isoformat()}),
        ("/targeting/scores", {"day": world.day.isoformat()}),
        ("/targeting/models/retrain", {}),
    ):
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 403, url
    models = client.get("/targeting/models")
    assert models.status_code == 200
    assert ">Retrain</button>" not in models.text
    assert client.get("/targeting/performance").status_code == 200


@pytest.mark.slow
def test_analyst_records_an_outcome_audited_and_counted_in_performance(
    client: TestClient, world: World, database: Database
) -> None:
    login_browser(client, ANALYST)
    token = csrf_of(client.get(f"/targeting/shipments/{world.picked}").text)
    url = f"/targeting/shipments/{world.picked}/outcome"
    bad = client.post(
        url,
        data={"critical": "2", "revenue_recovered": "lots", "inspected_on": "2024-02-30",
              "csrf_token": token},
    )  # fmt: skip
    assert bad.status_code == 422
    assert 'id="outcome-fraud-error">say whether the inspection found fraud' in bad.text
    assert 'id="outcome-revenue_recovered-error">an amount' in bad.text
    assert 'id="outcome-inspected_on-error">a date as YYYY-MM-DD' in bad.text
    assert 'value="lots"' in bad.text
    contradiction = client.post(url, data={"fraud": "no", "critical": "2", "csrf_token": token})
    assert contradiction.status_code == 422
    assert 'id="outcome-critical-error">a critical finding is a fraud finding' in contradiction.text
    done = client.post(
        url,
        data={"fraud": "yes", "critical": "1", "inspected_on": world.day.isoformat(),
              "revenue_recovered": "1,500.50", "notes": "undervalued", "csrf_token": token},
    )  # fmt: skip
    assert done.status_code == 200
    assert "Outcome recorded: fraud found." in done.text
    assert "undervalued" in done.text
    with database.session() as s:
        mine = s.scalars(sa.select(Inspection).where(Inspection.source == ANALYST)).all()
        assert [(i.shipment_id, i.fraud, i.revenue_recovered) for i in mine] == [
            (world.picked, True, 1500.5)
        ]
        audited = s.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.entity_type == "inspection", AuditEntry.actor == ANALYST
            )
        ).all()
        assert len(audited) == 1
    queue = client.get(f"/targeting?day={world.day}&lane=physical")
    assert "fraud found</span>" in queue.text
    page = client.get("/targeting/performance?weeks=4&days=14")
    assert page.status_code == 200, page.text
    assert page.text.count('src="data:image/svg+xml;base64,') == 3  # no model: no drift chart
    assert "No drift report: No active model" in page.text
    assert "1,500" in page.text  # the revenue recovered, in the week's row
    assert client.get("/targeting/performance?weeks=0").status_code == 422


@pytest.mark.slow
def test_models_page_with_a_trained_model(
    client: TestClient, session: Session, database: Database, settings: Settings
) -> None:
    world = build_world(session, database, settings, declarations=500, model=True)
    login_browser(client, ADMIN)
    page = client.get("/targeting/models")
    assert page.status_code == 200, page.text
    assert "Active model: v1" in page.text
    assert "Reference precision" in page.text
    shipment = client.get(f"/targeting/shipments/{world.picked}")
    assert "TreeSHAP" in shipment.text
    assert shipment.text.count('src="data:image/svg+xml;base64,') == 1
    performance = client.get("/targeting/performance")
    assert "Population stability index per input" in performance.text
    token = csrf_of(page.text)
    again = client.post("/targeting/models/1/promote", data={"csrf_token": token})
    assert "Model v1 is the active model." in again.text
    missing = client.post("/targeting/models/9/promote", data={"csrf_token": token})
    assert missing.status_code == 404
    assert "Model v9 not found" in missing.text
    bad = client.post("/targeting/models/retrain", data={"compare_weeks": "x", "csrf_token": token})
    assert bad.status_code == 422
    assert 'id="r-weeks-error"' in bad.text


@pytest.mark.slow
def test_shipment_page_shows_screening_alerts_and_trusted_trader_membership(
    client: TestClient, session: Session, database: Database, settings: Settings
) -> None:
    parties, first, _ = build_people(session)
    ingest_generated(database, settings, parties, {"isf": 20})
    with database.session() as s:
        isf = s.scalar(sa.select(Shipment.id).where(Shipment.importer_org_id == first.id))
    assert isf is not None
    certify_importer(database, settings, isf)
    listed = list_seller(database, settings, isf)
    login_browser(client, ANALYST)
    page = client.get(f"/targeting/shipments/{isf}")
    assert page.status_code == 200, page.text
    reasons = re.findall(r"<li><code>([A-Z_]+)</code>", page.text)
    assert "SCREENING_HIT" in reasons
    assert "TRUSTED_TRADER" in reasons
    alerts = page.text.split('id="screening"')[1].split('id="trusted"')[0]
    assert listed in alerts
    assert "IH-1" in alerts
    assert "sanctions" in alerts
    trusted = page.text.split('id="trusted"')[1].split('id="exposure"')[0]
    assert "ctpat" in trusted
    assert "lowers it (TRUSTED_TRADER)" in trusted
    filings = page.text.split('id="filings"')[1].split('id="screening"')[0]
    assert re.search(r'badge (bad|ok)">(late|on time)</span>', filings)


def test_trade_members_see_no_targeting(
    client: TestClient, session: Session, database: Database, settings: Settings
) -> None:
    parties, first, second = build_people(session)
    ingest_generated(database, settings, parties, {"entry": 20})
    with database.session() as s:
        own = s.scalar(sa.select(Shipment.id).where(Shipment.importer_org_id == first.id))
        others = s.scalar(sa.select(Shipment.id).where(Shipment.importer_org_id == second.id))
    assert own
    assert others
    login_browser(client, TRADER)
    assert 'href="/targeting"' not in client.get("/").text  # not offered in the navigation
    for url in ("/targeting", f"/targeting/shipments/{own}", f"/targeting/shipments/{others}",
                "/targeting/performance", "/targeting/models"):  # fmt: skip
        resp = client.get(url)
        assert resp.status_code == 403, url
        assert "read scores, selections, models and performance" in resp.text
        assert "ACME" not in resp.text
    token = csrf_of(client.get("/").text)
    resp = client.post(
        f"/targeting/shipments/{own}/outcome", data={"fraud": "no", "csrf_token": token}
    )
    assert resp.status_code == 403
    with database.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Inspection)) == 0


def test_forms_refuse_a_post_without_the_csrf_token(
    client: TestClient, session: Session, database: Database
) -> None:
    build_people(session)
    login_browser(client, ANALYST)
    with database.session() as s:
        audited = s.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    for url, data in (
        ("/targeting/shipments/1/outcome", {"fraud": "yes"}),
        ("/targeting/selections", {"day": "2024-03-05", "capacity": "1"}),
        ("/targeting/scores", {"day": "2024-03-05"}),
        ("/targeting/models/retrain", {}),
        ("/targeting/models/1/promote", {}),
    ):
        resp = client.post(url, data={**data, "csrf_token": "0" * 64})
        assert resp.status_code == 403, url
        assert "form has expired" in resp.text
    with database.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == audited


def test_pages_need_a_login(client: TestClient) -> None:
    resp = client.get("/targeting/performance", follow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["location"] == "/login?next=%2Ftargeting%2Fperformance"
