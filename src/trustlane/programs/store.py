"""The programs package's SQL: every query that is more than a ``session.get``.

Visibility of members is decided here once (:func:`visible_members`): a trade member sees its
own organization's memberships, a supply-chain security specialist the members assigned to
it (as their specialist or on one of their validations), other agency roles every member.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access.models import User
from trustlane.access.principal import Principal
from trustlane.access.roles import Role
from trustlane.db import in_batches
from trustlane.paging import Page, PageRequest, paginate
from trustlane.programs.models import (
    AccountManager,
    Action,
    CatalogRevision,
    Evidence,
    Finding,
    Member,
    MemberEvent,
    Profile,
    Specialist,
    Validation,
    ValidationSpecialist,
)
from trustlane.programs.vocab import ActionStatus, ValidationStatus
from trustlane.registry.models import Organization

# ----------------------------------------------------------------------------- catalogs


def latest_catalog_revision(session: Session, program: str) -> CatalogRevision | None:
    return session.scalar(
        sa.select(CatalogRevision)
        .where(CatalogRevision.program == program)
        .order_by(CatalogRevision.revision.desc())
        .limit(1)
    )


def catalog_revision(session: Session, program: str, revision: int) -> CatalogRevision | None:
    return session.scalar(
        sa.select(CatalogRevision).where(
            CatalogRevision.program == program, CatalogRevision.revision == revision
        )
    )


def catalog_programs(session: Session) -> list[str]:
    return list(session.scalars(sa.select(CatalogRevision.program).distinct()))


def next_catalog_revision(session: Session, program: str) -> int:
    current = session.scalar(
        sa.select(sa.func.max(CatalogRevision.revision)).where(CatalogRevision.program == program)
    )
    return int(current or 0) + 1


# ----------------------------------------------------------------------------- visibility


def is_specialist(actor: Principal) -> bool:
    return actor.role == Role.security_specialist


def _assigned_member_ids(user_id: int) -> sa.Select[Any]:
    on_team = (
        sa.select(Validation.member_id)
        .join(ValidationSpecialist, ValidationSpecialist.validation_id == Validation.id)
        .where(ValidationSpecialist.user_id == user_id)
    )
    mine = sa.select(Member.id).where(Member.specialist_user_id == user_id)
    return sa.union(mine, on_team)  # type: ignore[return-value]


SelectT = TypeVar("SelectT", bound=sa.Select[*tuple[Any, ...]])


def visible_members(stmt: SelectT, actor: Principal) -> SelectT:
    """``stmt`` (which selects from ``Member``) narrowed to what ``actor`` may see."""
    if actor.tenant_id is not None:
        return stmt.where(Member.org_id == actor.tenant_id)
    if is_specialist(actor):
        return stmt.where(Member.id.in_(_assigned_member_ids(actor.user_id or -1)))
    return stmt


def is_assigned(session: Session, member: Member, user_id: int | None) -> bool:
    """True when ``user_id`` follows ``member`` or is on one of its validations."""
    if user_id is None:
        return False
    if member.specialist_user_id == user_id:
        return True
    on_team = sa.exists().where(
        ValidationSpecialist.user_id == user_id,
        ValidationSpecialist.validation_id == Validation.id,
        Validation.member_id == member.id,
    )
    return bool(session.scalar(sa.select(on_team)))


# ----------------------------------------------------------------------------- members


def find_member(session: Session, program: str, org_id: int, entity_type: str) -> Member | None:
    return session.scalar(
        sa.select(Member).where(
            Member.program == program, Member.org_id == org_id, Member.entity_type == entity_type
        )
    )


@dataclass(frozen=True)
class MemberFilter:
    program: str | None = None
    status: str | None = None
    entity_type: str | None = None
    sector: str | None = None
    tier: int | None = None
    org_id: int | None = None
    q: str | None = None


MEMBER_SORTS = {
    "id": Member.id,
    "status": Member.status,
    "tier": Member.tier,
    "validation_due": Member.validation_due,
    "name": Organization.name,
    "applied_on": Member.applied_on,
}


def list_members(
    session: Session, actor: Principal, where: MemberFilter, page: PageRequest
) -> Page[Any]:
    """Rows of (Member, Organization) visible to ``actor``."""
    stmt = sa.select(Member, Organization).join(Organization, Organization.id == Member.org_id)
    stmt = visible_members(stmt, actor)
    if where.program:
        stmt = stmt.where(Member.program == where.program)
    if where.status:
        stmt = stmt.where(Member.status == where.status)
    if where.entity_type:
        stmt = stmt.where(Member.entity_type == where.entity_type)
    if where.sector:
        stmt = stmt.where(Organization.sector == where.sector)
    if where.tier is not None:
        stmt = stmt.where(Member.tier == where.tier)
    if where.org_id is not None:
        stmt = stmt.where(Member.org_id == where.org_id)
    if where.q:
        stmt = stmt.where(Organization.name_key.like(f"%{where.q.lower()}%"))
    return paginate(
        session, cast(sa.Select[Any], stmt), page, MEMBER_SORTS, [Member.id], scalars=False
    )


def profile_of(session: Session, member_id: int) -> Profile | None:
    return session.scalar(sa.select(Profile).where(Profile.member_id == member_id))


def member_events(session: Session, member_id: int) -> list[MemberEvent]:
    return list(
        session.scalars(
            sa.select(MemberEvent)
            .where(MemberEvent.member_id == member_id)
            .order_by(MemberEvent.on, MemberEvent.id)
        )
    )


def open_action_count(session: Session, member_id: int) -> int:
    return int(
        session.scalar(
            sa.select(sa.func.count())
            .select_from(Action)
            .where(Action.member_id == member_id, Action.status != ActionStatus.closed)
        )
        or 0
    )


def last_completed_validation(session: Session, member_id: int) -> Validation | None:
    return session.scalar(
        sa.select(Validation)
        .where(Validation.member_id == member_id, Validation.status == ValidationStatus.completed)
        .order_by(Validation.completed_on.desc(), Validation.id.desc())
        .limit(1)
    )


def scheduled_validation(session: Session, member_id: int) -> Validation | None:
    return session.scalar(
        sa.select(Validation).where(
            Validation.member_id == member_id, Validation.status == ValidationStatus.scheduled
        )
    )


def users_by_id(session: Session, user_ids: Sequence[int]) -> dict[int, User]:
    if not user_ids:
        return {}
    return {
        u.id: u for u in session.scalars(sa.select(User).where(User.id.in_(list(set(user_ids)))))
    }


# ----------------------------------------------------------------------------- validations


def validations_of(session: Session, member_id: int) -> list[Validation]:
    return list(
        session.scalars(
            sa.select(Validation)
            .where(Validation.member_id == member_id)
            .order_by(Validation.id.desc())
        )
    )


def team_of(session: Session, validation_id: int) -> list[int]:
    return list(
        session.scalars(
            sa.select(ValidationSpecialist.user_id)
            .where(ValidationSpecialist.validation_id == validation_id)
            .order_by(ValidationSpecialist.user_id)
        )
    )


def findings_of(session: Session, validation_id: int) -> list[Finding]:
    return list(session.scalars(sa.select(Finding).where(Finding.validation_id == validation_id)))


def actions_of_validation(session: Session, validation_id: int) -> list[Action]:
    return list(
        session.scalars(
            sa.select(Action).where(Action.validation_id == validation_id).order_by(Action.id)
        )
    )


@dataclass(frozen=True)
class ActionFilter:
    member_id: int | None = None
    status: str | None = None
    overdue_on: date | None = None  # only actions open past their due date on this day
    program: str | None = None
    q: str | None = None  # part of the organization's name


def list_actions(
    session: Session, actor: Principal, where: ActionFilter, page: PageRequest
) -> Page[Any]:
    """Rows of (Action, Member, Organization) visible to ``actor``."""
    stmt = (
        sa.select(Action, Member, Organization)
        .join(Member, Member.id == Action.member_id)
        .join(Organization, Organization.id == Member.org_id)
    )
    stmt = visible_members(stmt, actor)
    if where.member_id is not None:
        stmt = stmt.where(Action.member_id == where.member_id)
    if where.status:
        stmt = stmt.where(Action.status == where.status)
    if where.program:
        stmt = stmt.where(Member.program == where.program)
    if where.overdue_on is not None:
        stmt = stmt.where(Action.status == ActionStatus.open, Action.due_on < where.overdue_on)
    if where.q:
        stmt = stmt.where(Organization.name_key.like(f"%{where.q.lower()}%"))
    sorts = {"due_on": Action.due_on, "id": Action.id, "status": Action.status}
    return paginate(
        session,
        cast(sa.Select[Any], stmt),
        page,
        sorts,
        [Action.due_on, Action.id],
        scalars=False,
    )


def open_actions_due(
    session: Session, actor: Principal, due_by: date, program: str | None
) -> list[tuple[Action, Member, Organization]]:
    """Open actions due on or before ``due_by`` that ``actor`` may see, earliest first."""
    stmt = (
        sa.select(Action, Member, Organization)
        .join(Member, Member.id == Action.member_id)
        .join(Organization, Organization.id == Member.org_id)
        .where(
            Action.status == ActionStatus.open,
            Action.due_on <= due_by,
            # Removed or rejected members have nothing left to close.
            Member.status.in_(["certified", "validated", "suspended"]),
        )
        .order_by(Action.due_on, Action.id)
    )
    if program:
        stmt = stmt.where(Member.program == program)
    return [(a, m, o) for a, m, o in session.execute(visible_members(stmt, actor))]


# ----------------------------------------------------------------------------- evidence


def evidence_of(session: Session, member_id: int) -> list[Evidence]:
    return list(
        session.scalars(
            sa.select(Evidence).where(Evidence.member_id == member_id).order_by(Evidence.id)
        )
    )


def same_evidence(
    session: Session, member_id: int, sha256: str, criterion: str | None, action_id: int | None
) -> Evidence | None:
    return session.scalar(
        sa.select(Evidence).where(
            Evidence.member_id == member_id,
            Evidence.sha256 == sha256,
            Evidence.criterion.is_(None) if criterion is None else Evidence.criterion == criterion,
            Evidence.action_id.is_(None) if action_id is None else Evidence.action_id == action_id,
        )
    )


def evidence_counts(session: Session, member_id: int) -> dict[str, int]:
    rows = session.execute(
        sa.select(Evidence.criterion, sa.func.count())
        .where(Evidence.member_id == member_id, Evidence.criterion.is_not(None))
        .group_by(Evidence.criterion)
    )
    return {str(c): int(n) for c, n in rows}


# ----------------------------------------------------------------------------- staff


def specialists(session: Session) -> list[tuple[Specialist, User]]:
    rows = session.execute(
        sa.select(Specialist, User)
        .join(User, User.id == Specialist.user_id)
        .where(Specialist.active.is_(True), User.is_active.is_(True))
        .order_by(Specialist.user_id)
    )
    return [(s, u) for s, u in rows]


def account_managers(session: Session) -> dict[str, list[User]]:
    rows = session.execute(
        sa.select(AccountManager.sector, User)
        .join(User, User.id == AccountManager.user_id)
        .order_by(AccountManager.sector, User.email)
    )
    out: dict[str, list[User]] = {}
    for sector, user in rows:
        out.setdefault(sector, []).append(user)
    return out


def replace_account_managers(session: Session, sector: str, user_ids: list[int]) -> None:
    session.execute(sa.delete(AccountManager).where(AccountManager.sector == sector))
    session.add_all(AccountManager(sector=sector, user_id=u) for u in user_ids)
    session.flush()


def member_counts_by_sector(
    session: Session, actor: Principal, program: str | None
) -> list[tuple[str | None, str, int | None, int]]:
    """(sector, status, tier, members) for the members ``actor`` may see."""
    stmt = (
        sa.select(Organization.sector, Member.status, Member.tier, sa.func.count())
        .join(Organization, Organization.id == Member.org_id)
        .group_by(Organization.sector, Member.status, Member.tier)
    )
    if program:
        stmt = stmt.where(Member.program == program)
    return [(s, st, t, int(n)) for s, st, t, n in session.execute(visible_members(stmt, actor))]


def open_actions_by_sector(
    session: Session, actor: Principal, program: str | None, on: date
) -> list[tuple[str | None, int, int]]:
    """(sector, open actions, of which overdue on ``on``)."""
    overdue = sa.func.sum(sa.case((Action.due_on < on, 1), else_=0))
    stmt = (
        sa.select(Organization.sector, sa.func.count(), overdue)
        .select_from(Action)
        .join(Member, Member.id == Action.member_id)
        .join(Organization, Organization.id == Member.org_id)
        .where(Action.status != ActionStatus.closed)
        .group_by(Organization.sector)
    )
    if program:
        stmt = stmt.where(Member.program == program)
    return [(s, int(n), int(o or 0)) for s, n, o in session.execute(visible_members(stmt, actor))]


def account_members(
    session: Session,
    actor: Principal,
    sector: str | None,
    program: str | None,
    on: date,
    shipments_since: date,
) -> list[tuple[Member, Organization, int, int, int]]:
    """Members of one sector (None: no sector) with open and overdue actions and the number
    of current filings naming the organization as importer since ``shipments_since``."""
    from trustlane.cargo.models import Shipment

    actions = (
        sa.select(
            Action.member_id.label("member_id"),
            sa.func.count().label("open"),
            sa.func.sum(sa.case((Action.due_on < on, 1), else_=0)).label("overdue"),
        )
        .where(Action.status != ActionStatus.closed)
        .group_by(Action.member_id)
        .subquery()
    )
    shipments = (
        sa.select(Shipment.importer_org_id.label("org_id"), sa.func.count().label("n"))
        .where(Shipment.is_current.is_(True), Shipment.declared_on >= shipments_since)
        .group_by(Shipment.importer_org_id)
        .subquery()
    )
    stmt = (
        sa.select(
            Member,
            Organization,
            sa.func.coalesce(actions.c.open, 0),
            sa.func.coalesce(actions.c.overdue, 0),
            sa.func.coalesce(shipments.c.n, 0),
        )
        .join(Organization, Organization.id == Member.org_id)
        .outerjoin(actions, actions.c.member_id == Member.id)
        .outerjoin(shipments, shipments.c.org_id == Member.org_id)
        .where(Organization.sector.is_(None) if sector is None else Organization.sector == sector)
        .order_by(Organization.name, Member.id)
    )
    if program:
        stmt = stmt.where(Member.program == program)
    return [
        (m, o, int(a), int(b), int(c))
        for m, o, a, b, c in session.execute(visible_members(stmt, actor))
    ]


def organizations(session: Session, org_ids: Sequence[int]) -> dict[int, Organization]:
    out: dict[int, Organization] = {}
    for batch in in_batches(list(set(org_ids))):
        for org in session.scalars(sa.select(Organization).where(Organization.id.in_(batch))):
            out[org.id] = org
    return out
