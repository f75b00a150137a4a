"""The supply-chain package's SQL: chains, their contents in bulk, records and runs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.db import bulk_insert, in_batches
from trustlane.paging import Page, PageRequest, paginate
from trustlane.supplychain.graph import FACILITY_FRAME, LINK_FRAME, ChainGraph
from trustlane.supplychain.models import (
    Chain,
    Facility,
    Link,
    LinkDocument,
    PortEquipment,
    ResilienceRun,
    RiskArea,
    ScenarioOutcome,
    VendorConcern,
)

FACILITY_COLUMNS = [
    "id",
    "chain_id",
    "code",
    "name",
    "kind",
    "country",
    "region",
    "lat",
    "lon",
    "capacity_per_day",
    "inventory",
    "ttr_days",
    "demand_per_day",
    "unit_profit",
    "material",
    "hs_code",
    "port_code",
    "organization_id",
    "attributes",
]
LINK_COLUMNS = [
    "id",
    "chain_id",
    "supplier_id",
    "buyer_id",
    "material",
    "hs_code",
    "qty_per_unit",
    "share",
    "source",
    "attributes",
]
RESULT_COLUMNS = [
    "run_id",
    "seq",
    "kind",
    "key",
    "label",
    "tts_days",
    "ttr_days",
    "at_risk",
    "lost_units",
    "lost_profit",
    "risk_exposure_index",
    "tts_method",
    "lost_method",
]


# -- chains ----------------------------------------------------------------------------------


def chains_named(session: Session, name: str, tenant_id: int | None) -> list[Chain]:
    """Chains called ``name`` visible to a caller limited to ``tenant_id`` (None: all)."""
    stmt = sa.select(Chain).where(Chain.name == name)
    if tenant_id is not None:
        stmt = stmt.where(Chain.tenant_id == tenant_id)
    return list(session.scalars(stmt.order_by(Chain.id)))


def visible_chains(session: Session, tenant_id: int | None) -> list[Chain]:
    stmt = sa.select(Chain)
    if tenant_id is not None:
        stmt = stmt.where(Chain.tenant_id == tenant_id)
    return list(session.scalars(stmt.order_by(Chain.name, Chain.id)))


def page_chains(
    session: Session, tenant_id: int | None, page: PageRequest, q: str | None = None
) -> Page[Chain]:
    """A page of the chains (of ``tenant_id``), ``q`` searched in name and description."""
    stmt = sa.select(Chain)
    if tenant_id is not None:
        stmt = stmt.where(Chain.tenant_id == tenant_id)
    needle = (q or "").strip().lower()
    if needle:
        like = f"%{needle}%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(Chain.name).like(like), sa.func.lower(Chain.description).like(like)
            )
        )
    sortable = {"name": Chain.name, "created_at": Chain.created_at, "id": Chain.id}
    return paginate(session, stmt, page, sortable, [Chain.id])


def clear_chain(session: Session, chain_id: int) -> None:
    """Remove a chain's facilities, links and what hangs on them (before a re-import)."""
    for model in (LinkDocument, Link, Facility):
        session.execute(sa.delete(model).where(model.chain_id == chain_id))


def write_contents(
    session: Session,
    chain_id: int,
    facilities: Sequence[dict[str, Any]],
    links: Sequence[dict[str, Any]],
) -> dict[str, int]:
    """Bulk-insert facilities (dicts with a ``code``) and links (``supplier``/``buyer`` codes).

    Returns the new facility id of each code. Runs in the session's transaction: ids come
    from the database and are read back by code, so nothing is reserved outside it.
    """
    conn = session.connection()
    columns = FACILITY_COLUMNS[1:]
    bulk_insert(
        conn,
        Facility.__table__,  # type: ignore[arg-type]
        columns,
        (
            [chain_id, *(f.get(c) for c in columns[1:-1]), f.get("attributes") or {}]
            for f in facilities
        ),
    )
    ids = dict(
        conn.execute(
            sa.select(Facility.code, Facility.id).where(Facility.chain_id == chain_id)
        ).all()
    )
    bulk_insert(
        conn,
        Link.__table__,  # type: ignore[arg-type]
        LINK_COLUMNS[1:],
        (
            [
                chain_id,
                ids[link["supplier"]],
                ids[link["buyer"]],
                link["material"],
                link.get("hs_code"),
                link["qty_per_unit"],
                link["share"],
                link.get("source", "csv"),
                link.get("attributes") or {},
            ]
            for link in links
        ),
    )
    return ids


def _frame(rows: Sequence[Any], columns: list[str]) -> pd.DataFrame:
    """Rows as a frame, column by column (pandas probing SQLAlchemy rows one by one is slow)."""
    values = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    return pd.DataFrame(dict(zip(columns, values, strict=True)), columns=columns)


def load_graph(session: Session, chain_id: int) -> ChainGraph:
    """The chain in memory (facilities ordered by id)."""
    conn = session.connection()
    facilities = _frame(
        conn.execute(
            sa.select(*(Facility.__table__.c[c] for c in FACILITY_FRAME))
            .where(Facility.chain_id == chain_id)
            .order_by(Facility.id)
        ).all(),
        FACILITY_FRAME,
    )
    links = _frame(
        conn.execute(
            sa.select(*(Link.__table__.c[c] for c in LINK_FRAME))
            .where(Link.chain_id == chain_id)
            .order_by(Link.id)
        ).all(),
        LINK_FRAME,
    )
    for column in ("capacity_per_day", "inventory", "ttr_days", "demand_per_day", "unit_profit"):
        facilities[column] = pd.to_numeric(facilities[column], errors="coerce")
    for column in ("qty_per_unit", "share"):
        links[column] = pd.to_numeric(links[column], errors="coerce")
    return ChainGraph.from_frames(facilities, links)


