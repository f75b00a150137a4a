"""The registry's controlled vocabularies: organization kinds, trade roles, identifier schemes."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache


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


class AliasKind(StrEnum):
    alias = "alias"  # a trade name or other name given by a person
    former = "former"  # the name before a rename
    merged = "merged"  # the name of a record merged into this one


#: The trade role a party's role on a filing suggests, for organizations proposed by party
#: resolution. Buyers and consignees on import filings are importers; sellers and shippers
#: export; roles that say nothing about the business (notify, ship-to, stuffing location)
#: suggest none. Carriers are resolved by mode elsewhere (an IMO number: a sea carrier).
PARTY_ROLE_TRADE_ROLE: dict[str, TradeRole] = {
    "importer": TradeRole.importer,
    "importer_of_record": TradeRole.importer,
    "consignee": TradeRole.importer,
    "ultimate_consignee": TradeRole.importer,
    "buyer": TradeRole.importer,
    "seller": TradeRole.exporter,
    "shipper": TradeRole.exporter,
    "exporter": TradeRole.exporter,
    "manufacturer": TradeRole.foreign_manufacturer,
    "supplier": TradeRole.foreign_manufacturer,
    "consolidator": TradeRole.consolidator,
    "nvocc": TradeRole.consolidator,
    "declarant": TradeRole.customs_broker,
    "broker": TradeRole.customs_broker,
    "customs_broker": TradeRole.customs_broker,
    "courier": TradeRole.air_carrier,
}

#: Which identifier wins when a party's identifiers point at different organizations:
#: global, audited registers first, locally assigned or self-declared numbers last.
ID_SCHEME_PRIORITY: tuple[str, ...] = (
    IdScheme.lei,
    IdScheme.importer_of_record,
    IdScheme.eori,
    IdScheme.duns,
    IdScheme.national_registry,
    IdScheme.tax_id,
    IdScheme.imo,
    IdScheme.scac,
    IdScheme.manufacturer_id,
)


#: Plain strings for the hot path (an enum member's ``.value`` is a descriptor call).
_TRADE_ROLE_OF = {party: role.value for party, role in PARTY_ROLE_TRADE_ROLE.items()}


@lru_cache(maxsize=1024)
def trade_roles(party_roles: tuple[str, ...], has_imo: bool) -> tuple[str, ...]:
    """The trade roles that a proposed organization's party roles suggest, sorted
    (:data:`PARTY_ROLE_TRADE_ROLE`); a carrier with an IMO number is a sea carrier."""
    roles = {_TRADE_ROLE_OF[r] for r in party_roles if r in _TRADE_ROLE_OF}
    if "carrier" in party_roles and has_imo:
        roles.add(TradeRole.sea_carrier.value)
    return tuple(sorted(roles))
