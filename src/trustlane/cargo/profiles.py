"""The ingest profiles: one named mapping per source format (see :mod:`trustlane.cargo.mapping`).

``docs/cargo.md`` lists every column of every profile; ``docs/examples/`` has a file for each.
A test keeps the two in step with this module.
"""

from __future__ import annotations

from trustlane.cargo.mapping import Column, Profile, ValueType
from trustlane.errors import FieldProblem, InvalidInput

T = ValueType

_AIRPORT = r"[A-Z]{3}"
_LOCODE = r"[A-Z]{2}[A-Z0-9]{3}"
_CONTAINER = r"[A-Z]{4}[0-9]{7}"


def _party(
    prefix: str,
    role: str,
    label: str,
    *,
    name_required: bool = True,
    country_required: bool = False,
    ids: dict[str, str] | None = None,
) -> tuple[Column, ...]:
    """The name, address, city and country columns of a party (and its identifiers)."""
    columns = [
        Column(f"{prefix}_name", T.text, (f"party.{role}.name",), f"{label}: name", name_required),
        Column(f"{prefix}_address", T.text, (f"party.{role}.address",), f"{label}: street address"),
        Column(f"{prefix}_city", T.text, (f"party.{role}.city",), f"{label}: city"),
        Column(
            f"{prefix}_country",
            T.country,
            (f"party.{role}.country",),
            f"{label}: country",
            country_required,
        ),
    ]
    for column_name, scheme in (ids or {}).items():
        columns.append(
            Column(
                column_name,
                T.text,
                (f"party.{role}.identifiers.{scheme}",),
                f"{label}: identifier ({scheme})",
            )
        )
    return tuple(columns)


CUSTOMS_KR = Profile(
    name="customs-kr",
    title="Import declarations (Korea Customs Service public data set)",
    kind="declaration",
    description=(
        "The line-level import declarations of the public customs data set "
        "(Customs-Declaration-Datasets, KCS/IBS): one row is one declaration with one item. "
        "Party ids are the data set's pseudonymous codes; fraud labels, when present, are "
        "stored as inspection outcomes (source `ingest:customs-kr`). Values are in KRW."
    ),
    columns=(
        Column("Declaration ID", T.text, ("key",), "Declaration number", True),
        Column("Date", T.date, ("shipment.declared_on",), "Declaration date", True),
        Column("Office ID", T.code, ("shipment.office",), "Customs office code", True),
        Column("Process Type", T.code, ("shipment.attributes.process_type",), "Clearance process"),
        Column("Import Type", T.code, ("shipment.attributes.import_type",), "Import type code"),
        Column("Import Use", T.code, ("shipment.attributes.import_use",), "Import use code"),
        Column("Payment Type", T.code, ("shipment.attributes.payment_type",), "Payment type code"),
        Column(
            "Mode of Transport",
            T.code,
            ("shipment.mode_of_transport",),
            "Transport mode code",
            True,
        ),
        Column(
            "Declarant ID",
            T.text,
            ("party.declarant.identifiers.kr_declarant_id",),
            "Declarant (customs broker) code",
        ),
        Column(
            "Importer ID",
            T.text,
            ("party.importer.identifiers.kr_importer_id",),
            "Importer code (the trade tenant)",
            True,
        ),
        Column("Seller ID", T.text, ("party.seller.identifiers.kr_seller_id",), "Seller code"),
        Column("Courier ID", T.text, ("party.courier.identifiers.kr_courier_id",), "Courier code"),
        Column("HS6 Code", T.hs, ("line.hs_code",), "HS-6 commodity code", True, digits=(6,)),
        Column("Country of Departure", T.country, ("shipment.country_departure",), "Departure"),
        Column(
            "Country of Origin",
            T.country,
            ("shipment.country_origin", "line.country_origin"),
            "Country of origin",
            True,
        ),
        Column("Tax Rate", T.decimal, ("line.duty_rate",), "Duty rate, percent"),
        Column("Tax Type", T.code, ("line.tax_type",), "Tariff type code"),
        Column(
            "Country of Origin Indicator",
            T.code,
            ("line.attributes.origin_indicator",),
            "How origin was determined",
        ),
        Column("Net Mass", T.decimal, ("line.net_mass_kg",), "Net mass, kg"),
        Column("Item Price", T.decimal, ("line.value",), "Assessed value, KRW"),
        Column("Fraud", T.flag, ("inspection.fraud",), "Inspection found fraud (0/1)"),
        Column(
            "Critical Fraud",
            T.choice,
            ("inspection.critical",),
            "0 none, 1 fraud, 2 critical (public safety)",
            choices=("0", "1", "2"),
        ),
    ),
    constants={
        "shipment.currency": "KRW",
        "line.currency": "KRW",
        "shipment.country_destination": "KR",
    },
    example="customs-kr.csv",
)

