"""Use cases: validations: schedule (virtual, on site or hybrid, with a team of specialists),
record a finding per criterion, complete with an outcome and its reasons (required actions
then get their due dates), cancel; and validations recognized from a partner program.

A specialist works on the validations whose team it is on (or of members it follows); the
agency administrator on any.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.models import User
from trustlane.access.principal import Principal
from trustlane.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from trustlane.programs import store, store_program
from trustlane.programs.calendar import today
from trustlane.programs.catalog import Catalog, Criterion
from trustlane.programs.catalogs import catalog_in_force
from trustlane.programs.membership import (
    after_validation,
    get_member,
    record_event,
    require_specialists,
)
from trustlane.programs.models import Action, Finding, Member, Validation, ValidationSpecialist
from trustlane.programs.verdicts import Reason, propose_outcome
from trustlane.programs.vocab import (
    ActionStatus,
    FindingKind,
    MemberStatus,
    Outcome,
    ValidationBasis,
    ValidationMode,
    ValidationStatus,
)
from trustlane.registry.models import Organization

#: Members that can be validated: active ones, and suspended ones working towards reinstatement.
VALIDATABLE = (MemberStatus.certified, MemberStatus.validated, MemberStatus.suspended)


@dataclass(frozen=True)
class FindingIn:
    criterion: str
    kind: str
    note: str = ""
    row: int | None = None  # the row of the file it came from, for error messages


def get_validation(session: Session, actor: Principal, validation_id: int) -> Validation:
    actor.require("programs:read")
    validation = session.get(Validation, validation_id)
    if validation is None:
        raise NotFound(f"Validation {validation_id} not found")
    try:
        get_member(session, actor, validation.member_id)
    except NotFound:
        raise NotFound(f"Validation {validation_id} not found") from None
    return validation


def _member_of(session: Session, validation: Validation) -> Member:
    member = session.get(Member, validation.member_id)
    assert member is not None
    return member


def list_validations(session: Session, actor: Principal, member_id: int) -> list[Validation]:
    member = get_member(session, actor, member_id)
    return store.validations_of(session, member.id)


def schedule_validation(
    session: Session,
    actor: Principal,
    member_id: int,
    *,
    mode: str,
    scheduled_for: date,
    specialist_ids: Sequence[int] = (),
    note: str | None = None,
    plan_reasons: list[dict[str, Any]] | None = None,
    on: date | None = None,
) -> Validation:
    """Schedule a validation of the member; one at a time per member (``on``: the day the
    decision is recorded, today by default)."""
    actor.require("programs:validate")
    member = get_member(session, actor, member_id)
    problems = []
    if mode not in ValidationMode.__members__:
        problems.append(FieldProblem("mode", f"one of: {', '.join(ValidationMode)}", value=mode))
    team = list(dict.fromkeys(specialist_ids))
    if not team and member.specialist_user_id is not None:
        team = [member.specialist_user_id]
    if not team and store.is_specialist(actor) and actor.user_id is not None:
        team = [actor.user_id]
    if not team:
        problems.append(FieldProblem("specialist_ids", "assign at least one specialist"))
    if problems:
        raise InvalidInput("The validation cannot be scheduled", problems)
    require_specialists(session, team, "specialist_ids")
    if MemberStatus(member.status) not in VALIDATABLE:
        raise Conflict(f"Member {member_id} is {member.status}; it cannot be validated")
    if store.scheduled_validation(session, member.id) is not None:
        raise Conflict(f"Member {member_id} already has a scheduled validation")
    validation = Validation(
        member_id=member.id,
        program=member.program,
        basis=ValidationBasis.agency.value,
        mode=mode,
        status=ValidationStatus.scheduled.value,
        scheduled_for=scheduled_for,
        plan_reasons=plan_reasons,
        catalog_revision=catalog_in_force(session, member.program).revision,
        note=(note or "").strip() or None,
        outcome_reasons=[],
        created_by=actor.label,
    )
    session.add(validation)
    session.flush()
    session.add_all(ValidationSpecialist(validation_id=validation.id, user_id=u) for u in team)
    record_event(
        session,
        member,
        actor,
        "validation_scheduled",
        f"{mode.replace('_', '-')} validation {validation.id} scheduled for "
        f"{scheduled_for.isoformat()}.",
        on or today(),
    )
    audit.record(
        session,
        actor,
        "schedule",
        "program_validation",
        validation.id,
        tenant_id=member.org_id,
        after={**audit.snapshot(validation), "team": team},
    )
    return validation


def _working_on(session: Session, actor: Principal, validation_id: int) -> Validation:
    """A scheduled validation the actor may work on."""
    actor.require("programs:validate")
    validation = get_validation(session, actor, validation_id)
    if validation.status != ValidationStatus.scheduled:
        raise Conflict(f"Validation {validation_id} is {validation.status}")
    if store.is_specialist(actor) and actor.user_id not in store.team_of(session, validation.id):
        member = _member_of(session, validation)
        if member.specialist_user_id != actor.user_id:
            raise NotFound(f"Validation {validation_id} not found")
    return validation


def _in_force_on(validation: Validation) -> date:
    """The day whose criteria the validation checks: the visit, or today when not given."""
    return validation.scheduled_for or today()


def record_findings(
    session: Session,
    actor: Principal,
    validation_id: int,
    findings: Sequence[FindingIn],
) -> list[Finding]:
    """Record findings (one per criterion; a later one replaces an earlier); all or nothing.

    A required action needs a note saying what must change: it becomes the action's text.
    ``row`` in a problem is the finding's own ``row`` (its file row) or its position.
    """
    validation = _working_on(session, actor, validation_id)
    member = _member_of(session, validation)
    catalog = catalog_in_force(session, member.program).catalog
    applicable = {c.id for c in catalog.applicable(member.entity_type, _in_force_on(validation))}
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    for position, given in enumerate(findings, start=1):
        row = given.row or position
        if given.criterion not in applicable:
            problems.append(
                FieldProblem(
                    "criterion",
                    f"not a criterion in force for {member.entity_type} on "
                    f"{_in_force_on(validation).isoformat()}",
                    row,
                    given.criterion,
                )
            )
        elif given.criterion in seen:
            problems.append(FieldProblem("criterion", "given twice", row, given.criterion))
        seen.add(given.criterion)
        if given.kind not in FindingKind.__members__:
            problems.append(
                FieldProblem("kind", f"one of: {', '.join(FindingKind)}", row, given.kind)
            )
        elif given.kind == FindingKind.required_action and not given.note.strip():
            problems.append(
                FieldProblem("note", "a required action needs a note saying what to fix", row)
            )
    if problems:
        raise InvalidInput("Some findings are not valid; none were recorded", problems)
    existing = {f.criterion: f for f in store.findings_of(session, validation.id)}
    new_rows = []
    for given in findings:
        found = existing.get(given.criterion)
        if found is not None:
            found.kind, found.note = given.kind, given.note.strip() or None
        else:
            new_rows.append(
                {
                    "validation_id": validation.id,
                    "criterion": given.criterion,
                    "kind": given.kind,
                    "note": given.note.strip() or None,
                }
            )
    if new_rows:
        # One executemany for a whole validation's findings instead of an ORM object each.
        session.execute(sa.insert(Finding), new_rows)
    session.flush()
    audit.record(
        session,
        actor,
        "record_findings",
        "program_validation",
        validation.id,
        tenant_id=member.org_id,
        summary=f"{len(findings)} findings",
        after={"findings": [{"criterion": f.criterion, "kind": f.kind} for f in findings]},
    )
    return store.findings_of(session, validation.id)


def complete_validation(
    session: Session,
    actor: Principal,
    validation_id: int,
    *,
    on: date | None = None,
    outcome: str | None = None,
    reason: str = "",
) -> Validation:
    """Close the validation: every criterion in force needs a finding; the outcome is the one
    the findings call for unless the specialist sets another with a reason. Required actions
    get their due date; the member's status, cycle and tier follow."""
    validation = _working_on(session, actor, validation_id)
    member = _member_of(session, validation)
    on = on or today()
    catalog = catalog_in_force(session, member.program).catalog
    findings = {f.criterion: f for f in store.findings_of(session, validation.id)}
    missing = [
        c.id
        for c in catalog.applicable(member.entity_type, _in_force_on(validation))
        if c.id not in findings
    ]
    if missing:
        raise InvalidInput(
            f"{len(missing)} criteria have no finding yet",
            [FieldProblem("findings", f"{c} has no finding", value=c) for c in missing],
        )
    kinds = {cid: FindingKind(f.kind) for cid, f in findings.items()}
    proposed, reasons = propose_outcome(kinds, catalog)
    final = proposed
    if outcome is not None and outcome != proposed:
        if outcome not in Outcome.__members__:
            raise InvalidInput(
                "Unknown outcome",
                [FieldProblem("outcome", f"one of: {', '.join(Outcome)}", value=outcome)],
            )
        if not reason.strip():
            raise InvalidInput(
                "Say why the outcome differs from the proposal",
                [FieldProblem("reason", f"the findings call for {proposed.value}")],
            )
        final = Outcome(outcome)
        reasons = [
            Reason("override", f"Outcome set to {final.value} by {actor.label}: {reason.strip()}"),
            *(
                Reason(f"proposed_{r.code}", f"Proposed {proposed.value}: {r.text}")
                for r in reasons
            ),
        ]
    before = audit.snapshot(validation)
    validation.status = ValidationStatus.completed.value
    validation.completed_on = on
    validation.outcome = final.value
    validation.outcome_reasons = [r.as_dict() for r in reasons]
    counts = {k: sum(1 for v in kinds.values() if v == k) for k in FindingKind}
    validation.n_meets = counts[FindingKind.meets]
    validation.n_required_actions = counts[FindingKind.required_action]
    validation.n_recommendations = counts[FindingKind.recommendation]
    validation.n_best_practices = counts[FindingKind.best_practice]
    due = on + timedelta(days=catalog.policy.action_due_days)
    session.add_all(
        Action(
            member_id=member.id,
            validation_id=validation.id,
            criterion=cid,
            description=findings[cid].note or "",
            due_on=due,
            status=ActionStatus.open.value,
            follow_up=[],
        )
        for cid, kind in kinds.items()
        if kind == FindingKind.required_action
    )
    org = session.get(Organization, member.org_id)
    tally: dict[tuple[str, str], int] = {}
    for cid, kind in kinds.items():
        tally[(cid, kind.value)] = tally.get((cid, kind.value), 0) + 1
    store_program.add_finding_counts(
        session, member.program, on, member.entity_type, org.sector if org else None, tally
    )
    session.flush()
    after_validation(session, actor, member, validation, catalog, on)
    audit.record(
        session,
        actor,
        "complete",
        "program_validation",
        validation.id,
        tenant_id=member.org_id,
        before=before,
        after=audit.snapshot(validation),
        summary=reasons[0].text,
    )
    return validation


