"""Small chains written as data, for tests that know their answers."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from trustlane.supplychain.graph import FACILITY_FRAME, LINK_FRAME, ChainGraph
from trustlane.supplychain.lpmodel import ChainArrays
from trustlane.supplychain.scenarios import Scenario

FACILITY_HEADER = (
    "id,name,country,kind,capacity_per_day,inventory,ttr_days,demand_per_day,unit_profit"
)
LINK_HEADER = "supplier_id,buyer_id,material,qty_per_unit,share"


def facility(
    code: str,
    *,
    capacity: float | None = None,
    inventory: float = 0.0,
    ttr: float = 0.0,
    demand: float = 0.0,
    profit: float = 0.0,
    country: str = "US",
    region: str = "",
    kind: str = "plant",
    name: str | None = None,
    port_code: str = "",
) -> dict[str, Any]:
    return {
        "code": code,
        "name": name or f"{code} Works",
        "kind": kind,
        "country": country,
        "region": region,
        "capacity_per_day": math.nan if capacity is None else capacity,
        "inventory": inventory,
        "ttr_days": ttr,
        "demand_per_day": demand,
        "unit_profit": profit,
        "material": None,
        "hs_code": None,
        "port_code": port_code,
        "organization_id": None,
    }


def link(
    supplier: str, buyer: str, material: str, qty: float = 1.0, share: float = 1.0
) -> dict[str, Any]:
    return {"supplier": supplier, "buyer": buyer, "material": material, "qty": qty, "share": share}


def graph(facilities: list[dict[str, Any]], links: list[dict[str, Any]]) -> ChainGraph:
    ids = {f["code"]: i + 1 for i, f in enumerate(facilities)}
    frame = pd.DataFrame([{**f, "id": ids[f["code"]]} for f in facilities])
    link_frame = pd.DataFrame(
        [
            {
                "id": i + 1,
                "supplier_id": ids[x["supplier"]],
                "buyer_id": ids[x["buyer"]],
                "material": x["material"],
                "hs_code": None,
                "qty_per_unit": x["qty"],
                "share": x["share"],
            }
            for i, x in enumerate(links)
        ],
        columns=LINK_FRAME,
    )
    return ChainGraph.from_frames(frame[FACILITY_FRAME], link_frame)


def arrays(facilities: list[dict[str, Any]], links: list[dict[str, Any]]) -> ChainArrays:
    return graph(facilities, links).arrays()


def single(g: ChainGraph, code: str, duration: float | None = None) -> Scenario:
    k = g.position_of[code]
    ttr = float(g.facilities["ttr_days"].iloc[k])
    return Scenario(code, "facility", (k,), ttr if duration is None else duration)


def csv_text(header: str, rows: list[str]) -> str:
    return "\n".join([header, *rows]) + "\n"
