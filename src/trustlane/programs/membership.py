"""Use cases: memberships: apply, read, list, assign a specialist, tiers, suspension,
removal, rejection and reinstatement.

A membership is one organization in one program as one entity type (an importer and a
highway carrier of the same group hold two accounts). Every change of status writes a member
event (the program's history of the member) and the audit log, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.models import User
from trustlane.access.principal import Principal
from trustlane.access.roles import Role
from trustlane.errors import Conflict, FieldProblem, InvalidInput, NotFound
from trustlane.paging import Page, PageRequest
from trustlane.programs import store
from trustlane.programs.calendar import add_months, add_years, today
from trustlane.programs.catalog import Catalog
from trustlane.programs.catalogs import catalog_in_force
from trustlane.programs.models import Member, MemberEvent, Profile, Validation
from trustlane.programs.verdicts import Reason, TierFacts, propose_tier
from trustlane.programs.vocab import (
    ACTIVE_STATUSES,
    MemberStatus,
    Outcome,
    ProfileStatus,
    StatusReason,
)
from trustlane.registry.models import Organization
from trustlane.registry.vocab import TradeRole


def get_member(session: Session, actor: Principal, member_id: int) -> Member:
    """The membership, when ``actor`` may see it (404 otherwise, never a hint it exists)."""
    actor.require("programs:read")
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(f"Member {member_id} not found")
    actor.require_tenant(member.org_id, f"Member {member_id}")
    if store.is_specialist(actor) and not store.is_assigned(session, member, actor.user_id):
        raise NotFound(f"Member {member_id} not found")
    return member


def list_members(
    session: Session, actor: Principal, where: store.MemberFilter, page: PageRequest
) -> Page[tuple[Member, Organization]]:
    actor.require("programs:read")
    return store.list_members(session, actor, where, page)


def record_event(
    session: Session,
    member: Member,
    actor: Principal,
    kind: str,
    text: str,
    on: date,
    reason_code: str | None = None,
) -> None:
    session.add(
        MemberEvent(
            member_id=member.id,
            on=on,
            kind=kind,
            reason_code=reason_code,
            text=text,
            actor=actor.label,
        )
    )


def apply(
    session: Session,
    actor: Principal,
    *,
    org_id: int,
    program: str,
    entity_type: str,
    on: date | None = None,
) -> Member:
    """An organization applies to a program as an entity type; its security profile opens.

    A trade member applies for itself; the agency may register an application for anyone.
    An earlier membership that was removed or rejected is re-opened.
    """
    # A trade member applies for itself; the agency registers applications it receives.
    actor.require("programs:validate" if actor.is_agency else "programs:write")
    actor.require_tenant(org_id, f"Organization {org_id}")
    on = on or today()
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound(f"Organization {org_id} not found")
    catalog = catalog_in_force(session, program).catalog
    problems = []
    if org.kind != "trade":
        problems.append(FieldProblem("org_id", "only trade organizations join programs"))
    if entity_type not in catalog.entity_types:
        problems.append(
            FieldProblem(
                "entity_type",
                f"not an entity type of {program}; one of: {', '.join(catalog.entity_types)}",
                value=entity_type,
            )
        )
    elif entity_type in TradeRole.__members__ and entity_type not in {r.role for r in org.roles}:
        problems.append(
            FieldProblem(
                "entity_type",
                f"{org.name} does not hold the trade role {entity_type} in the registry",
                value=entity_type,
            )
        )
    if problems:
        raise InvalidInput("The application is not valid", problems)
    member = store.find_member(session, program, org_id, entity_type)
    if member is not None and member.status not in (MemberStatus.removed, MemberStatus.rejected):
        raise Conflict(
            f"{org.name} already holds membership {member.id} of {program} as {entity_type} "
            f"({member.status})"
        )
    before = audit.snapshot(member) if member is not None else None
    if member is None:
        member = Member(program=program, org_id=org_id, entity_type=entity_type)
        session.add(member)
    member.status = MemberStatus.applied.value
    member.applied_on = on
    member.certified_on = member.last_validated_on = member.validation_due = None
    member.profile_review_due = None
    member.tier, member.tier_reasons = None, []
    member.status_reason_code = member.status_reason = member.status_before_suspension = None
    session.flush()
    if member.account_number is None:
        member.account_number = f"{program.upper()}-{member.id:07d}"
    profile = store.profile_of(session, member.id)
    if profile is None:
        session.add(Profile(member_id=member.id, status=ProfileStatus.draft.value))
    else:
        profile.status = ProfileStatus.draft.value
    kind = "reapplied" if before else "applied"
    record_event(
        session,
        member,
        actor,
        kind,
        f"{org.name} applied to {catalog.title} as {catalog.entity_types[entity_type]}.",
        on,
    )
    session.flush()
    audit.record(
        session,
        actor,
        "apply",
        "program_member",
        member.id,
        tenant_id=org_id,
        before=before,
        after=audit.snapshot(member),
    )
    return member


def tier_facts(session: Session, member: Member) -> TierFacts:
    last = store.last_completed_validation(session, member.id)
    return TierFacts(
        status=MemberStatus(member.status),
        certified_on=member.certified_on,
        last_validated_on=member.last_validated_on,
        last_outcome=Outcome(last.outcome) if last is not None and last.outcome else None,
        last_basis=last.basis if last is not None else None,
        last_required_actions=last.n_required_actions if last is not None else 0,
        last_best_practices=last.n_best_practices if last is not None else 0,
        open_actions=store.open_action_count(session, member.id),
    )


def refresh_tier(
    session: Session, actor: Principal, member: Member, catalog: Catalog, on: date
) -> None:
    """Set the tier the rules give; a change is written to the member's history."""
    tier, reasons = propose_tier(tier_facts(session, member), catalog)
    if tier != member.tier:
        text = reasons[0].text
        record_event(session, member, actor, "tier", text, on, reasons[0].code)
    member.tier = tier
    member.tier_reasons = [r.as_dict() for r in reasons]


