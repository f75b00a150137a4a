"""The screener over the lists stored in the database, built once per set of list versions.

The index is kept in memory (one per process) and in a file under the data directory named
by the list versions it holds, so that a new process (a CLI call, a worker) reads it in a
second instead of building it again. Loading a new list version changes the signature:
the next screening builds a fresh index.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from pathlib import Path

from trustlane.db import Database
from trustlane.errors import InvalidInput
from trustlane.logs import get_logger
from trustlane.screening import store
from trustlane.screening.config import ScreeningSettings, Thresholds, current_model
from trustlane.screening.engine import Screener
from trustlane.screening.index import ScreeningIndex
from trustlane.screening.records import EntryRecord
from trustlane.settings import Settings

log = get_logger(__name__)

#: Bumped when the index's layout changes, so that old cache files are not read.
INDEX_FORMAT = 3

_lock = threading.Lock()
_memory: dict[str, ScreeningIndex] = {}


def _cache_path(settings: Settings, signature: str) -> Path:
    digest = hashlib.sha256(f"{INDEX_FORMAT}|{signature}".encode()).hexdigest()[:16]
    return settings.path("screening", f"index-{digest}.pkl")


def build_index(database: Database) -> ScreeningIndex:
    """A fresh index of every current entry in the database."""
    with database.sessions() as session:
        signature = store.current_signature(session)
        items = [
            (entry_id, list_name, EntryRecord.from_doc(doc))
            for entry_id, list_name, doc in store.entries_for_index(session)
        ]
    return ScreeningIndex.build(items, signature=signature)


def get_index(database: Database, settings: Settings) -> ScreeningIndex:
    """The index of the current list versions: from memory, the cache file, or built."""
    with database.sessions() as session:
        signature = store.current_signature(session)
    if not signature:
        raise InvalidInput(
            "No watch list is loaded; load one with `trustlane lists load PATH --format F`"
        )
    with _lock:
        index = _memory.get(signature)
        if index is not None:
            return index
        path = _cache_path(settings, signature)
        if path.exists():
            try:
                index = pickle.loads(path.read_bytes())  # noqa: S301  (see module docstring)
            except Exception:  # a cache that cannot be read is rebuilt
                log.warning("screening index cache unreadable, rebuilding", path=str(path))
                index = None
        if index is None or index.signature != signature:
            index = build_index(database)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
            tmp.replace(path)
            for old in path.parent.glob("index-*.pkl"):
                if old != path:
                    old.unlink(missing_ok=True)
        _memory.clear()
        _memory[signature] = index
        return index


def get_screener(
    database: Database,
    settings: Settings,
    lists: list[str] | None = None,
    screening: ScreeningSettings | None = None,
) -> Screener:
    """A screener over the stored lists (or the named ones), with the configured model."""
    from trustlane.screening.config import screening_settings

    screening = screening or screening_settings()
    index = get_index(database, settings)
    if lists:
        known = {e.list_name for e in index.entries}
        unknown = [name for name in lists if name not in known and name.split("/")[0] not in known]
        if unknown:
            raise InvalidInput(
                f"Unknown list {', '.join(unknown)}; loaded: {', '.join(sorted(known))}"
            )
    model = current_model(screening)
    return Screener(index, model, Thresholds.from_settings(screening, model), lists)
