"""The demo's trade community: a seeded, realistic set of organizations.

Importers in the agency's country, foreign manufacturers and exporters in many countries,
carriers, brokers, consolidators, logistics providers and terminal operators, each with the
identifiers its role carries (importer of record numbers, manufacturer IDs built the way
entries build them, SCAC codes, IMO numbers, LEIs with valid check digits) and an address.
The same seed always gives the same population, so generated shipments can name its parties.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from stdnum.us import ein as stdnum_ein

from trustlane.registry.identifiers import build_manufacturer_id
from trustlane.registry.vocab import TradeRole

#: The demo agency's own country: importers, brokers and terminals are here.
HOME_COUNTRY = "US"

#: Sources of imports with their weight in the demo and typical legal forms and cities.
SOURCE_COUNTRIES: dict[str, tuple[float, tuple[str, ...], tuple[str, ...]]] = {
    "CN": (
        0.30,
        ("Co., Ltd.", "Industrial Co., Ltd.", "Trading Co., Ltd."),
        ("Shenzhen", "Dongguan", "Ningbo", "Xiamen", "Guangzhou", "Urumqi", "Qingdao"),
    ),
    "VN": (
        0.08,
        ("Company Limited", "Joint Stock Company"),
        ("Ho Chi Minh City", "Hai Phong", "Binh Duong", "Da Nang"),
    ),
    "MX": (
        0.08,
        ("S.A. de C.V.", "S. de R.L. de C.V."),
        ("Monterrey", "Tijuana", "Guadalajara", "Ciudad Juarez"),
    ),
    "DE": (0.06, ("GmbH", "AG", "GmbH & Co. KG"), ("Hamburg", "Stuttgart", "Munich", "Bremen")),
    "IN": (0.07, ("Pvt. Ltd.", "Limited"), ("Chennai", "Mumbai", "Tiruppur", "Ahmedabad")),
    "KR": (0.05, ("Co., Ltd.", "Corporation"), ("Busan", "Incheon", "Ulsan", "Seoul")),
    "TW": (0.05, ("Co., Ltd.", "Corporation"), ("Kaohsiung", "Taichung", "Hsinchu")),
    "JP": (0.04, ("Co., Ltd.", "K.K."), ("Yokohama", "Nagoya", "Osaka", "Kobe")),
    "BD": (0.04, ("Ltd.", "Apparels Ltd."), ("Dhaka", "Chittagong", "Gazipur")),
    "TH": (0.03, ("Co., Ltd.", "Public Company Limited"), ("Bangkok", "Laem Chabang")),
    "MY": (0.03, ("Sdn. Bhd.", "Berhad"), ("Penang", "Port Klang", "Johor Bahru")),
    "TR": (0.03, ("A.S.", "Ltd. Sti."), ("Istanbul", "Izmir", "Bursa")),
    "IT": (0.03, ("S.p.A.", "S.r.l."), ("Milan", "Genoa", "Prato", "Turin")),
    "BR": (0.02, ("Ltda.", "S.A."), ("Santos", "Sao Paulo", "Curitiba")),
    "CA": (0.03, ("Inc.", "Ltd."), ("Toronto", "Vancouver", "Montreal")),
    "ID": (0.02, ("PT", "Tbk"), ("Jakarta", "Surabaya", "Semarang")),
    "PK": (0.02, ("(Pvt.) Ltd.",), ("Karachi", "Lahore", "Sialkot")),
    "AE": (0.02, ("FZE", "LLC", "FZCO"), ("Dubai", "Sharjah", "Jebel Ali")),
    "NL": (0.02, ("B.V.", "N.V."), ("Rotterdam", "Amsterdam", "Eindhoven")),
    "CL": (0.01, ("S.A.", "SpA"), ("Valparaiso", "Santiago")),
    "RU": (0.01, ("OOO", "AO"), ("Moscow", "Saint Petersburg", "Novorossiysk")),
}

#: Provinces of the Canadian cities above (Canadian manufacturer IDs start with the province).
CANADA_PROVINCES = {"Toronto": "CA-ON", "Vancouver": "CA-BC", "Montreal": "CA-QC"}

HOME_FORMS = ("Inc.", "LLC", "Corporation", "Co.", "Holdings Inc.")
HOME_CITIES = (
    ("Los Angeles", "CA"),
    ("Long Beach", "CA"),
    ("Newark", "NJ"),
    ("Savannah", "GA"),
    ("Houston", "TX"),
    ("Seattle", "WA"),
    ("Chicago", "IL"),
    ("Miami", "FL"),
    ("Charleston", "SC"),
    ("Norfolk", "VA"),
    ("Detroit", "MI"),
    ("Memphis", "TN"),
)

_HOME_STREETS = ("Harbor", "Commerce", "Industrial", "Main", "Ocean")
_STREET_KINDS = ("Blvd", "Street", "Avenue", "Way")
_FOREIGN_STREETS = (
    "Industrial Zone",
    "Export Processing Zone",
    "Hi-Tech Park",
    "Free Trade Zone",
    "Development Road",
)
_STEMS = (
    "Pacific",
    "Harbor",
    "Summit",
    "Golden",
    "Evergreen",
    "Silverline",
    "Northstar",
    "Bluewater",
    "Apex",
    "Crescent",
    "Keystone",
    "Riverside",
    "Lotus",
    "Phoenix",
    "Orient",
    "Meridian",
    "Sunrise",
    "Atlas",
    "Pioneer",
    "Horizon",
    "Jade",
    "Coral",
    "Cedar",
    "Falcon",
    "Granite",
    "Sapphire",
    "Vertex",
    "Union",
    "Liberty",
    "Grand",
    "Royal",
    "Eastern",
    "Western",
    "Star",
    "Delta",
    "Orchid",
    "Tiger",
    "Dragon",
    "Maple",
    "Oak",
    "Everbright",
    "Hengda",
    "Minh Phat",
    "Tan Thanh",
    "Hanil",
    "Daesung",
    "Anand",
    "Shree",
    "Karim",
    "Yildiz",
    "Bellavista",
)
_TRADES = {
    "agriculture-prepared-products": ("Foods", "Agro", "Seafood", "Fruit Export", "Grain"),
    "apparel-footwear-textiles": ("Garments", "Textile", "Knitwear", "Footwear", "Apparel"),
    "automotive-aerospace": ("Auto Parts", "Motor Components", "Aero Systems", "Brake"),
    "base-metals": ("Steel", "Aluminium", "Metal Products", "Wire", "Fasteners"),
    "consumer-products-mass-merchandising": ("Home Goods", "Toys", "Furniture", "Houseware"),
    "electronics": ("Electronics", "Semiconductor", "Solar", "Optoelectronic", "Display"),
    "industrial-manufacturing-materials": ("Plastics", "Rubber", "Glass", "Paper", "Ceramics"),
    "machinery": ("Machinery", "Pumps", "Tools", "Engineering", "Hydraulics"),
    "petroleum-natural-gas-minerals": ("Petroleum", "Minerals", "Energy", "Mining"),
    "pharmaceuticals-health-chemicals": ("Chemical", "Pharma", "Biotech", "Medical Supply"),
}
#: HS chapters typical of each sector, for the demo's shipments.
SECTOR_CHAPTERS: dict[str, tuple[str, ...]] = {
    "agriculture-prepared-products": ("03", "07", "08", "09", "16", "20", "22"),
    "apparel-footwear-textiles": ("52", "61", "62", "63", "64"),
    "automotive-aerospace": ("87", "88"),
    "base-metals": ("72", "73", "76"),
    "consumer-products-mass-merchandising": ("42", "94", "95", "96"),
    "electronics": ("85",),
    "industrial-manufacturing-materials": ("39", "40", "48", "70"),
    "machinery": ("84",),
    "petroleum-natural-gas-minerals": ("25", "26", "27"),
    "pharmaceuticals-health-chemicals": ("28", "29", "30", "38"),
}
SECTORS = tuple(_TRADES)


@dataclass
class DemoOrg:
    """One organization of the demo, as the registry will hold it."""

    key: str  # stable handle within the demo (e.g. "imp-017")
    name: str
    country: str
    city: str
    street: str
    subdivision: str | None
    roles: list[TradeRole]
    sector: str | None
    identifiers: dict[str, str] = field(default_factory=dict)


def lei(rng: random.Random) -> str:
    """A Legal Entity Identifier with valid ISO 7064 MOD 97-10 check digits."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    body = "".join(rng.choice("0123456789") for _ in range(4)) + "00"
    body += "".join(rng.choice(alphabet) for _ in range(12))
    numeric = int("".join(str(int(c, 36)) for c in body + "00"))
    return body + f"{98 - numeric % 97:02d}"


