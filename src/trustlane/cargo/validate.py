"""Checks and converts a chunk of text columns to typed values, column by column, in bulk.

Every problem found becomes one reject (row, field, value, reason); a row with any problem is
left out of the load, and every other row goes on. Nothing here loops over rows in Python:
each check is one vectorized pandas operation over the whole column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pycountry

from trustlane.cargo.mapping import Column, Profile, ValueType

#: ISO 3166-1 alpha-2 codes, plus two user-assigned codes that customs data use: ZZ
#: (unknown or unspecified, as in the public declarations data set) and XK (Kosovo).
COUNTRIES = frozenset({c.alpha_2 for c in pycountry.countries} | {"ZZ", "XK"})

_FLAGS = {"1": True, "0": False, "true": True, "false": False, "yes": True, "no": False}
_FLAGS |= {"y": True, "n": False, "t": True, "f": False, "1.0": True, "0.0": False}

REJECT_COLUMNS = ["row", "field", "value", "reason"]


@dataclass
class Checked:
    """A chunk after checking: typed values of every row, and what was wrong where."""

    values: pd.DataFrame  # typed, one column per source column; invalid cells are NA
    bad: np.ndarray[Any, np.dtype[np.bool_]]  # True for rows with at least one problem
    rejects: pd.DataFrame  # row, field, value, reason


def empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in REJECT_COLUMNS})


def problems(
    rows: np.ndarray[Any, np.dtype[np.int64]],
    mask: np.ndarray[Any, np.dtype[np.bool_]] | pd.Series[bool],
    field: str,
    values: pd.Series[Any] | str,
    reason: str | pd.Series[Any],
) -> pd.DataFrame:
    """Reject records for the rows where ``mask`` holds."""
    where = np.asarray(mask, dtype=bool)
    if not where.any():
        return empty_rejects()
    shown = (
        values[where].astype(str).str.slice(0, 200).to_numpy()
        if not isinstance(values, str)
        else values
    )
    why = reason[where].to_numpy() if isinstance(reason, pd.Series) else reason
    return pd.DataFrame({"row": rows[where], "field": field, "value": shown, "reason": why})


def check_chunk(
    frame: pd.DataFrame, rows: np.ndarray[Any, np.dtype[np.int64]], profile: Profile
) -> Checked:
    """Check every profile column of ``frame`` (text) and convert it to its type."""
    found: list[pd.DataFrame] = []
    typed: dict[str, pd.Series[Any]] = {}
    bad = np.zeros(len(frame), dtype=bool)
    for column in profile.columns:
        text = frame[column.name].str.strip()
        empty = (text == "").to_numpy()
        if column.required:
            found.append(problems(rows, empty, column.name, text, "required value missing"))
            bad |= empty
        values, invalid, reason = _convert(column, text, empty)
        if column.max_length is not None and column.type in (ValueType.text, ValueType.code):
            too_long = (text.str.len() > column.max_length).to_numpy() & ~invalid
            found.append(
                problems(
                    rows, too_long, column.name, text, f"longer than {column.max_length} characters"
                )
            )
            invalid |= too_long
        found.append(problems(rows, invalid & ~empty, column.name, text, reason))
        bad |= invalid & ~empty
        typed[column.name] = values
    rejects = (
        pd.concat([f for f in found if len(f)], ignore_index=True)
        if any(len(f) for f in found)
        else empty_rejects()
    )
    return Checked(pd.DataFrame(typed, index=frame.index), bad, rejects)


def _convert(
    column: Column, text: pd.Series[Any], empty: np.ndarray[Any, np.dtype[np.bool_]]
) -> tuple[pd.Series[Any], np.ndarray[Any, np.dtype[np.bool_]], str | pd.Series[Any]]:
    """Typed values (NA where empty or invalid), the invalid mask, and the reason."""
    kind = column.type
    if kind in (ValueType.text, ValueType.code):
        values = text.str.upper() if kind is ValueType.code else text
        values = values.where(~empty)
        invalid = np.zeros(len(text), dtype=bool)
        if column.pattern:
            invalid = ~values.str.fullmatch(column.pattern).fillna(True).to_numpy(dtype=bool)
            invalid &= ~empty
        return values, invalid, f"must be {column.pattern_hint or column.pattern}"
    if kind in (ValueType.integer, ValueType.decimal):
        numbers = pd.to_numeric(text.where(~empty), errors="coerce").astype("float64")
        finite = np.isfinite(numbers.to_numpy())
        invalid = ~finite & ~empty
        reason: str | pd.Series[Any] = "not a number"
        negative = finite & (numbers.to_numpy() < 0)
        if kind is ValueType.integer:
            fractional = finite & (np.floor(numbers.to_numpy()) != numbers.to_numpy())
            invalid |= fractional | negative
            values = numbers.where(~invalid & ~empty).astype("Int64")
            reason = "must be a whole number, 0 or more"
        else:
            invalid |= negative
            values = numbers.where(~invalid & ~empty)
            reason = "must be a number, 0 or more (digits and a decimal point)"
        return values, invalid, reason
    if kind is ValueType.date:
        dates = pd.to_datetime(text.where(~empty), format="%Y-%m-%d", errors="coerce")
        invalid = dates.isna().to_numpy() & ~empty
        return dates, invalid, "not a date (YYYY-MM-DD)"
    if kind is ValueType.datetime:
        stamps = pd.to_datetime(text.where(~empty), format="ISO8601", errors="coerce", utc=True)
        invalid = stamps.isna().to_numpy() & ~empty
        return stamps, invalid, "not an ISO 8601 timestamp (e.g. 2024-05-01T14:30:00Z)"
    if kind is ValueType.country:
        codes = text.str.upper()
        invalid = ~codes.isin(COUNTRIES).to_numpy() & ~empty
        return codes.where(~invalid & ~empty), invalid, "not an ISO 3166-1 alpha-2 country code"
    if kind is ValueType.hs:
        digits = text.str.replace(r"[.\s\-]", "", regex=True)
        ok = digits.str.fullmatch(r"[0-9]+").fillna(False).to_numpy(dtype=bool) & (
            digits.str.len().isin(column.digits).to_numpy()
        )
        invalid = ~ok & ~empty
        counts = " or ".join(str(d) for d in column.digits)
        return digits.where(~invalid & ~empty), invalid, f"not an HS code of {counts} digits"
    if kind is ValueType.flag:
        flags = text.str.lower().map(_FLAGS)
        invalid = flags.isna().to_numpy() & ~empty
        return flags.astype("boolean"), invalid, "must be 1/0, true/false or yes/no"
    if kind is ValueType.choice:
        invalid = ~text.isin(column.choices).to_numpy() & ~empty
        return text.where(~invalid & ~empty), invalid, f"must be one of {', '.join(column.choices)}"
    raise AssertionError(f"unhandled type {kind}")
