"""The registry's controlled vocabularies: organization kinds, trade roles, identifier schemes."""

from __future__ import annotations

from enum import StrEnum


class OrgKind(StrEnum):
    """Whether an organization is a customs agency (sees across tenants) or a trade party."""

    agency = "agency"
    trade = "trade"


class OrgStatus(StrEnum):
    """Lifecycle of a registry record. ``proposed`` records come from party resolution and
    wait for a person to confirm or merge them."""

    active = "active"
    proposed = "proposed"
    merged = "merged"
    inactive = "inactive"


class TradeRole(StrEnum):
    """The roles an organization plays in trade (the entity types of trusted-trader programs)."""

    importer = "importer"
    exporter = "exporter"
    foreign_manufacturer = "foreign_manufacturer"
    highway_carrier = "highway_carrier"
    rail_carrier = "rail_carrier"
    sea_carrier = "sea_carrier"
    air_carrier = "air_carrier"
    customs_broker = "customs_broker"
    consolidator = "consolidator"  # consolidators and NVOCCs
    third_party_logistics = "third_party_logistics"
    port_terminal_operator = "port_terminal_operator"  # marine port authority / terminal operator


class IdScheme(StrEnum):
    """Identifier schemes with known formats; any other scheme name is kept as free-form."""

    importer_of_record = "importer_of_record"  # IOR number (e.g. an EIN-based number)
    manufacturer_id = "manufacturer_id"  # MID on entries
    scac = "scac"  # Standard Carrier Alpha Code
    imo = "imo"  # IMO ship or company number
    lei = "lei"  # ISO 17442 Legal Entity Identifier
    national_registry = "national_registry"  # company registry number, with its country
    duns = "duns"
    eori = "eori"  # EU Economic Operators Registration and Identification
    tax_id = "tax_id"


class AddressKind(StrEnum):
    registered = "registered"
    operational = "operational"
    mailing = "mailing"
