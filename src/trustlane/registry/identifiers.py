"""Identifiers of organizations: one validator/normalizer per scheme, plus free-form schemes.

Each scheme turns what a source wrote into a display value and a comparison key (upper
case, no separators); ``(scheme, key)`` is unique in the registry. Schemes with check digits
(LEI, IMO) are checked with python-stdnum, the maintained implementation of these standards.
Schemes outside :class:`IdScheme` are kept as free-form under a normalized scheme name
(``"KR Importer ID"`` → ``kr_importer_id``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from normality import normalize
from stdnum import imo as stdnum_imo
from stdnum import lei as stdnum_lei
from stdnum.exceptions import ValidationError
from stdnum.us import ein as stdnum_ein

from trustlane.registry.countries import find_country, is_country
from trustlane.registry.vocab import IdScheme

#: Longest stored value and key (the columns' size).
MAX_VALUE = 100
MAX_SCHEME = 48


class IdentifierError(ValueError):
    """An identifier that cannot be accepted; ``part`` is the field at fault."""

    def __init__(self, reason: str, part: str = "value") -> None:
        super().__init__(reason)
        self.reason = reason
        self.part = part  # "scheme", "value" or "country"


@dataclass(frozen=True)
class Identifier:
    """A checked identifier: display value, comparison key, issuing country."""

    scheme: str
    value: str
    key: str
    country: str | None


def _compact(value: str) -> str:
    """Upper-case letters and digits only (ASCII-folded)."""
    folded = normalize(value, ascii=True, lowercase=False) or ""
    return re.sub(r"[^A-Za-z0-9]", "", folded).upper()


def _lei(value: str, country: str | None) -> Identifier:
    """ISO 17442 Legal Entity Identifier: 20 characters, ISO 7064 mod 97-10 check digits."""
    compact = _compact(value)
    try:
        stdnum_lei.validate(compact)
    except ValidationError as exc:
        raise IdentifierError(f"not a valid LEI ({_stdnum_reason(exc)})") from exc
    return Identifier(IdScheme.lei.value, compact, compact, country)


def _imo(value: str, country: str | None) -> Identifier:
    """IMO ship number: 7 digits, the last a check digit (weights 7..2 on the first six)."""
    compact = _compact(value).removeprefix("IMO")
    try:
        stdnum_imo.validate(compact)
    except ValidationError as exc:
        raise IdentifierError(f"not a valid IMO number ({_stdnum_reason(exc)})") from exc
    return Identifier(IdScheme.imo.value, compact, compact, country)


def _scac(value: str, country: str | None) -> Identifier:
    """Standard Carrier Alpha Code: 2 to 4 letters."""
    compact = re.sub(r"\s", "", value).upper()
    if not re.fullmatch(r"[A-Z]{2,4}", compact):
        raise IdentifierError("a SCAC is 2 to 4 letters (e.g. MAEU)")
    return Identifier(IdScheme.scac.value, compact, compact, country)


#: Canadian manufacturer IDs start with a province code instead of "CA".
CANADA_MID_PROVINCES = {
    "CA-AB": "XA",
    "CA-BC": "XC",
    "CA-MB": "XM",
    "CA-NB": "XB",
    "CA-NL": "XW",
    "CA-NS": "XN",
    "CA-NT": "XT",
    "CA-NU": "XV",
    "CA-ON": "XO",
    "CA-PE": "XP",
    "CA-QC": "XQ",
    "CA-SK": "XS",
    "CA-YT": "XY",
}
_MID_PROVINCE_CODES = set(CANADA_MID_PROVINCES.values())


def _manufacturer_id(value: str, country: str | None) -> Identifier:
    """CBP manufacturer ID (MID): country (or Canadian province) code, 3+3 letters of the
    name, up to 4 digits of the street number, 3 letters of the city; at most 15 characters."""
    compact = _compact(value)
    if not 6 <= len(compact) <= 15:
        raise IdentifierError("a manufacturer ID has 6 to 15 letters and digits")
    prefix = compact[:2]
    if prefix in _MID_PROVINCE_CODES:
        mid_country = "CA"
    elif prefix.isalpha() and is_country(prefix) and prefix != "CA":
        mid_country = prefix
    else:
        raise IdentifierError(
            f"a manufacturer ID starts with the ISO country code (or for Canada the province "
            f"code, e.g. XO), not {prefix!r}"
        )
    if not re.fullmatch(r"[A-Z0-9]{2,6}?[A-Z]?\d{0,4}[A-Z]{1,3}", compact[2:]):
        raise IdentifierError(
            "a manufacturer ID is country + name letters + up to 4 street digits + city letters"
        )
    return Identifier(IdScheme.manufacturer_id.value, compact, compact, mid_country)


def _importer_of_record(value: str, country: str | None) -> Identifier:
    """Importer of record number: an IRS EIN ``NN-NNNNNNN`` with an optional 2-character
    suffix, or a CBP-assigned number ``YYDDPP-NNNNN``."""
    text = re.sub(r"\s", "", value).upper()
    cbp = re.fullmatch(r"(\d{6})-?(\d{5})", text)
    if cbp and "-" in text:
        shown = f"{cbp[1]}-{cbp[2]}"
        return Identifier(IdScheme.importer_of_record.value, shown, shown, "US")
    ein = re.fullmatch(r"(\d{2})-?(\d{7})([A-Z0-9]{2})?", text)
    if not ein:
        raise IdentifierError(
            "an importer of record number is an EIN NN-NNNNNNN (optionally with a 2-character "
            "suffix) or a CBP-assigned number YYDDPP-NNNNN"
        )
    try:
        stdnum_ein.validate(ein[1] + ein[2])
    except ValidationError as exc:
        raise IdentifierError(f"not a valid EIN ({_stdnum_reason(exc)})") from exc
    # The hyphen after two digits keeps EIN keys apart from CBP-assigned ones.
    shown = f"{ein[1]}-{ein[2]}{ein[3] or ''}"
    return Identifier(IdScheme.importer_of_record.value, shown, shown, "US")


def _duns(value: str, country: str | None) -> Identifier:
    """D-U-N-S number: 9 digits (separators ignored)."""
    digits = re.sub(r"[\s.-]", "", value)
    if not re.fullmatch(r"\d{9}", digits):
        raise IdentifierError("a D-U-N-S number is 9 digits")
    return Identifier(IdScheme.duns.value, digits, digits, country)


#: EORI numbers are issued by EU member states (Greece as GR), the UK (GB) and Northern
#: Ireland (XI).
EORI_PREFIXES = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "GB",
        "XI",
    }
)


def _eori(value: str, country: str | None) -> Identifier:
    """EORI: the issuing state's code and up to 15 letters or digits."""
    compact = _compact(value)
    if not re.fullmatch(r"[A-Z]{2}[A-Z0-9]{1,15}", compact) or compact[:2] not in EORI_PREFIXES:
        raise IdentifierError(
            "an EORI number is an EU member state code (or GB, XI) and up to 15 letters or digits"
        )
    issuer = "GB" if compact[:2] == "XI" else compact[:2]
    return Identifier(IdScheme.eori.value, compact, compact, issuer)


