"""Pure logic of ingest: rows → filings (header, lines, parties, outcomes) with content hashes.

A filing's lines are contiguous rows sharing its key. :func:`whole_filings` makes sure no
filing is split between two chunks; :class:`SeenKeys` and :func:`misplaced_lines` reject a key
that comes back after other keys (a duplicate, not more lines); :func:`build_filings` turns a
chunk's valid rows into the frames the store writes. No database here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
import pandas as pd

from trustlane.cargo.mapping import PARTY_FIELDS, Profile, Target
from trustlane.cargo.readers import RawChunk
from trustlane.cargo.validate import empty_rejects, problems


def whole_filings(chunks: Iterator[RawChunk], key_column: str) -> Iterator[RawChunk]:
    """Re-cut chunks so that the rows of one filing (same key, contiguous) stay together:
    the trailing filing of each chunk is held back and put in front of the next one."""
    carry: RawChunk | None = None
    for chunk in chunks:
        if carry is not None:
            chunk = RawChunk(
                pd.concat([carry.frame, chunk.frame], ignore_index=True),
                np.concatenate([carry.rows, chunk.rows]),
                chunk.malformed,
                chunk.done,
                chunk.blank,
            )
            carry = None
        keys = chunk.frame[key_column].str.strip().to_numpy()
        if len(keys) == 0:
            yield chunk
            continue
        last = keys[-1]
        start = len(keys)
        while start > 0 and keys[start - 1] == last:
            start -= 1
        if start == 0:
            # The whole chunk is one filing so far: it may go on in the next chunk.
            carry = RawChunk(chunk.frame, chunk.rows, [], chunk.done)
            if chunk.malformed or chunk.blank:
                yield RawChunk(
                    chunk.frame.iloc[0:0], chunk.rows[:0], chunk.malformed, chunk.done, chunk.blank
                )
            continue
        carry = RawChunk(
            chunk.frame.iloc[start:].reset_index(drop=True), chunk.rows[start:], [], chunk.done
        )
        yield RawChunk(
            chunk.frame.iloc[:start], chunk.rows[:start], chunk.malformed, chunk.done, chunk.blank
        )
    if carry is not None:
        yield carry


class SeenKeys:
    """Keys of the filings already read from this file, as sorted 64-bit hashes.

    Eight bytes a key, so that a file of millions of filings is checked for duplicates in a
    few megabytes; two different keys share a hash with odds of about n²/2⁶⁵ (10⁻⁷ for a
    million keys), in which case the second is wrongly refused as a duplicate and reported.
    Arrays are merged in a log-structured way so each chunk costs O(chunk · log n).
    """

    def __init__(self) -> None:
        self._levels: list[np.ndarray[Any, np.dtype[np.uint64]]] = []

    @staticmethod
    def hashes(keys: np.ndarray[Any, Any]) -> np.ndarray[Any, np.dtype[np.uint64]]:
        return np.asarray(pd.util.hash_array(keys.astype(object)), dtype=np.uint64)

    def contains(
        self, hashed: np.ndarray[Any, np.dtype[np.uint64]]
    ) -> np.ndarray[Any, np.dtype[np.bool_]]:
        found = np.zeros(len(hashed), dtype=bool)
        for level in self._levels:
            pos = np.searchsorted(level, hashed)
            pos[pos == len(level)] = 0
            found |= level[pos] == hashed if len(level) else False
        return found

    def add(self, hashed: np.ndarray[Any, np.dtype[np.uint64]]) -> None:
        self._levels.append(np.unique(hashed))
        while len(self._levels) > 1 and len(self._levels[-1]) >= len(self._levels[-2]):
            top = self._levels.pop()
            self._levels[-1] = np.union1d(self._levels[-1], top)


def misplaced_lines(
    keys: pd.Series[Any],
    rows: np.ndarray[Any, np.dtype[np.int64]],
    key_column: str,
    seen: SeenKeys,
    *,
    multi_line: bool = True,
) -> tuple[np.ndarray[Any, np.dtype[np.bool_]], pd.DataFrame]:
    """Rows whose key already appeared earlier in the file, separated by other keys: a filing's
    lines must be contiguous, so these are duplicate filings. Where a filing is one row
    (``multi_line`` false) any repeat is a duplicate. Marks this chunk's keys as seen."""
    values = keys.to_numpy(dtype=object)
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=bool), empty_rejects()
    starts = np.ones(n, dtype=bool)
    starts[1:] = values[1:] != values[:-1]
    block = np.cumsum(starts)
    first_block = pd.Series(block).groupby(values).transform("min").to_numpy()
    dup = block != first_block if multi_line else pd.Series(values).duplicated().to_numpy(copy=True)
    hashed = SeenKeys.hashes(values)
    dup = (dup | seen.contains(hashed)) & (values != "")
    seen.add(hashed[values != ""])
    reason = (
        "duplicate key: this filing's key appeared earlier in the file, separated by other "
        "rows (the lines of a filing must be contiguous)"
        if multi_line
        else "duplicate key: this key appeared earlier in the file (one row per filing)"
    )
    found = problems(rows, dup, key_column, keys, reason)
    return dup, found


