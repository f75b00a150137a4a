"""Use cases: the security profile: a member's answer to each criterion that applies to it,
its submission, the agency's review (acceptance certifies the member) and the annual review.

Only the member (or the agency administrator acting for it) writes the profile; specialists
read it and review it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.errors import Conflict, FieldProblem, InvalidInput
from trustlane.programs import store
from trustlane.programs.calendar import add_months, today
from trustlane.programs.catalog import Criterion
from trustlane.programs.catalogs import catalog_in_force
from trustlane.programs.membership import certify, get_member, record_event
from trustlane.programs.models import Answer, Member, Profile
from trustlane.programs.vocab import AnswerStatus, MemberStatus, ProfileStatus

#: Answers that must explain themselves: how it is done, or why it does not apply.
NARRATIVE_NEEDED = {AnswerStatus.implemented, AnswerStatus.partial, AnswerStatus.not_applicable}


@dataclass(frozen=True)
class AnswerIn:
    criterion: str
    status: str
    narrative: str = ""
    row: int | None = None  # the row of the file it came from, for error messages


@dataclass(frozen=True)
class ProfileLine:
    """One applicable criterion with the member's answer (None when unanswered)."""

    criterion: Criterion
    answer: Answer | None
    evidence: int


@dataclass(frozen=True)
class ProfileView:
    member: Member
    profile: Profile
    lines: list[ProfileLine]

    @property
    def answered(self) -> int:
        return sum(1 for line in self.lines if line.answer is not None)


def _profile(session: Session, member: Member) -> Profile:
    profile = store.profile_of(session, member.id)
    if profile is None:  # every membership gets one on application
        raise Conflict(f"Member {member.id} has no security profile")
    return profile


def _answers(session: Session, profile: Profile) -> dict[str, Answer]:
    rows = session.scalars(sa.select(Answer).where(Answer.profile_id == profile.id))
    return {a.criterion: a for a in rows}


def get_profile(
    session: Session, actor: Principal, member_id: int, on: date | None = None
) -> ProfileView:
    """The profile: every criterion in force for the member's entity type, with its answer."""
    member = get_member(session, actor, member_id)
    profile = _profile(session, member)
    catalog = catalog_in_force(session, member.program).catalog
    answers = _answers(session, profile)
    evidence = store.evidence_counts(session, member.id)
    lines = [
        ProfileLine(c, answers.get(c.id), evidence.get(c.id, 0))
        for c in catalog.applicable(member.entity_type, on or today())
    ]
    return ProfileView(member, profile, lines)


def _writable(actor: Principal, member: Member, profile: Profile) -> None:
    actor.require("programs:write")
    if member.status in (MemberStatus.removed, MemberStatus.rejected):
        raise Conflict(f"Member {member.id} is {member.status}; apply again first")
    if profile.status == ProfileStatus.submitted:
        raise Conflict("The profile is under review; it can change again once reviewed")


def set_answers(
    session: Session,
    actor: Principal,
    member_id: int,
    answers: Sequence[AnswerIn],
    on: date | None = None,
) -> ProfileView:
    """Record answers (create or replace per criterion); all or nothing.

    ``row`` in a problem is the answer's own ``row`` (its file row) or its position in
    ``answers`` (1-based).
    """
    member = get_member(session, actor, member_id)
    profile = _profile(session, member)
    _writable(actor, member, profile)
    catalog = catalog_in_force(session, member.program).catalog
    applicable = {c.id for c in catalog.applicable(member.entity_type, on or today())}
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    for position, given in enumerate(answers, start=1):
        row = given.row or position
        if given.criterion not in applicable:
            problems.append(
                FieldProblem(
                    "criterion",
                    f"not a criterion in force for {member.entity_type} in {member.program}",
                    row,
                    given.criterion,
                )
            )
        elif given.criterion in seen:
            problems.append(FieldProblem("criterion", "answered twice", row, given.criterion))
        seen.add(given.criterion)
        if given.status not in AnswerStatus.__members__:
            problems.append(
                FieldProblem("status", f"one of: {', '.join(AnswerStatus)}", row, given.status)
            )
        elif AnswerStatus(given.status) in NARRATIVE_NEEDED and not given.narrative.strip():
            problems.append(
                FieldProblem(
                    "narrative", f"explain the answer ({given.status} needs a narrative)", row
                )
            )
    if problems:
        raise InvalidInput("Some answers are not valid; none were saved", problems)
    existing = _answers(session, profile)
    for given in answers:
        answer = existing.get(given.criterion)
        if answer is None:
            answer = Answer(profile_id=profile.id, criterion=given.criterion)
            session.add(answer)
        answer.status = given.status
        answer.narrative = given.narrative.strip()
        answer.updated_by = actor.label
    if profile.status == ProfileStatus.returned:
        profile.status = ProfileStatus.draft.value
    session.flush()
    audit.record(
        session,
        actor,
        "answer",
        "program_profile",
        profile.id,
        tenant_id=member.org_id,
        summary=f"{len(answers)} answers for member {member.id}",
        after={"answers": [{"criterion": a.criterion, "status": a.status} for a in answers]},
    )
    return get_profile(session, actor, member_id, on)


