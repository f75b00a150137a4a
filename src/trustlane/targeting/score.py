"""Use case: score a declaration file, CSV to CSV, with reasons.

Streams the input in chunks (bounded memory: a few chunks of rows, their features and
reasons at a time), writes ``Declaration ID, score, reasons, fraud_probability,
expected_revenue`` per valid row to a temporary file that replaces the output only when
every chunk is done, and lists rows that fail the profile's checks in a rejects file. The
label columns are never read, even when the file has them.

Blocks of lines are parsed, checked and scored in worker processes, one per core (up to
four), each with its own copy of the model: every stage (parsing, features, tree walks,
reasons) is then parallel, and only raw bytes go to a worker and Arrow tables come back.
The calling process splits the file at line ends and writes results in input order; at
most two blocks per worker are in flight. A file of one block is scored in the calling
process.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from trustlane.progress import NoProgress, Progress
from trustlane.targeting import artifact
from trustlane.targeting.profiles import (
    CHUNK_ROWS,
    RawBlock,
    Reject,
    get_profile,
    parse_block,
    raw_blocks,
    write_rejects,
)
from trustlane.targeting.scoring import Scorer

#: Output columns, in order; the first three are the command-line contract.
OUTPUT_COLUMNS = ("Declaration ID", "score", "reasons", "fraud_probability", "expected_revenue")

SCHEMA = pa.schema(
    [
        ("Declaration ID", pa.string()),
        ("score", pa.float64()),
        ("reasons", pa.string()),
        ("fraud_probability", pa.float64()),
        ("expected_revenue", pa.float64()),
    ]
)


@dataclass
class ScoreFileResult:
    output: Path
    rows: int
    rejected: list[Reject]
    rejects_file: Path | None
    seconds: float


def rejects_path_for(output: Path) -> Path:
    """Where the rejects of ``output`` go: ``OUT.rejects.csv`` beside it."""
    return output.with_name(output.stem + ".rejects.csv")


def _table(scorer: Scorer, frame: pd.DataFrame) -> pa.Table:
    scored = scorer.score(frame)
    reasons = scorer.reasons(frame, scored)
    return pa.table(
        {
            "Declaration ID": frame["declaration_id"].astype(str).to_numpy(),
            "score": np.round(scored.score, 8),
            "reasons": reasons.to_numpy(dtype=object),
            "fraud_probability": np.round(scored.probability, 6),
            "expected_revenue": np.round(scored.expected_revenue, 2),
        },
        schema=SCHEMA,
    )


_worker: tuple[Scorer, str] | None = None


def _worker_start(model_dir: str, profile: str) -> None:
    global _worker
    model, _ = artifact.load(Path(model_dir), profile=profile, threads=1)
    _worker = (Scorer(model, threads=1), profile)


def _worker_score(block: RawBlock) -> tuple[pa.Table | None, list[Reject], int]:
    """Parse, check and score one block of lines in a worker process."""
    assert _worker is not None
    scorer, profile = _worker
    chunk = parse_block(block, get_profile(profile), labels=False)
    table = _table(scorer, chunk.frame) if len(chunk.frame) else None
    return table, chunk.rejects, chunk.rows_read


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def score_file(
    input_path: Path,
    profile_name: str,
    model_dir: Path,
    output: Path,
    *,
    rejects_file: Path | None = None,
    chunk_rows: int = CHUNK_ROWS,
    workers: int | None = None,
    progress: Progress | None = None,
) -> ScoreFileResult:
    """Score every valid row of ``input_path`` into ``output``."""
    progress = progress or NoProgress()
    started = time.monotonic()
    profile = get_profile(profile_name)
    # Checked (and refused, when incompatible) before any input is read.
    artifact.read_contract(Path(model_dir))
    workers = workers or default_workers()
    output = Path(output)
    rejects_file = rejects_file or rejects_path_for(output)
    rejects: list[Reject] = []
    rows = read = 0
    tmp = output.with_name(f".{output.name}.{os.getpid()}.part")
    output.parent.mkdir(parents=True, exist_ok=True)
    blocks = raw_blocks(Path(input_path), profile, labels=False, chunk_rows=chunk_rows)
    first = next(blocks, None)
    second = next(blocks, None) if first is not None else None
    pool: ProcessPoolExecutor | None = None
    scorer: Scorer | None = None
    if second is not None and workers > 1:
        # spawn, not fork: a forked child inherits OpenMP's state and can hang.
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_start,
            initargs=(str(model_dir), profile.name),
        )
    else:
        model, _ = artifact.load(Path(model_dir), profile=profile.name, threads=workers)
        scorer = Scorer(model, threads=workers)

    def score_here(block: RawBlock) -> tuple[pa.Table | None, list[Reject], int]:
        assert scorer is not None
        chunk = parse_block(block, profile, labels=False)
        table = _table(scorer, chunk.frame) if len(chunk.frame) else None
        return table, chunk.rejects, chunk.rows_read

    pending: deque[Future[tuple[pa.Table | None, list[Reject], int]]] = deque()
    try:
        with pacsv.CSVWriter(str(tmp), SCHEMA) as writer:

            def write(result: tuple[pa.Table | None, list[Reject], int]) -> None:
                nonlocal rows, read
                table, found, count = result
                rejects.extend(found)
                read += count
                if table is not None:
                    writer.write_table(table)
                    rows += table.num_rows
                progress.update(read, None, f"scored {rows:,} declarations")

            for block in itertools.chain([b for b in (first, second) if b is not None], blocks):
                if pool is None:
                    write(score_here(block))
                    continue
                pending.append(pool.submit(_worker_score, block))
                while len(pending) > 2 * workers:
                    write(pending.popleft().result())
            while pending:
                write(pending.popleft().result())
        os.replace(tmp, output)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    written: Path | None = None
    if rejects:
        write_rejects(rejects_file, rejects)
        written = rejects_file
    elif rejects_file.exists():
        rejects_file.unlink()  # a stale list from an earlier run would mislead
    return ScoreFileResult(output, rows, rejects, written, time.monotonic() - started)
