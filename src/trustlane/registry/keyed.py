"""Parties known by one identifier and nothing else, resolved set-based.

Filings often name a party by a code alone: the public customs declarations name importers,
sellers, declarants and couriers by pseudonymous ids, and a courier or carrier is often just
its SCAC. Such a party has one way to link, its identifier, so it needs none of the per-party
work of the general path (names, addresses, blocking, grouping by shared identifiers): the
identifiers are checked column-wise, looked up in one query, and each one that no organization
holds is proposed once. Decisions, reasons and proposals are the same as the general path's
(:mod:`trustlane.registry.resolve`) for these parties; a row whose identifier another party of
the call also carries, or whose identifier does not check, is left to the general path.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, cast

import numpy as np
import orjson
import pandas as pd

from trustlane.registry.identifiers import (
    MAX_VALUE,
    SCHEMES,
    IdentifierError,
    normalize_identifier,
    party_issuer,
    scheme_name,
)
from trustlane.registry.names import name_key
from trustlane.registry.parties import role_name
from trustlane.registry.vocab import IdScheme, trade_roles

IMO = IdScheme.imo.value

#: Columns that must be empty for a row to be resolved here.
DESCRIPTIVE = ("name", "address", "city", "country")

#: The columns of :func:`keyed_parties`' frame.
KEYED_COLUMNS = ("role", "given", "scheme", "value", "key", "country")

#: Separates scheme and key in one text key (neither contains control characters).
SEP = "\x1f"


def keyed_parties(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``frame`` with no name, address, city or country and exactly one
    identifier, which checks: indexed by position in ``frame``, with the party role, the
    identifier as given, and its stored scheme, display value, key and issuing country."""
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in KEYED_COLUMNS})
    if "identifiers" not in frame.columns or frame.empty:
        return empty
    plain = np.ones(len(frame), dtype=bool)
    for column in DESCRIPTIVE:
        if column in frame.columns:
            plain &= _blank(frame[column])
    positions = np.flatnonzero(plain)
    bags = frame["identifiers"].to_numpy(dtype=object)[positions]
    pairs = [
        next(iter(b.items())) if isinstance(b, dict) and len(b) == 1 else (None, None) for b in bags
    ]
    given = pd.Series([v if isinstance(v, str) else None for _, v in pairs], dtype=object)
    schemes = pd.Series([s if isinstance(s, str) else None for s, _ in pairs], dtype=object)
    roles = (
        frame["role"].to_numpy(dtype=object)[positions]
        if "role" in frame.columns
        else np.full(len(positions), None, dtype=object)
    )
    found = pd.DataFrame(
        {
            "role": roles,
            "given": given.str.strip().to_numpy(dtype=object),
            "scheme_given": schemes.to_numpy(dtype=object),
        },
        index=pd.Index(positions),
    )
    found = found[found["given"].fillna("").ne("") & found["scheme_given"].notna()]
    if found.empty:
        return empty
    found["role"] = _mapped(found["role"], role_name)
    found["scheme"] = _mapped(found["scheme_given"], _scheme_or_none)
    found = found[found["scheme"].notna()]
    checked = [_checked_part(part) for _, part in found.groupby("scheme", sort=False)]
    out = pd.concat(checked) if checked else empty
    out = out[out["key"].notna()].sort_index()
    return out[list(KEYED_COLUMNS)]


def _blank(column: pd.Series[Any]) -> np.ndarray[Any, np.dtype[np.bool_]]:
    missing = column.isna().to_numpy()
    if missing.all():
        return missing
    text = column.astype(object).where(~missing, "").astype(str)
    return np.asarray((text.str.strip() == "").to_numpy(), dtype=bool)


def _mapped(column: pd.Series[Any], function: Any) -> pd.Series[Any]:
    """``function`` applied once per distinct value of ``column``."""
    uniques = pd.unique(column.to_numpy(dtype=object))
    table = {u: function(u) for u in uniques}
    return pd.Series([table[v] for v in column.to_numpy(dtype=object)], index=column.index)


def _scheme_or_none(scheme: str) -> str | None:
    try:
        return scheme_name(scheme)
    except ValueError:
        return None


def _checked_part(part: pd.DataFrame) -> pd.DataFrame:
    """The identifiers of one scheme checked and normalized as the general path does (issuer:
    none, these parties have no country); key None where one cannot be valid."""
    scheme = part["scheme"].iloc[0]
    part = part.copy()
    given = part["given"].astype(str)
    part["value"] = None
    part["key"] = None
    part["country"] = None
    quick = pd.Series(False, index=part.index)
    if scheme not in SCHEMES:
        # A free-form code of plain ASCII letters and digits: folding leaves it as it is,
        # upper-cased (what normalize_identifier gives, at a fraction of its cost).
        quick = given.str.fullmatch(f"[A-Za-z0-9]{{1,{MAX_VALUE}}}").fillna(False)
        part.loc[quick, "value"] = given[quick]
        part.loc[quick, "key"] = given[quick].str.upper()
    slow = ~quick
    if slow.any():
        done = {g: _normalized(scheme, g) for g in pd.unique(given[slow].to_numpy(dtype=object))}
        checked = [done[g] for g in given[slow]]
        part.loc[slow, "value"] = [c[0] if c else None for c in checked]
        part.loc[slow, "key"] = [c[1] if c else None for c in checked]
        part.loc[slow, "country"] = [c[2] if c else None for c in checked]
    return part