def submit_profile(
    session: Session, actor: Principal, member_id: int, on: date | None = None
) -> Profile:
    """Send the profile for review; every criterion in force must be answered."""
    on = on or today()
    view = get_profile(session, actor, member_id, on)
    _writable(actor, view.member, view.profile)
    missing = [line.criterion.id for line in view.lines if line.answer is None]
    if missing:
        raise InvalidInput(
            f"{len(missing)} criteria are not answered yet",
            [FieldProblem("criterion", f"{cid} has no answer", value=cid) for cid in missing],
        )
    before = audit.snapshot(view.profile)
    view.profile.status = ProfileStatus.submitted.value
    view.profile.submitted_on = on
    record_event(
        session,
        view.member,
        actor,
        "profile_submitted",
        f"Security profile submitted with {len(view.lines)} answers.",
        on,
    )
    audit.record(
        session,
        actor,
        "submit",
        "program_profile",
        view.profile.id,
        tenant_id=view.member.org_id,
        before=before,
        after=audit.snapshot(view.profile),
    )
    return view.profile


def review_profile(
    session: Session,
    actor: Principal,
    member_id: int,
    *,
    accept: bool,
    note: str = "",
    on: date | None = None,
) -> Member:
    """The agency accepts the submitted profile (an applicant is then certified) or returns it
    to the member with a note saying what to fix."""
    actor.require("programs:validate")
    on = on or today()
    member = get_member(session, actor, member_id)
    profile = _profile(session, member)
    if profile.status != ProfileStatus.submitted:
        raise Conflict(f"The profile of member {member_id} is {profile.status}, not submitted")
    if not accept and not note.strip():
        raise InvalidInput(
            "Say what to fix", [FieldProblem("note", "a returned profile needs a note")]
        )
    before = audit.snapshot(member)
    profile.status = (ProfileStatus.accepted if accept else ProfileStatus.returned).value
    profile.reviewed_on, profile.reviewed_by = on, actor.label
    profile.review_note = note.strip() or None
    catalog = catalog_in_force(session, member.program).catalog
    if accept:
        profile.confirmed_on = on
        record_event(session, member, actor, "profile_accepted", note or "Profile accepted.", on)
        if member.status == MemberStatus.applied:
            certify(session, actor, member, catalog, on)
        else:
            member.profile_review_due = add_months(on, catalog.policy.profile_review_months)
    else:
        record_event(session, member, actor, "profile_returned", note.strip(), on)
    audit.record(
        session,
        actor,
        "accept" if accept else "return",
        "program_profile",
        profile.id,
        tenant_id=member.org_id,
        before=before,
        after=audit.snapshot(member),
        summary=note or None,
    )
    return member


def confirm_profile(
    session: Session, actor: Principal, member_id: int, on: date | None = None
) -> Member:
    """The member's annual review: it confirms that its profile is current."""
    on = on or today()
    member = get_member(session, actor, member_id)
    profile = _profile(session, member)
    _writable(actor, member, profile)
    if profile.status != ProfileStatus.accepted:
        raise Conflict("Only an accepted profile is reviewed each year; submit it first")
    catalog = catalog_in_force(session, member.program).catalog
    view = get_profile(session, actor, member_id, on)
    missing = [line.criterion.id for line in view.lines if line.answer is None]
    if missing:
        # Criteria that took effect since the last review must be answered first.
        raise InvalidInput(
            f"{len(missing)} criteria in force since the last review are not answered",
            [FieldProblem("criterion", f"{cid} has no answer", value=cid) for cid in missing],
        )
    before = audit.snapshot(member)
    profile.confirmed_on = on
    member.profile_review_due = add_months(on, catalog.policy.profile_review_months)
    record_event(
        session,
        member,
        actor,
        "profile_reviewed",
        f"Annual profile review done; next due by {member.profile_review_due.isoformat()}.",
        on,
    )
    audit.record(
        session,
        actor,
        "confirm",
        "program_profile",
        profile.id,
        tenant_id=member.org_id,
        before=before,
        after=audit.snapshot(member),
    )
    return member
