"""List loaders, one per published format, all returning :class:`LoadResult`.

``FORMATS`` is the table the CLI and API read: format name → what it reads. A loader
raises :class:`~trustlane.errors.InvalidInput` when the file is not of its format (or has
no readable entry at all), and otherwise returns what it could read with a problem per
rejected row or unreadable field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trustlane.errors import FieldProblem, InvalidInput
from trustlane.screening.loaders.common import LoadResult
from trustlane.screening.loaders.csl import load_csl, load_dpl
from trustlane.screening.loaders.ftm import load_ftm
from trustlane.screening.loaders.ofac import load_ofac
from trustlane.screening.loaders.tabular import load_table
from trustlane.screening.loaders.un import load_un


@dataclass(frozen=True)
class ListFormat:
    name: str
    description: str
    default_list: str


FORMATS: dict[str, ListFormat] = {
    f.name: f
    for f in [
        ListFormat(
            "ofac-sdn", "OFAC SDN legacy CSV folder (sdn/alt/add[/sdn_comments].csv)", "ofac-sdn"
        ),
        ListFormat(
            "ofac-cons", "OFAC consolidated non-SDN legacy CSV folder (cons_*.csv)", "ofac-cons"
        ),
        ListFormat("un-xml", "UN Security Council consolidated list XML", "un-sc"),
        ListFormat("csl", "US Consolidated Screening List, CSV or JSON (trade.gov)", "csl"),
        ListFormat("dpl", "BIS Denied Persons List, tab-separated text", "bis-dpl"),
        ListFormat("ftm", "FollowTheMoney entities, JSON lines (OpenSanctions exports)", ""),
        ListFormat("csv", "Generic CSV with a column mapping (forced labor, WRO, in-house)", ""),
    ]
}


def read_list(path: Path, fmt: str, mapping: dict[str, Any] | None = None) -> LoadResult:
    """Read ``path`` in format ``fmt``; the result's ``default_name`` names the list."""
    if fmt not in FORMATS:
        raise InvalidInput(
            f"Unknown list format {fmt!r}",
            [FieldProblem("format", f"one of: {', '.join(FORMATS)}", value=fmt)],
        )
    if not path.exists():
        raise InvalidInput(f"{path} does not exist", [FieldProblem("path", "not found")])
    if mapping and fmt != "csv":
        raise InvalidInput(
            "A column mapping applies to the csv format only",
            [FieldProblem("mapping", f"not used by {fmt}")],
        )
    if fmt == "ofac-sdn":
        result = load_ofac(path, consolidated=False)
    elif fmt == "ofac-cons":
        result = load_ofac(path, consolidated=True)
    elif fmt == "un-xml":
        result = load_un(path)
    elif fmt == "csl":
        result = load_csl(path)
    elif fmt == "dpl":
        result = load_dpl(path)
    elif fmt == "ftm":
        result = load_ftm(path)
    else:
        result = load_table(path, mapping)
    result.default_name = FORMATS[fmt].default_list or result.default_name
    return result


__all__ = ["FORMATS", "ListFormat", "LoadResult", "read_list"]
