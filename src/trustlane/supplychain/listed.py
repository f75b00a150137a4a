"""Screening of facility and vendor names, through the screening package's narrow interface.

The supply-chain package does not know how lists are loaded or names matched; it calls
``trustlane.screening.interface.screen_names(database, settings, actor, parties)`` with one
``{"name", "country", "schema"}`` per name and reads, per name, its best hit (``alert``,
``list``, ``entry_id``, ``matched_name``, ``score``, ``reasons``, ``category``,
``action``). When that interface is not installed, or fails, results say so explicitly:
"no list screening was available". Use cases take a :data:`NameScreen`, which the edges
(API, CLI, jobs) build with :func:`list_screening`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from trustlane.access.principal import Principal
from trustlane.db import Database
from trustlane.logs import get_logger
from trustlane.settings import Settings

log = get_logger(__name__)

INTERFACE = "trustlane.screening.interface"


@dataclass(frozen=True)
class NameQuery:
    name: str
    country: str | None = None
    schema: str = "Company"


@dataclass(frozen=True)
class ListHit:
    list_name: str
    entry_id: str
    matched_name: str
    score: float
    explanation: str
    consequence: str | None = None

    def sentence(self, queried: str) -> str:
        text = (
            f"name {queried!r} matches {self.matched_name!r} on {self.list_name} "
            f"(entry {self.entry_id}, score {self.score:.2f})"
        )
        if self.consequence:
            text += f"; consequence: {self.consequence}"
        if self.explanation:
            text += f"; {self.explanation}"
        return text


@dataclass
class ScreeningOutcome:
    available: bool
    note: str
    hits: list[list[ListHit]]


#: Screens names: one list of hits per query, or an explicit note that it could not.
NameScreen = Callable[[Sequence[NameQuery]], ScreeningOutcome]

_UNAVAILABLE = "No list screening was available ({why}): exposure covers high-risk areas only."


def unavailable(why: str) -> NameScreen:
    """A screen that screens nothing and says why."""

    def screen(queries: Sequence[NameQuery]) -> ScreeningOutcome:
        return ScreeningOutcome(False, _UNAVAILABLE.format(why=why), [[] for _ in queries])

    return screen


def list_screening(database: Database, settings: Settings, actor: Principal) -> NameScreen:
    """Screening through ``trustlane.screening.interface.screen_names``, when installed.

    Only hits the screening package raises as alerts (above its review threshold) count.
    """
    try:
        interface = importlib.import_module(INTERFACE)
    except ModuleNotFoundError:
        return unavailable("the screening package's interface is not installed")
    screen_names = getattr(interface, "screen_names", None)
    if screen_names is None:
        return unavailable(f"{INTERFACE} has no screen_names")

    def screen(queries: Sequence[NameQuery]) -> ScreeningOutcome:
        empty: list[list[ListHit]] = [[] for _ in queries]
        if not queries:
            return ScreeningOutcome(True, "No names to screen.", empty)
        try:
            raw = screen_names(
                database,
                settings,
                actor,
                [{"name": q.name, "country": q.country, "schema": q.schema} for q in queries],
            )
            hits = [[_hit(h)] if _field(h, "alert") else [] for h in raw]
        except Exception as exc:  # the other package's failure must not pass for "no hits"
            log.info("list screening failed", error=str(exc))
            return ScreeningOutcome(
                False, _UNAVAILABLE.format(why=f"screening failed: {exc}"), empty
            )
        if len(hits) != len(queries):
            why = f"the screening interface answered {len(hits)} results for {len(queries)} names"
            return ScreeningOutcome(False, _UNAVAILABLE.format(why=why), empty)
        found = sum(1 for h in hits if h)
        return ScreeningOutcome(
            True,
            f"Screened {len(queries)} names against the loaded lists: {found} raised alerts.",
            hits,
        )

    return screen


def _field(hit: Any, *names: str) -> Any:
    for name in names:
        if isinstance(hit, dict) and name in hit:
            return hit[name]
        if hasattr(hit, name):
            return getattr(hit, name)
    return None


def _hit(hit: Any) -> ListHit:
    explanation = _field(hit, "explanation", "reasons")
    if isinstance(explanation, list | tuple):
        explanation = "; ".join(str(x) for x in explanation)
    consequence = _field(hit, "consequence")
    if consequence is None and _field(hit, "category"):
        action = _field(hit, "action")
        consequence = f"{_field(hit, 'category')}" + (f" ({action})" if action else "")
    return ListHit(
        list_name=str(_field(hit, "list_name", "list", "source") or "a watch list"),
        entry_id=str(_field(hit, "entry_id", "entry") or "?"),
        matched_name=str(_field(hit, "matched_name", "name") or "?"),
        score=float(_field(hit, "score") or 0.0),
        explanation=str(explanation or ""),
        consequence=str(consequence) if consequence else None,
    )
