"""Run an iterator one step ahead of its consumer, in a thread of its own.

Ingest reads, checks and builds chunk N+1 while chunk N is written. Both are Python, so they
share one interpreter lock, but much of each step runs without it: pyarrow's CSV parsing and
compute kernels, numpy, SQLite's own work inside ``executemany`` and ``COMMIT``, and the time
PostgreSQL spends on a ``COPY``. With two cores the steps overlap instead of queueing.
Memory stays bounded: at most ``depth`` finished items wait, plus one in the making.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


@contextmanager
def read_ahead(items: Iterable[T], depth: int = 1) -> Iterator[Iterator[T]]:
    """``items``, produced in a background thread at most ``depth`` ahead of the consumer.

    An exception raised while producing is raised to the consumer in its place. When the
    consumer stops early (an error while writing), the producer is told to stop and is
    waited for before the context exits, so no thread outlives the ingest.
    """
    waiting: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                waiting.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            put(_Failed(exc))
            return
        put(_DONE)

    def consume() -> Iterator[T]:
        while True:
            item = waiting.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]

    worker = threading.Thread(target=produce, name="ingest-read-ahead", daemon=True)
    worker.start()
    try:
        yield consume()
    finally:
        stop.set()
        worker.join()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error