ISF = Profile(
    name="isf",
    title="Importer security filing (ISF 10+2)",
    kind="isf",
    description=(
        "The importer's ten elements (seller, buyer, importer of record number, consignee "
        "number, manufacturer/supplier, ship-to party, country of origin, HS-6, container "
        "stuffing location, consolidator) with the filing time, estimated lading time, bill "
        "of lading and vessel/voyage. One row per commodity line; the filing's fields are "
        "repeated on each of its lines, which must be contiguous. A filing made less than "
        "24 hours before lading is late: compare `filed_at` with `lading_at`."
    ),
    columns=(
        Column("isf_number", T.text, ("key",), "ISF transaction number", True),
        Column("line_number", T.integer, ("line_no",), "Line within the filing (default: order)"),
        Column("filed_at", T.datetime, ("shipment.filed_at",), "When the ISF was filed", True),
        Column(
            "estimated_lading_at",
            T.datetime,
            ("shipment.lading_at",),
            "Estimated lading at the foreign port",
            True,
        ),
        Column("estimated_arrival_at", T.datetime, ("shipment.arrival_at",), "Estimated arrival"),
        Column("bill_of_lading", T.text, ("shipment.bill_of_lading",), "Master or house B/L", True),
        Column("vessel_name", T.text, ("shipment.conveyance",), "Vessel"),
        Column("voyage", T.text, ("shipment.voyage",), "Voyage number"),
        Column("carrier_scac", T.code, ("shipment.carrier_code",), "Carrier SCAC"),
        Column(
            "port_of_lading",
            T.code,
            ("shipment.port_lading",),
            "Foreign port of lading (UN/LOCODE)",
            pattern=_LOCODE,
            pattern_hint="a UN/LOCODE such as CNSHA",
        ),
        Column(
            "port_of_unlading",
            T.code,
            ("shipment.port_unlading",),
            "Port of unlading (UN/LOCODE)",
            pattern=_LOCODE,
            pattern_hint="a UN/LOCODE such as USLAX",
        ),
        Column(
            "importer_of_record_number",
            T.text,
            ("party.importer.identifiers.importer_of_record",),
            "Importer of record number",
            True,
        ),
        Column("importer_name", T.text, ("party.importer.name",), "Importer of record: name"),
        Column(
            "consignee_number",
            T.text,
            ("party.consignee.identifiers.importer_of_record",),
            "Consignee number",
            True,
        ),
        Column("consignee_name", T.text, ("party.consignee.name",), "Consignee: name"),
        *_party("seller", "seller", "Seller"),
        *_party("buyer", "buyer", "Buyer"),
        *_party("ship_to", "ship_to", "Ship-to party"),
        *_party(
            "manufacturer",
            "manufacturer",
            "Manufacturer/supplier (per line)",
            country_required=True,
            ids={"manufacturer_id": "manufacturer_id"},
        ),
        Column(
            "country_of_origin",
            T.country,
            ("line.country_origin",),
            "Country of origin of the line",
            True,
        ),
        Column("hs6", T.hs, ("line.hs_code",), "Commodity HS-6 (or longer)", True),
        Column("description", T.text, ("line.description",), "Goods description"),
        *_party("stuffing_location", "stuffing_location", "Container stuffing location"),
        *_party("consolidator", "consolidator", "Consolidator (stuffer)"),
    ),
    line_party_roles=("manufacturer",),
    example="isf.csv",
    multi_line=True,
)

