"""API routes of trusted-trader programs: catalogs, members and their security profiles,
evidence, validations, findings and required actions. Accounts, planning and analytics are in
:mod:`trustlane.programs.api_agency`, included here.

Each route parses, calls one use case and renders; access rules live in the use cases.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Response, UploadFile, status
from sqlalchemy.orm import Session

from trustlane.errors import FieldProblem, PayloadTooLarge
from trustlane.programs import (
    actions,
    api_agency,
    catalogs,
    evidence,
    membership,
    profiles,
    store,
    validations,
)
from trustlane.programs.calendar import today
from trustlane.programs.models import Action, Member, Validation
from trustlane.programs.schemas import (
    ActionExtension,
    ActionPublic,
    ActionResponse,
    ActionReview,
    AnswerPublic,
    AnswersIn,
    CatalogPublic,
    CatalogSummary,
    CriterionPublic,
    EventPublic,
    EvidencePublic,
    FindingPublic,
    FindingsIn,
    ImportResultPublic,
    MemberApply,
    MemberDetailPublic,
    MemberPublic,
    MutualRecognitionIn,
    ProfileLinePublic,
    ProfilePublic,
    ProfileReview,
    Reinstatement,
    ReminderPublic,
    SpecialistAssignment,
    StatusChange,
    TierOverride,
    ValidationCancel,
    ValidationComplete,
    ValidationCreate,
    ValidationDetailPublic,
    ValidationPublic,
)
from trustlane.programs.vocab import MemberStatus
from trustlane.registry.models import Organization
from trustlane.web.deps import CurrentUser, PageDep, SessionDep, SettingsDep
from trustlane.web.schemas import PagePublic

router = APIRouter(prefix="/api/programs", tags=["programs"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_upload(file: UploadFile, max_bytes: int) -> bytes:
    """The uploaded bytes, refused as soon as they pass ``max_bytes``."""
    chunks, size = [], 0
    while chunk := file.file.read(1 << 20):
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(
                f"The file is larger than the limit of {max_bytes:,} bytes",
                [FieldProblem("file", f"larger than {max_bytes:,} bytes")],
            )
        chunks.append(chunk)
    return b"".join(chunks)


# ----------------------------------------------------------------------------- catalogs


@router.get("/catalogs", response_model=list[CatalogSummary], summary="Criteria catalogs in force")
def list_catalogs(principal: CurrentUser, session: SessionDep) -> list[CatalogSummary]:
    return [CatalogSummary.of(c) for c in catalogs.list_catalogs(session, principal)]


@router.get("/catalogs/{program}", response_model=CatalogPublic, summary="One catalog")
def get_catalog(
    program: str,
    principal: CurrentUser,
    session: SessionDep,
    entity_type: Annotated[
        str | None, Query(description="Only this entity type's criteria")
    ] = None,
) -> CatalogPublic:
    found = catalogs.get_catalog(session, principal, program)
    chosen = catalogs.select_criteria(found.catalog, entity_type)
    return CatalogPublic(
        **CatalogSummary.of(found).model_dump(),
        criteria=[CriterionPublic.of(found.catalog, c) for c in chosen],
    )


@router.get("/catalogs/{program}/export", summary="The catalog as CSV or XLSX")
def export_catalog(
    program: str,
    principal: CurrentUser,
    session: SessionDep,
    entity_type: str | None = None,
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
) -> Response:
    data = catalogs.export_catalog(session, principal, program, entity_type, format)
    name = f"{program}{'-' + entity_type if entity_type else ''}.{format}"
    media = "text/csv; charset=utf-8" if format == "csv" else XLSX
    return Response(
        data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.post(
    "/catalogs/import",
    response_model=ImportResultPublic,
    summary="Import a catalog file (CSV, XLSX, YAML or JSON); all or nothing",
)
def import_catalog(
    file: UploadFile,
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    program: Annotated[str | None, Form()] = None,
    replace: Annotated[bool, Form()] = False,
) -> ImportResultPublic:
    data = read_upload(file, settings.max_upload_mb * 2**20)
    result = catalogs.import_catalog(
        session, principal, data, file.filename or "upload.csv", program=program, replace=replace
    )
    return ImportResultPublic(stored=result.stored, message=result.sentence(), **result.__dict__)


# ----------------------------------------------------------------------------- members


def member_public(session: Session, member: Member) -> MemberPublic:
    org = session.get(Organization, member.org_id)
    return MemberPublic.of(member, org)


@router.get("/members", response_model=PagePublic[MemberPublic], summary="Members I may see")
def list_members(
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    program: str | None = None,
    status: str | None = None,
    entity_type: str | None = None,
    sector: str | None = None,
    tier: int | None = None,
    org_id: int | None = None,
    q: Annotated[str | None, Query(description="Search organization names")] = None,
) -> PagePublic[MemberPublic]:
    where = store.MemberFilter(program, status, entity_type, sector, tier, org_id, q)
    found = membership.list_members(session, principal, where, page)
    return PagePublic(
        items=[MemberPublic.of(m, o) for m, o in found.items],
        total=found.total,
        limit=found.limit,
        offset=found.offset,
    )


@router.post(
    "/members",
    response_model=MemberPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Apply to a program",
)
def apply(body: MemberApply, principal: CurrentUser, session: SessionDep) -> MemberPublic:
    member = membership.apply(
        session, principal, org_id=body.org_id, program=body.program, entity_type=body.entity_type
    )
    return member_public(session, member)


@router.get("/members/{member_id}", response_model=MemberDetailPublic)
def get_member(member_id: int, principal: CurrentUser, session: SessionDep) -> MemberDetailPublic:
    d = membership.member_detail(session, principal, member_id)
    return MemberDetailPublic(
        **MemberPublic.of(d.member, d.organization).model_dump(),
        profile_status=d.profile.status if d.profile else None,
        open_actions=d.open_actions,
        overdue_actions=d.overdue_actions,
        criteria_in_force=d.criteria_in_force,
        last_validation=ValidationPublic.model_validate(d.last_validation)
        if d.last_validation
        else None,
        scheduled_validation=ValidationPublic.model_validate(d.scheduled_validation)
        if d.scheduled_validation
        else None,
        events=[EventPublic.model_validate(e) for e in d.events],
    )


def _change(
    session: Session, principal: CurrentUser, member_id: int, to: MemberStatus, body: StatusChange
) -> MemberPublic:
    member = membership.set_status(session, principal, member_id, to, body.reason_code, body.reason)
    return member_public(session, member)


@router.post("/members/{member_id}/suspend", response_model=MemberPublic)
def suspend(
    member_id: int, body: StatusChange, principal: CurrentUser, session: SessionDep
) -> MemberPublic:
    """Suspend a member's benefits, with a reason code and a sentence."""
    return _change(session, principal, member_id, MemberStatus.suspended, body)


