"""Programs benchmark: failure analytics and validation planning over a large program.

Generates a program of N members (default 12,000, across the ten sectors and the eleven
entity types) with their criteria and five years of validations, written straight into the
tables with the bulk path (the use cases would take hours to write millions of findings;
this measures reading, not writing). Then times, on a scratch SQLite file and a scratch
PostgreSQL database, each in a fresh process:

- ``analytics``: ``report.compute_analytics`` (every table, the failure model, compliance);
- ``planning``: ``planning.make_plan`` (read, rank, allocate, store the plan);
- ``ranking``: the planner's pure ranking and allocation alone.

    .venv/bin/python benchmarks/programs_analytics.py                    # 12,000 members, both
    .venv/bin/python benchmarks/programs_analytics.py --per-year 0.25    # the 4-year cycle
    .venv/bin/python benchmarks/programs_analytics.py --members 2000 --backend sqlite

``--per-year`` is validations per member per year: 1.0 (the default) validates every member
every year, five times the findings of a real four-year cycle, so the figure is a ceiling.
Target (issue 6): analytics and planning each under 10 s on both databases.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import resource
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

PG_SERVER = os.environ.get(
    "TRUSTLANE_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
END = date(2025, 12, 31)
#: Entity types and their share of the membership (importers dominate real programs).
ENTITY_SHARE = {
    "importer": 0.40,
    "foreign_manufacturer": 0.15,
    "exporter": 0.07,
    "highway_carrier": 0.12,
    "customs_broker": 0.07,
    "consolidator": 0.05,
    "third_party_logistics": 0.05,
    "sea_carrier": 0.02,
    "air_carrier": 0.02,
    "rail_carrier": 0.01,
    "port_terminal_operator": 0.04,
}
SECTION_DIFFICULTY = {"1": -0.4, "2": 0.3, "3": 0.5, "4": 0.7, "5": 0.2, "6": 0.4, "7": 0.0}


#: Tables whose ids the bulk load assigns (PostgreSQL sequences are moved past them).
SEQUENCED = (
    "organizations",
    "programs_members",
    "programs_validations",
    "programs_findings",
    "programs_actions",
    "programs_member_events",
)
KINDS = ("meets", "required_action", "recommendation", "best_practice")
VALIDATION_COLUMNS = [
    "id", "member_id", "program", "basis", "mode", "status", "scheduled_for", "completed_on",
    "outcome", "outcome_reasons", "n_meets", "n_required_actions", "n_recommendations",
    "n_best_practices", "catalog_revision", "created_at", "created_by",
]  # fmt: skip
MEMBER_COLUMNS = [
    "id", "program", "org_id", "entity_type", "account_number", "status", "tier",
    "tier_reasons", "specialist_user_id", "applied_on", "certified_on", "last_validated_on",
    "validation_due", "profile_review_due", "created_at", "updated_at",
]  # fmt: skip
ACTION_COLUMNS = [
    "id", "member_id", "validation_id", "criterion", "description", "due_on", "status",
    "follow_up",
]  # fmt: skip
EVENT_COLUMNS = ["member_id", "on", "kind", "reason_code", "text", "actor", "at"]
ORG_COLUMNS = [
    "id", "name", "name_key", "kind", "entity_type", "status", "country", "sector",
    "attributes", "created_at", "updated_at",
]  # fmt: skip


def _max_id(conn: Any, table: str) -> int:
    import sqlalchemy as sa

    return int(conn.execute(sa.text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).scalar_one())


class Program:
    """The synthetic program: who the members are and how each validation goes."""

    def __init__(self, members: int, years: int, per_year: float, seed: int) -> None:
        from trustlane.programs.catalogs import bundled
        from trustlane.registry.sectors import sectors

        self.rng = np.random.default_rng(seed)
        self.catalog = bundled()["ctpat"]
        self.policy = self.catalog.policy
        self.start = END - timedelta(days=365 * years)
        self.years = years
        self.interval = 365.25 / per_year
        self.slugs = [s.slug for s in sectors()]
        self.types = list(ENTITY_SHARE)
        weights = np.array(list(ENTITY_SHARE.values()))
        self.member_type = self.rng.choice(len(self.types), size=members, p=weights / weights.sum())
        self.member_sector = self.rng.integers(0, len(self.slugs), size=members)
        self.maturity = self.rng.normal(0, 1, size=members)
        self.difficulty = {
            c.id: SECTION_DIFFICULTY.get(c.section, 0.1)
            + self.rng.normal(0, 0.35)
            - (0.4 if c.level.value == "should" else 0.0)
            for c in self.catalog.criteria
        }
        self.applicable = {
            t: [
                (c.id, c.effective_from, c.level.value == "must")
                for c in self.catalog.applicable(t)
            ]
            for t in self.types
        }

    def findings(self, entity_type: str, day: date, maturity: float) -> tuple[list[str], Any, Any]:
        """Criteria in force on ``day``, the kind found for each (index into KINDS), and
        which are "must" criteria: the same model as the demo's, vectorized."""
        in_force = [
            (cid, eff, must) for cid, eff, must in self.applicable[entity_type] if eff <= day
        ]
        ids = [cid for cid, _, _ in in_force]
        base = np.array([self.difficulty[c] for c in ids])
        age = np.array([(day - eff).days / 365.25 for _, eff, _ in in_force])
        novelty = np.where(age < 3, 1.3 * np.exp(-age / 0.9), 0.0)
        p_ra = 1 / (1 + np.exp(-(-3.9 + base - 0.9 * maturity + novelty)))
        p_bp = 1 / (1 + np.exp(-(-3.6 + 0.9 * maturity - 0.4 * base)))
        u = self.rng.random(len(ids))
        kinds = np.select([u < p_ra, u < p_ra + p_bp, u < p_ra + p_bp + 0.06], [1, 3, 2], 0)
        must = np.array([m for _, _, m in in_force])
        return ids, kinds, must

    def outcome(self, kinds: Any, must: Any) -> str:
        if int(((kinds == 1) & must).sum()) >= self.policy.failure_required_actions:
            return "failed"
        return "passed_with_actions" if (kinds == 1).any() else "passed"


