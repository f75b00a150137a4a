"""A seeded, scalable generator of realistic advance cargo data files, one format per profile.

The demo and the ingest benchmark use it; tests use it for files of any size. The same seed
always gives the same file. Batches are drawn with numpy and written as they are made, so a
file of millions of lines needs little memory.

What makes it realistic (the shape, not the numbers, of real trade):
- importer activity is heavy-tailed (a few importers file most declarations, as in the public
  declarations data set where half the importers file once or twice);
- each importer buys from a handful of habitual suppliers, in their countries and chapters;
- values are log-normal by commodity and mass follows value; duty rates come from the chapter;
- dates follow the working week; ISF filings are due 24 hours before lading and some are late;
- fraud outcomes (customs-kr) depend on the importer's history, under-valuation and origin,
  at about the rate of the inspected public data (a fifth of declarations, 1 in 20 critical).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from trustlane.cargo.profiles import PROFILES

Rng = np.random.Generator
Frame = pd.DataFrame

#: (HS-6 code, typical ad valorem duty %, log10 of a typical line value in USD, sector).
COMMODITIES: tuple[tuple[str, float, float, str], ...] = (
    ("030617", 0.0, 4.6, "agri"),
    ("080610", 0.0, 4.3, "agri"),
    ("090111", 0.0, 4.7, "agri"),
    ("160414", 6.0, 4.4, "agri"),
    ("200899", 8.0, 3.9, "agri"),
    ("220421", 6.3, 4.1, "agri"),
    ("520512", 4.4, 4.5, "textile"),
    ("610910", 16.5, 4.2, "textile"),
    ("611030", 32.0, 4.3, "textile"),
    ("620342", 16.6, 4.4, "textile"),
    ("630790", 7.0, 3.6, "textile"),
    ("640299", 20.0, 4.3, "textile"),
    ("870899", 2.5, 4.6, "auto"),
    ("870829", 2.5, 4.4, "auto"),
    ("880730", 0.0, 5.2, "auto"),
    ("720839", 0.0, 5.0, "metal"),
    ("730890", 0.0, 4.5, "metal"),
    ("731815", 8.5, 3.8, "metal"),
    ("760612", 3.0, 4.8, "metal"),
    ("732690", 2.9, 3.7, "metal"),
    ("392690", 5.3, 3.6, "materials"),
    ("401110", 4.0, 4.5, "materials"),
    ("481910", 0.0, 3.7, "materials"),
    ("690722", 8.5, 4.0, "materials"),
    ("847130", 0.0, 5.1, "machinery"),
    ("841391", 0.0, 4.2, "machinery"),
    ("846729", 1.7, 4.0, "machinery"),
    ("848180", 2.0, 4.1, "machinery"),
    ("850440", 1.5, 4.3, "electronics"),
    ("854143", 0.0, 5.3, "electronics"),
    ("852872", 5.0, 4.6, "electronics"),
    ("851762", 0.0, 4.9, "electronics"),
    ("854231", 0.0, 5.0, "electronics"),
    ("940360", 0.0, 4.0, "consumer"),
    ("950300", 0.0, 3.9, "consumer"),
    ("420292", 17.6, 3.8, "consumer"),
    ("960390", 2.8, 3.3, "consumer"),
    ("271019", 0.0, 5.6, "energy"),
    ("260300", 0.0, 5.8, "energy"),
    ("293399", 6.5, 4.2, "chem"),
    ("300490", 0.0, 4.9, "chem"),
    ("380893", 6.5, 4.0, "chem"),
    ("440890", 0.0, 4.2, "materials"),
    ("700992", 6.5, 3.7, "materials"),
)

#: Supplier countries with their share, cities and ports (UN/LOCODE) and an airport.
ORIGINS: tuple[tuple[str, float, tuple[str, ...], str, str], ...] = (
    ("CN", 0.42, ("Shenzhen", "Ningbo", "Dongguan", "Xiamen", "Qingdao"), "CNSHA", "PVG"),
    ("VN", 0.07, ("Ho Chi Minh City", "Hai Phong", "Binh Duong"), "VNSGN", "SGN"),
    ("JP", 0.07, ("Yokohama", "Nagoya", "Osaka"), "JPYOK", "NRT"),
    ("DE", 0.05, ("Hamburg", "Stuttgart", "Munich"), "DEHAM", "FRA"),
    ("KR", 0.04, ("Busan", "Incheon", "Ulsan"), "KRPUS", "ICN"),
    ("IN", 0.05, ("Chennai", "Mumbai", "Tiruppur"), "INNSA", "BOM"),
    ("TW", 0.04, ("Kaohsiung", "Taichung", "Hsinchu"), "TWKHH", "TPE"),
    ("MX", 0.05, ("Monterrey", "Tijuana", "Guadalajara"), "MXZLO", "MEX"),
    ("IT", 0.03, ("Milan", "Prato", "Genoa"), "ITGOA", "MXP"),
    ("TH", 0.03, ("Bangkok", "Laem Chabang"), "THLCH", "BKK"),
    ("MY", 0.03, ("Penang", "Port Klang"), "MYPKG", "KUL"),
    ("BD", 0.03, ("Dhaka", "Chittagong"), "BDCGP", "DAC"),
    ("TR", 0.03, ("Istanbul", "Izmir"), "TRIST", "IST"),
    ("US", 0.04, ("Los Angeles", "Houston", "Newark"), "USLAX", "LAX"),
    ("AE", 0.02, ("Dubai", "Sharjah"), "AEJEA", "DXB"),
)
HOME_PORTS = ("USLAX", "USLGB", "USNYC", "USSAV", "USHOU", "USSEA")
HOME_AIRPORTS = ("LAX", "JFK", "ORD", "MIA", "ATL")
HOME_CITIES = ("Los Angeles", "Long Beach", "Newark", "Savannah", "Houston", "Chicago")
CARRIERS = (
    ("MAEU", "Maersk"),
    ("MSCU", "MSC"),
    ("CMDU", "CMA CGM"),
    ("COSU", "COSCO"),
    ("HLCU", "Hapag-Lloyd"),
    ("ONEY", "Ocean Network Express"),
    ("EGLV", "Evergreen"),
)
AIRLINES = (("CX", "160"), ("KE", "180"), ("LH", "020"), ("FX", "023"), ("CA", "999"))
VESSELS = (
    "MAERSK ESSEN",
    "MSC GULSUN",
    "CMA CGM MARCO POLO",
    "COSCO SHIPPING ARIES",
    "EVER GIVEN",
    "ONE APUS",
    "HMM ALGECIRAS",
    "MADRID MAERSK",
)
STEMS = (
    "Pacific",
    "Harbor",
    "Summit",
    "Golden",
    "Evergreen",
    "Northstar",
    "Bluewater",
    "Apex",
    "Crescent",
    "Keystone",
    "Lotus",
    "Phoenix",
    "Orient",
    "Meridian",
    "Sunrise",
    "Atlas",
    "Horizon",
    "Jade",
    "Coral",
    "Falcon",
    "Granite",
    "Vertex",
    "Liberty",
    "Delta",
    "Orchid",
)
TRADES = (
    "Trading",
    "Industrial",
    "Electronics",
    "Textile",
    "Foods",
    "Metal Products",
    "Machinery",
    "Home Goods",
    "Chemical",
    "Logistics",
)
FORMS = ("Co., Ltd.", "Inc.", "LLC", "GmbH", "S.A. de C.V.", "Pvt. Ltd.", "Corporation")
_ALNUM = np.array(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


@dataclass
class Trader:
    """A party the generator names on filings."""

    name: str
    address: str
    city: str
    country: str
    identifiers: dict[str, str] = field(default_factory=dict)


@dataclass
class PartyPool:
    """Who trades: importers (home country), foreign suppliers, consolidators.

    The demo can pass its own registry population here so filings name known organizations.
    """

    importers: list[Trader]
    suppliers: list[Trader]
    consolidators: list[Trader]

    @classmethod
    def generate(cls, seed: int = 7, importers: int = 400, suppliers: int = 900) -> PartyPool:
        rng = np.random.default_rng(seed)
        imp = [
            Trader(
                _company(rng, "US"),
                f"{rng.integers(10, 9999)} {rng.choice(STEMS)} Ave",
                str(rng.choice(HOME_CITIES)),
                "US",
                {"importer_of_record": _ior(rng)},
            )
            for _ in range(importers)
        ]
        shares = np.array([o[1] for o in ORIGINS])
        sup = []
        for _ in range(suppliers):
            origin = ORIGINS[rng.choice(len(ORIGINS), p=shares / shares.sum())]
            name, city = _company(rng, origin[0]), str(rng.choice(origin[2]))
            street = f"{rng.integers(1, 2999)} {rng.choice(STEMS)} Road"
            mid = (
                origin[0]
                + "".join(w[:3] for w in name.split()[:2])
                + street.split()[0][:4]
                + city.replace(" ", "")[:3]
            ).upper()
            sup.append(Trader(name, street, city, origin[0], {"manufacturer_id": mid[:15]}))
        con = [
            Trader(f"{s} Consolidators Ltd.", f"{i + 1} Port Road", "Hong Kong", "HK")
            for i, s in enumerate(STEMS[:12])
        ]
        return cls(imp, sup, con)


def _ior(rng: Rng) -> str:
    """An importer of record number in the employer identification number form."""
    return f"{rng.integers(10, 99)}-{rng.integers(10**6, 10**7 - 1)}00"


def _company(rng: Rng, country: str) -> str:
    return f"{rng.choice(STEMS)} {rng.choice(TRADES)} {rng.choice(FORMS)}"


def _codes(values: np.ndarray[Any, Any], width: int, salt: int) -> np.ndarray[Any, Any]:
    """Distinct-looking alphanumeric codes for integers (a bijection for a given salt)."""
    space = 36**width
    mixed = (values.astype(np.int64) * 2_654_435_761 + salt * 97_531) % space
    out = np.empty((len(values), width), dtype="<U1")
    for i in range(width):
        out[:, width - 1 - i] = _ALNUM[mixed % 36]
        mixed //= 36
    return np.array(["".join(r) for r in out]) if len(values) else np.array([], dtype=str)


def _zipf_choice(rng: Rng, n_items: int, size: int, exponent: float = 1.1) -> np.ndarray[Any, Any]:
    weights = 1.0 / np.arange(1, n_items + 1) ** exponent
    return rng.choice(n_items, size=size, p=weights / weights.sum())


def _days(rng: Rng, start: date, days: int, size: int) -> pd.DatetimeIndex:
    """Dates over the period, weekdays five times as busy as weekends."""
    offsets = rng.integers(0, days, size=size)
    stamps = pd.to_datetime(start) + pd.to_timedelta(offsets, unit="D")
    weekend = stamps.dayofweek >= 5
    moved = np.where(weekend & (rng.random(size) < 0.8), -(stamps.dayofweek - 4), 0)
    return pd.DatetimeIndex(stamps + pd.to_timedelta(moved, unit="D"))


def _iso(stamps: pd.DatetimeIndex | pd.Series[Any]) -> np.ndarray[Any, Any]:
    return np.asarray(pd.Series(stamps).dt.strftime("%Y-%m-%dT%H:%M:%SZ"))


def _money(values: np.ndarray[Any, Any], digits: int = 2) -> np.ndarray[Any, Any]:
    return np.asarray(pd.Series(np.round(values, digits)).astype(str))


@dataclass
class _Context:
    rng: Rng
    pool: PartyPool
    start: date
    days: int
    late_share: float
    next_filing: int = 0


def _filing_lines(ctx: _Context, filings: int, max_lines: int) -> np.ndarray[Any, Any]:
    """Lines per filing: mostly one or two, up to ``max_lines``."""
    weights = 0.55 ** np.arange(max_lines)
    return ctx.rng.choice(np.arange(1, max_lines + 1), size=filings, p=weights / weights.sum())


def _goods(
    ctx: _Context, n: int, supplier: np.ndarray[Any, Any]
) -> dict[str, np.ndarray[Any, Any]]:
    """Commodity, value and mass of ``n`` lines from the given suppliers' habits."""
    rng = ctx.rng
    habit = (supplier * 7 + rng.integers(0, 3, size=n)) % len(COMMODITIES)
    hs = np.array([COMMODITIES[i][0] for i in habit])
    duty = np.array([COMMODITIES[i][1] for i in habit])
    value = 10 ** (np.array([COMMODITIES[i][2] for i in habit]) + rng.normal(0, 0.6, n))
    mass = value / 10 ** rng.normal(1.0, 0.5, n)
    return {"hs6": hs, "duty": duty, "value": value, "mass": mass}