def certify(session: Session, actor: Principal, member: Member, catalog: Catalog, on: date) -> None:
    """The profile was accepted: the member is certified, tier I, validation to come."""
    member.status = MemberStatus.certified.value
    member.certified_on = on
    member.validation_due = add_months(on, catalog.policy.first_validation_months)
    member.profile_review_due = add_months(on, catalog.policy.profile_review_months)
    record_event(
        session,
        member,
        actor,
        "certified",
        f"Certified on {on.isoformat()}; first validation due by "
        f"{member.validation_due.isoformat()}.",
        on,
    )
    refresh_tier(session, actor, member, catalog, on)


def after_validation(
    session: Session,
    actor: Principal,
    member: Member,
    validation: Validation,
    catalog: Catalog,
    on: date,
) -> None:
    """Member status, cycle dates and tier after a completed validation."""
    if validation.outcome == Outcome.failed:
        if member.status in ACTIVE_STATUSES:
            change_status(
                session,
                actor,
                member,
                MemberStatus.suspended,
                StatusReason.validation_failed,
                f"Validation {validation.id} failed on {on.isoformat()}: "
                + "; ".join(r["text"] for r in validation.outcome_reasons),
                on,
            )
        return
    member.last_validated_on = on
    member.validation_due = add_years(on, catalog.policy.revalidation_years)
    if member.status == MemberStatus.certified:
        member.status = MemberStatus.validated.value
    record_event(
        session,
        member,
        actor,
        "validated",
        f"Validation {validation.id} {validation.outcome} on {on.isoformat()}; next validation "
        f"due by {member.validation_due.isoformat()}.",
        on,
    )
    refresh_tier(session, actor, member, catalog, on)


