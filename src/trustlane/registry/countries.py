"""Countries and subdivisions: whatever a source writes → ISO 3166-1 alpha-2 / ISO 3166-2.

pycountry is the authority on which codes exist; rigour's territory names add the variants
that trade data is full of ("USA", "U.K.", "South Korea", "Holland", "Deutschland"). Errors
name the field they came from (``addresses[1].country``) so that a person can fix the input.
"""

from __future__ import annotations

from functools import cache

import pycountry
from normality import normalize
from rigour.territories import lookup_territory

from trustlane.errors import FieldProblem, InvalidInput

#: Common English variants that ISO's names do not cover. Looked up before rigour's
#: territory database, whose first use takes seconds to load (every later one is instant).
COUNTRY_VARIANTS = {
    "america": "US",
    "united states": "US",
    "us": "US",
    "u s": "US",
    "usa": "US",
    "u s a": "US",
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "south korea": "KR",
    "republic of korea": "KR",
    "korea": "KR",
    "north korea": "KP",
    "russia": "RU",
    "vietnam": "VN",
    "taiwan": "TW",
    "iran": "IR",
    "syria": "SY",
    "laos": "LA",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "ivory coast": "CI",
    "cote d ivoire": "CI",
    "czech republic": "CZ",
    "holland": "NL",
    "the netherlands": "NL",
    "burma": "MM",
    "macau": "MO",
    "macao": "MO",
    "hong kong": "HK",
    "turkey": "TR",
    "turkiye": "TR",
    "uae": "AE",
    "u a e": "AE",
    "emirates": "AE",
    "prc": "CN",
    "mainland china": "CN",
    "people s republic of china": "CN",
    "swaziland": "SZ",
    "cape verde": "CV",
    "east timor": "TL",
    "brunei": "BN",
    "palestine": "PS",
    "vatican": "VA",
    "micronesia": "FM",
    "congo kinshasa": "CD",
    "democratic republic of the congo": "CD",
    "drc": "CD",
    "congo brazzaville": "CG",
    "kosovo": "XK",
}

#: Kosovo has no ISO 3166-1 code; "XK" is the user-assigned code the EU, customs agencies and
#: the trade use for it, so it is accepted as a country.
EXTRA_COUNTRIES = {"XK": "Kosovo"}


def _fold(text: str) -> str:
    return normalize(text, ascii=True) or ""


@cache
def _names() -> dict[str, str]:
    """Folded ISO names (short, official, common) and alpha-3 codes → alpha-2."""
    index: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                index[_fold(value)] = c.alpha_2
        index[c.alpha_3.lower()] = c.alpha_2
    for code, name in EXTRA_COUNTRIES.items():
        index[_fold(name)] = code
    index.update(COUNTRY_VARIANTS)
    return index


def is_country(code: str) -> bool:
    """True for an ISO 3166-1 alpha-2 code (upper case) or one of :data:`EXTRA_COUNTRIES`."""
    return code in EXTRA_COUNTRIES or pycountry.countries.get(alpha_2=code) is not None


@cache
def find_country(value: str) -> str | None:
    """The alpha-2 code for a code, name or common variant, or None when unknown."""
    text = value.strip()
    if not text:
        return None
    upper = text.upper()
    if len(upper) == 2 and upper.isalpha() and is_country(upper):
        return upper
    if len(text) == 3 and text.isdigit():
        found = pycountry.countries.get(numeric=text)
        return found.alpha_2 if found is not None else None
    folded = _fold(text)
    if folded in _names():
        return _names()[folded]
    if len(folded.replace(" ", "")) <= 3:
        return None  # an unknown code, not a name in some language
    territory = lookup_territory(text)
    if territory is not None and territory.ftm_country:
        code = territory.ftm_country.upper()
        if is_country(code):
            return code
    return None


def country_code(value: str, field: str = "country") -> str:
    """The alpha-2 code for ``value``, or :class:`InvalidInput` naming ``field``."""
    code = find_country(value)
    if code is None:
        raise InvalidInput("Unknown country", [country_problem(value, field)])
    return code


def country_problem(value: object, field: str) -> FieldProblem:
    return FieldProblem(
        field,
        f"unknown country {value!r}; give an ISO 3166-1 alpha-2 code (e.g. DE), "
        "an alpha-3 code (DEU) or the English name",
    )


@cache
def country_name(code: str) -> str:
    """The English short name of an alpha-2 code (the code itself when unknown)."""
    if code in EXTRA_COUNTRIES:
        return EXTRA_COUNTRIES[code]
    found = pycountry.countries.get(alpha_2=code)
    return str(getattr(found, "common_name", None) or found.name) if found else code


@cache
def _subdivisions(country: str) -> dict[str, str]:
    """Folded codes and names of a country's subdivisions → ISO 3166-2 code."""
    index: dict[str, str] = {}
    for sub in pycountry.subdivisions:
        if sub.country_code != country:
            continue
        index[sub.code.lower()] = sub.code
        index[sub.code.split("-", 1)[1].lower()] = sub.code
        index[_fold(sub.name)] = sub.code
    return index


def subdivision_code(value: str, country: str, field: str = "subdivision") -> str:
    """The ISO 3166-2 code of a subdivision of ``country`` given by code ("CN-GD", "GD") or
    name ("Guangdong"), else :class:`InvalidInput` naming ``field``."""
    text = value.strip()
    index = _subdivisions(country)
    if text.upper().startswith(f"{country}-") or "-" not in text:
        key = text.lower()
        if key in index:
            return index[key]
    folded = _fold(text)
    if folded in index:
        return index[folded]
    # Names often come without their type word ("Guangdong" for "Guangdong Sheng").
    prefixed = {code for name, code in index.items() if name.startswith(folded + " ")}
    if folded and len(prefixed) == 1:
        return prefixed.pop()
    if "-" in text and text.split("-", 1)[0].upper() != country:
        reason = f"{text!r} is a subdivision code of another country than {country}"
    else:
        reason = f"{text!r} is not an ISO 3166-2 subdivision of {country}"
    raise InvalidInput("Unknown subdivision", [FieldProblem(field, reason)])