def _batch_customs_kr(ctx: _Context, filings: int) -> Frame:
    rng, n = ctx.rng, filings
    ids = ctx.next_filing + np.arange(n)
    ctx.next_filing += n
    importer = _zipf_choice(rng, 60_000, n, 0.9)
    supplier = (importer * 3 + rng.integers(0, 4, n)) % 40_000
    goods = _goods(ctx, n, supplier)
    origin_idx = (supplier * 13) % len(ORIGINS)
    origin = np.array([ORIGINS[i][0] for i in origin_idx])
    departure = np.where(rng.random(n) < 0.85, origin, rng.choice(["CN", "HK", "SG", "JP"], n))
    krw = goods["value"] * 1300
    risky = (importer % 11 == 0) | np.isin(origin, ["CN", "VN", "HK"])
    norm = np.array([COMMODITIES[(s * 7) % len(COMMODITIES)][2] for s in supplier])
    under = np.log10(goods["value"] + 1) < norm - 0.7
    logit = -1.9 + 1.1 * risky + 1.4 * under + rng.normal(0, 0.8, n)
    fraud = rng.random(n) < 1 / (1 + np.exp(-logit))
    critical = np.where(fraud, np.where(rng.random(n) < 0.05, 2, 1), 0)
    dates = _days(rng, ctx.start, ctx.days, n)
    return pd.DataFrame(
        {
            "Declaration ID": np.char.zfill(
                ((ids * 7_919_111 + 13_579_017) % 10**8).astype(str), 8
            ),
            "Date": dates.strftime("%Y-%m-%d"),
            "Office ID": rng.choice(
                ["40", "20", "30", "16", "13", "10", "33"],
                n,
                p=[0.38, 0.31, 0.16, 0.06, 0.04, 0.03, 0.02],
            ),
            "Process Type": "B",
            "Import Type": rng.choice(["11", "87", "94", "15"], n, p=[0.88, 0.05, 0.04, 0.03]),
            "Import Use": rng.choice(["21", "11", "26"], n, p=[0.92, 0.05, 0.03]),
            "Payment Type": rng.choice(["11", "43", "18", "14"], n, p=[0.68, 0.19, 0.07, 0.06]),
            "Mode of Transport": rng.choice(["10", "40", "50"], n, p=[0.57, 0.41, 0.02]),
            "Declarant ID": _codes(importer % 1_500, 7, 3),
            "Importer ID": _codes(importer, 7, 1),
            "Seller ID": np.where(rng.random(n) < 0.9, _codes(supplier, 7, 2), ""),
            "Courier ID": np.where(rng.random(n) < 0.18, _codes(importer % 80, 6, 4), ""),
            "HS6 Code": goods["hs6"],
            "Country of Departure": departure,
            "Country of Origin": origin,
            "Tax Rate": np.where(rng.random(n) < 0.35, 0.0, goods["duty"] + 8.0)
            .round(1)
            .astype(str),
            "Tax Type": rng.choice(
                ["A", "C", "FCN1", "FEU1", "CIT"], n, p=[0.4, 0.22, 0.22, 0.1, 0.06]
            ),
            "Country of Origin Indicator": rng.choice(["E", "G", "Y", "B", "S"], n),
            "Net Mass": _money(goods["mass"], 1),
            "Item Price": _money(krw, 1),
            "Fraud": fraud.astype(int).astype(str),
            "Critical Fraud": critical.astype(str),
        }
    )


