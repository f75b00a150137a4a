"""Loads every package's tables onto :data:`trustlane.db.Base.metadata`.

Each capability package keeps its tables in its own ``models.py``; this module imports all
of them so that migrations and tests see the whole schema. New packages are found by name.
"""

from __future__ import annotations

import importlib
import importlib.util

#: Packages whose ``models`` module defines tables, in dependency order.
PACKAGES = [
    "registry",
    "jobs",
    "access",
    "cargo",
    "screening",
    "targeting",
    "programs",
    "supplychain",
]


def load_all() -> None:
    """Import ``trustlane.<package>.models`` for every package that has one."""
    for package in PACKAGES:
        name = f"trustlane.{package}.models"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


load_all()
