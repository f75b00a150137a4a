"""API routes: lists, name comparison, screening, alerts and their review, bulk jobs."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile, status
from fastapi.responses import FileResponse

from trustlane.screening import browse, review, subjects
from trustlane.screening import lists as list_cases
from trustlane.screening.config import current_model
from trustlane.screening.engine import Party
from trustlane.screening.files import hit_list_name
from trustlane.screening.jobs import bulk_output, submit_bulk
from trustlane.screening.matching import compare_names
from trustlane.screening.normalize import kind_of
from trustlane.screening.records import birth_dates, country_code
from trustlane.screening.schemas import (
    AlertDetail,
    AlertPublic,
    AssignIn,
    BulkOut,
    ChangesPage,
    CompareIn,
    CompareOut,
    DecideIn,
    DecisionOut,
    EntriesPage,
    EntryDetail,
    EntryPublic,
    HitOut,
    ListPublic,
    LoadReportPublic,
    ReasonOut,
    ScreenIn,
    ScreenOut,
    ScreenStoredIn,
    ScreenStoredOut,
    SubjectOut,
    VersionPublic,
)
from trustlane.web.deps import (
    CurrentUser,
    DatabaseDep,
    PageDep,
    RunnerDep,
    SessionDep,
    SettingsDep,
)

router = APIRouter(prefix="/api/screening", tags=["screening"])


@router.get("/lists", response_model=list[ListPublic], summary="Loaded watch lists")
def get_lists(principal: CurrentUser, session: SessionDep) -> list[ListPublic]:
    return [ListPublic(**vars(s)) for s in list_cases.list_lists(session, principal)]


@router.get("/lists/{name}/versions", response_model=list[VersionPublic])
def get_versions(name: str, principal: CurrentUser, session: SessionDep) -> list[VersionPublic]:
    return [
        VersionPublic.model_validate(v) for v in list_cases.list_versions(session, principal, name)
    ]


@router.get(
    "/lists/{name}/versions/{number}/changes",
    response_model=ChangesPage,
    summary="Entries a version added, removed or changed (field by field) from the one before",
)
def get_changes(
    name: str,
    number: int,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    change: str = "added",
    q: str | None = None,
) -> ChangesPage:
    found = browse.version_changes(session, principal, name, number, change, page, q)
    return ChangesPage(
        list=found.watch.name,
        version=found.version.number,
        previous=found.previous.number if found.previous else None,
        change=found.kind,
        items=[asdict(r) for r in found.rows.items],
        total=found.rows.total,
        limit=found.rows.limit,
        offset=found.rows.offset,
    )


@router.get(
    "/lists/{name}/entries",
    response_model=EntriesPage,
    summary="Entries of a list as they were in a version (current by default), searchable",
)
def get_entries(
    name: str,
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    q: str | None = None,
    version: int | None = None,
    category: str | None = None,
) -> EntriesPage:
    found = browse.list_entries(
        session, principal, name, page, version=version, text=q, category=category
    )
    return EntriesPage(
        list=found.watch.name,
        version=found.version.number,
        items=[EntryPublic.model_validate(e) for e in found.entries.items],
        total=found.entries.total,
        limit=found.entries.limit,
        offset=found.entries.offset,
    )


@router.get(
    "/lists/{name}/entries/{entry_id}",
    response_model=EntryDetail,
    summary="One stored entry (as it was in its versions) and its history",
)
def get_entry(name: str, entry_id: int, principal: CurrentUser, session: SessionDep) -> EntryDetail:
    view = browse.show_entry(session, principal, name, entry_id)
    return EntryDetail(
        entry=EntryPublic.model_validate(view.row),
        first_version=view.first,
        last_version=view.last,
        history=[asdict(h) for h in view.history],
    )


@router.post(
    "/lists/{name}/load",
    response_model=LoadReportPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Load a new version of a list (one file, or the files of an OFAC CSV set)",
)
def load(
    name: str,
    principal: CurrentUser,
    database: DatabaseDep,
    settings: SettingsDep,
    files: Annotated[list[UploadFile], File(description="The list file(s)")],
    format: Annotated[str, Form(description="ofac-sdn, ofac-cons, un-xml, csl, dpl, ftm, csv")],
) -> LoadReportPublic:
    principal.require("screening:write")
    folder = Path(tempfile.mkdtemp(dir=settings.path("screening", "uploads", "x").parent))
    try:
        for upload in files:
            target = folder / Path(upload.filename or "list").name
            with target.open("wb") as fh:
                shutil.copyfileobj(upload.file, fh)
        path = (
            folder if format.startswith("ofac") else folder / Path(files[0].filename or "list").name
        )
        report = list_cases.load_list(database, principal, path, format, name=name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return LoadReportPublic(**report.as_dict())


@router.post("/compare", response_model=CompareOut, summary="Score two names, explained")
def compare(body: CompareIn, principal: CurrentUser) -> CompareOut:
    principal.require("screening:read")
    result = compare_names(body.name1, body.name2, kind_of(body.schema_), current_model())
    return CompareOut(
        score=round(result.score, 4),
        match=result.is_match,
        threshold=result.threshold,
        explanation=result.explanation(),
        contributions=[
            {
                "feature": c.feature,
                "value": round(c.value, 3),
                "weight": round(c.weight, 3),
                "sentence": c.sentence,
            }
            for c in result.contributions
        ],
    )


@router.post("/screen", response_model=list[ScreenOut], summary="Screen parties (not stored)")
def screen(
    body: ScreenIn, principal: CurrentUser, database: DatabaseDep, settings: SettingsDep
) -> list[ScreenOut]:
    from trustlane.screening.screeners import get_screener

    principal.require("screening:read")
    screener = get_screener(database, settings, body.lists)
    out: list[ScreenOut] = []
    for p in body.parties:
        dates = birth_dates(p.date_of_birth) if p.date_of_birth else []
        party = Party(
            name=p.name,
            kind=kind_of(p.schema_),
            birth_date=dates[0] if dates else None,
            countries=frozenset(c for c in (country_code(x) for x in p.countries) if c),
            identifiers=frozenset(i.upper().replace(" ", "") for i in p.identifiers),
        )
        hits = screener.screen(party)
        out.append(
            ScreenOut(
                name=p.name,
                alert=any(h.alert for h in hits),
                hits=[
                    HitOut(
                        list=hit_list_name(h),
                        entry_id=h.entry.key,
                        matched_name=h.matched_name,
                        score=round(h.score, 4),
                        threshold=h.threshold,
                        alert=h.alert,
                        category=h.entry.category,
                        action=h.entry.action,
                        reasons=[
                            ReasonOut(code=r.code, text=r.text, weight=r.weight) for r in h.reasons
                        ],
                    )
                    for h in hits
                ],
            )
        )
    return out


@router.post("/shipments/screen", response_model=ScreenStoredOut, summary="Screen shipment parties")
def screen_shipments(
    body: ScreenStoredIn, principal: CurrentUser, database: DatabaseDep, settings: SettingsDep
) -> ScreenStoredOut:
    from trustlane.screening.parties import screen_shipments as run

    screened, alerts = run(database, settings, principal, body.shipment_ids)
    return ScreenStoredOut(screened=screened, alerts=alerts)


@router.post("/organizations/screen", response_model=ScreenStoredOut)
def screen_organizations(
    principal: CurrentUser, database: DatabaseDep, settings: SettingsDep
) -> ScreenStoredOut:
    from trustlane.screening.parties import screen_organizations as run

    screened, alerts = run(database, settings, principal)
    return ScreenStoredOut(screened=screened, alerts=alerts)


@router.get("/alerts", response_model=list[AlertPublic], summary="The review queue")
def get_alerts(
    principal: CurrentUser, session: SessionDep, status: str | None = "open", limit: int = 100
) -> list[AlertPublic]:
    found = subjects.alert_queue(session, principal, status=status, limit=min(limit, 1000))
    return [AlertPublic.model_validate(a) for a in found]


@router.get(
    "/alerts/{alert_id}",
    response_model=AlertDetail,
    summary="One alert: party, entry as it was, names word by word, contributions, consequence",
)
def get_alert(alert_id: int, principal: CurrentUser, session: SessionDep) -> AlertDetail:
    view = review.show_alert(session, principal, alert_id)
    return AlertDetail(
        alert=AlertPublic.model_validate(view.alert),
        subject=SubjectOut.model_validate(view.subject),
        list=view.watch.name,
        list_version=view.version.number if view.version else None,
        current_version=view.current_version.number if view.current_version else None,
        entry=view.entry_row.doc,
        entry_now=view.entry_now,
        current_entry_id=view.current_entry_id,
        name=asdict(view.name) if view.name else None,
        stored_name_score=view.stored_name_score,
        model_agrees=view.model_agrees,
        consequence=asdict(view.consequence) if view.consequence else None,
        decisions=[DecisionOut.model_validate(d) for d in view.decisions],
        context=view.context,
    )


@router.post("/alerts/{alert_id}/assign", response_model=AlertPublic)
def assign(
    alert_id: int, body: AssignIn, principal: CurrentUser, session: SessionDep
) -> AlertPublic:
    return AlertPublic.model_validate(
        subjects.assign_alert(session, principal, alert_id, body.assignee)
    )


@router.post("/alerts/{alert_id}/decide", response_model=AlertPublic)
def decide(
    alert_id: int, body: DecideIn, principal: CurrentUser, session: SessionDep
) -> AlertPublic:
    alert = subjects.decide_alert(session, principal, alert_id, body.decision, body.note)
    return AlertPublic.model_validate(alert)


@router.post(
    "/bulk",
    response_model=BulkOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Screen a large CSV of parties as a resumable background job",
)
def bulk(
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
    file: Annotated[UploadFile, File(description="CSV with a full_name column")],
) -> BulkOut:
    job = submit_bulk(session, settings, principal, file.filename or "", file.file)
    session.commit()
    runner.start(job.id)
    return BulkOut(job_id=job.id)


@router.get(
    "/bulk/{job_id}/output",
    response_class=FileResponse,
    summary="The screened CSV of a finished bulk job",
)
def bulk_file(job_id: str, principal: CurrentUser, session: SessionDep) -> FileResponse:
    path = bulk_output(session, principal, job_id)
    return FileResponse(path, media_type="text/csv", filename=f"screened-{job_id[:8]}.csv")


@router.post("/ownership/evaluate", summary="Apply the 50 percent ownership rule again")
def ownership(principal: CurrentUser, session: SessionDep) -> list[dict[str, object]]:
    from trustlane.screening.ownership import evaluate_ownership

    flags = evaluate_ownership(session, principal)
    return [{"org_id": f.org_id, "share": f.share, "chain": f.chain} for f in flags]


@router.get("/ownership", summary="Organizations blocked by ownership")
def ownership_flags(principal: CurrentUser, session: SessionDep) -> list[dict[str, object]]:
    import sqlalchemy as sa

    from trustlane.screening.models import OwnershipFlag

    principal.require("screening:read")
    stmt = sa.select(OwnershipFlag).where(OwnershipFlag.active.is_(True))
    if principal.tenant_id is not None:
        stmt = stmt.where(OwnershipFlag.tenant_id == principal.tenant_id)
    return [
        {"org_id": f.org_id, "share": f.share, "chain": f.chain, "computed_at": f.computed_at}
        for f in session.scalars(stmt)
    ]