def imo(rng: random.Random) -> str:
    """An IMO ship number: six digits and a check digit (weights 7..2, sum mod 10)."""
    digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(5)]
    check = sum(d * w for d, w in zip(digits, range(7, 1, -1), strict=True)) % 10
    return "".join(map(str, digits)) + str(check)


def ein_ior(rng: random.Random) -> str:
    """An importer of record number in the IRS employer identification number form, with a
    prefix the IRS issues (stdnum knows which), and the two-character suffix entries use."""
    while True:
        ein = f"{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}"
        if stdnum_ein.is_valid(ein):
            return ein + "00"


def build_population(seed: int = 7, *, importers: int = 120, foreign: int = 180) -> list[DemoOrg]:
    """The demo's organizations for ``seed`` (about 300 with the default sizes)."""
    rng = random.Random(seed)
    orgs: list[DemoOrg] = []
    used_names: set[str] = set()

    def unique(name: str) -> str:
        base, n = name, 2
        while name in used_names:
            name = f"{base} {n}"
            n += 1
        used_names.add(name)
        return name

    for i in range(importers):
        sector = rng.choice(SECTORS)
        city, state = rng.choice(HOME_CITIES)
        stem, trade, form = rng.choice(_STEMS), rng.choice(_TRADES[sector]), rng.choice(HOME_FORMS)
        name = unique(f"{stem} {trade} {form}")
        street = f"{rng.randint(10, 9999)} {rng.choice(_HOME_STREETS)} {rng.choice(_STREET_KINDS)}"
        org = DemoOrg(
            f"imp-{i:03d}",
            name,
            HOME_COUNTRY,
            city,
            street,
            f"US-{state}",
            [TradeRole.importer],
            sector,
            {"importer_of_record": ein_ior(rng)},
        )
        if rng.random() < 0.4:
            org.identifiers["lei"] = lei(rng)
        orgs.append(org)

    countries = list(SOURCE_COUNTRIES)
    weights = [SOURCE_COUNTRIES[c][0] for c in countries]
    for i in range(foreign):
        country = rng.choices(countries, weights)[0]
        _, forms, cities = SOURCE_COUNTRIES[country]
        sector = rng.choice(SECTORS)
        city = rng.choice(cities)
        subdivision = CANADA_PROVINCES.get(city) if country == "CA" else None
        stem, trade, form = rng.choice(_STEMS), rng.choice(_TRADES[sector]), rng.choice(forms)
        name = unique(f"{city.split()[0]} {stem} {trade} {form}")
        street = f"{rng.randint(1, 999)} {rng.choice(_FOREIGN_STREETS)}"
        role = TradeRole.foreign_manufacturer if rng.random() < 0.7 else TradeRole.exporter
        mid = build_manufacturer_id(name, street, city, country, subdivision)
        org = DemoOrg(
            f"for-{i:03d}",
            name,
            country,
            city,
            street,
            subdivision,
            [role],
            sector,
            {"manufacturer_id": mid},
        )
        if rng.random() < 0.3:
            org.identifiers["lei"] = lei(rng)
        orgs.append(org)

    carriers = [
        ("Oceanic Container Line", "OCLU", TradeRole.sea_carrier, "DK"),
        ("Pacific Basin Shipping", "PBSH", TradeRole.sea_carrier, "SG"),
        ("Eastern Star Lines", "ESLN", TradeRole.sea_carrier, "CN"),
        ("Hanjin Pacific Lines", "HJPL", TradeRole.sea_carrier, "KR"),
        ("Atlantic Bridge Shipping", "ABSG", TradeRole.sea_carrier, "DE"),
        ("SkyBridge Cargo Airlines", "SBCA", TradeRole.air_carrier, "US"),
        ("Orient Air Freight", "OAFT", TradeRole.air_carrier, "HK"),
        ("Interstate Freightways", "IFWY", TradeRole.highway_carrier, "US"),
        ("Border Express Trucking", "BEXT", TradeRole.highway_carrier, "MX"),
        ("Continental Rail Freight", "CRFR", TradeRole.rail_carrier, "CA"),
    ]
    for i, (name, scac, role, country) in enumerate(carriers):
        org = DemoOrg(
            f"car-{i:02d}",
            name,
            country,
            "",
            f"{rng.randint(1, 500)} Port Road",
            None,
            [role],
            None,
            {"scac": scac},
        )
        if role is TradeRole.sea_carrier:
            org.identifiers["imo"] = imo(rng)
        orgs.append(org)

    services = [
        (TradeRole.customs_broker, "Customs Brokerage", 8),
        (TradeRole.consolidator, "Freight Consolidators", 6),
        (TradeRole.third_party_logistics, "Logistics", 6),
        (TradeRole.port_terminal_operator, "Terminal Operators", 4),
    ]
    for role, trade, count in services:
        for i in range(count):
            city, state = rng.choice(HOME_CITIES)
            name = unique(f"{rng.choice(_STEMS)} {trade} {rng.choice(HOME_FORMS)}")
            orgs.append(
                DemoOrg(
                    f"{role.value[:3]}-{i:02d}",
                    name,
                    HOME_COUNTRY,
                    city,
                    f"{rng.randint(1, 900)} Terminal Way",
                    f"US-{state}",
                    [role],
                    None,
                    {"importer_of_record": ein_ior(rng)},
                )
            )
    return orgs
