"""API routes of the supply-chain package (``/api/supplychain/...``)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile, status
from fastapi.responses import HTMLResponse, Response

from trustlane.errors import FieldProblem, InvalidInput
from trustlane.jobs.runner import create_job
from trustlane.jobs.schemas import JobPublic
from trustlane.supplychain import (
    chains,
    concentrate,
    derive,
    expose,
    ingest,
    ports,
    records,
    simulate,
    store,
    trace,
)
from trustlane.supplychain.api_config import router as config_router
from trustlane.supplychain.export import dossier_html, dossier_picture, dossier_zip
from trustlane.supplychain.listed import list_screening
from trustlane.supplychain.schemas import (
    ChainPublic,
    ConcentrationPublic,
    DeriveRequest,
    DeriveResult,
    DocumentPublic,
    EquipmentCreate,
    EquipmentPublic,
    ExposurePublic,
    FacilityPublic,
    ImportResult,
    LinkPublic,
    OutcomePublic,
    PortsPublic,
    ProblemPublic,
    ResilienceRequest,
    RunPublic,
    TracePublic,
)
from trustlane.supplychain.views import (
    concentration_public,
    exposure_public,
    ports_public,
    trace_public,
)
from trustlane.web.deps import (
    CurrentUser,
    DatabaseDep,
    PageDep,
    RunnerDep,
    SessionDep,
    SettingsDep,
)
from trustlane.web.schemas import PagePublic
from trustlane.web.uploads import upload_text

router = APIRouter(prefix="/api/supplychain", tags=["supply chain"])
router.include_router(config_router)

CSV = "text/csv; charset=utf-8"


def _csv(columns: list[str], rows: list[dict[str, str]], name: str) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return Response(
        out.getvalue(),
        media_type=CSV,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# -- chains ----------------------------------------------------------------------------------


@router.get("/chains", response_model=PagePublic[ChainPublic], summary="Supply chains I may see")
def list_chains(
    principal: CurrentUser, session: SessionDep, page: PageDep
) -> PagePublic[ChainPublic]:
    found = chains.list_chains(session, principal, page)
    return PagePublic(
        items=[ChainPublic.model_validate(c) for c in found.items],
        total=found.total,
        limit=found.limit,
        offset=found.offset,
    )


@router.post(
    "/chains/import",
    response_model=ImportResult,
    status_code=status.HTTP_201_CREATED,
    summary="Import facilities.csv and links.csv (the CSV contract) into a chain",
)
async def import_chain(
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    facilities: Annotated[UploadFile, File(description="facilities.csv")],
    links: Annotated[UploadFile, File(description="links.csv")],
    chain: Annotated[str, Form()] = chains.DEFAULT_CHAIN,
    tenant_id: Annotated[int | None, Form(description="Agency only: the owner")] = None,
) -> ImportResult:
    """Valid rows replace the chain's contents; rejected rows are listed with their line."""
    report = ingest.import_chain(
        session,
        principal,
        await upload_text(facilities, "facilities", settings.max_upload_mb),
        await upload_text(links, "links", settings.max_upload_mb),
        chain_name=chain,
        tenant_id=tenant_id,
        facilities_name=facilities.filename or "facilities.csv",
        links_name=links.filename or "links.csv",
    )
    return ImportResult(
        chain=ChainPublic.model_validate(report.chain),
        facilities=report.facilities,
        links=report.links,
        rejected=[ProblemPublic(**p.as_dict()) for p in report.rejected],
        warnings=report.warnings,
    )


@router.post(
    "/chains/derive",
    response_model=DeriveResult,
    status_code=status.HTTP_201_CREATED,
    summary="Build a chain's links from ingested shipments (seller -> importer per HS code)",
)
def derive_chain(body: DeriveRequest, principal: CurrentUser, session: SessionDep) -> DeriveResult:
    report = derive.derive_chain(
        session,
        principal,
        chain_name=body.chain,
        tenant_id=body.tenant_id,
        since=body.since,
        hs_prefix=body.hs_prefix,
    )
    return DeriveResult(
        chain=ChainPublic.model_validate(report.chain),
        facilities=report.facilities,
        links=report.links,
        filings=report.filings,
        warnings=report.warnings,
    )


