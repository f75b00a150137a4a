"""Validation and required-action pages: a validation's findings per criterion (recorded a
section at a time by its specialists, beside the member's own answers), its outcome and
reasons; the required actions with their due dates, the member's response, the specialist's
review and extensions."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.errors import TrustlaneError
from trustlane.paging import PageRequest
from trustlane.programs import actions, evidence, profiles, store, validations
from trustlane.programs.api import read_upload
from trustlane.programs.calendar import today
from trustlane.programs.pages_profile import PostedForm
from trustlane.programs.pages_support import (
    PAGE_SIZE,
    SectionView,
    changed_items,
    form_errors,
    parse_date,
    per_criterion_errors,
    pick_section,
    redirect,
    submitted_values,
    tabs,
)
from trustlane.programs.vocab import ActionStatus, FindingKind, Outcome
from trustlane.web.deps import SessionDep, SettingsDep
from trustlane.web.pages.common import CsrfChecked, PageUser, pager, render

router = APIRouter(prefix="/programs")

FINDING_LABELS = {
    FindingKind.meets.value: "Meets",
    FindingKind.required_action.value: "Required action",
    FindingKind.recommendation.value: "Recommendation",
    FindingKind.best_practice.value: "Best practice",
}


def validation_context(
    session: Session,
    principal: Principal,
    validation_id: int,
    section: str | None,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
) -> dict[str, Any]:
    d = validations.validation_detail(session, principal, validation_id)
    # The member's own account of each criterion, beside what the visit found.
    answers = {
        line.criterion.id: line.answer
        for line in profiles.get_profile(session, principal, d.member.id).lines
    }
    by_section: dict[str, list[Any]] = defaultdict(list)
    for c in d.criteria:
        by_section[c.section].append(c)
    sections = []
    for s in d.catalog.sections:
        items = by_section.get(s.id, [])
        if not items:
            continue
        found = [d.findings[c.id] for c in items if c.id in d.findings]
        focus = d.catalog.focus_area(s.focus_area).title
        flagged = sum(1 for f in found if f.kind == FindingKind.required_action)
        sections.append(SectionView(s.id, s.title, focus, items, len(found), flagged))
    section = pick_section(sections, section, first_open=d.may_record)
    known = {c.id for c in d.criteria}
    return {
        "tabs": tabs(principal),
        "d": d,
        "v": d.validation,
        "answers": answers,
        "sections": sections,
        "section": next((s for s in sections if s.id == section), None),
        "outside_catalog": [f for cid, f in d.findings.items() if cid not in known],
        "missing": sum(len(s.items) - s.done for s in sections),
        "finding_labels": FINDING_LABELS,
        "outcomes": [(o.value, o.value.replace("_", " ")) for o in Outcome],
        "today": today(),
        "errors": errors or {},
        "values": values or {},
        "form": form or {},
    }


@router.get("/validations/{validation_id}", response_class=HTMLResponse)
def validation_page(
    request: Request,
    validation_id: int,
    principal: PageUser,
    session: SessionDep,
    section: str | None = None,
) -> HTMLResponse:
    """A validation: its findings per criterion, outcome and reasons, required actions."""
    context = validation_context(session, principal, validation_id, section)
    return render(request, "programs/validation.html", context)


@router.post(
    "/validations/{validation_id}/findings/{section}",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def record_section(
    request: Request,
    validation_id: int,
    section: str,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    form: PostedForm,
) -> Response:
    """Record the findings of one section that the specialist changed; all or none."""
    d = validations.validation_detail(session, principal, validation_id)
    cids = [c.id for c in d.criteria if c.section == section]
    current = {cid: (f.kind, f.note or "") for cid, f in d.findings.items()}
    changed = changed_items(form, cids, "kind", "note", current)
    back = f"/programs/validations/{validation_id}?section={section}"
    if not changed:
        return redirect(back, settings, f"Nothing changed in section {section}.")
    given = [validations.FindingIn(cid, kind, note) for cid, kind, note in changed]
    try:
        with session.begin_nested():
            validations.record_findings(session, principal, validation_id, given)
    except TrustlaneError as exc:
        context = validation_context(
            session,
            principal,
            validation_id,
            section,
            errors=per_criterion_errors(exc, [g.criterion for g in given]),
            values=submitted_values(form, cids, "kind", "note"),
        )
        return render(request, "programs/validation.html", context, status_code=exc.status)
    return redirect(back, settings, f"Recorded {len(given)} findings in section {section}.")


@router.post(
    "/validations/{validation_id}/complete",
    response_class=HTMLResponse,
    dependencies=[CsrfChecked],
)
def complete(
    request: Request,
    validation_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    outcome: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    completed_on: Annotated[str, Form()] = "",
) -> Response:
    """Close the validation with the outcome the findings call for (or another, with a
    reason); required actions get their due dates."""
    form = {"outcome": outcome, "reason": reason, "completed_on": completed_on}
    try:
        with session.begin_nested():
            done = validations.complete_validation(
                session,
                principal,
                validation_id,
                on=parse_date(completed_on, "completed_on", required=False),
                outcome=outcome or None,
                reason=reason,
            )
    except TrustlaneError as exc:
        context = validation_context(
            session,
            principal,
            validation_id,
            None,
            errors={"complete-_form": exc.message, **form_errors(exc, "complete-")},
            form=form,
        )
        return render(request, "programs/validation.html", context, status_code=exc.status)
    return redirect(
        f"/programs/validations/{validation_id}",
        settings,
        f"Validation completed: {str(done.outcome).replace('_', ' ')}.",
    )


# ----------------------------------------------------------------------------- actions


@router.get("/actions", response_class=HTMLResponse)
def actions_page(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    status: str = "",
    overdue: bool = False,
    q: str = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    """Required actions the user may see with their due dates (a trade member: its own)."""
    on = today()
    where = store.ActionFilter(
        status=status or None, overdue_on=on if overdue else None, q=q or None
    )
    found = actions.list_actions(session, principal, where, PageRequest(PAGE_SIZE, offset))
    return render(
        request,
        "programs/actions.html",
        {
            "tabs": tabs(principal),
            "rows": found.items,
            "pager": pager(found),
            "filters": {"status": status, "overdue": overdue, "q": q},
            "statuses": [s.value for s in ActionStatus],
            "today": on,
        },
    )


def _action_page(
    request: Request,
    session: Session,
    principal: Principal,
    action_id: int,
    settings_mb: int,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    d = actions.action_detail(session, principal, action_id)
    a = d.action
    validates = principal.can("programs:validate")
    writes = principal.can("programs:write")
    return render(
        request,
        "programs/action.html",
        {
            "tabs": tabs(principal),
            "d": d,
            "a": a,
            "may": {
                "respond": writes and a.status == ActionStatus.open,
                "review": validates and a.status == ActionStatus.responded,
                "extend": validates and a.status != ActionStatus.closed,
                "upload": writes and a.status != ActionStatus.closed,
            },
            "max_upload_mb": settings_mb,
            "accepted_types": sorted({x for t in evidence.DOCUMENT_TYPES for x in t.extensions}),
            "errors": errors or {},
            "form": form or {},
        },
        status_code=status_code,
    )


@router.get("/actions/{action_id}", response_class=HTMLResponse)
def action_page(
    request: Request,
    action_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
) -> HTMLResponse:
    """A required action: what to fix, by when, the follow-up so far."""
    return _action_page(request, session, principal, action_id, settings.max_upload_mb)


@router.post(
    "/actions/{action_id}/respond", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def respond(
    request: Request,
    action_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    response: Annotated[str, Form()] = "",
) -> Response:
    """The member says what it did to close the gap."""
    try:
        with session.begin_nested():
            actions.respond_to_action(session, principal, action_id, response)
    except TrustlaneError as exc:
        return _action_page(
            request,
            session,
            principal,
            action_id,
            settings.max_upload_mb,
            errors=form_errors(exc, "respond-"),
            form={"response": response},
            status_code=exc.status,
        )
    return redirect(
        f"/programs/actions/{action_id}", settings, "Response sent to the agency for review."
    )


@router.post("/actions/{action_id}/review", response_class=HTMLResponse, dependencies=[CsrfChecked])
def review(
    request: Request,
    action_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    decision: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    new_due_on: Annotated[str, Form()] = "",
) -> Response:
    """A specialist accepts the response (the action closes) or sends it back."""
    try:
        with session.begin_nested():
            done = actions.review_response(
                session,
                principal,
                action_id,
                accept=decision == "accept",
                note=note,
                new_due_on=parse_date(new_due_on, "new_due_on", required=False),
            )
    except TrustlaneError as exc:
        return _action_page(
            request,
            session,
            principal,
            action_id,
            settings.max_upload_mb,
            errors=form_errors(exc, "review-"),
            form={"note": note, "new_due_on": new_due_on},
            status_code=exc.status,
        )
    return redirect(f"/programs/actions/{action_id}", settings, f"Action is now {done.status}.")


@router.post("/actions/{action_id}/extend", response_class=HTMLResponse, dependencies=[CsrfChecked])
def extend(
    request: Request,
    action_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    due_on: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Move the due date, with a reason kept in the follow-up trail."""
    try:
        with session.begin_nested():
            new_due = parse_date(due_on, "due_on")
            assert new_due is not None
            done = actions.extend_action(session, principal, action_id, new_due, reason)
    except TrustlaneError as exc:
        return _action_page(
            request,
            session,
            principal,
            action_id,
            settings.max_upload_mb,
            errors=form_errors(exc, "extend-"),
            form={"due_on": due_on, "reason": reason},
            status_code=exc.status,
        )
    return redirect(f"/programs/actions/{action_id}", settings, f"Now due by {done.due_on}.")


@router.post(
    "/actions/{action_id}/evidence", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def action_evidence(
    request: Request,
    action_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    file: UploadFile | None = None,
    note: Annotated[str, Form()] = "",
) -> Response:
    """Attach a file showing that the gap is closed."""
    max_bytes = settings.max_upload_mb * 2**20
    try:
        with session.begin_nested():
            d = actions.action_detail(session, principal, action_id)
            data = read_upload(file, max_bytes) if file is not None else b""
            stored = evidence.add_evidence(
                session,
                principal,
                d.member.id,
                filename=(file.filename if file is not None else "") or "evidence",
                data=data,
                content_type=file.content_type if file is not None else None,
                max_bytes=max_bytes,
                action_id=action_id,
                note=note,
            )
    except TrustlaneError as exc:
        errors = form_errors(exc, "upload-")
        if "upload-content_type" in errors:
            errors.setdefault("upload-file", errors.pop("upload-content_type"))
        return _action_page(
            request,
            session,
            principal,
            action_id,
            settings.max_upload_mb,
            errors=errors,
            form={"note": note},
            status_code=exc.status,
        )
    return redirect(f"/programs/actions/{action_id}", settings, f"Attached {stored.filename}.")
