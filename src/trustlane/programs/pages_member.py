"""A member's pages: a trade member's own memberships and its application, one member's page
(status, tier and why, cycle dates, validations, required actions, history), and the
agency's decisions on it (profile review, scheduling a validation, suspension, tier)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.errors import FieldProblem, InvalidInput, TrustlaneError
from trustlane.paging import PageRequest
from trustlane.programs import actions, catalogs, membership, planning, profiles, store, validations
from trustlane.programs.calendar import today
from trustlane.programs.pages_support import PAGE_SIZE, form_errors, parse_date, redirect, tabs
from trustlane.programs.validations import VALIDATABLE
from trustlane.programs.vocab import (
    ACTIVE_STATUSES,
    MemberStatus,
    ProfileStatus,
    StatusReason,
)
from trustlane.web.deps import SessionDep, SettingsDep
from trustlane.web.pages.common import CsrfChecked, PageUser, pager, render

router = APIRouter(prefix="/programs")


# ----------------------------------------------------------------------------- trade home


def apply_choices(session: Session, principal: Principal) -> list[tuple[str, str]]:
    """("program:entity_type", label) a trade member may apply as (empty for the agency)."""
    if principal.is_agency or not principal.can("programs:write"):
        return []
    return [
        (f"{c.catalog.program}:{slug}", f"{c.catalog.title}: {label}")
        for c in catalogs.list_catalogs(session, principal)
        for slug, label in c.catalog.entity_types.items()
    ]


def member_home(
    request: Request,
    principal: Principal,
    session: Session,
    offset: int = 0,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """A trade member's memberships with status and tier, and what falls due."""
    found = membership.list_members(
        session, principal, store.MemberFilter(), PageRequest(PAGE_SIZE, offset, "id")
    )
    return render(
        request,
        "programs/index_member.html",
        {
            "tabs": tabs(principal),
            "members": found.items,
            "pager": pager(found),
            "reminders": actions.reminders(session, principal, within_days=60),
            "apply_choices": apply_choices(session, principal),
            "errors": errors or {},
            "form": form or {},
        },
        status_code=status_code,
    )


@router.post("/apply", response_class=HTMLResponse, dependencies=[CsrfChecked])
def apply(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    choice: Annotated[str, Form()] = "",
) -> Response:
    """A trade member applies to a program as one of its entity types."""
    program, _, entity_type = choice.partition(":")
    try:
        with session.begin_nested():
            if not program or not entity_type:
                raise InvalidInput(
                    "Choose a program", [FieldProblem("choice", "choose a program and type")]
                )
            member = membership.apply(
                session,
                principal,
                org_id=principal.org_id or 0,
                program=program,
                entity_type=entity_type,
            )
    except TrustlaneError as exc:
        errors = {"choice": "; ".join(p.reason for p in exc.problems) or exc.message}
        return member_home(
            request,
            principal,
            session,
            errors=errors,
            form={"choice": choice},
            status_code=exc.status,
        )
    return redirect(
        f"/programs/members/{member.id}/profile",
        settings,
        f"Applied as membership {member.account_number}; fill in the security profile.",
    )


# ----------------------------------------------------------------------------- member page


