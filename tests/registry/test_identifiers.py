"""Identifier validators and normalizers, with real check digits."""

from __future__ import annotations

import pytest

from trustlane.registry.identifiers import (
    IdentifierError,
    build_manufacturer_id,
    identifier_key,
    normalize_identifier,
    scheme_name,
)


@pytest.mark.parametrize(
    ("scheme", "given", "value", "key"),
    [
        # LEIs of real entities (GLEIF): Apple Inc. and a sample from the GLEIF check-digit docs
        ("lei", "hwupkr0mpou8fgxbt394", "HWUPKR0MPOU8FGXBT394", "HWUPKR0MPOU8FGXBT394"),
        ("lei", "5493001KJTIIGC8Y1R12", "5493001KJTIIGC8Y1R12", "5493001KJTIIGC8Y1R12"),
        # IMO ship numbers with their check digit (Emma Maersk: 9321483)
        ("imo", "IMO 9321483", "9321483", "9321483"),
        ("imo", "9074729", "9074729", "9074729"),
        ("scac", " maeu ", "MAEU", "MAEU"),
        ("scac", "UPSN", "UPSN", "UPSN"),
        # MIDs built by CBP's rules (country, name letters, street number, city letters)
        ("manufacturer_id", "PEAMAPLA1234LIM", "PEAMAPLA1234LIM", "PEAMAPLA1234LIM"),
        ("mid", "xoacmwid1002tor", "XOACMWID1002TOR", "XOACMWID1002TOR"),  # Ontario
        ("importer_of_record", "04-2103594", "04-2103594", "04-2103594"),
        ("importer_of_record", "042103594", "04-2103594", "04-2103594"),
        ("importer_of_record", "04-210359400", "04-210359400", "04-210359400"),
        ("importer_of_record", "201234-56789", "201234-56789", "201234-56789"),
        ("duns", "15-048-3782", "150483782", "150483782"),
        ("eori", "de 1234567", "DE1234567", "DE1234567"),
        ("eori", "GB123456789000", "GB123456789000", "GB123456789000"),
    ],
)
def test_known_schemes_normalize(scheme: str, given: str, value: str, key: str) -> None:
    found = normalize_identifier(scheme, given)
    assert (found.value, found.key) == (value, key)


@pytest.mark.parametrize(
    ("scheme", "given", "part", "reason"),
    [
        ("lei", "HWUPKR0MPOU8FGXBT395", "value", "not a valid LEI"),  # last digit changed
        ("lei", "HWUPKR0MPOU8FGXBT39", "value", "not a valid LEI"),
        ("imo", "9321484", "value", "not a valid IMO number"),  # wrong check digit
        ("imo", "932148", "value", "not a valid IMO number"),
        ("scac", "MAEU1", "value", "2 to 4 letters"),
        ("manufacturer_id", "CAACMWID1002TOR", "value", "province code"),
        ("manufacturer_id", "ZZACME1LIM", "value", "country code"),
        ("importer_of_record", "00-1234567", "value", "not a valid EIN"),  # no IRS prefix 00
        ("importer_of_record", "12-345", "value", "EIN NN-NNNNNNN"),
        ("duns", "12345678", "value", "9 digits"),
        ("eori", "US123456", "value", "EU member state"),
        ("national_registry", "HRB 12345", "country", "issuing country"),
        ("tax_id", "123", "country", "unknown issuing country"),
        ("lei", " ", "value", "must not be empty"),
        ("!!!", "x", "scheme", "letters or digits"),
    ],
)
def test_bad_identifiers_name_the_part(scheme: str, given: str, part: str, reason: str) -> None:
    country = "ZZ" if scheme == "tax_id" else None
    with pytest.raises(IdentifierError) as exc:
        normalize_identifier(scheme, given, country)
    assert exc.value.part == part
    assert reason in exc.value.reason


def test_country_bound_schemes_keep_countries_apart() -> None:
    de = normalize_identifier("national_registry", "HRB 12345", "DE")
    at = normalize_identifier("national_registry", "HRB-12345", "Austria")
    assert (de.key, at.key) == ("DE:HRB12345", "AT:HRB12345")
    assert de.value == "HRB 12345"
    assert de.country == "DE"
    # a VAT number's own prefix is the issuing country, not part of the number
    assert normalize_identifier("tax_id", "DE123456789", "DE").key == "DE:123456789"
    assert normalize_identifier("vat", "123456789", "Germany").key == "DE:123456789"


def test_free_form_schemes_get_a_normalized_name() -> None:
    found = normalize_identifier("KR Importer-ID", " qlr ubn9 ")
    assert found.scheme == "kr_importer_id"
    assert (found.value, found.key) == ("qlr ubn9", "QLRUBN9")
    assert scheme_name("IOR") == "importer_of_record"
    assert scheme_name("Company Number") == "national_registry"


def test_lookup_key_is_none_for_what_cannot_be_valid() -> None:
    assert identifier_key("lei", "hwupkr0mpou8fgxbt394") == ("lei", "HWUPKR0MPOU8FGXBT394")
    assert identifier_key("lei", "HWUPKR0MPOU8FGXBT395") is None


def test_manufacturer_id_construction() -> None:
    # CBP's construction: PE + AMA + PLA + 1234 + LIM
    assert (
        build_manufacturer_id("Amalgamated Plastics Corp.", "1234 Main St.", "Lima", "Peru")
        == "PEAMAPLA1234LIM"
    )
    # "The" is skipped; the largest number on the street line, first four digits; Canada
    # uses the province code
    assert (
        build_manufacturer_id(
            "The Acme Widget Co.", "Unit 5, 10022 King St W", "Toronto", "CA", "CA-ON"
        )
        == "XOACMWID1002TOR"
    )
    assert build_manufacturer_id("Sony", None, "Tokyo", "JP") == "JPSONTOK"
    built = build_manufacturer_id("Rose Textile Company", "528 Industrial Road", "Shanghai", "CN")
    assert normalize_identifier("manufacturer_id", built).country == "CN"
    with pytest.raises(IdentifierError):
        build_manufacturer_id("Acme", "1 Main", "Toronto", "CA")  # no province