def leaders(keys: np.ndarray[Any, Any]) -> np.ndarray[Any, np.dtype[np.intp]]:
    """For each row, the position of the first row of its filing."""
    return np.asarray(
        pd.Series(np.arange(len(keys))).groupby(keys, sort=False).transform("min"), dtype=np.intp
    )


def header_disagreements(
    values: pd.DataFrame, rows: np.ndarray[Any, np.dtype[np.int64]], profile: Profile
) -> tuple[np.ndarray[Any, np.dtype[np.bool_]], pd.DataFrame]:
    """Lines whose filing-level fields differ from the first line of their filing."""
    keys = values[profile.key_column.name].to_numpy(dtype=object)
    bad = np.zeros(len(keys), dtype=bool)
    if len(keys) == 0 or len(pd.unique(keys)) == len(keys):
        return bad, empty_rejects()
    lead = leaders(keys)
    found = []
    for column in profile.columns:
        if not profile.is_header(column) or column is profile.key_column:
            continue
        mine = values[column.name].reset_index(drop=True)
        theirs = mine.iloc[lead].reset_index(drop=True)
        same = (mine.eq(theirs).fillna(False) | (mine.isna() & theirs.isna())).to_numpy(dtype=bool)
        differ = ~same & ~bad
        if differ.any():
            reason = pd.Series(
                [f"differs from the first line of this filing (row {r})" for r in rows[lead]]
            )
            found.append(problems(rows, differ, column.name, mine, reason))
            bad |= differ
    rejects = pd.concat(found, ignore_index=True) if found else empty_rejects()
    return bad, rejects


@dataclass
class Details:
    """The lines, parties and outcomes of some filings, as the store writes them."""

    lines: pd.DataFrame  # external_id, line_no, row, line columns, attributes
    parties: pd.DataFrame  # external_id, role, name, address, city, country, identifiers
    inspections: pd.DataFrame  # external_id, fraud, critical, ... (outcomes the source carries)


@dataclass
class Filings:
    """A chunk's valid rows as filings: one row per filing in ``header`` (with its content
    hash), and what :meth:`details` needs to build the rest for the filings to be written.

    Most filings of a re-sent file are unchanged; their lines and parties are never built.
    """

    header: pd.DataFrame  # external_id, content_hash, first_row, rows, shipment columns, attributes
    rejects: pd.DataFrame  # repeated line numbers
    profile: Profile
    values: pd.DataFrame  # the valid rows, typed
    keys: np.ndarray[Any, Any]  # each row's filing key
    rows: np.ndarray[Any, np.dtype[np.int64]]  # each row's number in the file
    line_no: np.ndarray[Any, np.dtype[np.int64]]  # each row's line number within its filing

    def details(self, external_ids: pd.Series[Any] | None = None) -> Details:
        """Lines, parties and outcomes of the filings ``external_ids`` (default: all)."""
        values, keys, rows, line_no = self.values, self.keys, self.rows, self.line_no
        if external_ids is not None and len(external_ids) < len(self.header):
            keep = among_keys(keys, external_ids)
            values = values[keep].reset_index(drop=True)
            keys, rows, line_no = keys[keep], rows[keep], line_no[keep]
        profile = self.profile
        lead_pos = first_positions(keys)
        lead = values.iloc[lead_pos].reset_index(drop=True)
        lines = _lines(profile, values, keys, rows, line_no, with_attributes=True)
        parties = _parties(profile, values, keys, lead_pos)
        inspections = _inspections(profile, lead, keys[lead_pos])
        return Details(lines, parties, inspections)


