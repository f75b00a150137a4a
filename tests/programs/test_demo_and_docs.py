"""The demo generator on a small registry, the docs against the CLI, and the migration
against the models."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.orm import Session

from tests import factories as f
from trustlane.access.principal import Principal
from trustlane.access.roles import Role
from trustlane.db import Base, Database
from trustlane.programs import demo, report
from trustlane.programs.models import FindingCount, Member, Validation
from trustlane.progress import NoProgress

DOCS = Path(__file__).parents[2] / "docs" / "programs.md"
ROLES = ["importer", "exporter", "foreign_manufacturer", "highway_carrier", "customs_broker",
         "third_party_logistics", "port_terminal_operator", "sea_carrier"]  # fmt: skip
SECTORS = ["electronics", "apparel_footwear_textiles", "machinery", "base_metals"]


def _registry(session: Session, n: int) -> None:
    agency = f.agency(session, "Customs Agency (demo)")
    f.user(session, agency, Role.security_specialist, "specialist@agency.demo")
    f.user(session, agency, Role.account_manager, "accounts@agency.demo")
    for i in range(n):
        f.trade_org(
            session, f"Trader {i:03d}", roles=[ROLES[i % len(ROLES)]], sector=SECTORS[i % 4]
        )


def _snapshot(database: Database) -> list[tuple[object, ...]]:
    with database.sessions() as s:
        return [
            tuple(r)
            for r in s.execute(
                sa.select(
                    Member.entity_type, Member.status, Member.tier, Member.validation_due
                ).order_by(Member.id)
            )
        ]


@pytest.mark.slow
def test_demo_builds_a_history_that_the_analytics_can_read(
    database: Database, session: Session
) -> None:
    _registry(session, 40)
    session.commit()
    counts = demo.populate(database, Principal.system("demo"), 3, NoProgress())
    assert counts["members"] >= 20
    assert counts["validations"] >= 15
    assert counts["findings"] > 1000
    assert counts["scheduled_validations"] >= 1
    with database.session() as s:
        years = {v.completed_on.year for v in s.scalars(sa.select(Validation)) if v.completed_on}
        assert len(years) >= 4, "several years of validations"
        a = report.compute_analytics(s, Principal.system(), "ctpat")
    assert a.summary["required_actions"] > 0
    assert not a.tables["sections"].empty
    assert not a.tables["years"].empty
    # The rollup kept by each completed validation equals a recount from every finding.
    with database.session() as s:
        kept = _counts(s)
        report.rebuild_finding_counts(s, Principal.system(), "ctpat")
        s.flush()
        assert _counts(s) == kept
        assert sum(kept.values()) == counts["findings"]


def _counts(session: Session) -> dict[tuple[object, ...], int]:
    rows = session.execute(
        sa.select(
            FindingCount.year,
            FindingCount.half,
            FindingCount.entity_type,
            FindingCount.sector,
            FindingCount.criterion,
            FindingCount.kind,
            FindingCount.n,
        ).where(FindingCount.program == "ctpat")
    )
    return {tuple(r[:-1]): r[-1] for r in rows}


@pytest.mark.slow
def test_the_same_seed_gives_the_same_demo(database: Database, tmp_path: Path) -> None:
    from trustlane.migrate import upgrade

    if database.dialect != "sqlite":
        pytest.skip("two databases at once: SQLite files only")
    runs = []
    for name in ("a", "b"):
        url = f"sqlite:///{tmp_path / name}.db"
        upgrade(url)
        other = Database(url)
        with other.session() as s:
            _registry(s, 16)
        demo.populate(other, Principal.system("demo"), 5, NoProgress())
        runs.append(_snapshot(other))
        other.dispose()
    assert runs[0] == runs[1]
    assert runs[0]


def _commands(app: typer.Typer, prefix: str) -> list[str]:
    found = [f"{prefix} {c.name}" for c in app.registered_commands if c.name]
    for group in app.registered_groups:
        assert group.typer_instance is not None
        assert group.name
        found += _commands(group.typer_instance, f"{prefix} {group.name}")
    return found


def test_every_programs_command_is_in_the_docs() -> None:
    from trustlane.programs.cli import programs_app

    text = DOCS.read_text()
    missing = [c for c in _commands(programs_app, "trustlane programs") if c not in text]
    assert not missing, f"not documented in {DOCS.name}: {missing}"


def test_every_api_route_is_in_the_docs() -> None:
    from trustlane.programs import api, api_agency

    text = " ".join(DOCS.read_text().split())
    paths = {r.path for r in api.router.routes if hasattr(r, "methods")}
    paths |= {"/api/programs" + r.path for r in api_agency.router.routes}
    generic = {re.sub(r"\{[^}]+\}", "{}", p) for p in paths}
    documented = {
        re.sub(r"\{[^}]+\}", "{}", p) for p in re.findall(r"`[A-Z]+ (/api/programs[^`]*)`", text)
    }
    assert generic <= documented, sorted(generic - documented)


def test_the_migration_matches_the_models(database: Database) -> None:
    ours = {t for t in Base.metadata.tables if t.startswith("programs_")}
    with database.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    mine = [d for d in diffs if any(t in repr(d) for t in ours)]
    assert not mine, mine