def cancel_validation(
    session: Session, actor: Principal, validation_id: int, reason: str
) -> Validation:
    validation = _working_on(session, actor, validation_id)
    if not reason.strip():
        raise InvalidInput("A reason is needed", [FieldProblem("reason", "must not be empty")])
    member = _member_of(session, validation)
    before = audit.snapshot(validation)
    validation.status = ValidationStatus.cancelled.value
    validation.note = reason.strip()
    record_event(
        session,
        member,
        actor,
        "validation_cancelled",
        f"Validation {validation.id}: {reason}",
        today(),
    )
    audit.record(
        session,
        actor,
        "cancel",
        "program_validation",
        validation.id,
        tenant_id=member.org_id,
        before=before,
        after=audit.snapshot(validation),
        summary=reason,
    )
    return validation


def record_mutual_recognition(
    session: Session,
    actor: Principal,
    member_id: int,
    *,
    partner_agency: str,
    partner_program: str,
    reference: str,
    validated_on: date,
    note: str | None = None,
) -> Validation:
    """Record a validation done by a partner program's agency under mutual recognition; it
    counts as this program's validation (tier II at most: best practices are this agency's
    own finding)."""
    actor.require("programs:validate")
    member = get_member(session, actor, member_id)
    problems = [
        FieldProblem(name, "must not be empty")
        for name, value in (
            ("partner_agency", partner_agency),
            ("partner_program", partner_program),
            ("reference", reference),
        )
        if not value.strip()
    ]
    if validated_on > today():
        problems.append(FieldProblem("validated_on", "must not be in the future"))
    if problems:
        raise InvalidInput("The recognized validation is not complete", problems)
    if member.status not in (MemberStatus.certified, MemberStatus.validated):
        raise Conflict(f"Member {member_id} is {member.status}; only active members are validated")
    catalog = catalog_in_force(session, member.program).catalog
    text = (
        f"Validated by {partner_agency.strip()} under {partner_program.strip()} "
        f"(reference {reference.strip()}) on {validated_on.isoformat()}, recognized under the "
        "mutual recognition arrangement."
    )
    validation = Validation(
        member_id=member.id,
        program=member.program,
        basis=ValidationBasis.mutual_recognition.value,
        mode=None,
        status=ValidationStatus.completed.value,
        scheduled_for=validated_on,
        completed_on=validated_on,
        outcome=Outcome.passed.value,
        outcome_reasons=[Reason("mutual_recognition", text).as_dict()],
        partner_agency=partner_agency.strip(),
        partner_program=partner_program.strip(),
        partner_reference=reference.strip(),
        catalog_revision=catalog_in_force(session, member.program).revision,
        note=(note or "").strip() or None,
        created_by=actor.label,
    )
    session.add(validation)
    session.flush()
    after_validation(session, actor, member, validation, catalog, validated_on)
    audit.record(
        session,
        actor,
        "recognize",
        "program_validation",
        validation.id,
        tenant_id=member.org_id,
        after=audit.snapshot(validation),
        summary=text,
    )
    return validation