def _national_registry(value: str, country: str | None) -> Identifier:
    """A company registry number; the same number can exist in two countries, so the issuing
    country is required and part of the key."""
    if country is None:
        raise IdentifierError("a national registry number needs its issuing country", "country")
    return _country_keyed(IdScheme.national_registry.value, value, country)


def _tax_id(value: str, country: str | None) -> Identifier:
    """A tax or VAT number; the issuing country (when known) is part of the key, and a VAT
    number's own country prefix ("DE123456789" issued in DE) is not."""
    if country is not None:
        compact = _compact(value)
        prefix = "EL" if country == "GR" else country
        if compact.startswith(prefix) and compact[2:].isdigit():
            value = value.strip()[2:]
    return _country_keyed(IdScheme.tax_id.value, value, country)


def _country_keyed(scheme: str, value: str, country: str | None) -> Identifier:
    compact = _compact(value)
    if not compact:
        raise IdentifierError("has no letters or digits")
    shown = " ".join(value.split())
    key = f"{country}:{compact}" if country else compact
    return Identifier(scheme, shown, key, country)


#: Schemes whose numbers are unique only within the issuing country.
COUNTRY_KEYED = frozenset({IdScheme.national_registry.value, IdScheme.tax_id.value})


def party_issuer(scheme: str, party_country: str | None) -> str | None:
    """The issuing country to assume for a party's identifier: the party's own country for
    country-keyed schemes (a registry or tax number on a filing is usually domestic), none
    for the others (an IMO number or a LEI has no issuing country of the party's)."""
    return party_country if scheme in COUNTRY_KEYED else None


SCHEMES: dict[str, Callable[[str, str | None], Identifier]] = {
    IdScheme.lei.value: _lei,
    IdScheme.imo.value: _imo,
    IdScheme.scac.value: _scac,
    IdScheme.manufacturer_id.value: _manufacturer_id,
    IdScheme.importer_of_record.value: _importer_of_record,
    IdScheme.duns.value: _duns,
    IdScheme.eori.value: _eori,
    IdScheme.national_registry.value: _national_registry,
    IdScheme.tax_id.value: _tax_id,
}