def _party_columns(prefix: str, traders: list[Trader], idx: np.ndarray[Any, Any]) -> dict[str, Any]:
    return {
        f"{prefix}_name": np.array([traders[i].name for i in idx]),
        f"{prefix}_address": np.array([traders[i].address for i in idx]),
        f"{prefix}_city": np.array([traders[i].city for i in idx]),
        f"{prefix}_country": np.array([traders[i].country for i in idx]),
    }


def _filings(ctx: _Context, filings: int, max_lines: int, prefix: str) -> tuple[Any, Any, Any]:
    """Filing numbers, per-line filing index and line numbers."""
    counts = _filing_lines(ctx, filings, max_lines)
    owner = np.repeat(np.arange(filings), counts)
    line_no = np.concatenate([np.arange(1, c + 1) for c in counts]) if filings else np.array([])
    numbers = np.array([f"{prefix}{ctx.next_filing + i:09d}" for i in range(filings)])
    ctx.next_filing += filings
    return numbers, owner, line_no


def _batch_isf(ctx: _Context, filings: int) -> Frame:
    rng, pool = ctx.rng, ctx.pool
    numbers, owner, line_no = _filings(ctx, filings, 5, "ISF")
    importer = _zipf_choice(rng, len(pool.importers), filings)
    seller = (importer * 5 + rng.integers(0, 3, filings)) % len(pool.suppliers)
    lading = _days(rng, ctx.start, ctx.days, filings) + pd.to_timedelta(
        rng.integers(6, 20, filings), unit="h"
    )
    lead = np.where(
        rng.random(filings) < ctx.late_share,
        rng.uniform(-30, 23, filings),
        rng.uniform(26, 240, filings),
    )
    filed = lading - pd.to_timedelta(lead, unit="h")
    arrival = lading + pd.to_timedelta(rng.integers(12, 35, filings), unit="D")
    lines = len(owner)
    maker = (seller[owner] + rng.integers(0, 2, lines)) % len(pool.suppliers)
    goods = _goods(ctx, lines, maker)
    carrier = rng.integers(0, len(CARRIERS), filings)
    con = rng.integers(0, len(pool.consolidators), filings)
    o = owner
    frame = {
        "isf_number": numbers[o],
        "line_number": line_no.astype(str),
        "filed_at": _iso(filed)[o],
        "estimated_lading_at": _iso(lading)[o],
        "estimated_arrival_at": _iso(arrival)[o],
        "bill_of_lading": np.array(
            [f"{CARRIERS[c][0]}{rng.integers(10**8, 10**9)}" for c in carrier]
        )[o],
        "vessel_name": rng.choice(VESSELS, filings)[o],
        "voyage": np.char.add(rng.integers(100, 999, filings).astype(str), "E")[o],
        "carrier_scac": np.array([CARRIERS[c][0] for c in carrier])[o],
        "port_of_lading": np.array(
            [
                ORIGINS[[x[0] for x in ORIGINS].index(pool.suppliers[s].country)][3]
                if pool.suppliers[s].country in [x[0] for x in ORIGINS]
                else "CNSHA"
                for s in seller
            ]
        )[o],
        "port_of_unlading": rng.choice(HOME_PORTS, filings)[o],
        "importer_of_record_number": np.array(
            [pool.importers[i].identifiers.get("importer_of_record", "") for i in importer]
        )[o],
        "importer_name": np.array([pool.importers[i].name for i in importer])[o],
        "consignee_number": np.array(
            [pool.importers[i].identifiers.get("importer_of_record", "") for i in importer]
        )[o],
        "consignee_name": np.array([pool.importers[i].name for i in importer])[o],
        **{k: v[o] for k, v in _party_columns("seller", pool.suppliers, seller).items()},
        **{k: v[o] for k, v in _party_columns("buyer", pool.importers, importer).items()},
        **{k: v[o] for k, v in _party_columns("ship_to", pool.importers, importer).items()},
        **_party_columns("manufacturer", pool.suppliers, maker),
        "manufacturer_id": np.array(
            [pool.suppliers[m].identifiers.get("manufacturer_id", "") for m in maker]
        ),
        "country_of_origin": np.array([pool.suppliers[m].country for m in maker]),
        "hs6": goods["hs6"],
        "description": np.array([f"HS {h} goods" for h in goods["hs6"]]),
        **{k: v[o] for k, v in _party_columns("stuffing_location", pool.suppliers, seller).items()},
        **{k: v[o] for k, v in _party_columns("consolidator", pool.consolidators, con).items()},
    }
    return pd.DataFrame(frame)