def among_keys(values: pd.Series[Any] | np.ndarray[Any, Any], keys: Any) -> np.ndarray[Any, Any]:
    """Whether each of ``values`` is one of ``keys``. (``Series.isin`` on pandas' Arrow-backed
    strings loops in Python over the keys: twenty times slower on a chunk's filing keys.)"""
    return np.asarray(pd.Index(keys).get_indexer(values) >= 0)


def first_positions(keys: np.ndarray[Any, Any]) -> np.ndarray[Any, np.dtype[np.intp]]:
    """Position of the first row of each filing, in order of appearance."""
    return np.flatnonzero(~pd.Series(keys).duplicated().to_numpy())


def _targets(profile: Profile, area: str) -> list[tuple[str, Target]]:
    return [(c.name, t) for c in profile.columns for t in c.parsed_targets if t.area == area]


def _bags(frame: pd.DataFrame, pairs: list[tuple[str, str]]) -> np.ndarray[Any, Any]:
    """One JSON object (as text) per row of the non-missing values of ``pairs`` (source
    column, key), built column-wise: a dict and a ``json.dumps`` per row cost more than the
    whole rest of a chunk's checks. Keys keep ``pairs`` order, so equal content gives equal
    text. Values are strings, or numbers for numeric columns."""
    n = len(frame)
    out = pd.Series([""] * n, dtype="str")
    for src, key in pairs:
        values = frame[src].reset_index(drop=True)
        if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
            text = values.astype("str").str.lower()
        else:
            text = '"' + _json_escape(values.astype("str")) + '"'
        part = (f"{json.dumps(key)}:" + text).where(values.notna(), "")
        glue = pd.Series(np.where((out != "") & (part != ""), ",", ""), dtype="str")
        out = out + glue + part.fillna("")
    return np.asarray("{" + out + "}", dtype=object)


def _json_escape(text: pd.Series[str]) -> pd.Series[str]:
    """JSON string escaping, vectorized: backslash, quote and control characters."""
    text = text.str.replace("\\", "\\\\", regex=False).str.replace('"', '\\"', regex=False)
    if text.str.contains(r"[\x00-\x1f]", regex=True).any():
        for code in range(32):
            text = text.str.replace(chr(code), f"\\u{code:04x}", regex=False)
    return text


def parse_bag(text: str) -> dict[str, Any]:
    """A bag built by :func:`_bags` back as a dict."""
    loaded: dict[str, Any] = orjson.loads(text)
    return loaded


def row_digests(values: pd.DataFrame, profile: Profile) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """16 bytes per row from its typed values (two independent 64-bit hashes, vectorized).

    Typed, not raw text: \"108\" in a CSV and 108.0 in Parquet are the same number, so the
    same filing sent in another format is still unchanged.
    """
    columns = values[[c.name for c in profile.columns]]
    first = pd.util.hash_pandas_object(columns, index=False, hash_key="trustlane-cargoA")
    second = pd.util.hash_pandas_object(columns, index=False, hash_key="trustlane-cargoB")
    pair = np.stack([first.to_numpy(np.uint64), second.to_numpy(np.uint64)], axis=1)
    return pair.view(np.uint8).reshape(len(values), 16)


def filing_hashes(
    digests: np.ndarray[Any, np.dtype[np.uint8]], starts: np.ndarray[Any, Any]
) -> list[str]:
    """SHA-256 of each filing's row digests in line order; ``starts`` are the positions where
    each filing begins in ``digests`` (rows sorted by filing, then line)."""
    ends = [*starts[1:], len(digests)] if len(starts) else []
    data = digests.tobytes()
    return [
        hashlib.sha256(data[16 * start : 16 * end]).hexdigest()
        for start, end in zip(starts, ends, strict=True)
    ]


