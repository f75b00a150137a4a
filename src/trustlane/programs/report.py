"""Use cases: the failure analytics of a program, as data, CSV/XLSX files and charts.

Analytics are an agency view (they summarize every member). Reading is one pass per frame
(validations, findings, members); the computations are in :mod:`analytics` and the charts in
:mod:`plots`.
"""

from __future__ import annotations

import io
import threading
import time
from collections import OrderedDict
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.errors import FieldProblem, Forbidden, InvalidInput
from trustlane.programs import store_program
from trustlane.programs.analytics import Analytics, compute
from trustlane.programs.calendar import today
from trustlane.programs.catalogs import catalog_in_force
from trustlane.programs.plots import render
from trustlane.progress import NoProgress, Progress

EXPORT_FORMATS = ("csv", "xlsx")

#: Recent results by (database, program, day, catalog revision, data fingerprint): a page that
#: shows seven charts computes the analytics once. Any completed validation, change to a
#: member or closed action changes the fingerprint.
_CACHE: OrderedDict[tuple[Any, ...], Analytics] = OrderedDict()
_CACHE_SIZE = 8
_CACHE_LOCK = threading.Lock()


def compute_analytics(
    session: Session,
    actor: Principal,
    program: str,
    *,
    as_of: date | None = None,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> Analytics:
    """Every failure table and summary figure of ``program``."""
    actor.require("programs:read")
    if not actor.is_agency:
        raise Forbidden("Program analytics are an agency view")
    progress = progress or NoProgress()
    as_of = as_of or today()
    found = catalog_in_force(session, program)
    catalog = found.catalog
    started = time.perf_counter()
    key = (
        str(session.get_bind().engine.url),
        program,
        as_of,
        found.revision,
        store_program.analytics_fingerprint(session, program),
    )
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
    if cached is not None and timings is None:
        return cached
    progress.update(0, 4, "reading validations")
    validations = store_program.validations_frame(session, program)
    progress.update(1, 4, "reading finding counts")
    counts = store_program.finding_counts_frames(session, program)
    required = store_program.required_action_pairs(session, program)
    progress.update(2, 4, "reading members")
    members = store_program.members_frame(session, program, as_of)
    read = time.perf_counter()
    progress.update(3, 4, "computing")
    result = compute(catalog, validations, counts, required, members, as_of)
    if timings is not None:
        timings["read_s"] = read - started
        timings["compute_s"] = time.perf_counter() - read
    with _CACHE_LOCK:
        _CACHE[key] = result
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    progress.update(4, 4, "done")
    return result


def rebuild_finding_counts(session: Session, actor: Principal, program: str) -> int:
    """Recount the program's findings rollup from its findings (after a bulk import of
    history, or to check the incremental counts); returns the cells written."""
    actor.require("programs:validate")
    if not actor.is_agency:
        raise Forbidden("Only the agency maintains program analytics")
    catalog_in_force(session, program)  # refuses an unknown program
    cells = store_program.rebuild_finding_counts(session, program)
    audit.record(
        session,
        actor,
        "rebuild",
        "program_finding_counts",
        program,
        summary=f"{cells} finding-count cells recounted for {program}",
    )
    return cells


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as ISO text and rates rounded, so that files read the same everywhere."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(6)
    return out


def export_analytics(analytics: Analytics, fmt: str, table: str | None = None) -> bytes:
    """One table as CSV, or the summary and every table (or one) as sheets of an XLSX."""
    problems = []
    if fmt not in EXPORT_FORMATS:
        problems.append(FieldProblem("format", "csv or xlsx", value=fmt))
    if table is not None and table not in analytics.tables:
        problems.append(
            FieldProblem("table", f"one of: {', '.join(analytics.tables)}", value=table)
        )
    if fmt == "csv" and table is None:
        problems.append(FieldProblem("table", "a CSV file holds one table; name it"))
    if problems:
        raise InvalidInput("Cannot export these analytics", problems)
    if fmt == "csv":
        assert table is not None
        return _plain(analytics.tables[table]).to_csv(index=False, lineterminator="\n").encode()
    buffer = io.BytesIO()
    names = [table] if table else list(analytics.tables)
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        summary_rows = [
            {"figure": k, "value": v if not isinstance(v, dict | list) else str(v)}
            for k, v in analytics.summary.items()
        ]
        pd.DataFrame(summary_rows).to_excel(writer, sheet_name="summary", index=False)
        for name in names:
            _plain(analytics.tables[name]).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def export_analytics_file(analytics: Analytics, path: Path, table: str | None = None) -> None:
    fmt = path.suffix.lower().lstrip(".")
    path.write_bytes(export_analytics(analytics, fmt, table))


def chart(analytics: Analytics, name: str, fmt: str) -> bytes:
    return render(analytics, name, fmt)


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and (np.isnan(value) or np.isinf(value)):
        return None
    if isinstance(value, np.generic):
        return _json_value(value.item())
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return value


def table_records(analytics: Analytics, table: str) -> list[dict[str, Any]]:
    """A table as JSON-safe records (NaN and infinities as null, dates as ISO text)."""
    if table not in analytics.tables:
        raise InvalidInput(
            "Unknown table",
            [FieldProblem("table", f"one of: {', '.join(analytics.tables)}", value=table)],
        )
    frame = analytics.tables[table]
    return [
        {str(k): _json_value(v) for k, v in row.items()} for row in frame.to_dict(orient="records")
    ]