def _batch_entry(ctx: _Context, filings: int) -> Frame:
    rng, pool = ctx.rng, ctx.pool
    numbers, o, line_no = _filings(ctx, filings, 6, "E")
    importer = _zipf_choice(rng, len(pool.importers), filings)
    lines = len(o)
    maker = (importer[o] * 5 + rng.integers(0, 4, lines)) % len(pool.suppliers)
    goods = _goods(ctx, lines, maker)
    arrival = _days(rng, ctx.start, ctx.days, filings)
    entry_date = arrival + pd.to_timedelta(rng.integers(0, 5, filings), unit="D")
    return pd.DataFrame(
        {
            "entry_number": np.char.add("ABC-", np.char.zfill(numbers.astype("U16"), 8))[o],
            "line_number": line_no.astype(str),
            "entry_date": entry_date.strftime("%Y-%m-%d")[o],
            "filed_at": _iso(entry_date + pd.to_timedelta(rng.integers(8, 18, filings), unit="h"))[
                o
            ],
            "arrival_date": arrival.strftime("%Y-%m-%d")[o],
            "port_of_entry": rng.choice(["2704", "2709", "1001", "1703", "5301"], filings)[o],
            "mode_of_transport": rng.choice(["11", "40"], filings, p=[0.8, 0.2])[o],
            "bill_of_lading": np.array([f"MAEU{x}" for x in rng.integers(10**8, 10**9, filings)])[
                o
            ],
            "country_of_export": np.array([pool.suppliers[m].country for m in maker]),
            "importer_of_record_number": np.array(
                [pool.importers[i].identifiers.get("importer_of_record", "") for i in importer]
            )[o],
            "importer_name": np.array([pool.importers[i].name for i in importer])[o],
            "hs10": np.char.add(
                goods["hs6"].astype("U10"), rng.integers(1000, 9999, lines).astype(str)
            ),
            "description": np.array([f"HS {h} goods" for h in goods["hs6"]]),
            "value": _money(goods["value"]),
            "duty_rate": goods["duty"].astype(str),
            "quantity": rng.integers(1, 5000, lines).astype(str),
            "quantity_unit": rng.choice(["PCS", "KG", "DOZ", "M2"], lines),
            "country_of_origin": np.array([pool.suppliers[m].country for m in maker]),
            "manufacturer_id": np.array(
                [pool.suppliers[m].identifiers.get("manufacturer_id", "") for m in maker]
            ),
        }
    ).assign(
        country_of_export=lambda f: f.groupby("entry_number")["country_of_export"].transform(
            "first"
        )
    )