#: Common spellings of the known schemes in source files.
SCHEME_ALIASES = {
    "ior": IdScheme.importer_of_record.value,
    "ior_number": IdScheme.importer_of_record.value,
    "importer_number": IdScheme.importer_of_record.value,
    "mid": IdScheme.manufacturer_id.value,
    "imo_number": IdScheme.imo.value,
    "lei_code": IdScheme.lei.value,
    "d_u_n_s": IdScheme.duns.value,
    "duns_number": IdScheme.duns.value,
    "eori_number": IdScheme.eori.value,
    "vat": IdScheme.tax_id.value,
    "vat_number": IdScheme.tax_id.value,
    "tin": IdScheme.tax_id.value,
    "company_number": IdScheme.national_registry.value,
    "registration_number": IdScheme.national_registry.value,
}


@lru_cache(maxsize=4096)
def scheme_name(scheme: str) -> str:
    """The stored scheme name: a known scheme, or a free-form name folded to ``a_b_c``."""
    folded = (normalize(scheme, ascii=True) or "").replace(" ", "_")
    folded = re.sub(r"[^a-z0-9_]", "", folded)
    if not folded:
        raise IdentifierError("a scheme name needs letters or digits", "scheme")
    if len(folded) > MAX_SCHEME:
        raise IdentifierError(f"a scheme name has at most {MAX_SCHEME} characters", "scheme")
    return SCHEME_ALIASES.get(folded, folded)


def _free_form(scheme: str, value: str, country: str | None) -> Identifier:
    compact = _compact(value)
    if not compact:
        raise IdentifierError("has no letters or digits")
    return Identifier(scheme, " ".join(value.split()), compact, country)


def normalize_identifier(scheme: str, value: str, country: str | None = None) -> Identifier:
    """Check and normalize one identifier; raises :class:`IdentifierError` naming the part."""
    name = scheme_name(scheme)
    if not value or not value.strip():
        raise IdentifierError("must not be empty")
    if len(value) > MAX_VALUE:
        raise IdentifierError(f"has more than {MAX_VALUE} characters")
    code: str | None = None
    if country:
        code = find_country(country)
        if code is None:
            raise IdentifierError(f"unknown issuing country {country!r}", "country")
    rule = SCHEMES.get(name)
    found = rule(value, code) if rule else _free_form(name, value, code)
    if len(found.key) > MAX_VALUE:
        raise IdentifierError(f"has more than {MAX_VALUE} characters")
    return found


@lru_cache(maxsize=65536)
def identifier_key(scheme: str, value: str, country: str | None = None) -> tuple[str, str] | None:
    """``(scheme, key)`` for looking an identifier up, or None when it cannot be valid (an
    identifier that fails its check cannot be in the registry)."""
    try:
        found = normalize_identifier(scheme, value, country)
    except IdentifierError:
        return None
    return found.scheme, found.key


def _stdnum_reason(exc: ValidationError) -> str:
    return str(exc).rstrip(".").lower()


_MID_SKIPPED_WORDS = {"A", "AN", "AND", "OF", "THE"}


def build_manufacturer_id(
    name: str, street: str | None, city: str | None, country: str, subdivision: str | None = None
) -> str:
    """Construct a CBP manufacturer ID from a manufacturer's name and address.

    Country code (Canada: province code); the first three letters of the first two words of
    the name ("a", "an", "and", "of", "the" skipped; a one-word name gives three letters); the
    first four digits of the largest number on the street line; the first three letters of
    the city. "Amalgamated Plastics Corp., 1234 Main St., Lima, Peru" → ``PEAMAPLA1234LIM``.
    """
    code = find_country(country)
    if code is None:
        raise IdentifierError(f"unknown country {country!r}", "country")
    if code == "CA":
        province = CANADA_MID_PROVINCES.get((subdivision or "").upper())
        if province is None:
            raise IdentifierError("a Canadian manufacturer ID needs the province", "subdivision")
        code = province
    words = [
        w
        for w in re.split(r"[^A-Z0-9]+", (normalize(name, ascii=True) or "").upper())
        if w and w not in _MID_SKIPPED_WORDS
    ]
    if not words:
        raise IdentifierError("the name has no letters", "name")
    name_part = words[0][:3] + (words[1][:3] if len(words) > 1 else "")
    numbers = re.findall(r"\d+", street or "")
    number_part = max(numbers, key=int)[:4] if numbers else ""
    city_part = re.sub(r"[^A-Z]", "", (normalize(city or "", ascii=True) or "").upper())[:3]
    return (code + name_part + number_part + city_part)[:15]