#: Which status changes are allowed, from → to.
_ALLOWED = {
    MemberStatus.suspended: set(ACTIVE_STATUSES),
    MemberStatus.removed: {
        MemberStatus.applied,
        MemberStatus.certified,
        MemberStatus.validated,
        MemberStatus.suspended,
    },
    MemberStatus.rejected: {MemberStatus.applied},
}


_AUDIT_ACTION = {
    MemberStatus.suspended: "suspend",
    MemberStatus.removed: "remove",
    MemberStatus.rejected: "reject",
}


def change_status(
    session: Session,
    actor: Principal,
    member: Member,
    to: MemberStatus,
    reason_code: StatusReason,
    reason: str,
    on: date,
) -> None:
    """Suspend, remove or reject (internal; the use cases below check who may)."""
    if MemberStatus(member.status) not in _ALLOWED[to]:
        raise Conflict(f"A member that is {member.status} cannot be {to.value}")
    if not reason.strip():
        raise InvalidInput("A reason is needed", [FieldProblem("reason", "must not be empty")])
    if to == MemberStatus.suspended:
        member.status_before_suspension = member.status
    member.status = to.value
    member.status_reason_code = reason_code.value
    member.status_reason = reason.strip()
    record_event(session, member, actor, to.value, reason.strip(), on, reason_code.value)
    catalog = catalog_in_force(session, member.program).catalog
    refresh_tier(session, actor, member, catalog, on)


def set_status(
    session: Session,
    actor: Principal,
    member_id: int,
    to: MemberStatus,
    reason_code: StatusReason | str,
    reason: str,
    on: date | None = None,
) -> Member:
    """Suspend, remove or reject a membership, with a reason code and a sentence."""
    actor.require("programs:validate")
    member = get_member(session, actor, member_id)
    if to not in _ALLOWED:
        raise InvalidInput(
            "Unknown change", [FieldProblem("status", "one of: suspended, removed, rejected")]
        )
    try:
        code = StatusReason(reason_code)
    except ValueError as exc:
        raise InvalidInput(
            "Unknown reason",
            [FieldProblem("reason_code", f"one of: {', '.join(StatusReason)}", value=reason_code)],
        ) from exc
    before = audit.snapshot(member)
    change_status(session, actor, member, to, code, reason, on or today())
    audit.record(
        session,
        actor,
        _AUDIT_ACTION[to],
        "program_member",
        member.id,
        tenant_id=member.org_id,
        before=before,
        after=audit.snapshot(member),
        summary=reason,
    )
    return member


def reinstate(
    session: Session, actor: Principal, member_id: int, reason: str, on: date | None = None
) -> Member:
    """Lift a suspension: the member returns to its status before it, tier recomputed."""
    actor.require("programs:validate")
    member = get_member(session, actor, member_id)
    if member.status != MemberStatus.suspended:
        raise Conflict(f"Member {member_id} is {member.status}, not suspended")
    if not reason.strip():
        raise InvalidInput("A reason is needed", [FieldProblem("reason", "must not be empty")])
    on = on or today()
    before = audit.snapshot(member)
    member.status = member.status_before_suspension or MemberStatus.certified.value
    member.status_before_suspension = None
    member.status_reason_code, member.status_reason = None, None
    record_event(session, member, actor, "reinstated", reason.strip(), on)
    refresh_tier(session, actor, member, catalog_in_force(session, member.program).catalog, on)
    audit.record(
        session,
        actor,
        "reinstate",
        "program_member",
        member.id,
        tenant_id=member.org_id,
        before=before,
        after=audit.snapshot(member),
        summary=reason,
    )
    return member