def _batch_air(ctx: _Context, filings: int) -> Frame:
    rng, pool = ctx.rng, ctx.pool
    n = filings
    importer = _zipf_choice(rng, len(pool.importers), n)
    shipper = (importer * 5 + rng.integers(0, 3, n)) % len(pool.suppliers)
    goods = _goods(ctx, n, shipper)
    airline = rng.integers(0, len(AIRLINES), n)
    departure = _days(rng, ctx.start, ctx.days, n) + pd.to_timedelta(
        rng.integers(0, 24, n), unit="h"
    )
    serial = (ctx.next_filing + np.arange(n)) % 10**7
    ctx.next_filing += n
    awb = [f"{AIRLINES[a][1]}-{s:07d}{s % 7}" for a, s in zip(airline, serial, strict=True)]
    origin_air = np.array(
        [next((x[4] for x in ORIGINS if x[0] == pool.suppliers[s].country), "HKG") for s in shipper]
    )
    return pd.DataFrame(
        {
            "air_waybill": awb,
            "house_waybill": [f"H{s:08d}" for s in serial],
            **_party_columns("shipper", pool.suppliers, shipper),
            **_party_columns("consignee", pool.importers, importer),
            "consignee_id": [
                pool.importers[i].identifiers.get("importer_of_record", "") for i in importer
            ],
            "description": [f"HS {h} goods" for h in goods["hs6"]],
            "hs_code": goods["hs6"],
            "pieces": rng.integers(1, 60, n).astype(str),
            "weight_kg": _money(goods["mass"] / 20 + 1, 1),
            "origin_airport": origin_air,
            "destination_airport": rng.choice(HOME_AIRPORTS, n),
            "flight_number": [f"{AIRLINES[a][0]}{rng.integers(100, 999)}" for a in airline],
            "carrier_code": [AIRLINES[a][0] for a in airline],
            "filed_at": _iso(departure - pd.to_timedelta(rng.uniform(-2, 8, n), unit="h")),
            "departure_at": _iso(departure),
            "arrival_at": _iso(departure + pd.to_timedelta(14, unit="h")),
        }
    )