@router.post("/members/{member_id}/remove", response_model=MemberPublic)
def remove(
    member_id: int, body: StatusChange, principal: CurrentUser, session: SessionDep
) -> MemberPublic:
    """Remove a member from the program, with a reason."""
    return _change(session, principal, member_id, MemberStatus.removed, body)


@router.post("/members/{member_id}/reject", response_model=MemberPublic)
def reject(
    member_id: int, body: StatusChange, principal: CurrentUser, session: SessionDep
) -> MemberPublic:
    """Reject an application, with a reason."""
    return _change(session, principal, member_id, MemberStatus.rejected, body)


@router.post("/members/{member_id}/reinstate", response_model=MemberPublic)
def reinstate(
    member_id: int, body: Reinstatement, principal: CurrentUser, session: SessionDep
) -> MemberPublic:
    return member_public(session, membership.reinstate(session, principal, member_id, body.reason))


@router.put("/members/{member_id}/tier", response_model=MemberPublic, summary="Override the tier")
def set_tier(
    member_id: int, body: TierOverride, principal: CurrentUser, session: SessionDep
) -> MemberPublic:
    member = membership.set_tier(session, principal, member_id, body.tier, body.reason)
    return member_public(session, member)


@router.put("/members/{member_id}/specialist", response_model=MemberPublic)
def assign_specialist(
    member_id: int, body: SpecialistAssignment, principal: CurrentUser, session: SessionDep
) -> MemberPublic:
    member = membership.assign_specialist(session, principal, member_id, body.user_id)
    return member_public(session, member)


# ----------------------------------------------------------------------------- profile


def _profile_public(view: profiles.ProfileView, session: Session) -> ProfilePublic:
    catalog = catalogs.catalog_in_force(session, view.member.program).catalog
    return ProfilePublic(
        member_id=view.member.id,
        status=view.profile.status,
        submitted_on=view.profile.submitted_on,
        reviewed_on=view.profile.reviewed_on,
        review_note=view.profile.review_note,
        confirmed_on=view.profile.confirmed_on,
        answered=view.answered,
        total=len(view.lines),
        lines=[
            ProfileLinePublic(
                criterion=CriterionPublic.of(catalog, line.criterion),
                answer=AnswerPublic.model_validate(line.answer) if line.answer else None,
                evidence=line.evidence,
            )
            for line in view.lines
        ],
    )


@router.get("/members/{member_id}/profile", response_model=ProfilePublic)
def get_profile(member_id: int, principal: CurrentUser, session: SessionDep) -> ProfilePublic:
    return _profile_public(profiles.get_profile(session, principal, member_id), session)


