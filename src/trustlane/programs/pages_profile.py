"""The security profile page: a member fills it in one section at a time (an answer and a
narrative per criterion), attaches evidence files, submits it for review and confirms it each
year; the agency reads it. Errors are shown next to the criterion or file they concern."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trustlane.access.principal import Principal
from trustlane.errors import TrustlaneError
from trustlane.programs import catalogs, evidence, membership, profiles
from trustlane.programs.api import read_upload
from trustlane.programs.pages_support import (
    SectionView,
    changed_items,
    form_errors,
    per_criterion_errors,
    pick_section,
    redirect,
    submitted_values,
    tabs,
)
from trustlane.programs.vocab import AnswerStatus, MemberStatus, ProfileStatus
from trustlane.web.deps import SessionDep, SettingsDep
from trustlane.web.pages.common import CsrfChecked, PageUser, render

router = APIRouter(prefix="/programs")

ANSWER_LABELS = {
    AnswerStatus.implemented.value: "Implemented",
    AnswerStatus.partial.value: "Partly implemented",
    AnswerStatus.not_implemented.value: "Not implemented",
    AnswerStatus.not_applicable.value: "Not applicable",
}


async def posted_form(request: Request) -> FormData:
    """The posted form (already read, and cached, by the CSRF check)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


def profile_context(
    session: Session,
    principal: Principal,
    member_id: int,
    section: str | None,
    max_upload_mb: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    missing: list[str] | None = None,
) -> dict[str, Any]:
    detail = membership.member_detail(session, principal, member_id)
    view = profiles.get_profile(session, principal, member_id)
    catalog = catalogs.get_catalog(session, principal, view.member.program).catalog
    files: dict[str, list[Any]] = defaultdict(list)
    for item in evidence.list_evidence(session, principal, member_id):
        files[item.criterion or ""].append(item)
    by_section: dict[str, list[profiles.ProfileLine]] = defaultdict(list)
    for line in view.lines:
        by_section[line.criterion.section].append(line)
    sections = [
        SectionView(
            s.id,
            s.title,
            catalog.focus_area(s.focus_area).title,
            by_section[s.id],
            sum(1 for x in by_section[s.id] if x.answer is not None),
        )
        for s in catalog.sections
        if by_section.get(s.id)
    ]
    section = pick_section(sections, section, first_open=True)
    current = next((s for s in sections if s.id == section), None)
    profile = view.profile
    member = view.member
    writable = (
        principal.can("programs:write")
        and profile.status != ProfileStatus.submitted
        and member.status not in (MemberStatus.removed, MemberStatus.rejected)
    )
    return {
        "tabs": tabs(principal),
        "member": member,
        "org": detail.organization,
        "profile": profile,
        "view": view,
        "sections": sections,
        "section": current,
        "files": files,
        "writable": writable,
        "may_submit": writable and profile.status in (ProfileStatus.draft, ProfileStatus.returned),
        "may_confirm": writable and profile.status == ProfileStatus.accepted,
        "answer_labels": ANSWER_LABELS,
        "accepted_types": sorted({x for t in evidence.DOCUMENT_TYPES for x in t.extensions}),
        "max_upload_mb": max_upload_mb,
        "errors": errors or {},
        "values": values or {},
        "missing": missing or [],
        "section_of": {line.criterion.id: line.criterion.section for line in view.lines},
    }