def _batch_export(ctx: _Context, filings: int) -> Frame:
    rng, pool = ctx.rng, ctx.pool
    numbers, o, line_no = _filings(ctx, filings, 4, "X")
    exporter = _zipf_choice(rng, len(pool.importers), filings)
    consignee = (exporter * 11 + rng.integers(0, 5, filings)) % len(pool.suppliers)
    lines = len(o)
    goods = _goods(ctx, lines, consignee[o])
    departure = _days(rng, ctx.start, ctx.days, filings) + pd.to_timedelta(18, unit="h")
    carrier = rng.integers(0, len(CARRIERS), filings)
    return pd.DataFrame(
        {
            "export_reference": numbers[o],
            "line_number": line_no.astype(str),
            "filed_at": _iso(departure - pd.to_timedelta(rng.uniform(20, 96, filings), unit="h"))[
                o
            ],
            "departure_at": _iso(departure)[o],
            **{k: v[o] for k, v in _party_columns("exporter", pool.importers, exporter).items()},
            "exporter_id": np.array(
                [pool.importers[i].identifiers.get("importer_of_record", "") for i in exporter]
            )[o],
            **{
                k: v[o]
                for k, v in _party_columns("ultimate_consignee", pool.suppliers, consignee).items()
            },
            "carrier_name": np.array([CARRIERS[c][1] for c in carrier])[o],
            "carrier_scac": np.array([CARRIERS[c][0] for c in carrier])[o],
            "port_of_export": rng.choice(HOME_PORTS, filings)[o],
            "country_of_destination": np.array([pool.suppliers[c].country for c in consignee])[o],
            "conveyance": rng.choice(VESSELS, filings)[o],
            "bill_of_lading": np.array(
                [f"{CARRIERS[c][0]}{rng.integers(10**8, 10**9)}" for c in carrier]
            )[o],
            "hs_code": goods["hs6"],
            "description": [f"HS {h} goods" for h in goods["hs6"]],
            "quantity": rng.integers(1, 900, lines).astype(str),
            "quantity_unit": "PCS",
            "value": _money(goods["value"]),
            "country_of_origin": "US",
            "eccn": rng.choice(["EAR99", "EAR99", "EAR99", "5A992", "3A991"], lines),
            "license": "NLR",
        }
    )


