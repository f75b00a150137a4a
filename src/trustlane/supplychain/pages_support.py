"""What the supply-chain pages share: paging of reports computed in memory, search, the
chain's own navigation, and reading the import form's files with their errors placed next to
the field they concern.

Kept apart from the page modules so that each of them stays a list of thin routes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from fastapi import UploadFile

from trustlane.errors import FieldProblem, InvalidInput, TrustlaneError
from trustlane.paging import Page
from trustlane.supplychain.models import Chain
from trustlane.web.uploads import upload_text as read_upload_text

T = TypeVar("T")

#: Rows per page of every supply-chain list.
PAGE_SIZE = 25
#: Rejected rows shown under a file field; the rest are counted.
SHOWN_PROBLEMS = 20


def page_of(items: Sequence[T], offset: int, limit: int = PAGE_SIZE) -> Page[T]:
    """One page of a report's rows (reports are computed whole, then shown a page at a time)."""
    return Page(list(items[offset : offset + limit]), len(items), limit, offset)


def search(
    items: Sequence[T], q: str | None, texts: Callable[[T], Sequence[str | None]]
) -> list[T]:
    """The items one of whose texts contains ``q`` (case-insensitive); all without ``q``."""
    wanted = (q or "").strip().lower()
    if not wanted:
        return list(items)
    return [i for i in items if any(wanted in (t or "").lower() for t in texts(i))]


def tabs(chain: Chain) -> list[tuple[str, str]]:
    """The chain's own navigation: (label, path)."""
    base = f"/supplychain/{chain.id}"
    return [
        ("Map", base),
        ("Exposure", f"{base}/exposure"),
        ("Disruption impact", f"{base}/resilience"),
        ("Ports", f"{base}/ports"),
    ]


async def upload_text(upload: UploadFile | None, field: str, limit_mb: int) -> str:
    """A CSV upload's text; a missing, oversized or non-UTF-8 file is a problem of ``field``."""
    if upload is None or not upload.filename:
        raise InvalidInput("Choose both files", [FieldProblem(field, "choose a CSV file")])
    return await read_upload_text(upload, field, limit_mb)


def file_names(facilities: UploadFile | None, links: UploadFile | None) -> tuple[str, str]:
    """Names the import's messages use for the two files; distinct, so that each problem can
    be placed under the field of the file it is about."""
    first = (facilities.filename if facilities else None) or "facilities.csv"
    second = (links.filename if links else None) or "links.csv"
    if first == second:
        return "facilities.csv", "links.csv"
    return first, second


def import_errors(
    exc: TrustlaneError, facilities_name: str, links_name: str
) -> dict[str, list[str]]:
    """The import's problems by form field (``facilities``, ``links``, ``chain``,
    ``tenant_id``, ``_form``); a CSV problem names its row, column and reason."""
    names = {"facilities": facilities_name, "links": links_name}

    def file_of(text: str) -> str | None:
        for key, name in names.items():
            if f"(in {name})" in text or text.startswith(name):
                return key
        return None

    out: dict[str, list[str]] = {}
    about = file_of(exc.message)
    if about:
        out[about] = [exc.message]
    for p in exc.problems:
        key = p.field if p.field in (*names, "chain", "tenant_id") else file_of(p.reason) or about
        if key is None:
            out.setdefault("_form", []).append(str(p))
            continue
        reason = p.reason
        if key in names:
            reason = reason.replace(f" (in {names[key]})", "")
            where = f"row {p.row}, " if p.row is not None else ""
            column = f"column {p.field}: " if p.field not in names else ""
            reason = f"{where}{column}{reason}"
        out.setdefault(key, []).append(reason)
    for key in names:
        if len(out.get(key, [])) > SHOWN_PROBLEMS:
            more = len(out[key]) - SHOWN_PROBLEMS
            out[key] = [*out[key][:SHOWN_PROBLEMS], f"and {more} more"]
    if not out or (not about and "_form" in out):
        out.setdefault("_form", []).insert(0, exc.message)
    return out


def number_field(
    text: str, field: str, low: float, high: float, problems: list[FieldProblem]
) -> float:
    """A number typed in a form, within ``low`` (excluded) and ``high`` (included)."""
    try:
        value = float(text.strip().replace(",", ""))
    except ValueError:
        value = float("nan")
    if not low < value <= high:
        problems.append(FieldProblem(field, f"a number of days, up to {high:g}", value=text))
    return value


def percent(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f} %"