def _render(request: Request, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return render(request, "programs/profile.html", context, status_code=status_code)


@router.get("/members/{member_id}/profile", response_class=HTMLResponse)
def profile_page(
    request: Request,
    member_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    section: str | None = None,
) -> HTMLResponse:
    """The profile, one section at a time, with each criterion's answer and evidence."""
    context = profile_context(session, principal, member_id, section, settings.max_upload_mb)
    return _render(request, context)


@router.post(
    "/members/{member_id}/profile/sections/{section}",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def save_section(
    request: Request,
    member_id: int,
    section: str,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    form: PostedForm,
) -> Response:
    """Save the answers of one section that the person changed; all or none."""
    view = profiles.get_profile(session, principal, member_id)
    lines = [x for x in view.lines if x.criterion.section == section]
    cids = [x.criterion.id for x in lines]
    current = {
        x.criterion.id: (x.answer.status, x.answer.narrative) for x in lines if x.answer is not None
    }
    changed = changed_items(form, cids, "status", "narrative", current)
    back = f"/programs/members/{member_id}/profile?section={section}"
    if not changed:
        return redirect(back, settings, f"Nothing changed in section {section}.")
    given = [profiles.AnswerIn(cid, status, text) for cid, status, text in changed]
    try:
        with session.begin_nested():
            profiles.set_answers(session, principal, member_id, given)
    except TrustlaneError as exc:
        errors = per_criterion_errors(exc, [g.criterion for g in given])
        values = submitted_values(form, cids, "status", "narrative")
        context = profile_context(
            session,
            principal,
            member_id,
            section,
            settings.max_upload_mb,
            errors=errors,
            values=values,
        )
        return _render(request, context, exc.status)
    return redirect(back, settings, f"Saved {len(given)} answers in section {section}.")


@router.post(
    "/members/{member_id}/evidence", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def upload_evidence(
    request: Request,
    member_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    file: UploadFile | None = None,
    criterion: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    section: Annotated[str, Form()] = "",
) -> Response:
    """Attach an evidence file to a criterion (size limit and content checked)."""
    max_bytes = settings.max_upload_mb * 2**20
    try:
        with session.begin_nested():
            data = read_upload(file, max_bytes) if file is not None else b""
            stored = evidence.add_evidence(
                session,
                principal,
                member_id,
                filename=(file.filename if file is not None else "") or "evidence",
                data=data,
                content_type=file.content_type if file is not None else None,
                max_bytes=max_bytes,
                criterion=criterion or None,
                note=note,
            )
    except TrustlaneError as exc:
        errors = form_errors(exc, "upload-")
        if "upload-content_type" in errors:  # the declared type is the file's own
            errors.setdefault("upload-file", errors.pop("upload-content_type"))
        context = profile_context(
            session,
            principal,
            member_id,
            section,
            settings.max_upload_mb,
            errors=errors,
            values={"upload-criterion": criterion, "upload-note": note},
        )
        return _render(request, context, exc.status)
    return redirect(
        f"/programs/members/{member_id}/profile?section={section}#evidence",
        settings,
        f"Attached {stored.filename} to criterion {stored.criterion} "
        f"({stored.size_bytes:,} bytes, SHA-256 {stored.sha256[:12]}…).",
    )


@router.post(
    "/members/{member_id}/profile/submit", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def submit(
    request: Request,
    member_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Send the profile for the agency's review (every criterion in force answered)."""
    try:
        with session.begin_nested():
            profiles.submit_profile(session, principal, member_id)
    except TrustlaneError as exc:
        missing = [str(p.value) for p in exc.problems if p.value is not None]
        context = profile_context(
            session,
            principal,
            member_id,
            None,
            settings.max_upload_mb,
            errors={"_submit": exc.message},
            missing=missing,
        )
        return _render(request, context, exc.status)
    return redirect(
        f"/programs/members/{member_id}/profile", settings, "Profile submitted for review."
    )


@router.post(
    "/members/{member_id}/profile/confirm", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def confirm(
    request: Request,
    member_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """The annual review: the member confirms its profile is current."""
    try:
        with session.begin_nested():
            member = profiles.confirm_profile(session, principal, member_id)
    except TrustlaneError as exc:
        missing = [str(p.value) for p in exc.problems if p.value is not None]
        context = profile_context(
            session,
            principal,
            member_id,
            None,
            settings.max_upload_mb,
            errors={"_submit": exc.message},
            missing=missing,
        )
        return _render(request, context, exc.status)
    return redirect(
        f"/programs/members/{member_id}/profile",
        settings,
        f"Annual review recorded; the next one is due by {member.profile_review_due}.",
    )


@router.get("/evidence/{evidence_id}")
def download_evidence(evidence_id: int, principal: PageUser, session: SessionDep) -> Response:
    """An evidence file, its hash checked against the one taken at upload."""
    record, data = evidence.read_evidence(session, principal, evidence_id)
    return Response(
        data,
        media_type=record.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{record.filename}"',
            "X-Content-SHA256": record.sha256,
            "X-Content-Type-Options": "nosniff",
        },
    )