@router.put("/members/{member_id}/profile/answers", response_model=ProfilePublic)
def set_answers(
    member_id: int, body: AnswersIn, principal: CurrentUser, session: SessionDep
) -> ProfilePublic:
    given = [profiles.AnswerIn(a.criterion, a.status.value, a.narrative) for a in body.answers]
    return _profile_public(profiles.set_answers(session, principal, member_id, given), session)


@router.post("/members/{member_id}/profile/submit", response_model=ProfilePublic)
def submit_profile(member_id: int, principal: CurrentUser, session: SessionDep) -> ProfilePublic:
    profiles.submit_profile(session, principal, member_id)
    return _profile_public(profiles.get_profile(session, principal, member_id), session)


@router.post("/members/{member_id}/profile/review", response_model=MemberPublic)
def review_profile(
    member_id: int, body: ProfileReview, principal: CurrentUser, session: SessionDep
) -> MemberPublic:
    member = profiles.review_profile(
        session, principal, member_id, accept=body.accept, note=body.note
    )
    return member_public(session, member)


@router.post(
    "/members/{member_id}/profile/confirm",
    response_model=MemberPublic,
    summary="Annual review: confirm the profile is current",
)
def confirm_profile(member_id: int, principal: CurrentUser, session: SessionDep) -> MemberPublic:
    return member_public(session, profiles.confirm_profile(session, principal, member_id))


# ----------------------------------------------------------------------------- evidence


@router.post(
    "/members/{member_id}/evidence",
    response_model=EvidencePublic,
    status_code=status.HTTP_201_CREATED,
    summary="Upload an evidence file (PDF, image, Word, Excel, text)",
)
def upload_evidence(
    member_id: int,
    file: UploadFile,
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    criterion: Annotated[str | None, Form()] = None,
    action_id: Annotated[int | None, Form()] = None,
    note: Annotated[str | None, Form()] = None,
) -> EvidencePublic:
    max_bytes = settings.max_upload_mb * 2**20
    stored = evidence.add_evidence(
        session,
        principal,
        member_id,
        filename=file.filename or "evidence",
        data=read_upload(file, max_bytes),
        content_type=file.content_type,
        max_bytes=max_bytes,
        criterion=criterion or None,
        action_id=action_id,
        note=note,
    )
    return EvidencePublic.model_validate(stored)


@router.get("/members/{member_id}/evidence", response_model=list[EvidencePublic])
def list_evidence(
    member_id: int, principal: CurrentUser, session: SessionDep
) -> list[EvidencePublic]:
    return [
        EvidencePublic.model_validate(e)
        for e in evidence.list_evidence(session, principal, member_id)
    ]


@router.get("/evidence/{evidence_id}", summary="Download an evidence file (hash checked)")
def download_evidence(evidence_id: int, principal: CurrentUser, session: SessionDep) -> Response:
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


# ----------------------------------------------------------------------------- validations


def _action_public(action: Action, org_name: str, on: date) -> ActionPublic:
    return ActionPublic(
        id=action.id,
        member_id=action.member_id,
        organization=org_name,
        validation_id=action.validation_id,
        criterion=action.criterion,
        description=action.description,
        due_on=action.due_on,
        status=action.status,
        overdue=action.status == "open" and action.due_on < on,
        response=action.response,
        responded_on=action.responded_on,
        closed_on=action.closed_on,
        follow_up=list(action.follow_up or []),
    )


def _validation_detail(session: Session, validation: Validation) -> ValidationDetailPublic:
    member = session.get(Member, validation.member_id)
    org = session.get(Organization, member.org_id) if member else None
    name = org.name if org else ""
    return ValidationDetailPublic(
        **ValidationPublic.model_validate(validation).model_dump(),
        team=store.team_of(session, validation.id),
        findings=[
            FindingPublic.model_validate(f) for f in store.findings_of(session, validation.id)
        ],
        actions=[
            _action_public(a, name, today())
            for a in store.actions_of_validation(session, validation.id)
        ],
    )


@router.get("/members/{member_id}/validations", response_model=list[ValidationPublic])
def list_validations(
    member_id: int, principal: CurrentUser, session: SessionDep
) -> list[ValidationPublic]:
    found = validations.list_validations(session, principal, member_id)
    return [ValidationPublic.model_validate(v) for v in found]


@router.post(
    "/members/{member_id}/validations",
    response_model=ValidationDetailPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Schedule a validation",
)
def schedule_validation(
    member_id: int, body: ValidationCreate, principal: CurrentUser, session: SessionDep
) -> ValidationDetailPublic:
    v = validations.schedule_validation(
        session,
        principal,
        member_id,
        mode=body.mode.value,
        scheduled_for=body.scheduled_for,
        specialist_ids=body.specialist_ids,
        note=body.note,
    )
    return _validation_detail(session, v)


