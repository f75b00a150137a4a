"""Use cases: industry accounts: the membership grouped by the registry's ten industry
sectors, each with its account managers, and the account view (members, status, tier, open
findings, shipments).

Accounts are an agency view; trade members are refused. A specialist sees, within an account,
the members assigned to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.models import User
from trustlane.access.principal import Principal
from trustlane.access.roles import Role
from trustlane.errors import FieldProblem, Forbidden, InvalidInput
from trustlane.programs import store
from trustlane.programs.calendar import today
from trustlane.programs.models import Member
from trustlane.registry.models import Organization

#: Members without a sector in the registry are grouped here.
UNASSIGNED = "unassigned"


def industry_sectors() -> list[tuple[str, str]]:
    """(slug, name) of the registry's industry sectors, in the registry's order."""
    try:
        from trustlane.registry.sectors import sectors
    except ImportError:  # a registry without sectors: accounts come from the data alone
        return []
    return [(s.slug, s.name) for s in sectors()]


def sector_name(slug: str) -> str:
    names = dict(industry_sectors())
    if slug == UNASSIGNED:
        return "No sector in the registry"
    return names.get(slug, slug.replace("-", " ").title())


def _agency_only(actor: Principal) -> None:
    actor.require("programs:read")
    if not actor.is_agency:
        raise Forbidden("Industry accounts are an agency view")


@dataclass
class AccountSummary:
    sector: str
    name: str
    managers: list[User] = field(default_factory=list)
    members: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_tier: dict[str, int] = field(default_factory=dict)
    open_actions: int = 0
    overdue_actions: int = 0


def list_accounts(
    session: Session, actor: Principal, program: str | None = None, on: date | None = None
) -> list[AccountSummary]:
    """Every sector's account: its managers, members by status and tier, open findings."""
    _agency_only(actor)
    on = on or today()
    accounts = {slug: AccountSummary(slug, name) for slug, name in industry_sectors()}

    def account(slug: str | None) -> AccountSummary:
        key = slug or UNASSIGNED
        if key not in accounts:
            accounts[key] = AccountSummary(key, sector_name(key))
        return accounts[key]

    for sector, status, tier, count in store.member_counts_by_sector(session, actor, program):
        acc = account(sector)
        acc.members += count
        acc.by_status[status] = acc.by_status.get(status, 0) + count
        if tier is not None:
            acc.by_tier[str(tier)] = acc.by_tier.get(str(tier), 0) + count
    for sector, open_count, overdue in store.open_actions_by_sector(session, actor, program, on):
        acc = account(sector)
        acc.open_actions += open_count
        acc.overdue_actions += overdue
    for sector, users in store.account_managers(session).items():
        account(sector).managers = users
    return list(accounts.values())


@dataclass(frozen=True)
class AccountMember:
    member: Member
    organization: Organization
    open_actions: int
    overdue_actions: int
    shipments: int  # filings naming the organization as importer in the last year


@dataclass(frozen=True)
class AccountView:
    summary: AccountSummary
    members: list[AccountMember]
    shipments_since: date


def account_view(
    session: Session,
    actor: Principal,
    sector: str,
    program: str | None = None,
    on: date | None = None,
) -> AccountView:
    """One account: its summary and every member with status, tier, findings and shipments."""
    _agency_only(actor)
    on = on or today()
    slug = sector_slug_of(sector)
    summary = next(a for a in list_accounts(session, actor, program, on) if a.sector == slug)
    since = on - timedelta(days=365)
    rows = store.account_members(
        session, actor, None if slug == UNASSIGNED else slug, program, on, since
    )
    members = [AccountMember(m, o, op, ov, sh) for m, o, op, ov, sh in rows]
    return AccountView(summary, members, since)


def sector_slug_of(sector: str) -> str:
    """The sector's slug (a name is accepted too), or InvalidInput naming the choices."""
    known = [slug for slug, _ in industry_sectors()]
    if sector == UNASSIGNED or not known or sector in known:
        return sector
    try:
        from trustlane.registry.sectors import sector_slug
    except ImportError:
        raise InvalidInput(
            "Unknown sector", [FieldProblem("sector", f"one of: {', '.join(known)}", value=sector)]
        ) from None
    return sector_slug(sector)


def set_account_managers(
    session: Session, actor: Principal, sector: str, user_ids: Sequence[int]
) -> list[User]:
    """Make these account managers the sector's team (replacing the team it had)."""
    actor.require("users:write")
    if not actor.is_agency:
        raise Forbidden("Only the agency staffs industry accounts")
    slug = sector_slug_of(sector)
    found = store.users_by_id(session, list(user_ids))
    problems = []
    for uid in user_ids:
        user = found.get(uid)
        if user is None:
            problems.append(FieldProblem("user_ids", "no such user", value=uid))
        elif user.role not in (Role.account_manager, Role.agency_admin):
            problems.append(
                FieldProblem("user_ids", f"{user.email} is not an account manager", value=uid)
            )
    if problems:
        raise InvalidInput("Not account managers", problems)
    before = [u.id for u in store.account_managers(session).get(slug, [])]
    store.replace_account_managers(session, slug, list(dict.fromkeys(user_ids)))
    audit.record(
        session,
        actor,
        "staff",
        "program_account",
        slug,
        before={"managers": before},
        after={"managers": list(dict.fromkeys(user_ids))},
    )
    return [found[u] for u in dict.fromkeys(user_ids)]
