"""Use cases: required actions and their follow-up, and the program's reminders.

A required action is open until the member responds; a specialist then accepts the response
(closed) or sends it back (open again, with a note and possibly a new due date). Every step
is appended to the action's follow-up trail. Reminders list what falls due: annual profile
reviews, validations and revalidations, and required actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.errors import Conflict, FieldProblem, InvalidInput, NotFound
from trustlane.paging import Page, PageRequest
from trustlane.programs import store
from trustlane.programs.calendar import today
from trustlane.programs.catalogs import catalog_in_force
from trustlane.programs.membership import get_member, record_event, refresh_tier
from trustlane.programs.models import Action, Evidence, Member
from trustlane.programs.vocab import ACTIVE_STATUSES, ActionStatus
from trustlane.registry.models import Organization


def get_action(session: Session, actor: Principal, action_id: int) -> tuple[Action, Member]:
    actor.require("programs:read")
    action = session.get(Action, action_id)
    if action is None:
        raise NotFound(f"Action {action_id} not found")
    try:
        member = get_member(session, actor, action.member_id)
    except NotFound:
        raise NotFound(f"Action {action_id} not found") from None
    return action, member


@dataclass(frozen=True)
class ActionDetail:
    """A required action with its member, organization and the evidence sent for it."""

    action: Action
    member: Member
    organization: Organization
    evidence: list[Evidence]
    overdue: bool


def action_detail(
    session: Session, actor: Principal, action_id: int, on: date | None = None
) -> ActionDetail:
    """What an action's page shows (404 when the actor may not see the member)."""
    action, member = get_action(session, actor, action_id)
    org = session.get(Organization, member.org_id)
    assert org is not None
    files = [e for e in store.evidence_of(session, member.id) if e.action_id == action.id]
    late = action.status == ActionStatus.open and action.due_on < (on or today())
    return ActionDetail(action, member, org, files, late)


def list_actions(
    session: Session, actor: Principal, where: store.ActionFilter, page: PageRequest
) -> Page[tuple[Action, Member, Organization]]:
    actor.require("programs:read")
    return store.list_actions(session, actor, where, page)


def _trail(action: Action, actor: Principal, on: date, step: str, text: str) -> None:
    # A new list, so that the JSON column sees the change.
    action.follow_up = [
        *action.follow_up,
        {"on": on.isoformat(), "by": actor.label, "step": step, "text": text},
    ]


def respond_to_action(
    session: Session, actor: Principal, action_id: int, response: str, on: date | None = None
) -> Action:
    """The member says how it closed the gap (evidence can be attached to the action)."""
    actor.require("programs:write")
    action, member = get_action(session, actor, action_id)
    if action.status != ActionStatus.open:
        raise Conflict(f"Action {action_id} is {action.status}")
    if not response.strip():
        raise InvalidInput("Say what was done", [FieldProblem("response", "must not be empty")])
    on = on or today()
    before = audit.snapshot(action)
    action.status = ActionStatus.responded.value
    action.response = response.strip()
    action.responded_on = on
    _trail(action, actor, on, "responded", response.strip())
    audit.record(
        session,
        actor,
        "respond",
        "program_action",
        action.id,
        tenant_id=member.org_id,
        before=before,
        after=audit.snapshot(action),
    )
    return action


def review_response(
    session: Session,
    actor: Principal,
    action_id: int,
    *,
    accept: bool,
    note: str = "",
    new_due_on: date | None = None,
    on: date | None = None,
) -> Action:
    """A specialist accepts the member's response (the action closes) or sends it back."""
    actor.require("programs:validate")
    action, member = get_action(session, actor, action_id)
    if action.status != ActionStatus.responded:
        raise Conflict(f"Action {action_id} is {action.status}; there is no response to review")
    if not accept and not note.strip():
        raise InvalidInput(
            "Say what is still missing", [FieldProblem("note", "a refused response needs a note")]
        )
    on = on or today()
    before = audit.snapshot(action)
    if accept:
        action.status = ActionStatus.closed.value
        action.closed_on = on
        _trail(action, actor, on, "closed", note.strip() or "Response accepted.")
    else:
        action.status = ActionStatus.open.value
        if new_due_on is not None:
            action.due_on = new_due_on
        _trail(action, actor, on, "sent_back", note.strip())
    session.flush()
    if accept and member.status in ACTIVE_STATUSES:
        refresh_tier(session, actor, member, catalog_in_force(session, member.program).catalog, on)
    audit.record(
        session,
        actor,
        "close" if accept else "send_back",
        "program_action",
        action.id,
        tenant_id=member.org_id,
        before=before,
        after=audit.snapshot(action),
        summary=note or None,
    )
    return action