def _normalized(scheme: str, given: str) -> tuple[str, str, str | None] | None:
    try:
        found = normalize_identifier(scheme, given, party_issuer(scheme, None))
    except IdentifierError:
        return None
    return found.value, found.key, found.country


def text_keys(keyed: pd.DataFrame) -> pd.Series[Any]:
    """``scheme`` and ``key`` of each row as one text (for lookups and grouping)."""
    return keyed["scheme"].astype(str) + SEP + keyed["key"].astype(str)


def in_keys(values: pd.Series[Any], keys: Any) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Whether each of ``values`` is one of ``keys`` (``Series.isin`` on pandas' Arrow-backed
    strings loops in Python over the keys)."""
    return np.asarray(pd.Index(list(keys)).get_indexer(values) >= 0)


def unheld_organizations(
    keyed: pd.DataFrame, unheld: np.ndarray[Any, np.dtype[np.bool_]]
) -> tuple[pd.DataFrame, np.ndarray[Any, np.dtype[np.intp]]]:
    """One organization to propose per identifier that no organization holds (in order of
    first appearance), as :func:`_spec` in :mod:`trustlane.registry.proposals` makes it for
    such parties: unnamed, holding the identifier, in the trade roles its party roles
    suggest. Returns the organizations (name, name_key, country, attributes, roles,
    scheme, value, key, id_country, rows) and, for each unheld row, its organization."""
    rows = keyed[unheld]
    codes, uniques = pd.factorize(text_keys(rows))
    first = np.flatnonzero(~pd.Series(codes).duplicated().to_numpy())
    lead = rows.iloc[first].reset_index(drop=True)
    # The party roles of each organization's rows, sorted and distinct.
    played = pd.DataFrame({"org": codes, "role": rows["role"].to_numpy(dtype=object)})
    played = played[played["role"].notna()].drop_duplicates().sort_values(["org", "role"])
    party_roles = np.empty(len(uniques), dtype=object)
    party_roles[:] = [()] * len(uniques)
    single = played.drop_duplicates("org")
    party_roles[single["org"].to_numpy()] = [(r,) for r in single["role"]]
    several = played[played["org"].duplicated(keep=False)]
    for org, group in several.groupby("org", sort=False)["role"]:
        party_roles[cast(int, org)] = tuple(group)
    who = pd.Series([r[0].replace("_", " ") if r else "party" for r in party_roles])
    scheme, value = lead["scheme"].astype(str), lead["value"].astype(str)
    name = ("Unnamed " + who + " (" + scheme + " " + value + ")").str.slice(0, 300)
    quick = (value.str.fullmatch("[A-Za-z0-9]+").fillna(False) & (name.str.len() < 300)).to_numpy()
    keys = np.empty(len(lead), dtype=object)
    prefixes = [_generated_prefix(w, s) for w, s in zip(who, scheme, strict=True)]
    lowered = value.str.lower().to_numpy(dtype=object)
    keys[quick] = [p + " " + v for p, v, q in zip(prefixes, lowered, quick, strict=True) if q]
    keys[~quick] = [name_key(n) for n in name[~quick]]
    orgs = pd.DataFrame(
        {
            "name": name,
            "name_key": keys,
            "country": None,
            "attributes": [_attributes(r) for r in party_roles],
            "roles": [trade_roles(r, s == IMO) for r, s in zip(party_roles, scheme, strict=True)],
            "scheme": scheme,
            "value": value,
            "key": lead["key"].to_numpy(dtype=object),
            "id_country": lead["country"].to_numpy(dtype=object),
            "rows": np.bincount(codes, minlength=len(uniques)),
        }
    )
    return orgs, codes


@lru_cache(maxsize=256)
def _generated_prefix(who: str, scheme: str) -> str:
    """:func:`name_key` of ``"Unnamed {who} ({scheme}"``: the generated name's key is this,
    a space, and the lower-cased value, when the value is plain letters and digits."""
    return name_key(f"Unnamed {who} ({scheme}")


@lru_cache(maxsize=256)
def _attributes(party_roles: tuple[str, ...]) -> str:
    document = {
        "proposed_by": "party resolution",
        "party_roles": list(party_roles),
        "generated_name": True,
    }
    return orjson.dumps(document).decode()