AIR = Profile(
    name="air",
    title="Air cargo advance data",
    kind="air",
    description=(
        "Air cargo advance screening data: one row per air waybill with shipper, consignee, "
        "description, pieces, weight, airports, flight and times. The consignee is the trade "
        "tenant."
    ),
    columns=(
        Column("air_waybill", T.text, ("key", "shipment.bill_of_lading"), "Air waybill", True),
        Column("house_waybill", T.text, ("shipment.attributes.house_waybill",), "House waybill"),
        *_party("shipper", "shipper", "Shipper", country_required=True),
        *_party(
            "consignee",
            "consignee",
            "Consignee",
            country_required=True,
            ids={"consignee_id": "importer_of_record"},
        ),
        Column(
            "description",
            T.text,
            ("shipment.description", "line.description"),
            "Goods description",
            True,
        ),
        Column("hs_code", T.hs, ("line.hs_code",), "HS code, when given"),
        Column("pieces", T.integer, ("shipment.pieces", "line.quantity"), "Pieces", True),
        Column("weight_kg", T.decimal, ("shipment.gross_weight_kg",), "Gross weight, kg", True),
        Column(
            "origin_airport",
            T.code,
            ("shipment.port_lading",),
            "Origin airport (IATA)",
            True,
            pattern=_AIRPORT,
            pattern_hint="a three-letter IATA airport code",
        ),
        Column(
            "destination_airport",
            T.code,
            ("shipment.port_unlading",),
            "Destination airport (IATA)",
            True,
            pattern=_AIRPORT,
            pattern_hint="a three-letter IATA airport code",
        ),
        Column("flight_number", T.code, ("shipment.conveyance",), "Flight"),
        Column("carrier_code", T.code, ("shipment.carrier_code",), "Airline code"),
        Column("filed_at", T.datetime, ("shipment.filed_at",), "When the data was sent", True),
        Column("departure_at", T.datetime, ("shipment.lading_at",), "Scheduled departure"),
        Column("arrival_at", T.datetime, ("shipment.arrival_at",), "Scheduled arrival"),
    ),
    constants={"line.quantity_unit": "PCS"},
    tenant_role="consignee",
    example="air.jsonl",
)

ENTRY = Profile(
    name="entry",
    title="Entry summary lines",
    kind="entry",
    description=(
        "Entry summary lines: one row per line of an entry, with the entry's fields repeated. "
        "Values in US dollars."
    ),
    columns=(
        Column("entry_number", T.text, ("key",), "Entry number", True),
        Column("line_number", T.integer, ("line_no",), "Entry line number", True),
        Column("entry_date", T.date, ("shipment.declared_on",), "Entry date", True),
        Column("filed_at", T.datetime, ("shipment.filed_at",), "When the entry was filed"),
        Column("arrival_date", T.datetime, ("shipment.arrival_at",), "Arrival of the goods"),
        Column("port_of_entry", T.code, ("shipment.office",), "Port of entry code", True),
        Column("mode_of_transport", T.code, ("shipment.mode_of_transport",), "Transport mode"),
        Column("bill_of_lading", T.text, ("shipment.bill_of_lading",), "Bill of lading"),
        Column("country_of_export", T.country, ("shipment.country_departure",), "Exported from"),
        Column(
            "importer_of_record_number",
            T.text,
            ("party.importer.identifiers.importer_of_record",),
            "Importer of record number",
            True,
        ),
        Column("importer_name", T.text, ("party.importer.name",), "Importer of record: name"),
        Column("hs10", T.hs, ("line.hs_code",), "Tariff number, 10 digits", True, digits=(10,)),
        Column("description", T.text, ("line.description",), "Goods description"),
        Column("value", T.decimal, ("line.value",), "Entered value, USD", True),
        Column("duty_rate", T.decimal, ("line.duty_rate",), "Duty rate, percent"),
        Column("quantity", T.decimal, ("line.quantity",), "Quantity"),
        Column("quantity_unit", T.code, ("line.quantity_unit",), "Unit of quantity"),
        Column("country_of_origin", T.country, ("line.country_origin",), "Country of origin", True),
        Column(
            "manufacturer_id",
            T.code,
            ("line.manufacturer_id", "party.manufacturer.identifiers.manufacturer_id"),
            "Manufacturer identification code (MID)",
            True,
        ),
    ),
    constants={"shipment.currency": "USD", "line.currency": "USD"},
    line_party_roles=("manufacturer",),
    example="entry.csv",
    multi_line=True,
)

