"""Demo data of the supply-chain package, on top of the demo registry and shipments.

- "Imports (from shipments)": the agency's chain built from a year of ingested filings;
  each trade member with a login also gets its own chain from its own filings;
- "Critical: energy, batteries, pharma": a generated multi-tier chain the agency studies,
  its facilities linked to registry organizations of the right country where there are
  any, with equipment at its ports (some from untrusted vendors) and a resilience run with
  facility, port and country scenarios;
- "Denim (cotton traced)": a trade member's apparel chain with business records on every
  link behind its product (and a few planted mismatches), so that the evidence dossier has
  something to reconcile and to flag.

Everything goes through the package's use cases; the same seed gives the same data.
"""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa

from trustlane.access.models import User
from trustlane.access.principal import Principal
from trustlane.db import Database
from trustlane.errors import InvalidInput
from trustlane.progress import Progress
from trustlane.registry.models import Organization, OrgRole
from trustlane.supplychain import derive, ingest, ports, records, simulate, store, trace
from trustlane.supplychain.chains import find_chain
from trustlane.supplychain.generator import GeneratedChain, generate_chain
from trustlane.supplychain.sectors import APPAREL, BATTERY, PHARMA, SOLAR

CRITICAL = "Critical: energy, batteries, pharma"
DENIM = "Denim (cotton traced)"

#: (port, kind, vendor, vendor country, model, quantity, remote access)
EQUIPMENT = [
    ("USLAX", "crane", "ZPMC", "CN", "ship-to-shore crane", 6, True),
    ("USLAX", "terminal_operating_system", "Navis", "US", "N4", 1, False),
    ("USSAV", "logistics_platform", "LOGINK", "CN", "national logistics data platform", 1, True),
    ("USNYC", "scanner", "Nuctech", "CN", "container scanner", 2, False),
    ("USNYC", "crane", "Konecranes", "FI", "rubber-tyred gantry", 8, False),
    ("DEHAM", "camera", "Hikvision", "CN", "perimeter cameras", 40, True),
]


def populate(database: Database, actor: Principal, seed: int, progress: Progress) -> dict[str, int]:
    """Fill this package's demo data on top of the demo registry and shipments."""
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    progress.update(0, 5, "supply chains from shipments")
    counts.update(_chains_from_shipments(database, actor))
    progress.update(1, 5, "critical supply chain")
    with database.session() as session:
        generated = generate_chain(600, seed, families=(SOLAR, BATTERY, PHARMA))
        _link_organizations(session, generated, rng)
        report = ingest.import_chain(
            session, actor, *_csv(generated), chain_name=CRITICAL,
            facilities_name="critical_facilities.csv", links_name="critical_links.csv",
        )  # fmt: skip
        counts["critical_facilities"] = report.facilities
        for port, kind, vendor, country, model, quantity, remote in EQUIPMENT:
            ports.add_equipment(
                session, actor, report.chain, port_code=port, kind=kind, vendor=vendor,
                vendor_country=country, model=model, quantity=quantity, remote_access=remote,
            )  # fmt: skip
        counts["port_equipment"] = len(EQUIPMENT)
    progress.update(2, 5, "resilience scenarios")
    with database.session() as session:
        chain = find_chain(session, actor, CRITICAL)
        run = simulate.run_resilience(
            session, actor, chain, kinds=("facility", "port", "country"), workers=1
        )
        counts["resilience_scenarios"] = len(store.outcomes(session, run.id))
    progress.update(3, 5, "a member's traced chain")
    counts.update(_denim_chain(database, actor, seed, rng))
    progress.update(5, 5, "supply chains ready")
    return counts


def _chains_from_shipments(database: Database, actor: Principal) -> dict[str, int]:
    found = {"chains_from_shipments": 0}
    with database.session() as session:
        try:
            report = derive.derive_chain(session, actor, chain_name="Imports (from shipments)")
        except InvalidInput:
            return found  # no resolved seller/importer pairs in this demo's filings
        found["chains_from_shipments"] += 1
        found["shipment_links"] = report.links
        members = session.scalars(
            sa.select(User.org_id).where(User.role.in_(("trade_admin", "trade_user"))).distinct()
        ).all()
    for org_id in sorted(set(members)):
        with database.session() as session:
            try:
                derive.derive_chain(
                    session, actor, chain_name="My imports (from shipments)", tenant_id=org_id
                )
            except InvalidInput:
                continue
            found["chains_from_shipments"] += 1
    return found


def _csv(generated: GeneratedChain) -> tuple[str, str]:
    return generated.facilities.to_csv(index=False), generated.links.to_csv(index=False)


def _organizations(session: Any) -> pd.DataFrame:
    rows = session.execute(
        sa.select(Organization.id, Organization.name, Organization.country, OrgRole.role)
        .join(OrgRole, OrgRole.org_id == Organization.id)
        .where(Organization.kind == "trade", Organization.status == "active")
        .order_by(Organization.id)
    ).all()
    return pd.DataFrame(rows, columns=["id", "name", "country", "role"])