def facility_by_code(session: Session, chain_id: int, code: str) -> Facility | None:
    return session.scalar(
        sa.select(Facility).where(Facility.chain_id == chain_id, Facility.code == code)
    )


def page_facilities(
    session: Session, chain_id: int, page: PageRequest, q: str | None, kind: str | None
) -> Page[Facility]:
    stmt = sa.select(Facility).where(Facility.chain_id == chain_id)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(
            sa.or_(sa.func.lower(Facility.name).like(like), sa.func.lower(Facility.code).like(like))
        )
    if kind:
        stmt = stmt.where(Facility.kind == kind)
    sortable = {
        "code": Facility.code,
        "name": Facility.name,
        "country": Facility.country,
        "kind": Facility.kind,
    }
    return paginate(session, stmt, page, sortable, [Facility.id])


def page_links(
    session: Session, chain_id: int, page: PageRequest, facility_id: int | None
) -> Page[Any]:
    supplier = sa.orm.aliased(Facility)
    buyer = sa.orm.aliased(Facility)
    stmt = (
        sa.select(Link, supplier.code.label("supplier_code"), buyer.code.label("buyer_code"))
        .join(supplier, supplier.id == Link.supplier_id)
        .join(buyer, buyer.id == Link.buyer_id)
        .where(Link.chain_id == chain_id)
    )
    if facility_id is not None:
        stmt = stmt.where(sa.or_(Link.supplier_id == facility_id, Link.buyer_id == facility_id))
    sortable = {"material": Link.material, "share": Link.share}
    query: sa.Select[Any] = stmt  # type: ignore[assignment]
    return paginate(session, query, page, sortable, [Link.id], scalars=False)


def link_between(
    session: Session, chain_id: int, supplier_code: str, buyer_code: str, material: str | None
) -> list[Link]:
    supplier = sa.orm.aliased(Facility)
    buyer = sa.orm.aliased(Facility)
    stmt = (
        sa.select(Link)
        .join(supplier, supplier.id == Link.supplier_id)
        .join(buyer, buyer.id == Link.buyer_id)
        .where(Link.chain_id == chain_id, supplier.code == supplier_code, buyer.code == buyer_code)
    )
    if material:
        stmt = stmt.where(Link.material == material)
    return list(session.scalars(stmt))


# -- business records ------------------------------------------------------------------------


def documents_of_links(session: Session, link_ids: Iterable[int]) -> list[LinkDocument]:
    ids = list(link_ids)
    found: list[LinkDocument] = []
    for batch in in_batches(ids):
        found.extend(
            session.scalars(
                sa.select(LinkDocument)
                .where(LinkDocument.link_id.in_(batch))
                .order_by(LinkDocument.link_id, LinkDocument.issued_on, LinkDocument.id)
            )
        )
    return found


def document_content(session: Session, document_id: int) -> bytes | None:
    return session.scalar(sa.select(LinkDocument.content).where(LinkDocument.id == document_id))


# -- configuration ---------------------------------------------------------------------------


def risk_areas(session: Session) -> list[RiskArea]:
    return list(session.scalars(sa.select(RiskArea).order_by(RiskArea.code)))


def vendor_concerns(session: Session) -> list[VendorConcern]:
    return list(session.scalars(sa.select(VendorConcern).order_by(VendorConcern.vendor)))


def port_equipment(session: Session, chain_id: int) -> list[PortEquipment]:
    return list(
        session.scalars(
            sa.select(PortEquipment)
            .where(PortEquipment.chain_id == chain_id)
            .order_by(PortEquipment.port_code, PortEquipment.id)
        )
    )


# -- resilience runs -------------------------------------------------------------------------


def write_results(session: Session, run_id: int, rows: Iterable[Sequence[Any]]) -> int:
    conn = session.connection()
    return bulk_insert(conn, ScenarioOutcome.__table__, RESULT_COLUMNS, rows)  # type: ignore[arg-type]


def latest_run(session: Session, chain_id: int) -> ResilienceRun | None:
    return session.scalar(
        sa.select(ResilienceRun)
        .where(ResilienceRun.chain_id == chain_id)
        .order_by(ResilienceRun.id.desc())
        .limit(1)
    )


def page_runs(session: Session, chain_id: int, page: PageRequest) -> Page[ResilienceRun]:
    stmt = sa.select(ResilienceRun).where(ResilienceRun.chain_id == chain_id)
    return paginate(
        session, stmt, page, {"created_at": ResilienceRun.created_at}, [ResilienceRun.id.desc()]
    )


def page_outcomes(
    session: Session, run_id: int, page: PageRequest, kind: str | None, at_risk: bool | None
) -> Page[ScenarioOutcome]:
    stmt = sa.select(ScenarioOutcome).where(ScenarioOutcome.run_id == run_id)
    if kind:
        stmt = stmt.where(ScenarioOutcome.kind == kind)
    if at_risk is not None:
        stmt = stmt.where(ScenarioOutcome.at_risk == at_risk)
    sortable = {
        "lost_profit": ScenarioOutcome.lost_profit,
        "tts_days": ScenarioOutcome.tts_days,
        "key": ScenarioOutcome.key,
    }
    return paginate(
        session,
        stmt,
        page,
        sortable,
        [ScenarioOutcome.lost_profit.desc(), ScenarioOutcome.seq],
    )


def outcomes(session: Session, run_id: int, kind: str | None = None) -> list[ScenarioOutcome]:
    stmt = sa.select(ScenarioOutcome).where(ScenarioOutcome.run_id == run_id)
    if kind:
        stmt = stmt.where(ScenarioOutcome.kind == kind)
    return list(session.scalars(stmt.order_by(ScenarioOutcome.seq)))