def set_tier(
    session: Session,
    actor: Principal,
    member_id: int,
    tier: int,
    reason: str,
    on: date | None = None,
) -> Member:
    """A specialist's override of the tier the rules give, kept with its reason."""
    actor.require("programs:validate")
    member = get_member(session, actor, member_id)
    if member.status not in ACTIVE_STATUSES:
        raise Conflict(f"Member {member_id} is {member.status}; only active members hold a tier")
    if tier not in (1, 2, 3):
        raise InvalidInput("Unknown tier", [FieldProblem("tier", "must be 1, 2 or 3", value=tier)])
    if not reason.strip():
        raise InvalidInput("A reason is needed", [FieldProblem("reason", "must not be empty")])
    on = on or today()
    before = audit.snapshot(member)
    catalog = catalog_in_force(session, member.program).catalog
    proposed, proposed_reasons = propose_tier(tier_facts(session, member), catalog)
    member.tier = tier
    member.tier_reasons = [
        Reason("override", f"Set to tier {tier} by {actor.label}: {reason.strip()}").as_dict(),
        *(
            Reason(f"rules_{r.code}", f"The rules give tier {proposed}: {r.text}").as_dict()
            for r in proposed_reasons
        ),
    ]
    record_event(session, member, actor, "tier", member.tier_reasons[0]["text"], on, "override")
    audit.record(
        session,
        actor,
        "set_tier",
        "program_member",
        member.id,
        tenant_id=member.org_id,
        before=before,
        after=audit.snapshot(member),
        summary=reason,
    )
    return member


def assign_specialist(
    session: Session, actor: Principal, member_id: int, user_id: int | None
) -> Member:
    """Name the supply-chain security specialist who follows the member (None: nobody)."""
    actor.require("programs:validate")
    member = get_member(session, actor, member_id)
    if user_id is not None:
        require_specialists(session, [user_id], "specialist_user_id")
    before = audit.snapshot(member)
    member.specialist_user_id = user_id
    audit.record(
        session,
        actor,
        "assign",
        "program_member",
        member.id,
        tenant_id=member.org_id,
        before=before,
        after=audit.snapshot(member),
    )
    return member


def require_specialists(session: Session, user_ids: list[int], field: str) -> list[User]:
    """The users, each an active supply-chain security specialist (or agency administrator)."""
    found = store.users_by_id(session, user_ids)
    problems = []
    for uid in user_ids:
        user = found.get(uid)
        if user is None or not user.is_active:
            problems.append(FieldProblem(field, "no such active user", value=uid))
        elif user.role not in (Role.security_specialist, Role.agency_admin):
            problems.append(
                FieldProblem(field, f"{user.email} is not a security specialist", value=uid)
            )
    if problems:
        raise InvalidInput("Not a specialist", problems)
    return [found[u] for u in user_ids]


@dataclass(frozen=True)
class MemberDetail:
    member: Member
    organization: Organization
    profile: Profile | None
    events: list[MemberEvent]
    open_actions: int
    overdue_actions: int
    last_validation: Validation | None
    scheduled_validation: Validation | None
    criteria_in_force: int


def member_detail(
    session: Session, actor: Principal, member_id: int, on: date | None = None
) -> MemberDetail:
    member = get_member(session, actor, member_id)
    on = on or today()
    org = session.get(Organization, member.org_id)
    assert org is not None
    catalog = catalog_in_force(session, member.program).catalog
    page = store.list_actions(
        session,
        actor,
        store.ActionFilter(member_id=member.id, overdue_on=on),
        PageRequest(limit=1),
    )
    return MemberDetail(
        member=member,
        organization=org,
        profile=store.profile_of(session, member.id),
        events=store.member_events(session, member.id),
        open_actions=store.open_action_count(session, member.id),
        overdue_actions=page.total,
        last_validation=store.last_completed_validation(session, member.id),
        scheduled_validation=store.scheduled_validation(session, member.id),
        criteria_in_force=len(catalog.applicable(member.entity_type, on)),
    )


def staff_names(session: Session, actor: Principal, user_ids: list[int]) -> dict[int, str]:
    """Names of agency staff named on records the actor may read (a member's specialist, a
    validation team), by user id; names only, never e-mail addresses."""
    actor.require("programs:read")
    return {uid: u.name for uid, u in store.users_by_id(session, user_ids).items()}