def generate(database: Any, members: int, years: int, per_year: float, seed: int) -> dict[str, int]:
    """Write the synthetic program; returns row counts."""
    import sqlalchemy as sa

    from trustlane.access import users
    from trustlane.access.principal import Principal
    from trustlane.access.roles import Role
    from trustlane.db import bulk_insert, is_postgres
    from trustlane.programs.models import (
        Action,
        Finding,
        Member,
        MemberEvent,
        Specialist,
        Validation,
    )
    from trustlane.registry.models import Organization, OrgRole
    from trustlane.registry.orgs import ensure_agency

    program = Program(members, years, per_year, seed)
    rng, policy, types = program.rng, program.policy, program.types
    now = datetime.now(UTC)
    actor = Principal.system("benchmark")
    with database.session() as session:
        agency = ensure_agency(session, actor, "Benchmark Agency")
        specialist_ids = [
            users.create_user(
                session, actor, email=f"spec{i}@bench.example", name=f"Specialist {i}",
                password="benchmark password", org_id=agency.id, role=Role.security_specialist,
            ).id
            for i in range(24)
        ]  # fmt: skip
        session.add_all(Specialist(user_id=u, capacity=12.0, sectors=[]) for u in specialist_ids)
    counts = {"members": members, "validations": 0, "findings": 0, "actions": 0}
    with database.engine.begin() as conn:
        org0, mem0 = _max_id(conn, "organizations"), _max_id(conn, "programs_members")
        vid, fid = _max_id(conn, "programs_validations"), _max_id(conn, "programs_findings")
        aid = _max_id(conn, "programs_actions")
        orgs = (
            (org0 + i + 1, f"Member Company {i:05d}", f"member company {i:05d}", "trade",
             "company", "active", "US", program.slugs[program.member_sector[i]], {}, now, now)
            for i in range(members)
        )  # fmt: skip
        bulk_insert(conn, Organization.__table__, ORG_COLUMNS, orgs)
        roles = ((org0 + i + 1, types[program.member_type[i]]) for i in range(members))
        bulk_insert(conn, OrgRole.__table__, ["org_id", "role"], roles)
        validations: list[tuple[Any, ...]] = []
        findings: list[tuple[Any, ...]] = []
        actions: list[tuple[Any, ...]] = []
        member_rows: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []

        def flush() -> None:
            bulk_insert(conn, Member.__table__, MEMBER_COLUMNS, member_rows)
            bulk_insert(conn, Validation.__table__, VALIDATION_COLUMNS, validations)
            bulk_insert(
                conn, Finding.__table__, ["id", "validation_id", "criterion", "kind"], findings
            )
            counts["validations"] += len(validations)
            counts["findings"] += len(findings)
            for rows in (member_rows, validations, findings):
                rows.clear()

        first_window = min(program.interval, 365.0 * years)
        for i in range(members):
            mid, etype, maturity = mem0 + i + 1, types[program.member_type[i]], program.maturity[i]
            day = program.start + timedelta(days=float(rng.uniform(0, first_window)))
            certified = day - timedelta(days=int(rng.integers(60, 400)))
            last, outcome, n = day, "passed", 0
            while day <= END:
                ids, kinds, must = program.findings(etype, day, maturity)
                outcome = program.outcome(kinds, must)
                vid, n = vid + 1, n + 1
                for cid, k in zip(ids, kinds, strict=True):
                    fid += 1
                    findings.append((fid, vid, cid, KINDS[k]))
                    if k == 1:
                        aid += 1
                        due = day + timedelta(days=policy.action_due_days)
                        done = due < END - timedelta(days=30) and rng.random() < 0.9
                        status = "closed" if done else "open"
                        actions.append((aid, mid, vid, cid, "Close the gap.", due, status, []))
                per_kind = [int((kinds == k).sum()) for k in range(4)]
                mode = "on_site" if n == 1 else "virtual"
                validations.append(
                    (vid, mid, "ctpat", "agency", mode, "completed", day, day, outcome, [],
                     *per_kind, 0, now, "benchmark")
                )  # fmt: skip
                if outcome == "failed":
                    events.append(
                        (mid, day, "suspended", "validation_failed", "Failed.", "bench", now)
                    )
                last, maturity = day, maturity + 0.3
                day += timedelta(days=program.interval)
            status = "suspended" if outcome == "failed" else "validated"
            tier = None if status == "suspended" else (3 if maturity > 1.5 else 2)
            due = last + timedelta(days=365 * policy.revalidation_years)
            member_rows.append(
                (mid, "ctpat", org0 + i + 1, etype, f"CTPAT-B{mid:07d}", status, tier, [],
                 specialist_ids[i % len(specialist_ids)], certified - timedelta(days=60),
                 certified, last, due, last + timedelta(days=365), now, now)
            )  # fmt: skip
            if len(findings) > 200_000:
                flush()
        flush()
        bulk_insert(conn, Action.__table__, ACTION_COLUMNS, actions)
        counts["actions"] = len(actions)
        bulk_insert(conn, MemberEvent.__table__, EVENT_COLUMNS, events)
        if is_postgres(conn):  # bulk loads bypass the sequences: move them past the ids used
            for table in SEQUENCED:
                conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT MAX(id) FROM {table}))"
                    )
                )
        conn.execute(sa.text("ANALYZE"))
    return counts


