"""What the programs pages share: the program tabs, the program a page is about, form parsing
(dates, per-criterion answers and findings) and errors placed next to the field they concern.

Kept apart from the page modules so that each of them stays a list of thin routes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trustlane.access.principal import Principal
from trustlane.errors import FieldProblem, InvalidInput, TrustlaneError
from trustlane.programs import catalogs
from trustlane.settings import Settings
from trustlane.web.pages.common import set_flash

#: Rows per page of every programs list.
PAGE_SIZE = 25
#: The program a page shows when none is asked for (the main trusted-trader program).
MAIN_PROGRAM = "ctpat"


@dataclass
class SectionView:
    """One section of a per-criterion page (a profile, a validation): its items (profile lines
    or criteria), how many are done (answered, recorded) and flagged (required actions)."""

    id: str
    title: str
    focus_area: str
    items: list[Any] = field(default_factory=list)
    done: int = 0
    flagged: int = 0

    @property
    def complete(self) -> bool:
        return self.done >= len(self.items)


def pick_section(sections: Sequence[SectionView], wanted: str | None, first_open: bool) -> str:
    """The section asked for; else the first one not complete (when ``first_open``); else the
    first one."""
    ids = [s.id for s in sections]
    if wanted in ids:
        return str(wanted)
    todo = [s.id for s in sections if not s.complete]
    return (todo if first_open and todo else ids or [""])[0]


def tabs(principal: Principal) -> list[tuple[str, str]]:
    """The programs section's own navigation, by role."""
    if not principal.is_agency:
        return [("My programs", "/programs"), ("Required actions", "/programs/actions")]
    return [
        ("Accounts", "/programs"),
        ("Members", "/programs/members"),
        ("Required actions", "/programs/actions"),
        ("Validation plan", "/programs/plan"),
        ("Analytics", "/programs/analytics"),
    ]


def program_choices(session: Session, principal: Principal) -> list[tuple[str, str]]:
    """(program, title) of every catalog in force, for program selectors."""
    return [
        (c.catalog.program, c.catalog.title) for c in catalogs.list_catalogs(session, principal)
    ]


def chosen_program(session: Session, principal: Principal, program: str | None) -> str:
    """The program asked for, or the main one (the first one known when it is not there)."""
    if program:
        return program
    known = [p for p, _ in program_choices(session, principal)]
    return MAIN_PROGRAM if MAIN_PROGRAM in known or not known else known[0]


def redirect(url: str, settings: Settings, message: str, kind: str = "info") -> RedirectResponse:
    """303 to ``url`` with a message shown once there."""
    response = RedirectResponse(url, status_code=303)
    set_flash(response, settings, message, kind)
    return response


def parse_date(value: str, field: str, *, required: bool = True) -> date | None:
    """A form's ISO date, or :class:`InvalidInput` naming the field."""
    text = value.strip()
    if not text:
        if required:
            raise InvalidInput("A date is needed", [FieldProblem(field, "give a date")])
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            "Not a date", [FieldProblem(field, "not a date (YYYY-MM-DD)", value=text)]
        ) from None


def form_errors(exc: TrustlaneError, prefix: str = "") -> dict[str, str]:
    """Problems by field name (``prefix`` marks which of a page's forms they belong to); the
    message itself when no field is named."""
    out: dict[str, str] = {}
    for problem in exc.problems:
        name = problem.field.split(".")[0].split("[")[0]
        out.setdefault(prefix + name, problem.reason)
    if not out:
        out[prefix + "_form"] = exc.message
    return out


def per_criterion_errors(exc: TrustlaneError, criteria: Sequence[str]) -> dict[str, str]:
    """Errors of a per-criterion form, by ``"<field>-<criterion>"``.

    The use cases number problems by the position of each item in what they were given
    (1-based); ``criteria`` is that order. Problems without a row go to ``_form``.
    """
    out: dict[str, str] = {}
    for problem in exc.problems:
        if problem.row is not None and 1 <= problem.row <= len(criteria):
            out.setdefault(f"{problem.field}-{criteria[problem.row - 1]}", problem.reason)
        else:
            out.setdefault("_form", f"{problem.field}: {problem.reason}")
    out.setdefault("_form", exc.message)
    return out


def changed_items(
    form: FormData,
    criteria: Sequence[str],
    choice: str,
    text: str,
    current: dict[str, tuple[str, str]],
) -> list[tuple[str, str, str]]:
    """(criterion, choice, text) of a per-criterion form where the person changed something.

    ``choice``/``text`` are the field prefixes (``status``/``narrative``); ``current`` holds
    what is stored. A criterion left blank is skipped; a text without a choice is passed on so
    that the use case says what is missing.
    """
    out = []
    for cid in criteria:
        picked = str(form.get(f"{choice}-{cid}") or "").strip()
        written = str(form.get(f"{text}-{cid}") or "").strip()
        if not picked and not written:
            continue
        if current.get(cid) == (picked, written):
            continue
        out.append((cid, picked, written))
    return out


def submitted_values(form: FormData, criteria: Sequence[str], *prefixes: str) -> dict[str, Any]:
    """The values a person typed, to show them again next to the errors."""
    return {f"{p}-{cid}": str(form.get(f"{p}-{cid}") or "") for cid in criteria for p in prefixes}