def _batch_carrier_events(ctx: _Context, filings: int) -> Frame:
    """``filings`` containers, each with a stow plan entry and its status messages."""
    rng, n = ctx.rng, filings
    serial = ctx.next_filing + np.arange(n)
    ctx.next_filing += n
    owner = np.array([CARRIERS[i % len(CARRIERS)][0] for i in range(n)])
    containers = np.char.add(
        np.char.add(np.char.replace(owner, "U", "U"), ""),
        np.char.zfill((serial % 10**7).astype(str), 7),
    )
    containers = np.array([c[:3] + "U" + c[4:] for c in containers])
    loaded = _days(rng, ctx.start, ctx.days, n) + pd.to_timedelta(rng.integers(0, 24, n), unit="h")
    steps = [
        ("stow_plan", "", 0),
        ("container_status", "AE", 0),
        ("container_status", "VD", 6),
        ("container_status", "VA", 20 * 24),
        ("container_status", "UV", 21 * 24),
    ]
    frames = []
    for kind, code, hours in steps:
        at = loaded + pd.to_timedelta(hours + rng.integers(0, 12, n), unit="h")
        frames.append(
            pd.DataFrame(
                {
                    "message_type": kind,
                    "container_number": containers,
                    "bill_of_lading": np.char.add(owner, (serial % 10**9).astype(str)),
                    "vessel_name": rng.choice(VESSELS, n),
                    "voyage": "101E",
                    "status_code": code,
                    "location": rng.choice(["CNSHA", "CNNGB"], n)
                    if hours < 24
                    else rng.choice(HOME_PORTS, n),
                    "event_at": _iso(at),
                    "stow_position": np.where(
                        kind == "stow_plan",
                        [f"0{rng.integers(1, 9)}0{rng.integers(10, 99)}82" for _ in range(n)],
                        "",
                    ),
                    "seal_number": "",
                    "iso_size_type": "45G1",
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


BATCHES: dict[str, Callable[[_Context, int], Frame]] = {
    "customs-kr": _batch_customs_kr,
    "isf": _batch_isf,
    "entry": _batch_entry,
    "air": _batch_air,
    "export": _batch_export,
    "carrier-events": _batch_carrier_events,
}

#: Average rows per filing (or per container for carrier events), to size batches.
_ROWS_PER_FILING = {
    "customs-kr": 1.0,
    "air": 1.0,
    "isf": 2.0,
    "entry": 2.1,
    "export": 1.8,
    "carrier-events": 5.0,
}


@dataclass
class Generated:
    path: Path
    profile: str
    rows: int


def generate(
    profile: str,
    path: Path,
    *,
    lines: int,
    seed: int = 7,
    fmt: str | None = None,
    pool: PartyPool | None = None,
    start: date = date(2024, 1, 1),
    days: int = 365,
    late_share: float = 0.06,
    batch_rows: int = 50_000,
) -> Generated:
    """Write about ``lines`` rows (whole filings) of ``profile``'s format to ``path``."""
    if profile not in BATCHES:
        raise ValueError(f"no generator for profile {profile!r}; known: {', '.join(BATCHES)}")
    fmt = fmt or {".parquet": "parquet", ".jsonl": "jsonl"}.get(path.suffix, "csv")
    ctx = _Context(
        np.random.default_rng(seed), pool or PartyPool.generate(seed), start, days, late_share
    )
    columns = [c.name for c in PROFILES[profile].columns]
    written = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with _Writer(path, fmt, columns) as out:
        while written < lines:
            want = min(batch_rows, lines - written)
            filings = max(1, int(want / _ROWS_PER_FILING[profile]))
            frame = BATCHES[profile](ctx, filings)
            frame = frame.reindex(columns=columns, fill_value="")
            out.write(frame)
            written += len(frame)
    return Generated(path, profile, written)


class _Writer:
    """Appends frames of text to a CSV, JSON Lines or Parquet file."""

    def __init__(self, path: Path, fmt: str, columns: list[str]) -> None:
        self.path, self.fmt, self.columns = path, fmt, columns
        self._parquet: pq.ParquetWriter | None = None

    def __enter__(self) -> _Writer:
        self._fh = self.path.open("w", newline="", encoding="utf-8")
        if self.fmt == "csv":
            pd.DataFrame(columns=self.columns).to_csv(self._fh, index=False)
        return self

    def write(self, frame: Frame) -> None:
        frame = frame.astype(str)
        if self.fmt == "csv":
            frame.to_csv(self._fh, index=False, header=False)
        elif self.fmt == "jsonl":
            for record in frame.to_dict(orient="records"):
                self._fh.write(json.dumps({k: v for k, v in record.items() if v != ""}) + "\n")
        else:
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if self._parquet is None:
                self._fh.close()
                self._parquet = pq.ParquetWriter(self.path, table.schema)
            self._parquet.write_table(table)

    def __exit__(self, *exc: object) -> None:
        if self._parquet is not None:
            self._parquet.close()
        elif not self._fh.closed:
            self._fh.close()