def build_filings(
    values: pd.DataFrame, rows: np.ndarray[Any, np.dtype[np.int64]], profile: Profile
) -> Filings:
    """The filings in ``values`` (valid rows only): their header rows with content hashes;
    lines, parties and outcomes on demand (:meth:`Filings.details`)."""
    values = values.reset_index(drop=True)
    key = profile.key_column.name
    keys = values[key].to_numpy(dtype=object)
    counts = pd.Series(keys).groupby(keys, sort=False).cumcount()
    position: np.ndarray[Any, np.dtype[np.int64]] = counts.to_numpy().astype(np.int64) + 1
    line_col = profile.line_no_column
    if line_col is not None:
        given = values[line_col.name]
        line_no = given.fillna(pd.Series(position)).to_numpy(dtype=np.int64)
    else:
        line_no = position
    repeated = pd.DataFrame({"k": keys, "n": line_no}).duplicated().to_numpy()
    rejects = problems(
        rows,
        repeated,
        line_col.name if line_col else key,
        pd.Series(line_no.astype(str)),
        "line number repeated within the filing",
    )
    if repeated.any():
        keep = ~repeated
        values, rows, keys, line_no = (
            values[keep].reset_index(drop=True),
            rows[keep],
            keys[keep],
            line_no[keep],
        )

    # Content hash of each filing: its rows' typed values, in line order.
    digests = row_digests(values, profile)
    codes, uniques = pd.factorize(keys)
    order = np.lexsort((line_no, codes))
    starts = np.flatnonzero(np.r_[True, codes[order][1:] != codes[order][:-1]])[: len(uniques)]
    hashes = pd.Series(filing_hashes(digests[order], starts), index=uniques)

    lead_pos = first_positions(keys)
    lead = values.iloc[lead_pos].reset_index(drop=True)
    header = pd.DataFrame({"external_id": keys[lead_pos]})
    header["content_hash"] = hashes.loc[header["external_id"]].to_numpy()
    header["first_row"] = rows[lead_pos]
    header["rows"] = np.bincount(codes, minlength=len(uniques))[codes[lead_pos]]
    for src, target in _targets(profile, "shipment"):
        if target.bag is None and target.column:
            header[target.column] = lead[src].to_numpy()
    header["attributes"] = _bags(
        lead, [(s, t.column or s) for s, t in _targets(profile, "shipment") if t.bag]
    )
    for target_path, constant in profile.constants.items():
        area, column = target_path.split(".", 1)
        if area == "shipment" and column not in header:
            header[column] = constant
    _derive_header(header, _lines(profile, values, keys, rows, line_no, with_attributes=False))
    return Filings(header, rejects, profile, values, keys, rows, line_no)


def _lines(
    profile: Profile,
    values: pd.DataFrame,
    keys: np.ndarray[Any, Any],
    rows: np.ndarray[Any, np.dtype[np.int64]],
    line_no: np.ndarray[Any, np.dtype[np.int64]],
    *,
    with_attributes: bool,
) -> pd.DataFrame:
    """The line rows; their ``attributes`` (JSON text, the costly part) only when asked."""
    lines = pd.DataFrame({"external_id": keys, "line_no": line_no, "row": rows})
    for src, target in _targets(profile, "line"):
        if target.bag is None and target.column:
            lines[target.column] = values[src].to_numpy()
    if with_attributes:
        lines["attributes"] = _bags(
            values, [(s, t.column or s) for s, t in _targets(profile, "line") if t.bag]
        )
    for target_path, constant in profile.constants.items():
        area, column = target_path.split(".", 1)
        if area == "line" and column not in lines:
            lines[column] = constant
    if "hs_code" in lines:
        lines["hs6"] = lines["hs_code"].str.slice(0, 6)
    return lines


