"""Parties as named on filings, read from a frame into plain rows for resolution."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from trustlane.errors import FieldProblem, InvalidInput
from trustlane.registry.countries import find_country
from trustlane.registry.identifiers import identifier_key, party_issuer, scheme_name
from trustlane.registry.matching import PartyView
from trustlane.registry.names import core_name

INPUT_COLUMNS = ("role", "name", "address", "city", "country", "identifiers")


@dataclass
class Party:
    """One row, cleaned."""

    role: str | None
    name: str | None
    street: str | None
    city: str | None
    country: str | None
    #: (scheme, key, value as given) for identifiers that can be valid
    ids: list[tuple[str, str, str]] = field(default_factory=list)
    #: what was given but cannot be used (an identifier failing its check, an unknown
    #: country), for the reason
    bad_ids: list[str] = field(default_factory=list)

    @property
    def address(self) -> str | None:
        """Street and city as one line, the way addresses are compared."""
        return " ".join(p for p in (self.street, self.city) if p) or None

    def view(self) -> PartyView | None:
        if not self.name:
            return None
        return PartyView(self.name, core_name(self.name), self.country, self.address)


def read_parties(frame: pd.DataFrame) -> list[Party]:
    """The frame's rows as :class:`Party` (missing columns read as empty)."""
    unknown = [c for c in ("name", "identifiers") if c not in frame.columns]
    if len(unknown) == 2 and len(frame):
        raise InvalidInput(
            "Parties without names or identifiers",
            [FieldProblem("name", "the frame needs a name or an identifiers column")],
        )
    n = len(frame)
    cols = {c: (frame[c].tolist() if c in frame.columns else [None] * n) for c in INPUT_COLUMNS}
    parties: list[Party] = []
    for role, name, address, city, country, ids in zip(
        *(cols[c] for c in INPUT_COLUMNS), strict=True
    ):
        given_country = _text(country)
        code = find_country(given_country) if given_country else None
        party = Party(
            role=role_name(role),
            name=_text(name),
            street=_text(address),
            city=_text(city),
            country=code,
        )
        if given_country and code is None:
            party.bad_ids.append(f"country {given_country!r} not recognized")
        if isinstance(ids, dict):
            for scheme, value in ids.items():
                if not isinstance(scheme, str) or value is None or _is_na(value):
                    continue
                given = str(value).strip()
                if not given:
                    continue
                try:
                    scheme_key = scheme_name(scheme)
                except ValueError:
                    party.bad_ids.append(f"{scheme!r} is not a scheme name")
                    continue
                found = identifier_key(scheme_key, given, party_issuer(scheme_key, code))
                if found is None:
                    party.bad_ids.append(f"{scheme_key} {given!r} fails its format or check")
                else:
                    party.ids.append((found[0], found[1], given))
        parties.append(party)
    return parties


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return " ".join(value.split()) or None
    if value is None or _is_na(value):
        return None
    return " ".join(str(value).split()) or None


def role_name(value: Any) -> str | None:
    """A party role in the vocabulary's spelling ("Ship To" → "ship_to")."""
    if isinstance(value, str) and value.isidentifier() and value.islower():
        return value  # already spelled so (the usual case: roles come from a profile)
    text = _text(value)
    return text.lower().replace(" ", "_").replace("-", "_") if text else None


def _is_na(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def most_common(values: Sequence[str | None]) -> str | None:
    """The most frequent non-empty value (the first seen on a tie)."""
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else None