def _run(backend: str, url: str, args: argparse.Namespace, queue: Any) -> None:
    """In a child process: migrate, generate, then time analytics and planning (twice each,
    the second run showing a warm database cache)."""
    from trustlane.access.principal import Principal
    from trustlane.db import Database
    from trustlane.migrate import upgrade
    from trustlane.programs import planning, report

    upgrade(url)
    database = Database(url)
    started = time.perf_counter()
    counts = generate(database, args.members, args.years, args.per_year, args.seed)
    lines = [f"{backend:10} generated {counts} in {time.perf_counter() - started:.0f} s"]
    actor = Principal.system("benchmark")
    # The history was bulk-loaded like an import: count the findings rollup from it once.
    started = time.perf_counter()
    with database.session() as session:
        cells = report.rebuild_finding_counts(session, actor, "ctpat")
    lines.append(
        f"{backend:10} rollup rebuilt from every finding: {cells:,} cells in "
        f"{time.perf_counter() - started:.1f} s (once, after an import)"
    )
    for run in ("cold", "warm"):
        timings: dict[str, float] = {}
        t = time.perf_counter()
        with database.session() as session:
            a = report.compute_analytics(session, actor, "ctpat", as_of=END, timings=timings)
        analytics_s = time.perf_counter() - t
        t = time.perf_counter()
        with database.session() as session:
            plan = planning.make_plan(
                session, actor, "ctpat", planning.PlanParameters(horizon_days=90), as_of=END
            )
        planning_s = time.perf_counter() - t
        s = plan.plan.summary
        auc = a.summary["model"].get("auc") or 0.0
        lines.append(
            f"{backend:10} {run}: analytics {analytics_s:5.2f} s (read {timings['read_s']:.2f}, "
            f"compute {timings['compute_s']:.2f}; {a.summary['findings']:,} findings, "
            f"{a.summary['validations']:,} validations, model AUC {auc:.3f})"
            f" | planning {planning_s:5.2f} s (read {plan.timings['read_s']:.2f}, ranking "
            f"{plan.timings['rank_s']:.2f}; {s['candidates']:,} ranked, {s['planned']:,} planned)"
        )
    database.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines.append(f"{backend:10} peak memory {peak:,.0f} MB")
    queue.put(lines)


def _measure(backend: str, url: str, args: argparse.Namespace) -> None:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_run, args=(backend, url, args, queue))
    child.start()
    for line in queue.get():
        print(line, flush=True)
    child.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--members", type=int, default=12_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--per-year", type=float, default=1.0, help="validations/member/year")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/trustlane-bench"))
    parser.add_argument("--pg-url", default=PG_SERVER, help="PostgreSQL server (scratch db)")
    args = parser.parse_args()
    print(
        f"{args.members:,} members, {args.years} years, {args.per_year:g} validations per member "
        f"per year (≈{math.floor(args.members * args.years * args.per_year):,} validations)"
    )
    if args.backend in ("sqlite", "both"):
        args.workdir.mkdir(parents=True, exist_ok=True)
        db_file = args.workdir / f"programs-{uuid.uuid4().hex[:8]}.db"
        try:
            _measure("sqlite", f"sqlite:///{db_file}", args)
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    if args.backend in ("postgresql", "both"):
        import sqlalchemy as sa

        name = f"trustlane_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(
            args.pg_url.replace("postgresql://", "postgresql+psycopg://"),
            isolation_level="AUTOCOMMIT",
        )
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            _measure("postgresql", f"{args.pg_url.rsplit('/', 1)[0]}/{name}", args)
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
