"""Running many scenarios on every core: a queue of chunks shared by this process and
worker processes (``python -m trustlane.supplychain.scenario_worker``)."""

from __future__ import annotations

import os
import pickle
import select
import subprocess
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Sequence

from trustlane.logs import get_logger
from trustlane.progress import NoProgress, Progress
from trustlane.supplychain.lpmodel import ChainArrays, DisruptionModel
from trustlane.supplychain.scenarios import (
    Baseline,
    ResilienceRun,
    Scenario,
    ScenarioResult,
    ScenarioSolver,
    solve_baseline,
)

log = get_logger(__name__)

#: Scenarios below this count run in this process (starting a worker costs about a second).
POOL_THRESHOLD = 200
#: Scenarios per chunk of work.
CHUNK = 20
#: What a worker writes once it is ready for work.
READY = b"R"


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


class _Queue:
    """Chunks of scenario positions, handed out to whoever asks first."""

    def __init__(self, total: int, size: int) -> None:
        self._chunks = deque(range(i, min(i + size, total)) for i in range(0, total, size))
        self._lock = threading.Lock()
        self.done = 0

    def take(self) -> range | None:
        with self._lock:
            return self._chunks.popleft() if self._chunks else None

    def finished(self, count: int) -> None:
        with self._lock:
            self.done += count

    def empty(self) -> bool:
        with self._lock:
            return not self._chunks

    def give_back(self, chunk: range) -> None:
        with self._lock:
            self._chunks.appendleft(chunk)


def run_scenarios(
    chain: ChainArrays,
    scenarios: Sequence[Scenario],
    horizon: float = 365.0,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> ResilienceRun:
    """TTS and lost sales of every scenario, with the undisrupted chain's own TTS.

    With more than one worker, worker processes (``python -m
    trustlane.supplychain.scenario_worker``) start at once and take chunks of scenarios from
    the same queue as this process, which works too: a worker that is slow to start (its
    imports) simply takes fewer chunks.
    """
    started = time.perf_counter()
    progress = progress or NoProgress()
    workers = default_workers() if workers is None else max(1, workers)
    total = len(scenarios)
    if total < POOL_THRESHOLD:
        workers = 1
    remote = [WorkerProcess() for _ in range(workers - 1)]
    try:
        model = DisruptionModel(chain)
        baseline = solve_baseline(model, horizon)
        progress.update(0, total, "disruption scenarios")
        results: list[ScenarioResult | None] = [None] * total
        queue = _Queue(total, CHUNK)
        threads = [
            threading.Thread(
                target=worker.serve_queue,
                args=(queue, scenarios, results, chain, baseline, horizon),
                daemon=True,
            )
            for worker in remote
        ]
        for thread in threads:
            thread.start()
        solver = ScenarioSolver(chain, baseline, horizon)
        while (chunk := queue.take()) is not None:
            for i in chunk:
                results[i] = solver.solve(scenarios[i])
            queue.finished(len(chunk))
            progress.update(queue.done, total)
        for thread in threads:
            thread.join()
        # A worker that stopped early may have handed chunks back after this process ended.
        while (chunk := queue.take()) is not None:
            for i in chunk:
                results[i] = solver.solve(scenarios[i])
            queue.finished(len(chunk))
    finally:
        for worker in remote:
            worker.close()
    final = [r for r in results if r is not None]
    if len(final) != total:
        raise RuntimeError("some scenarios were not solved")
    largest = max((r.lost_profit for r in final), default=0.0)
    for r in final:
        r.rei = r.lost_profit / largest if largest > 0 else 0.0
    progress.update(total, total)
    methods = Counter(r.tts_method for r in final) + Counter(f"lost:{r.lost_method}" for r in final)
    return ResilienceRun(
        horizon, baseline, final, time.perf_counter() - started, dict(sorted(methods.items()))
    )


class WorkerProcess:
    """A worker process that solves chunks of scenarios it is sent.

    A plain subprocess rather than multiprocessing: spawned multiprocessing workers import the
    parent's main module (for the CLI, every package of trustlane), and forking a process in
    which HiGHS has started its thread pool is not safe. The worker imports only this module.
    Messages are pickles on its standard input and output (between a parent and the child
    it started).
    """

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "trustlane.supplychain.scenario_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.failure: Exception | None = None

    def serve_queue(
        self,
        queue: _Queue,
        scenarios: Sequence[Scenario],
        results: list[ScenarioResult | None],
        chain: ChainArrays,
        baseline: Baseline,
        horizon: float,
    ) -> None:
        """Feed the worker chunks until the queue is empty (runs in a thread)."""
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None
        assert stdout is not None
        chunk: range | None = None
        try:
            # The worker says when its imports are done; if this process has taken every
            # chunk by then, the worker is not waited for.
            while not select.select([stdout], [], [], 0.05)[0]:
                if queue.empty():
                    return
            if stdout.read(1) != READY:
                raise RuntimeError("the scenario worker did not start")
            pickle.dump((chain, baseline, horizon), stdin)
            stdin.flush()
            while (chunk := queue.take()) is not None:
                pickle.dump([scenarios[i] for i in chunk], stdin)
                stdin.flush()
                answer = pickle.load(stdout)  # noqa: S301  (written by our own worker)
                if isinstance(answer, BaseException):
                    raise answer
                for i, result in zip(chunk, answer, strict=True):
                    results[i] = result
                queue.finished(len(chunk))
            pickle.dump(None, stdin)
            stdin.flush()
        except Exception as exc:
            # The chunk goes back to the queue and this process solves it: a scenario that
            # fails for a reason of its own fails there too, with its real error.
            self.failure = exc
            log.warning("scenario worker stopped", error=str(exc))
            if chunk is not None:
                queue.give_back(chunk)

    def close(self) -> None:
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                pipe.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def serve_worker() -> None:
    """The worker side: read (chain, baseline, horizon), then chunks until None."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    try:
        stdout.write(READY)
        stdout.flush()
        chain, baseline, horizon = pickle.load(stdin)  # noqa: S301  (from our own parent)
    except (EOFError, BrokenPipeError):
        return  # the parent finished without needing this worker
    solver = ScenarioSolver(chain, baseline, horizon)
    while (chunk := pickle.load(stdin)) is not None:  # noqa: S301
        try:
            answer: object = [solver.solve(s) for s in chunk]
        except Exception as exc:  # handed to the parent, which raises it
            answer = exc
        pickle.dump(answer, stdout)
        stdout.flush()