def _link_organizations(session: Any, generated: GeneratedChain, rng: random.Random) -> None:
    """Final facilities become demo importers; foreign plants become registry manufacturers
    or exporters of their country, where the registry has some."""
    orgs = _organizations(session)
    facilities = generated.facilities
    facilities["organization_id"] = ""
    importers = orgs[orgs["role"] == "importer"].drop_duplicates("id")
    makers = orgs[orgs["role"].isin(["foreign_manufacturer", "exporter"])].drop_duplicates("id")
    used: set[int] = set()
    for i, row in facilities.iterrows():
        if row["kind"] == "port":
            continue
        pool = (
            importers if row["demand_per_day"] > 0 else makers[makers["country"] == row["country"]]
        )
        pool = pool[~pool["id"].isin(used)]
        if pool.empty or (row["demand_per_day"] == 0 and rng.random() < 0.4):
            continue
        pick = pool.iloc[rng.randrange(len(pool))]
        used.add(int(pick["id"]))
        facilities.loc[i, "organization_id"] = str(int(pick["id"]))
        facilities.loc[i, "name"] = str(pick["name"])


def _denim_chain(
    database: Database, actor: Principal, seed: int, rng: random.Random
) -> dict[str, int]:
    with database.session() as session:
        member = session.scalar(
            sa.select(User.org_id)
            .where(User.role == "trade_admin", User.org_id.is_not(None))
            .order_by(User.id)
            .limit(1)
        )
        generated = generate_chain(60, seed + 1, families=(APPAREL,))
        report = ingest.import_chain(
            session, actor, *_csv(generated), chain_name=DENIM, tenant_id=member,
            facilities_name="denim_facilities.csv", links_name="denim_links.csv",
        )  # fmt: skip
        chain = report.chain
        graph = store.load_graph(session, chain.id)
        product = graph.products[0]
        traced = trace.trace_facility(session, actor, chain, graph.codes[product])
        lot = 12_000.0
        documents = _records_for(graph, traced.trace.links, product, lot, seed, rng)
        for supplier, buyer, material, doc in documents:
            link = records.find_link(session, chain, supplier, buyer, material)
            records.add_document(session, actor, chain, link, doc)
        chain.attributes = {"demo_lot": {"facility": graph.codes[product], "quantity": lot}}
    return {"denim_facilities": report.facilities, "documents": len(documents)}


def _records_for(
    graph: Any, links: list[int], product: int, lot: float, seed: int, rng: random.Random
) -> list[tuple[str, str, str, records.DocumentInput]]:
    """Purchase order, invoice, bill of lading and payment per link, quantities following the
    bill of materials from a lot of the product, with three planted problems."""
    quantity = {product: lot}
    qty = graph.links["qty_per_unit"].to_numpy()
    for b in graph.buyers_first:
        for link in graph.in_links[b]:
            if link in links and b in quantity:
                s = int(graph.supplier[link])
                quantity[s] = quantity.get(s, 0.0) + quantity[b] * qty[link] * graph.share[link]
    out = []
    start = date(2026, 1, 5)
    for n, link in enumerate(sorted(links)):
        s, b = int(graph.supplier[link]), int(graph.buyer[link])
        amount = round(quantity.get(b, lot) * qty[link] * graph.share[link], 1)
        price = round(rng.uniform(0.5, 6.0), 2)
        day = start + timedelta(days=rng.randrange(60))
        number = f"{seed % 100:02d}{n:04d}"
        kinds = ["purchase_order", "invoice", "bill_of_lading", "payment"]
        if n == 3:
            kinds.remove("bill_of_lading")  # a gap
        bought = amount * (0.8 if n == 7 else 1.0)  # a stage whose inputs fall short
        shipped = bought * (0.9 if n == 5 else 1.0)  # a bill of lading that disagrees
        for offset, kind in enumerate(kinds):
            said = {"payment": None, "bill_of_lading": round(shipped, 1)}.get(
                kind, round(bought, 1)
            )
            doc = records.DocumentInput(
                kind=kind,
                number=f"{kind[:2].upper()}-{number}",
                issued_on=day + timedelta(days=7 * offset),
                quantity=said,
                unit="unit",
                amount=_amount(kind, bought * price, short_payment=n == 9),
                currency="USD" if kind in ("invoice", "payment") else None,
                file_name=f"{kind}-{number}.pdf",
                content=_document_pdf(kind, number, graph.names[s], graph.names[b],
                                      graph.materials[link], bought, day),
            )  # fmt: skip
            out.append((graph.codes[s], graph.codes[b], graph.materials[link], doc))
    return out


def _amount(kind: str, value: float, *, short_payment: bool) -> float | None:
    if kind == "invoice":
        return round(value, 2)
    if kind == "payment":
        return round(value * (0.7 if short_payment else 1.0), 2)
    return None


def _document_pdf(
    kind: str, number: str, seller: str, buyer: str, material: str, quantity: float, day: date
) -> bytes:
    """A one-page PDF standing in for the scanned record (text only, written by hand: a
    plotting library would take most of the demo's time for hundreds of them)."""
    lines = [
        kind.replace("_", " ").upper() + f"  {number}",
        f"Date: {day.isoformat()}",
        f"Seller: {seller}",
        f"Buyer: {buyer}",
        f"Goods: {material}, quantity {quantity:,.1f}",
    ]
    safe = [t.encode("latin-1", "replace").decode("latin-1") for t in lines]
    text = "".join(
        f"BT /F1 {14 if i == 0 else 11} Tf 50 {780 - 24 * i} Td "
        f"({t.replace(chr(92), '').replace('(', '[').replace(')', ']')}) Tj ET\n"
        for i, t in enumerate(safe)
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(text.encode('latin-1'))} >>\nstream\n{text}endstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()