@router.get("/chains/{chain_id}", response_model=ChainPublic)
def get_chain(chain_id: int, principal: CurrentUser, session: SessionDep) -> ChainPublic:
    return ChainPublic.model_validate(chains.get_chain(session, principal, chain_id))


@router.delete("/chains/{chain_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_chain(chain_id: int, principal: CurrentUser, session: SessionDep) -> Response:
    chains.delete_chain(session, principal, chain_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/chains/{chain_id}/facilities", response_model=PagePublic[FacilityPublic])
def list_facilities(
    chain_id: int,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    q: Annotated[str | None, Query(description="Search code and name")] = None,
    kind: str | None = None,
) -> PagePublic[FacilityPublic]:
    chain = chains.get_chain(session, principal, chain_id)
    found = store.page_facilities(session, chain.id, page, q, kind)
    return PagePublic(
        items=[FacilityPublic.model_validate(f) for f in found.items],
        total=found.total,
        limit=found.limit,
        offset=found.offset,
    )


@router.get("/chains/{chain_id}/links", response_model=PagePublic[LinkPublic])
def list_links(
    chain_id: int,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    facility: Annotated[str | None, Query(description="Only links of this facility id")] = None,
) -> PagePublic[LinkPublic]:
    chain = chains.get_chain(session, principal, chain_id)
    facility_id = None
    if facility is not None:
        found_facility = store.facility_by_code(session, chain.id, facility)
        facility_id = found_facility.id if found_facility else -1
    found = store.page_links(session, chain.id, page, facility_id)
    return PagePublic(
        items=[
            LinkPublic(
                id=link.id,
                supplier=supplier,
                buyer=buyer,
                material=link.material,
                hs_code=link.hs_code,
                qty_per_unit=link.qty_per_unit,
                share=link.share,
                source=link.source,
                attributes=link.attributes,
            )
            for link, supplier, buyer in found.items
        ],
        total=found.total,
        limit=found.limit,
        offset=found.offset,
    )


# -- analyses --------------------------------------------------------------------------------


@router.get("/chains/{chain_id}/trace/{facility_id}", response_model=TracePublic)
def trace_facility(
    chain_id: int, facility_id: str, principal: CurrentUser, session: SessionDep
) -> TracePublic:
    chain = chains.get_chain(session, principal, chain_id)
    return trace_public(trace.trace_facility(session, principal, chain, facility_id))


@router.get(
    "/chains/{chain_id}/trace/{facility_id}/csv",
    response_class=Response,
    summary="The trace in the CSV contract's columns",
)
def trace_csv(
    chain_id: int, facility_id: str, principal: CurrentUser, session: SessionDep
) -> Response:
    chain = chains.get_chain(session, principal, chain_id)
    report = trace.trace_facility(session, principal, chain, facility_id)
    return _csv(trace.CSV_COLUMNS, report.csv_rows(), f"trace-{facility_id}.csv")


@router.get(
    "/chains/{chain_id}/dossier/{facility_id}",
    response_class=Response,
    summary="The evidence dossier: one HTML file, or a ZIP with the attached documents",
)
def dossier(
    chain_id: int,
    facility_id: str,
    principal: CurrentUser,
    session: SessionDep,
    database: DatabaseDep,
    settings: SettingsDep,
    format: Annotated[str, Query(pattern="^(html|zip)$")] = "html",
    lot: Annotated[float | None, Query(gt=0, description="Units of the lot under review")] = None,
) -> Response:
    chain = chains.get_chain(session, principal, chain_id)
    screen = list_screening(database, settings, principal)
    built = trace.build_dossier(
        session, principal, chain, facility_id, lot_quantity=lot, screen=screen
    )
    picture = dossier_picture(built)
    html = dossier_html(built, picture)
    if format == "html":
        return HTMLResponse(html)
    contents = {
        r.document_id: records.document_file(session, principal, chain, r.document_id)[1]
        for r in built.records
        if r.file_name
    }
    return Response(
        dossier_zip(built, picture, html, contents),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="dossier-{facility_id}.zip"'},
    )


@router.get("/chains/{chain_id}/exposure", response_model=ExposurePublic)
def exposure(
    chain_id: int,
    principal: CurrentUser,
    session: SessionDep,
    database: DatabaseDep,
    settings: SettingsDep,
    exposed_only: bool = True,
) -> ExposurePublic:
    chain = chains.get_chain(session, principal, chain_id)
    screen = list_screening(database, settings, principal)
    return exposure_public(expose.compute_exposure(session, principal, chain, screen), exposed_only)


@router.get("/chains/{chain_id}/exposure/csv", response_class=Response)
def exposure_csv(
    chain_id: int,
    principal: CurrentUser,
    session: SessionDep,
    database: DatabaseDep,
    settings: SettingsDep,
) -> Response:
    chain = chains.get_chain(session, principal, chain_id)
    screen = list_screening(database, settings, principal)
    report = expose.compute_exposure(session, principal, chain, screen)
    return _csv(expose.CSV_COLUMNS, report.csv_rows(), f"exposure-{chain.name}.csv")


@router.get("/chains/{chain_id}/concentration", response_model=ConcentrationPublic)
def concentration(
    chain_id: int, principal: CurrentUser, session: SessionDep
) -> ConcentrationPublic:
    chain = chains.get_chain(session, principal, chain_id)
    return concentration_public(concentrate.compute_concentration(session, principal, chain))


@router.get(
    "/chains/{chain_id}/ports", response_model=PortsPublic, summary="Port vulnerability view"
)
def port_view(
    chain_id: int,
    principal: CurrentUser,
    session: SessionDep,
    database: DatabaseDep,
    settings: SettingsDep,
) -> PortsPublic:
    chain = chains.get_chain(session, principal, chain_id)
    screen = list_screening(database, settings, principal)
    return ports_public(ports.port_view(session, principal, chain, screen))


@router.post(
    "/chains/{chain_id}/equipment",
    response_model=EquipmentPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Record critical equipment or a system at a port",
)
def add_equipment(
    chain_id: int, body: EquipmentCreate, principal: CurrentUser, session: SessionDep
) -> EquipmentPublic:
    chain = chains.get_chain(session, principal, chain_id)
    item = ports.add_equipment(session, principal, chain, **body.model_dump())
    return EquipmentPublic.model_validate(item)


@router.delete(
    "/chains/{chain_id}/equipment/{equipment_id}", status_code=status.HTTP_204_NO_CONTENT
)
def remove_equipment(
    chain_id: int, equipment_id: int, principal: CurrentUser, session: SessionDep
) -> Response:
    chain = chains.get_chain(session, principal, chain_id)
    ports.remove_equipment(session, principal, chain, equipment_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# -- business records ------------------------------------------------------------------------


@router.post(
    "/chains/{chain_id}/documents",
    response_model=DocumentPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Attach a business record (and its file) to a link",
)
async def add_document(
    chain_id: int,
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    supplier_id: Annotated[str, Form()],
    buyer_id: Annotated[str, Form()],
    kind: Annotated[str, Form(description=", ".join(records.KINDS))],
    number: Annotated[str, Form()],
    material: Annotated[str | None, Form()] = None,
    issued_on: Annotated[date | None, Form()] = None,
    quantity: Annotated[float | None, Form()] = None,
    unit: Annotated[str | None, Form()] = None,
    amount: Annotated[float | None, Form()] = None,
    currency: Annotated[str | None, Form()] = None,
    file: Annotated[UploadFile | None, File()] = None,
) -> DocumentPublic:
    chain = chains.get_chain(session, principal, chain_id)
    link = records.find_link(session, chain, supplier_id, buyer_id, material)
    content = None
    if file is not None:
        content = await file.read(records.MAX_FILE_BYTES + 1)
    doc = records.add_document(
        session,
        principal,
        chain,
        link,
        records.DocumentInput(
            kind=kind,
            number=number,
            issued_on=issued_on,
            quantity=quantity,
            unit=unit,
            amount=amount,
            currency=currency,
            file_name=file.filename if file is not None else None,
            content=content,
        ),
    )
    return DocumentPublic.model_validate(doc)


@router.get("/chains/{chain_id}/documents/{document_id}/file", response_class=Response)
def document_file(
    chain_id: int, document_id: int, principal: CurrentUser, session: SessionDep
) -> Response:
    chain = chains.get_chain(session, principal, chain_id)
    doc, content = records.document_file(session, principal, chain, document_id)
    return Response(
        content,
        media_type=doc.media_type or "application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{doc.file_name or document_id}"'},
    )


# -- resilience ------------------------------------------------------------------------------


@router.post(
    "/chains/{chain_id}/resilience",
    response_model=JobPublic,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Run the disruption scenarios as a job; follow it at /api/jobs/{id}",
)
def run_resilience(
    chain_id: int,
    body: ResilienceRequest,
    principal: CurrentUser,
    session: SessionDep,
    runner: RunnerDep,
) -> JobPublic:
    chain = chains.get_chain(session, principal, chain_id)
    simulate.build_scenarios(store.load_graph(session, chain.id), tuple(body.scenarios))
    job = create_job(
        session,
        principal,
        "supplychain.resilience",
        {"chain_id": chain.id, **body.model_dump()},
        tenant_id=chain.tenant_id,
        unit="scenarios",
    )
    shown = JobPublic.model_validate(job)
    session.commit()
    runner.start(job.id)
    return shown


@router.get("/chains/{chain_id}/resilience/runs", response_model=PagePublic[RunPublic])
def list_runs(
    chain_id: int, principal: CurrentUser, session: SessionDep, page: PageDep
) -> PagePublic[RunPublic]:
    chain = chains.get_chain(session, principal, chain_id)
    found = store.page_runs(session, chain.id, page)
    return PagePublic(
        items=[RunPublic.model_validate(r) for r in found.items],
        total=found.total,
        limit=found.limit,
        offset=found.offset,
    )


@router.get("/resilience/runs/{run_id}", response_model=RunPublic)
def get_run(run_id: int, principal: CurrentUser, session: SessionDep) -> RunPublic:
    return RunPublic.model_validate(simulate.get_run(session, principal, run_id)[0])


@router.get(
    "/resilience/runs/{run_id}/scenarios",
    response_model=PagePublic[OutcomePublic],
    summary="Scenarios of a run, by lost profit (default)",
)
def run_scenarios(
    run_id: int,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    kind: str | None = None,
    at_risk: bool | None = None,
) -> PagePublic[OutcomePublic]:
    run, _ = simulate.get_run(session, principal, run_id)
    found = store.page_outcomes(session, run.id, page, kind, at_risk)
    return PagePublic(
        items=[OutcomePublic.model_validate(o) for o in found.items],
        total=found.total,
        limit=found.limit,
        offset=found.offset,
    )


@router.get("/resilience/runs/{run_id}/csv", response_class=Response, summary="The contract's CSV")
def run_csv(run_id: int, principal: CurrentUser, session: SessionDep) -> Response:
    run, _ = simulate.get_run(session, principal, run_id)
    rows = simulate.facility_csv_rows(store.outcomes(session, run.id))
    return _csv(simulate.CSV_COLUMNS, rows, f"resilience-{run_id}.csv")


@router.get("/resilience/runs/{run_id}/report", response_class=HTMLResponse)
def run_report(run_id: int, principal: CurrentUser, session: SessionDep) -> HTMLResponse:
    return HTMLResponse(simulate.report_run(session, principal, run_id).html)


@router.get(
    "/resilience/runs/{run_id}/chart.{fmt}",
    response_class=Response,
    summary="The ranking picture, as PNG or SVG",
)
def run_chart(run_id: int, fmt: str, principal: CurrentUser, session: SessionDep) -> Response:
    if fmt not in ("png", "svg"):
        raise InvalidInput("Bad format", [FieldProblem("fmt", "png or svg", value=fmt)])
    picture = simulate.report_run(session, principal, run_id).picture
    if fmt == "png":
        return Response(picture.png, media_type="image/png")
    return Response(picture.svg, media_type="image/svg+xml")
