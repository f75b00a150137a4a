"""Ingest benchmark: rows/s and peak memory loading generated declaration lines.

Generates N realistic ``customs-kr`` declaration lines (``trustlane.demo.declarations``,
seeded) and ingests them into a scratch SQLite database and a scratch PostgreSQL database
(created and dropped), each in a fresh process so that its peak memory is its own. For each:
the first load (every filing new, every distinct party proposed to the registry), then the
same file again (every filing unchanged). Also prints the time spent in party resolution, the
registry's part of the work.

    .venv/bin/python benchmarks/ingest.py                      # 1,000,000 lines, both
    .venv/bin/python benchmarks/ingest.py --lines 100000 --backend sqlite

Target (issue 3): at least 20,000 rows/s on both databases.
"""

from __future__ import annotations

import argparse
import functools
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

PG_SERVER = os.environ.get(
    "TRUSTLANE_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _run(backend: str, url: str, path: str, chunk_rows: int, queue: Any) -> None:
    """In a child process: migrate, ingest twice, report figures and peak memory."""
    import trustlane.registry.resolve as resolve_module
    from trustlane.access.principal import Principal
    from trustlane.cargo import ingest
    from trustlane.db import Database
    from trustlane.migrate import upgrade

    spent = {"resolve": 0.0}
    real = resolve_module.resolve_parties

    @functools.wraps(real)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent["resolve"] += time.perf_counter() - started

    resolve_module.resolve_parties = timed  # type: ignore[assignment]
    upgrade(url)
    database = Database(url)
    actor = Principal.system("benchmark")
    rejects = Path(tempfile.mkdtemp()) / "rejects.csv"
    results = []
    for label in ("first load", "re-ingest (unchanged)"):
        spent["resolve"] = 0.0
        summary = ingest.ingest_file(
            database, actor, Path(path), "customs-kr", rejects_path=rejects, chunk_rows=chunk_rows
        )
        results.append((label, summary.as_dict(), spent["resolve"]))
    database.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((results, peak_mb))


def _measure(backend: str, url: str, path: Path, chunk_rows: int) -> None:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_run, args=(backend, url, str(path), chunk_rows, queue))
    child.start()
    results, peak_mb = queue.get()
    child.join()
    for label, summary, resolve_s in results:
        print(
            f"{backend:10} {label:22} rows {summary['rows_read']:>9,}  "
            f"{summary['seconds']:8.1f} s  {summary['rows_per_second']:>9,.0f} rows/s  "
            f"new {summary['filings_new']:,} unchanged {summary['filings_unchanged']:,} "
            f"rejected {summary['rows_rejected']:,}  party resolution {resolve_s:.1f} s"
        )
    print(f"{backend:10} peak memory (whole process, both runs): {peak_mb:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--chunk-rows", type=int, default=20_000)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "trustlane-bench"
    )
    parser.add_argument(
        "--pg-url", default=PG_SERVER, help="PostgreSQL server (a scratch db is made)"
    )
    args = parser.parse_args()

    from trustlane.demo.declarations import generate

    args.workdir.mkdir(parents=True, exist_ok=True)
    path = args.workdir / f"customs-kr-{args.lines}-{args.seed}.csv"
    if not path.exists():
        started = time.perf_counter()
        generate("customs-kr", path, lines=args.lines, seed=args.seed)
        print(f"generated {path} in {time.perf_counter() - started:.1f} s")
    size = path.stat().st_size / 2**20
    print(
        f"file: {path} ({size:,.0f} MB), chunk {args.chunk_rows:,} rows, "
        f"python {sys.version.split()[0]}"
    )

    if args.backend in ("sqlite", "both"):
        db_file = args.workdir / f"bench-{uuid.uuid4().hex[:8]}.db"
        try:
            _measure("sqlite", f"sqlite:///{db_file}", path, args.chunk_rows)
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
            _measure("postgresql", f"{args.pg_url.rsplit('/', 1)[0]}/{name}", path, args.chunk_rows)
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