def extend_action(
    session: Session,
    actor: Principal,
    action_id: int,
    new_due_on: date,
    reason: str,
    on: date | None = None,
) -> Action:
    """Move an action's due date, with a reason."""
    actor.require("programs:validate")
    action, member = get_action(session, actor, action_id)
    if action.status == ActionStatus.closed:
        raise Conflict(f"Action {action_id} is closed")
    problems = []
    if not reason.strip():
        problems.append(FieldProblem("reason", "must not be empty"))
    if new_due_on <= action.due_on:
        problems.append(FieldProblem("due_on", f"must be after {action.due_on.isoformat()}"))
    if problems:
        raise InvalidInput("The due date cannot be moved", problems)
    on = on or today()
    before = audit.snapshot(action)
    _trail(
        action,
        actor,
        on,
        "extended",
        f"Due date moved from {action.due_on.isoformat()} to {new_due_on.isoformat()}: {reason}",
    )
    action.due_on = new_due_on
    record_event(session, member, actor, "action_extended", action.follow_up[-1]["text"], on)
    audit.record(
        session,
        actor,
        "extend",
        "program_action",
        action.id,
        tenant_id=member.org_id,
        before=before,
        after=audit.snapshot(action),
        summary=reason,
    )
    return action


@dataclass(frozen=True)
class Reminder:
    """Something that falls due, for whom, and a sentence saying so."""

    kind: str  # profile_review | validation | action
    member_id: int
    organization: str
    due_on: date
    overdue: bool
    text: str
    action_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "due_on": self.due_on.isoformat()}


def reminders(
    session: Session,
    actor: Principal,
    *,
    program: str | None = None,
    within_days: int = 30,
    on: date | None = None,
) -> list[Reminder]:
    """What falls due within ``within_days`` of ``on`` (and what is already overdue)."""
    actor.require("programs:read")
    on = on or today()
    horizon = on + timedelta(days=within_days)
    out: list[Reminder] = []
    stmt = sa.select(Member, Organization).join(Organization, Organization.id == Member.org_id)
    stmt = store.visible_members(stmt, actor).where(
        Member.status.in_([s.value for s in ACTIVE_STATUSES]),
        sa.or_(Member.profile_review_due <= horizon, Member.validation_due <= horizon),
    )
    if program:
        stmt = stmt.where(Member.program == program)
    for member, org in session.execute(stmt):
        for kind, due, what in (
            ("profile_review", member.profile_review_due, "annual security profile review"),
            ("validation", member.validation_due, "validation"),
        ):
            if due is None or due > horizon:
                continue
            late = due < on
            text = (
                f"{org.name}: {what} overdue since {due.isoformat()}."
                if late
                else f"{org.name}: {what} due by {due.isoformat()}."
            )
            out.append(Reminder(kind, member.id, org.name, due, late, text))
    for action, member, org in store.open_actions_due(session, actor, horizon, program):
        late = action.due_on < on
        text = f"{org.name}: required action on criterion {action.criterion} " + (
            f"overdue since {action.due_on.isoformat()}." if late else f"due by {action.due_on}."
        )
        out.append(
            Reminder("action", member.id, org.name, action.due_on, late, text, action_id=action.id)
        )
    return sorted(out, key=lambda r: (r.due_on, r.member_id, r.kind))
