"""Server-rendered pages for people (Jinja2 templates, a little htmx).

Pages call the same use cases as the API and CLI. Core pages (login, home, administration)
live here; each package adds its own in ``trustlane/<package>/pages.py`` (a ``router``) with
templates under ``trustlane/<package>/templates/<package>/``.
"""

from __future__ import annotations

import importlib
import importlib.util

from fastapi import APIRouter

from trustlane.web.pages import admin as admin
from trustlane.web.pages import auth as auth
from trustlane.web.pages import home as home
from trustlane.web.pages import jobs as jobs

#: Package page modules, found by name; those not built yet are skipped.
PACKAGE_PAGES = [
    "trustlane.registry.pages",
    "trustlane.cargo.pages",
    "trustlane.screening.pages",
    "trustlane.targeting.pages",
    "trustlane.programs.pages",
    "trustlane.supplychain.pages",
]

router = APIRouter(include_in_schema=False)
router.include_router(auth.router)
router.include_router(home.router)
router.include_router(admin.router)
router.include_router(jobs.router)
for _name in PACKAGE_PAGES:
    if importlib.util.find_spec(_name) is not None:
        router.include_router(importlib.import_module(_name).router)
