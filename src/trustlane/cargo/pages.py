"""Pages: shipments (search, detail with parties, lines, outcomes and versions) and uploading
a file to ingest, followed by its job's live progress."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from trustlane.cargo import ingest, shipments
from trustlane.cargo.profiles import PROFILES
from trustlane.cargo.store import ShipmentFilter
from trustlane.cargo.upload import receive_upload
from trustlane.errors import FieldProblem, InvalidInput, PayloadTooLarge, TrustlaneError
from trustlane.paging import PageRequest
from trustlane.web.deps import DatabaseDep, RunnerDep, SessionDep, SettingsDep
from trustlane.web.pages.common import PageUser, check_csrf, field_errors, pager, render

router = APIRouter(include_in_schema=False)
PAGE = 25
KINDS = ("declaration", "isf", "entry", "air", "export")


def _date(value: str | None, name: str, problems: list[FieldProblem]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(FieldProblem(name, "not a date (YYYY-MM-DD)"))
        return None


@router.get("/shipments", response_class=HTMLResponse)
def shipment_list(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    kind: str | None = None,
    external_id: str | None = None,
    importer_org_id: Annotated[int | None, Query()] = None,
    office: str | None = None,
    origin: str | None = None,
    hs6: str | None = None,
    declared_from: str | None = None,
    declared_to: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    problems: list[FieldProblem] = []
    where = ShipmentFilter(
        kind=kind or None,
        external_id=external_id or None,
        importer_org_id=importer_org_id,
        office=office or None,
        origin=(origin or "").upper() or None,
        hs6=hs6 or None,
        declared_from=_date(declared_from, "declared_from", problems),
        declared_to=_date(declared_to, "declared_to", problems),
    )
    filters = {
        "kind": kind or "",
        "external_id": external_id or "",
        "office": office or "",
        "origin": origin or "",
        "hs6": hs6 or "",
        "declared_from": declared_from or "",
        "declared_to": declared_to or "",
        "importer_org_id": importer_org_id or "",
    }
    if problems:
        errors = field_errors(InvalidInput("Bad filter", problems))
        return render(
            request,
            "cargo/list.html",
            {"shipments": [], "pager": None, "filters": filters, "kinds": KINDS, "errors": errors},
            status_code=422,
        )
    found = shipments.list_shipments(session, principal, where, PageRequest(PAGE, offset))
    return render(
        request,
        "cargo/list.html",
        {
            "shipments": found.items,
            "pager": pager(found),
            "filters": filters,
            "kinds": KINDS,
            "errors": {},
        },
    )


@router.get("/shipments/ingest", response_class=HTMLResponse)
def ingest_form(request: Request, principal: PageUser, settings: SettingsDep) -> HTMLResponse:
    ingest.check_may_ingest(principal)
    return render(
        request,
        "cargo/ingest.html",
        {
            "profiles": list(PROFILES.values()),
            "errors": {},
            "form": {},
            "limit_mb": settings.max_upload_mb,
        },
    )


@router.post("/shipments/ingest", response_class=HTMLResponse)
async def ingest_upload(
    request: Request,
    principal: PageUser,
    database: DatabaseDep,
    settings: SettingsDep,
    runner: RunnerDep,
) -> Response:
    """Stream the file to disk (the CSRF token travels in the same multipart form), start the
    ingest job and show its progress page."""
    ingest.check_may_ingest(principal)
    limit = settings.max_upload_mb * 2**20
    form: dict[str, str] = {}
    try:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit + 64 * 1024:
            raise PayloadTooLarge(
                f"The file is larger than the limit of {settings.max_upload_mb} MB",
                [FieldProblem("file", f"larger than {settings.max_upload_mb} MB")],
            )
        upload = await receive_upload(
            request.stream(),
            request.headers.get("content-type", ""),
            settings.data_dir / "uploads",
            limit,
        )
        form = upload.fields
        check_csrf(request, settings, upload.fields.get("csrf_token"))
        assert upload.path is not None
        try:
            profile = upload.fields.get("profile", "").strip()
            if not profile:
                raise InvalidInput("Choose a profile", [FieldProblem("profile", "required")])
            with database.session() as session:
                job = ingest.submit_ingest(
                    session, principal, upload.path, profile, original_name=upload.filename
                )
        except TrustlaneError:
            upload.path.unlink(missing_ok=True)
            raise
    except TrustlaneError as exc:
        if exc.status in (401, 403):
            raise
        return render(
            request,
            "cargo/ingest.html",
            {
                "profiles": list(PROFILES.values()),
                "errors": field_errors(exc),
                "form": form,
                "limit_mb": settings.max_upload_mb,
            },
            status_code=exc.status,
        )
    runner.start(job.id)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/shipments/{shipment_id}", response_class=HTMLResponse)
def shipment_detail(
    request: Request, shipment_id: int, principal: PageUser, session: SessionDep
) -> HTMLResponse:
    detail = shipments.get_shipment(session, principal, shipment_id)
    versions = shipments.shipment_versions(session, principal, shipment_id)
    return render(
        request, "cargo/detail.html", {"d": detail, "s": detail.shipment, "versions": versions}
    )