@router.post(
    "/members/{member_id}/mutual-recognition",
    response_model=ValidationPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Record a partner program's validation under mutual recognition",
)
def mutual_recognition(
    member_id: int, body: MutualRecognitionIn, principal: CurrentUser, session: SessionDep
) -> ValidationPublic:
    v = validations.record_mutual_recognition(
        session,
        principal,
        member_id,
        partner_agency=body.partner_agency,
        partner_program=body.partner_program,
        reference=body.reference,
        validated_on=body.validated_on,
        note=body.note,
    )
    return ValidationPublic.model_validate(v)


@router.get("/validations/{validation_id}", response_model=ValidationDetailPublic)
def get_validation(
    validation_id: int, principal: CurrentUser, session: SessionDep
) -> ValidationDetailPublic:
    return _validation_detail(
        session, validations.get_validation(session, principal, validation_id)
    )


@router.put("/validations/{validation_id}/findings", response_model=ValidationDetailPublic)
def record_findings(
    validation_id: int, body: FindingsIn, principal: CurrentUser, session: SessionDep
) -> ValidationDetailPublic:
    given = [validations.FindingIn(f.criterion, f.kind.value, f.note) for f in body.findings]
    validations.record_findings(session, principal, validation_id, given)
    return _validation_detail(
        session, validations.get_validation(session, principal, validation_id)
    )


@router.post("/validations/{validation_id}/complete", response_model=ValidationDetailPublic)
def complete_validation(
    validation_id: int, body: ValidationComplete, principal: CurrentUser, session: SessionDep
) -> ValidationDetailPublic:
    v = validations.complete_validation(
        session,
        principal,
        validation_id,
        on=body.completed_on,
        outcome=body.outcome.value if body.outcome else None,
        reason=body.reason,
    )
    return _validation_detail(session, v)


@router.post("/validations/{validation_id}/cancel", response_model=ValidationPublic)
def cancel_validation(
    validation_id: int, body: ValidationCancel, principal: CurrentUser, session: SessionDep
) -> ValidationPublic:
    v = validations.cancel_validation(session, principal, validation_id, body.reason)
    return ValidationPublic.model_validate(v)


# ----------------------------------------------------------------------------- actions


@router.get("/actions", response_model=PagePublic[ActionPublic], summary="Required actions")
def list_actions(
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    program: str | None = None,
    member_id: int | None = None,
    status: str | None = None,
    overdue: Annotated[bool, Query(description="Only open actions past their due date")] = False,
) -> PagePublic[ActionPublic]:
    on = today()
    where = store.ActionFilter(member_id, status, on if overdue else None, program)
    found = actions.list_actions(session, principal, where, page)
    return PagePublic(
        items=[_action_public(a, o.name, on) for a, _, o in found.items],
        total=found.total,
        limit=found.limit,
        offset=found.offset,
    )


def _one_action(session: Session, action: Action) -> ActionPublic:
    member = session.get(Member, action.member_id)
    org = session.get(Organization, member.org_id) if member else None
    return _action_public(action, org.name if org else "", today())


@router.post("/actions/{action_id}/respond", response_model=ActionPublic)
def respond(
    action_id: int, body: ActionResponse, principal: CurrentUser, session: SessionDep
) -> ActionPublic:
    action = actions.respond_to_action(session, principal, action_id, body.response)
    return _one_action(session, action)


@router.post("/actions/{action_id}/review", response_model=ActionPublic)
def review(
    action_id: int, body: ActionReview, principal: CurrentUser, session: SessionDep
) -> ActionPublic:
    action = actions.review_response(
        session,
        principal,
        action_id,
        accept=body.accept,
        note=body.note,
        new_due_on=body.new_due_on,
    )
    return _one_action(session, action)


@router.post("/actions/{action_id}/extend", response_model=ActionPublic)
def extend(
    action_id: int, body: ActionExtension, principal: CurrentUser, session: SessionDep
) -> ActionPublic:
    action = actions.extend_action(session, principal, action_id, body.due_on, body.reason)
    return _one_action(session, action)


@router.get("/reminders", response_model=list[ReminderPublic], summary="What falls due")
def reminders(
    principal: CurrentUser,
    session: SessionDep,
    program: str | None = None,
    within_days: Annotated[int, Query(ge=0, le=366)] = 30,
) -> list[ReminderPublic]:
    found = actions.reminders(session, principal, program=program, within_days=within_days)
    return [ReminderPublic(**r.__dict__) for r in found]


router.include_router(api_agency.router)