def member_context(
    session: Session,
    principal: Principal,
    member_id: int,
    offset: int = 0,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> dict[str, Any]:
    detail = membership.member_detail(session, principal, member_id)
    member = detail.member
    found = actions.list_actions(
        session,
        principal,
        store.ActionFilter(member_id=member.id),
        PageRequest(PAGE_SIZE, offset, "-due_on"),
    )
    decides = principal.can("programs:validate")
    staff = planning.list_specialists(session, principal) if decides else []
    names = membership.staff_names(
        session, principal, [member.specialist_user_id] if member.specialist_user_id else []
    )
    profile_status = detail.profile.status if detail.profile else None
    return {
        "tabs": tabs(principal),
        "d": detail,
        "member": member,
        "org": detail.organization,
        "validations": validations.list_validations(session, principal, member.id),
        "actions": found.items,
        "pager": pager(found),
        "specialist_name": names.get(member.specialist_user_id or 0),
        "specialists": [(u.id, u.name) for _, u in staff],
        "forms": {
            "review": decides and profile_status == ProfileStatus.submitted,
            "schedule": decides
            and member.status in VALIDATABLE
            and detail.scheduled_validation is None,
            "status": decides
            and member.status not in (MemberStatus.removed, MemberStatus.rejected),
            "reinstate": decides and member.status == MemberStatus.suspended,
            "tier": decides and member.status in ACTIVE_STATUSES,
        },
        "reason_codes": [(r.value, r.value.replace("_", " ")) for r in StatusReason],
        "status_targets": _status_targets(member.status),
        "today": today(),
        "errors": errors or {},
        "form": form or {},
    }


def _status_targets(status: str) -> list[tuple[str, str]]:
    """The changes a member's status allows, as (status, button label)."""
    out = []
    if status in ACTIVE_STATUSES:
        out.append((MemberStatus.suspended.value, "Suspend"))
    if status == MemberStatus.applied:
        out.append((MemberStatus.rejected.value, "Reject the application"))
    if status not in (MemberStatus.removed, MemberStatus.rejected):
        out.append((MemberStatus.removed.value, "Remove from the program"))
    return out


@router.get("/members/{member_id}", response_class=HTMLResponse)
def member_page(
    request: Request,
    member_id: int,
    principal: PageUser,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    """One member: status, tier and its reasons, cycle dates, validations, actions, history."""
    context = member_context(session, principal, member_id, offset)
    return render(request, "programs/member.html", context)


def _decided(
    request: Request,
    session: Session,
    principal: Principal,
    member_id: int,
    exc: TrustlaneError,
    prefix: str,
    form: dict[str, str],
) -> HTMLResponse:
    """The member page again, with the failed decision's errors next to its fields."""
    context = member_context(
        session, principal, member_id, errors=form_errors(exc, prefix), form=form
    )
    return render(request, "programs/member.html", context, status_code=exc.status)


@router.post(
    "/members/{member_id}/profile/review", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def review_profile(
    request: Request,
    member_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    decision: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Accept the submitted profile (an applicant is certified) or return it with a note."""
    try:
        with session.begin_nested():
            member = profiles.review_profile(
                session, principal, member_id, accept=decision == "accept", note=note
            )
    except TrustlaneError as exc:
        return _decided(request, session, principal, member_id, exc, "review-", {"note": note})
    said = "accepted" if decision == "accept" else "returned to the member"
    return redirect(
        f"/programs/members/{member_id}", settings, f"Profile {said}; member is {member.status}."
    )


@router.post(
    "/members/{member_id}/validations", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def schedule(
    request: Request,
    member_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    mode: Annotated[str, Form()] = "",
    scheduled_for: Annotated[str, Form()] = "",
    specialist_id: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    form = {"mode": mode, "scheduled_for": scheduled_for, "specialist_id": specialist_id}
    try:
        with session.begin_nested():
            on = parse_date(scheduled_for, "scheduled_for")
            assert on is not None
            made = validations.schedule_validation(
                session,
                principal,
                member_id,
                mode=mode,
                scheduled_for=on,
                specialist_ids=[int(specialist_id)] if specialist_id.isdigit() else [],
                note=note,
            )
    except TrustlaneError as exc:
        return _decided(request, session, principal, member_id, exc, "schedule-", form)
    return redirect(
        f"/programs/validations/{made.id}",
        settings,
        f"Validation {made.id} scheduled for {made.scheduled_for}.",
    )


@router.post("/members/{member_id}/status", response_class=HTMLResponse, dependencies=[CsrfChecked])
def change_status(
    request: Request,
    member_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    to: Annotated[str, Form()] = "",
    reason_code: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Suspend, remove or reject, with a reason code and a sentence."""
    form = {"reason_code": reason_code, "reason": reason}
    try:
        with session.begin_nested():
            if to not in (s.value for s in MemberStatus):
                raise InvalidInput("Unknown change", [FieldProblem("to", "choose a change")])
            member = membership.set_status(
                session, principal, member_id, MemberStatus(to), reason_code, reason
            )
    except TrustlaneError as exc:
        return _decided(request, session, principal, member_id, exc, "status-", form)
    return redirect(f"/programs/members/{member_id}", settings, f"Member is now {member.status}.")


@router.post(
    "/members/{member_id}/reinstate", response_class=HTMLResponse, dependencies=[CsrfChecked]
)
def reinstate(
    request: Request,
    member_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    reason: Annotated[str, Form()] = "",
) -> Response:
    try:
        with session.begin_nested():
            member = membership.reinstate(session, principal, member_id, reason)
    except TrustlaneError as exc:
        return _decided(request, session, principal, member_id, exc, "reinstate-", {})
    return redirect(
        f"/programs/members/{member_id}", settings, f"Reinstated; member is {member.status}."
    )


@router.post("/members/{member_id}/tier", response_class=HTMLResponse, dependencies=[CsrfChecked])
def override_tier(
    request: Request,
    member_id: int,
    principal: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    tier: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Set another tier than the rules give, with the reason kept beside the rules'."""
    form = {"tier": tier, "reason": reason}
    try:
        with session.begin_nested():
            member = membership.set_tier(
                session, principal, member_id, int(tier) if tier.isdigit() else 0, reason
            )
    except TrustlaneError as exc:
        return _decided(request, session, principal, member_id, exc, "tier-", form)
    return redirect(f"/programs/members/{member_id}", settings, f"Tier set to {member.tier}.")
