"""API routes: ingest uploads, shipments, inspection outcomes and ingest profiles."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import FileResponse

from trustlane.cargo import ingest, inspections, shipments
from trustlane.cargo.profiles import PROFILES
from trustlane.cargo.schemas import (
    InspectionCreate,
    InspectionPublic,
    ProfilePublic,
    ShipmentPublic,
    ShipmentSummary,
)
from trustlane.cargo.store import ShipmentFilter
from trustlane.cargo.upload import receive_upload
from trustlane.errors import FieldProblem, InvalidInput, PayloadTooLarge
from trustlane.jobs.schemas import JobPublic
from trustlane.web.deps import (
    CurrentUser,
    DatabaseDep,
    PageDep,
    RunnerDep,
    SessionDep,
    SettingsDep,
)
from trustlane.web.schemas import PagePublic

router = APIRouter(tags=["cargo"])


@router.post(
    "/api/ingest",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobPublic,
    summary="Upload a file to ingest (multipart: file, profile, optional format)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file", "profile"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "profile": {"type": "string", "enum": list(PROFILES)},
                            "format": {"type": "string", "enum": ["csv", "jsonl", "parquet"]},
                        },
                    }
                }
            },
        }
    },
)
async def upload_for_ingest(
    request: Request,
    principal: CurrentUser,
    database: DatabaseDep,
    settings: SettingsDep,
    runner: RunnerDep,
) -> JobPublic:
    """Stream the file to the data directory and start an ingest job; follow it at
    ``/api/jobs/{id}``, download its rejects at ``/api/ingest/{id}/rejects``."""
    ingest.check_may_ingest(principal)
    limit = settings.max_upload_mb * 2**20
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise PayloadTooLarge(
            f"The upload is larger than the limit of {settings.max_upload_mb} MB",
            [FieldProblem("file", f"larger than {settings.max_upload_mb} MB")],
        )
    # The saved file keeps the uploaded name's extension, from which the format is told.
    upload = await receive_upload(
        request.stream(),
        request.headers.get("content-type", ""),
        settings.data_dir / "uploads",
        limit,
    )
    assert upload.path is not None
    profile = upload.fields.get("profile", "").strip()
    if not profile:
        upload.path.unlink(missing_ok=True)
        raise InvalidInput("Name the profile", [FieldProblem("profile", "required")])
    try:
        with database.session() as session:
            job = ingest.submit_ingest(
                session,
                principal,
                upload.path,
                profile,
                fmt=upload.fields.get("format") or None,
                original_name=upload.filename,
            )
            shown = JobPublic.model_validate(job)
    except Exception:
        upload.path.unlink(missing_ok=True)
        raise
    runner.start(job.id)
    return shown


@router.get(
    "/api/ingest/{job_id}/rejects",
    summary="The rejects CSV of an ingest job (row, field, value, reason)",
    response_class=FileResponse,
)
def download_rejects(job_id: str, principal: CurrentUser, session: SessionDep) -> FileResponse:
    path = ingest.rejects_of(session, principal, job_id)
    return FileResponse(path, media_type="text/csv", filename=f"rejects-{job_id}.csv")


@router.get("/api/profiles", response_model=list[ProfilePublic], summary="Ingest profiles")
def list_profiles(principal: CurrentUser) -> list[ProfilePublic]:
    return [ProfilePublic.of(p) for p in PROFILES.values()]


@router.get(
    "/api/shipments",
    response_model=PagePublic[ShipmentSummary],
    summary="Shipments (current versions unless asked otherwise)",
)
def list_shipments(
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    kind: Annotated[str | None, Query(description="declaration, isf, air, entry, export")] = None,
    external_id: Annotated[str | None, Query(description="The filing's key")] = None,
    importer_org_id: Annotated[int | None, Query(description="Trade tenant organization")] = None,
    office: str | None = None,
    declared_from: Annotated[date | None, Query(description="Declared on or after")] = None,
    declared_to: Annotated[date | None, Query(description="Declared on or before")] = None,
    hs6: Annotated[str | None, Query(pattern=r"^[0-9]{6}$")] = None,
    origin: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    bill_of_lading: str | None = None,
    current_only: Annotated[bool, Query(description="Only current versions")] = True,
) -> PagePublic[ShipmentSummary]:
    where = ShipmentFilter(
        kind=kind,
        external_id=external_id,
        importer_org_id=importer_org_id,
        office=office.upper() if office else None,
        declared_from=declared_from,
        declared_to=declared_to,
        hs6=hs6,
        origin=origin.upper() if origin else None,
        bill_of_lading=bill_of_lading,
        current_only=current_only,
    )
    found = shipments.list_shipments(session, principal, where, page)
    return PagePublic(
        items=[ShipmentSummary.model_validate(s) for s in found.items],
        total=found.total,
        limit=found.limit,
        offset=found.offset,
    )


@router.get(
    "/api/shipments/{shipment_id}",
    response_model=ShipmentPublic,
    summary="One shipment with lines, parties (and organizations) and inspections",
)
def get_shipment(shipment_id: int, principal: CurrentUser, session: SessionDep) -> ShipmentPublic:
    return ShipmentPublic.of(shipments.get_shipment(session, principal, shipment_id))


@router.get(
    "/api/shipments/{shipment_id}/versions",
    response_model=list[ShipmentSummary],
    summary="Every version of this shipment's filing, newest first",
)
def shipment_versions(
    shipment_id: int, principal: CurrentUser, session: SessionDep
) -> list[ShipmentSummary]:
    found = shipments.shipment_versions(session, principal, shipment_id)
    return [ShipmentSummary.model_validate(s) for s in found]


@router.post(
    "/api/shipments/{shipment_id}/inspections",
    response_model=InspectionPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Record an inspection outcome (agency users)",
)
def record_inspection(
    shipment_id: int, body: InspectionCreate, principal: CurrentUser, session: SessionDep
) -> InspectionPublic:
    outcome = inspections.OutcomeIn(**body.model_dump())
    return InspectionPublic.model_validate(
        inspections.record_inspection(session, principal, shipment_id, outcome)
    )