@dataclass(frozen=True)
class ValidationDetail:
    """What a validation's page shows: the member, the team, each criterion checked with its
    finding, the required actions, and whether the caller may record findings now."""

    validation: Validation
    member: Member
    organization: Organization
    catalog: Catalog
    team: list[User]
    criteria: list[Criterion]  # in force for the member's entity type on the visit day
    findings: dict[str, Finding]
    actions: list[Action]
    may_record: bool


def validation_detail(session: Session, actor: Principal, validation_id: int) -> ValidationDetail:
    """A validation with everything its page shows (404 when the actor may not see it)."""
    validation = get_validation(session, actor, validation_id)
    member = _member_of(session, validation)
    org = session.get(Organization, member.org_id)
    assert org is not None
    catalog = catalog_in_force(session, member.program).catalog
    agency_made = validation.basis == ValidationBasis.agency
    criteria = (
        catalog.applicable(member.entity_type, _in_force_on(validation)) if agency_made else []
    )
    try:
        _working_on(session, actor, validation.id)
        may_record = True
    except (Forbidden, Conflict, NotFound):
        may_record = False
    users = store.users_by_id(session, store.team_of(session, validation.id))
    return ValidationDetail(
        validation=validation,
        member=member,
        organization=org,
        catalog=catalog,
        team=sorted(users.values(), key=lambda u: u.id),
        criteria=criteria,
        findings={f.criterion: f for f in store.findings_of(session, validation.id)},
        actions=store.actions_of_validation(session, validation.id),
        may_record=may_record,
    )
