"""Shared by the screening benchmarks: where the data is, and the three sanctions lists.

Paths default to ``../shared/data`` beside the repository; ``TRUSTLANE_SHARED_DATA`` or
``--data`` points elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from trustlane.screening.index import ScreeningIndex
from trustlane.screening.loaders import read_list
from trustlane.screening.records import EntryRecord

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def data_dir(arg: str | None = None) -> Path:
    return Path(arg or os.environ.get("TRUSTLANE_SHARED_DATA") or DEFAULT_DATA)


LISTS = {
    "ofac-sdn": ("lists/ofac_sdn_2023-12", "ofac-sdn"),
    "ofac-cons": ("lists/ofac_cons_2025-12", "ofac-cons"),
    "un-sc": ("lists/un_sc_2026-02/UN_consolidated.xml", "un-xml"),
}


def load_records(data: Path, names: list[str]) -> list[tuple[int, str, EntryRecord]]:
    items: list[tuple[int, str, EntryRecord]] = []
    for name in names:
        rel, fmt = LISTS[name]
        for record in read_list(data / rel, fmt).records:
            items.append((len(items) + 1, name, record))
    return items


def build_index(data: Path, names: list[str]) -> ScreeningIndex:
    return ScreeningIndex.build(load_records(data, names))