def _derive_header(header: pd.DataFrame, lines: pd.DataFrame) -> None:
    """Filing-level figures the source gives per line only: total value, origin."""
    by_filing = lines.groupby("external_id", sort=False)
    if "total_value" not in header and "value" in lines:
        totals = by_filing["value"].sum(min_count=1)
        header["total_value"] = totals.loc[header["external_id"]].to_numpy()
    if "country_origin" not in header and "country_origin" in lines:
        first = by_filing["country_origin"].first()
        header["country_origin"] = first.reindex(header["external_id"]).to_numpy()
    if "currency" not in header and "currency" in lines:
        header["currency"] = by_filing["currency"].first().reindex(header["external_id"]).to_numpy()


def _parties(
    profile: Profile,
    values: pd.DataFrame,
    keys: np.ndarray[Any, Any],
    lead_pos: np.ndarray[Any, Any],
) -> pd.DataFrame:
    frames = []
    for role in profile.party_roles:
        cols = [(s, t) for s, t in _targets(profile, "party") if t.role == role]
        per_line = role in profile.line_party_roles
        source = values if per_line else values.iloc[lead_pos]
        ids = keys if per_line else keys[lead_pos]
        frame = pd.DataFrame({"external_id": ids, "role": role})
        for fld in PARTY_FIELDS:
            src = next((s for s, t in cols if t.column == fld and t.bag is None), None)
            frame[fld] = source[src].to_numpy() if src else None
        frame["identifiers"] = _bags(source, [(s, t.column or s) for s, t in cols if t.bag])
        named = frame[list(PARTY_FIELDS)].notna().any(axis=1).to_numpy()
        has_ids = (frame["identifiers"] != "{}").to_numpy()
        frame = frame[named | has_ids]
        if per_line:
            dedup = frame[["external_id", *PARTY_FIELDS, "identifiers"]].astype(object)
            frame = frame[~dedup.duplicated().to_numpy()]
        frames.append(frame)
    columns = ["external_id", "role", *PARTY_FIELDS, "identifiers"]
    if not frames:
        return pd.DataFrame(columns=columns)
    parties = pd.concat(frames, ignore_index=True)
    # Parties in filing order, then role order: seq numbers read naturally.
    order = pd.Series(pd.factorize(keys)[0], index=keys).groupby(level=0).first()
    parties = parties.iloc[np.argsort(order.loc[parties["external_id"]].to_numpy(), kind="stable")]
    result: pd.DataFrame = parties.reset_index(drop=True)[columns]
    return result


def _inspections(profile: Profile, lead: pd.DataFrame, ids: np.ndarray[Any, Any]) -> pd.DataFrame:
    cols = {t.column: s for s, t in _targets(profile, "inspection")}
    if not cols:
        return pd.DataFrame(columns=["external_id", "fraud", "critical"])
    fraud = lead[cols["fraud"]] if "fraud" in cols else pd.Series(pd.NA, index=lead.index)
    critical = (
        pd.to_numeric(lead[cols["critical"]]).astype("Int64")
        if "critical" in cols
        else pd.Series(pd.NA, index=lead.index, dtype="Int64")
    )
    present = (fraud.notna() | critical.notna()).to_numpy()
    fraud = fraud.astype("boolean").fillna(critical.fillna(0) > 0)
    # Without a severity, a fraud finding is plain fraud (1), none is 0.
    critical = critical.fillna(fraud.astype("Int64"))
    out = pd.DataFrame(
        {"external_id": ids, "fraud": fraud.to_numpy(dtype=bool), "critical": critical.to_numpy()}
    )
    for extra in ("inspected_on", "revenue_recovered", "notes"):
        if extra in cols:
            out[extra] = lead[cols[extra]].to_numpy()
    return out[present].reset_index(drop=True)


def build_events(values: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """Carrier events, one per row, with the hash that makes a re-sent message a no-op."""
    values = values.reset_index(drop=True)
    out = pd.DataFrame(index=values.index)
    details = []
    for src, target in _targets(profile, "event"):
        if target.bag:
            details.append((src, target.column or src))
        elif target.column:
            out[target.column] = values[src].to_numpy()
    out["details"] = _bags(values, details)
    out["content_hash"] = filing_hashes(row_digests(values, profile), np.arange(len(values)))
    return out
