"""Bills of materials of four real product families, for the chain generator and the demo.

Each material says what it is made of (inputs and quantity per unit), which HS-6 subheading
it is declared under, where it is produced (country weights that follow the public picture:
polysilicon, graphite and cobalt refining concentrated in China; cobalt ore in the DR Congo;
cotton partly from Xinjiang), what kind of facility makes it, and the ranges for time to
recover and days of inventory that such facilities typically keep. Materials with the same key
are the same pool of producers across product families (aluminium feeds module frames and
blister foil alike).

The figures are round, plausible values for synthetic data, not market statistics. The
tables read: key, name, HS-6; facility kind, producing countries with weights; inputs with
quantities per unit, time to recover (days), days of inventory, and optionally the relative
size of the pool of producers and the unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Material:
    key: str
    name: str
    hs6: str
    kind: str  # facility kind that makes it
    countries: tuple[tuple[str, float], ...]
    inputs: tuple[tuple[str, float], ...] = ()  # (material key, quantity per unit)
    ttr_days: tuple[int, int] = (20, 90)
    inventory_days: tuple[float, float] = (0.0, 20.0)
    pool_weight: float = 1.0  # relative number of producers
    unit: str = "unit"


@dataclass(frozen=True)
class ProductFamily:
    """A finished product sold to final customers, with demand and profit ranges."""

    key: str
    sector: str
    final: Material
    demand_per_day: tuple[float, float]
    unit_profit: tuple[float, float]
    materials: tuple[Material, ...] = field(default_factory=tuple)


def _pairs(text: str) -> tuple[tuple[str, float], ...]:
    return tuple((k, float(v)) for k, v in (item.split(":") for item in text.split()))


def _m(
    key: str,
    name: str,
    hs6: str,
    kind: str,
    countries: str,
    inputs: str,
    ttr: tuple[int, int],
    inventory: tuple[float, float],
    *,
    weight: float = 1.0,
    unit: str = "unit",
) -> Material:
    return Material(
        key, name, hs6, kind, _pairs(countries), _pairs(inputs), ttr, inventory, weight, unit
    )


# fmt: off
_ALUMINIUM = (
    _m("aluminium", "Primary aluminium", "760110",
       "smelter", "CN:0.55 CA:0.12 NO:0.1 IN:0.13 AU:0.1",
       "alumina:1.93", (45, 150), (0, 15), weight=0.7, unit="kg"),
    _m("alumina", "Alumina (aluminium oxide)", "281820",
       "refinery", "CN:0.55 AU:0.25 BR:0.1 IN:0.1",
       "bauxite:2.6", (45, 150), (0, 20), weight=0.6, unit="kg"),
    _m("bauxite", "Bauxite", "260600",
       "mine", "GN:0.35 AU:0.3 CN:0.15 BR:0.1 IN:0.1",
       "", (60, 180), (5, 30), unit="kg"),
)

SOLAR = ProductFamily(
    "solar", "energy",
    _m("solar_module", "Solar PV module", "854143",
       "assembly_plant", "US:0.45 DE:0.2 IN:0.2 VN:0.15",
       "solar_cell:60 solar_glass:1 module_frame:1 junction_box:1 eva_film:2.2", (14, 60), (3, 21)),
    demand_per_day=(300, 3000), unit_profit=(18, 45),
    materials=(
        _m("solar_cell", "Crystalline silicon solar cell", "854142",
           "cell_plant", "CN:0.6 VN:0.15 MY:0.15 KR:0.1",
           "wafer:1.03", (30, 90), (0, 20), weight=1.2),
        _m("wafer", "Monocrystalline silicon wafer", "381800",
           "wafer_plant", "CN:0.9 MY:0.05 NO:0.05",
           "polysilicon:0.012", (30, 120), (0, 15), weight=0.8),
        _m("polysilicon", "Solar-grade polysilicon", "280461",
           "polysilicon_plant", "CN:0.78 DE:0.07 US:0.06 MY:0.05 KR:0.04",
           "mg_silicon:1.15", (60, 180), (0, 15), weight=0.45, unit="kg"),
        _m("mg_silicon", "Metallurgical-grade silicon", "280469",
           "smelter", "CN:0.7 NO:0.08 BR:0.1 US:0.06 MY:0.06",
           "quartz:2.8", (45, 150), (0, 20), weight=0.6, unit="kg"),
        _m("quartz", "High-purity quartz", "250610",
           "mine", "US:0.4 CN:0.3 NO:0.15 BR:0.15",
           "", (60, 180), (5, 30), weight=0.8, unit="kg"),
        _m("solar_glass", "Tempered solar glass", "700719",
           "glass_plant", "CN:0.8 MY:0.1 VN:0.1",
           "silica_sand:12 soda_ash:2.5", (30, 120), (0, 20), weight=0.8),
        _m("silica_sand", "Silica sand", "250510",
           "quarry", "CN:0.5 MY:0.2 VN:0.15 AU:0.15",
           "", (20, 60), (5, 30), unit="kg"),
        _m("soda_ash", "Soda ash (sodium carbonate)", "283620",
           "chemical_plant", "CN:0.5 US:0.3 TR:0.2",
           "", (30, 90), (5, 25), weight=0.7, unit="kg"),
        _m("module_frame", "Aluminium module frame", "761090",
           "extrusion_plant", "CN:0.6 MY:0.15 VN:0.15 MX:0.1",
           "aluminium:2.6", (20, 60), (0, 20)),
        *_ALUMINIUM,
        _m("junction_box", "PV junction box", "853690",
           "electronics_plant", "CN:0.7 VN:0.2 MX:0.1",
           "", (20, 60), (0, 25), weight=0.8),
        _m("eva_film", "EVA encapsulant film", "392010",
           "film_plant", "CN:0.6 KR:0.2 JP:0.2",
           "", (20, 60), (0, 25), weight=0.7, unit="m2"),
    ),
)

APPAREL = ProductFamily(
    "apparel", "apparel",
    _m("denim_retail", "Cotton denim trousers (retail distribution)", "620342",
       "distribution_centre", "US:0.5 DE:0.2 NL:0.15 JP:0.15",
       "denim_trousers:1", (7, 30), (5, 30)),
    demand_per_day=(500, 6000), unit_profit=(6, 20),
    materials=(
        _m("denim_trousers", "Cotton denim trousers", "620342",
           "garment_factory", "BD:0.3 VN:0.2 PK:0.15 TR:0.1 MX:0.1 CN:0.15",
           "denim:1.5 thread:0.02 zipper:1 button:1", (14, 45), (0, 15), weight=1.4),
        _m("denim", "Denim fabric", "520942",
           "weaving_mill", "CN:0.35 PK:0.2 IN:0.2 TR:0.15 BD:0.1",
           "cotton_yarn:0.45 indigo:0.004", (20, 60), (0, 20), unit="m2"),
        _m("cotton_yarn", "Cotton yarn", "520512",
           "spinning_mill", "CN:0.4 IN:0.25 PK:0.15 UZ:0.1 VN:0.1",
           "cotton:1.12", (20, 60), (0, 20), weight=0.9, unit="kg"),
        _m("cotton", "Cotton lint (ginned)", "520100",
           "cotton_gin", "CN:0.3 IN:0.25 US:0.15 BR:0.15 UZ:0.1 PK:0.05",
           "", (90, 180), (10, 60), weight=1.2, unit="kg"),
        _m("thread", "Sewing thread", "520411",
           "thread_mill", "CN:0.5 IN:0.3 TR:0.2",
           "", (14, 45), (5, 30), weight=0.6, unit="kg"),
        _m("zipper", "Metal zipper", "960719",
           "trims_factory", "CN:0.6 TR:0.2 BD:0.2",
           "", (14, 45), (5, 30), weight=0.6),
        _m("button", "Shank button", "960621",
           "trims_factory", "CN:0.6 IN:0.2 TR:0.2",
           "", (14, 45), (5, 30), weight=0.6),
        _m("indigo", "Synthetic indigo dye", "320415",
           "chemical_plant", "CN:0.7 IN:0.2 DE:0.1",
           "", (30, 90), (5, 30), weight=0.4, unit="kg"),
    ),
)

BATTERY = ProductFamily(
    "battery", "automotive",
    _m("battery_pack", "EV battery pack", "850760",
       "pack_assembly_plant", "US:0.4 DE:0.25 PL:0.2 KR:0.15",
       "li_cell:96 bms:1 pack_housing:1", (20, 75), (2, 14)),
    demand_per_day=(80, 800), unit_profit=(400, 1500),
    materials=(
        _m("li_cell", "Lithium-ion cell", "850760",
           "cell_plant", "CN:0.6 KR:0.2 JP:0.1 PL:0.1",
           "cathode:0.35 anode:0.2 electrolyte:0.15 separator:0.1", (45, 120), (0, 15)),
        _m("cathode", "NMC cathode active material", "284190",
           "cathode_plant", "CN:0.7 KR:0.2 JP:0.1",
           "nickel_sulphate:0.9 cobalt_sulphate:0.3 lithium_hydroxide:0.45",
           (45, 150), (0, 15), weight=0.6, unit="kg"),
        _m("anode", "Graphite anode material", "380110",
           "anode_plant", "CN:0.9 JP:0.05 KR:0.05",
           "graphite:1.4", (45, 120), (0, 15), weight=0.5, unit="kg"),
        _m("graphite", "Natural flake graphite", "250410",
           "mine", "CN:0.65 MZ:0.2 BR:0.1 CA:0.05",
           "", (60, 180), (5, 30), weight=0.8, unit="kg"),
        _m("nickel_sulphate", "Nickel sulphate", "283324",
           "refinery", "CN:0.5 ID:0.3 JP:0.1 AU:0.1",
           "nickel_ore:4", (45, 150), (0, 20), weight=0.5, unit="kg"),
        _m("nickel_ore", "Nickel ore and matte", "260400",
           "mine", "ID:0.55 PH:0.25 AU:0.1 CA:0.1",
           "", (60, 180), (5, 30), weight=0.8, unit="kg"),
        _m("cobalt_sulphate", "Cobalt sulphate", "283329",
           "refinery", "CN:0.75 CD:0.1 ID:0.1 AU:0.05",
           "cobalt_hydroxide:1.6", (45, 150), (0, 20), weight=0.4, unit="kg"),
        _m("cobalt_hydroxide", "Cobalt hydroxide (intermediate)", "282200",
           "mine", "CD:0.75 ID:0.15 AU:0.1",
           "", (60, 180), (5, 30), weight=0.7, unit="kg"),
        _m("lithium_hydroxide", "Lithium hydroxide", "282520",
           "refinery", "CN:0.7 CL:0.15 AR:0.1 AU:0.05",
           "spodumene:7.5", (45, 150), (0, 20), weight=0.45, unit="kg"),
        _m("spodumene", "Spodumene concentrate", "253090",
           "mine", "AU:0.55 CN:0.1 BR:0.1 CL:0.15 AR:0.1",
           "", (60, 180), (5, 30), weight=0.7, unit="kg"),
        _m("electrolyte", "Lithium-ion electrolyte", "382499",
           "chemical_plant", "CN:0.7 KR:0.2 JP:0.1",
           "", (30, 90), (0, 20), weight=0.5, unit="kg"),
        _m("separator", "Polyolefin battery separator", "392099",
           "film_plant", "CN:0.6 JP:0.2 KR:0.2",
           "", (30, 90), (0, 20), weight=0.5, unit="m2"),
        _m("bms", "Battery management system", "853710",
           "electronics_plant", "CN:0.4 KR:0.2 MX:0.2 DE:0.1 TW:0.1",
           "ic_chip:12", (20, 75), (0, 20), weight=0.8),
        _m("ic_chip", "Integrated circuit", "854231",
           "semiconductor_fab", "TW:0.55 KR:0.2 CN:0.1 US:0.1 JP:0.05",
           "", (60, 180), (10, 40), weight=0.5),
        _m("pack_housing", "Aluminium battery housing", "850790",
           "extrusion_plant", "CN:0.4 MX:0.2 PL:0.2 DE:0.2",
           "aluminium:28", (20, 60), (0, 20), weight=0.8),
        *_ALUMINIUM,
    ),
)

PHARMA = ProductFamily(
    "pharma", "pharmaceuticals",
    _m("tablet_packs", "Generic tablets, packs of 30 (wholesale)", "300490",
       "distribution_centre", "US:0.5 DE:0.2 IE:0.15 IT:0.15",
       "tablets:1", (7, 30), (10, 45)),
    demand_per_day=(2000, 30000), unit_profit=(0.8, 4.0),
    materials=(
        _m("tablets", "Finished-dose tablets (packs of 30)", "300490",
           "formulation_plant", "IN:0.45 US:0.15 IE:0.15 DE:0.1 IT:0.15",
           "api:0.015 excipient:0.2 blister_foil:0.02", (30, 120), (5, 30)),
        _m("api", "Active pharmaceutical ingredient", "294200",
           "api_plant", "CN:0.45 IN:0.45 IT:0.1",
           "intermediate:1.3", (60, 180), (10, 60), weight=0.7, unit="kg"),
        _m("intermediate", "Advanced intermediate", "293359",
           "chemical_plant", "CN:0.7 IN:0.3",
           "ksm:1.5", (45, 150), (5, 40), weight=0.6, unit="kg"),
        _m("ksm", "Key starting material", "292149",
           "chemical_plant", "CN:0.85 IN:0.15",
           "basic_chemical:2", (45, 150), (5, 40), weight=0.5, unit="kg"),
        _m("basic_chemical", "Basic organic chemicals", "290110",
           "chemical_complex", "CN:0.4 US:0.25 DE:0.2 KR:0.15",
           "", (30, 120), (5, 30), weight=0.7, unit="kg"),
        _m("excipient", "Microcrystalline cellulose", "391290",
           "chemical_plant", "US:0.35 IN:0.3 DE:0.2 CN:0.15",
           "", (30, 90), (10, 40), weight=0.6, unit="kg"),
        _m("blister_foil", "Aluminium blister foil", "760719",
           "foil_plant", "CN:0.4 DE:0.2 IT:0.2 IN:0.2",
           "aluminium:1.05", (20, 60), (5, 30), weight=0.6, unit="kg"),
        *_ALUMINIUM,
    ),
)
# fmt: on

FAMILIES: tuple[ProductFamily, ...] = (SOLAR, APPAREL, BATTERY, PHARMA)