EXPORT = Profile(
    name="export",
    title="Export manifest",
    kind="export",
    description=(
        "Export manifest lines: one row per commodity line with the shipment's fields "
        "repeated. The exporter is the trade tenant. Values in US dollars."
    ),
    columns=(
        Column("export_reference", T.text, ("key",), "Export shipment reference", True),
        Column("line_number", T.integer, ("line_no",), "Line within the shipment"),
        Column("filed_at", T.datetime, ("shipment.filed_at",), "When the manifest was filed", True),
        Column("departure_at", T.datetime, ("shipment.lading_at",), "Departure", True),
        *_party(
            "exporter",
            "exporter",
            "Exporter (USPPI)",
            country_required=True,
            ids={"exporter_id": "tax_id"},
        ),
        *_party(
            "ultimate_consignee", "ultimate_consignee", "Ultimate consignee", country_required=True
        ),
        Column("carrier_name", T.text, ("party.carrier.name",), "Carrier: name"),
        Column(
            "carrier_scac",
            T.code,
            ("shipment.carrier_code", "party.carrier.identifiers.scac"),
            "Carrier SCAC / airline code",
        ),
        Column(
            "port_of_export",
            T.code,
            ("shipment.port_lading",),
            "Port of export (UN/LOCODE)",
            True,
            pattern=_LOCODE,
            pattern_hint="a UN/LOCODE such as USNYC",
        ),
        Column(
            "country_of_destination",
            T.country,
            ("shipment.country_destination",),
            "Country of ultimate destination",
            True,
        ),
        Column("conveyance", T.text, ("shipment.conveyance",), "Vessel or flight"),
        Column("bill_of_lading", T.text, ("shipment.bill_of_lading",), "Bill of lading / AWB"),
        Column("hs_code", T.hs, ("line.hs_code",), "Schedule B / HS code", True),
        Column("description", T.text, ("line.description",), "Goods description"),
        Column("quantity", T.decimal, ("line.quantity",), "Quantity"),
        Column("quantity_unit", T.code, ("line.quantity_unit",), "Unit of quantity"),
        Column("value", T.decimal, ("line.value",), "Value, USD", True),
        Column("country_of_origin", T.country, ("line.country_origin",), "Country of origin"),
        Column("eccn", T.code, ("line.attributes.eccn",), "Export control classification"),
        Column("license", T.text, ("line.attributes.license",), "Export licence or exception"),
    ),
    constants={"shipment.currency": "USD", "line.currency": "USD"},
    tenant_role="exporter",
    example="export.csv",
    multi_line=True,
)

CARRIER_EVENTS = Profile(
    name="carrier-events",
    title="Carrier messages: vessel stow plans and container status messages",
    kind="event",
    description=(
        "The carrier's part of 10+2: vessel stow plan entries and container status messages, "
        "one row per message, stored as transport events and linked to filings by bill of "
        "lading and container number. A message sent twice is stored once."
    ),
    columns=(
        Column(
            "message_type",
            T.choice,
            ("event.kind",),
            "stow_plan or container_status",
            True,
            choices=("stow_plan", "container_status"),
        ),
        Column(
            "container_number",
            T.code,
            ("event.container_number",),
            "Container number (ISO 6346)",
            True,
            pattern=_CONTAINER,
            pattern_hint="four letters and seven digits (ISO 6346)",
        ),
        Column("bill_of_lading", T.text, ("event.bill_of_lading",), "Bill of lading"),
        Column("vessel_name", T.text, ("event.conveyance",), "Vessel"),
        Column("vessel_imo", T.code, ("event.details.vessel_imo",), "Vessel IMO number"),
        Column("voyage", T.text, ("event.voyage",), "Voyage"),
        Column("status_code", T.code, ("event.status_code",), "Container status code"),
        Column(
            "location",
            T.code,
            ("event.location",),
            "Where (UN/LOCODE)",
            pattern=_LOCODE,
            pattern_hint="a UN/LOCODE such as NLRTM",
        ),
        Column("event_at", T.datetime, ("event.at",), "When it happened", True),
        Column("stow_position", T.code, ("event.details.stow_position",), "Bay-row-tier"),
        Column("seal_number", T.text, ("event.details.seal_number",), "Seal number"),
        Column("iso_size_type", T.code, ("event.details.iso_size_type",), "ISO size/type"),
    ),
    example="carrier-events.csv",
)

#: Every profile, by name, in the order the docs list them.
PROFILES: dict[str, Profile] = {
    p.name: p for p in (CUSTOMS_KR, ISF, AIR, ENTRY, EXPORT, CARRIER_EVENTS)
}


def get_profile(name: str) -> Profile:
    """The profile called ``name``; an :class:`InvalidInput` naming the known ones otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(PROFILES)
        raise InvalidInput(
            f"Unknown profile {name!r}",
            [FieldProblem("profile", f"unknown profile {name!r}; known: {known}", value=name)],
        ) from None
