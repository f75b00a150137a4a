"""Roles and what each may do. A plain table: role → scope and permissions.

Agency roles act across tenants (``Scope.all``); trade-member roles see only their own
organization's records (``Scope.own``). A permission names a resource and an action,
``"shipments:read"``; packages check them with :meth:`Principal.require`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    agency_admin = "agency_admin"
    targeting_analyst = "targeting_analyst"
    security_specialist = "security_specialist"  # supply-chain security specialist
    account_manager = "account_manager"  # industry account manager
    auditor = "auditor"  # read only, across tenants
    trade_admin = "trade_admin"  # trade-member administrator
    trade_user = "trade_user"  # trade-member user


class Scope(StrEnum):
    all = "all"
    own = "own"


#: Every permission, with what it allows. Packages add theirs here.
PERMISSIONS: dict[str, str] = {
    "orgs:read": "read organizations",
    "orgs:write": "create, change and merge organizations",
    "shipments:read": "read shipments, their lines, parties and inspections",
    "shipments:write": "ingest cargo data and record inspection outcomes",
    "users:read": "list users",
    "users:write": "create and change users",
    "tokens:write": "create and revoke one's own API tokens",
    "audit:read": "read the audit log",
    "screening:read": "read lists, screening results and alerts",
    "screening:write": "load lists and screen parties",
    "screening:review": "assign and decide screening alerts",
    "targeting:read": "read scores, selections, models and performance",
    "targeting:write": "score, select, train models and record outcomes",
    "programs:read": "read program catalogs, profiles, validations and analytics",
    "programs:write": "fill in one's security profile and evidence",
    "programs:validate": "plan and record validations, findings, tiers and membership",
    "supplychain:read": "read supply-chain maps, traces, exposure and resilience",
    "supplychain:write": "import and change supply-chain maps",
}

_READ_ALL = {p for p in PERMISSIONS if p.endswith(":read")}
#: What a trade member may read: everything of its own except the agency's targeting (its
#: risk scores, selections and models are the agency's and never shown to the trade).
_TRADE_READ = _READ_ALL - {"targeting:read"}


@dataclass(frozen=True)
class RoleSpec:
    description: str
    scope: Scope
    permissions: frozenset[str]


ROLES: dict[Role, RoleSpec] = {
    Role.agency_admin: RoleSpec(
        "Agency administrator: everything, across tenants", Scope.all, frozenset(PERMISSIONS)
    ),
    Role.targeting_analyst: RoleSpec(
        "Targeting analyst: ingest, score and select cargo, review screening alerts",
        Scope.all,
        frozenset(
            _READ_ALL - {"users:read", "audit:read"}
            | {
                "shipments:write",
                "targeting:write",
                "screening:write",
                "screening:review",
                "tokens:write",
            }
        ),
    ),
    Role.security_specialist: RoleSpec(
        "Supply-chain security specialist: validate trusted traders",
        Scope.all,
        frozenset(
            _READ_ALL - {"users:read", "audit:read"}
            | {"programs:validate", "screening:review", "tokens:write"}
        ),
    ),
    Role.account_manager: RoleSpec(
        "Industry account manager: follow the members of an industry sector",
        Scope.all,
        frozenset(_READ_ALL - {"users:read", "audit:read"} | {"orgs:write", "tokens:write"}),
    ),
    Role.auditor: RoleSpec(
        "Auditor: read everything, change nothing", Scope.all, frozenset(_READ_ALL)
    ),
    Role.trade_admin: RoleSpec(
        "Trade-member administrator: the member's own data and users",
        Scope.own,
        frozenset(
            _TRADE_READ
            | {
                "orgs:write",
                "users:write",
                "tokens:write",
                "programs:write",
                "supplychain:write",
                "screening:write",
                "shipments:write",
            }
        ),
    ),
    Role.trade_user: RoleSpec(
        "Trade-member user: the member's own data",
        Scope.own,
        frozenset(
            _TRADE_READ - {"users:read", "audit:read"}
            | {"tokens:write", "programs:write", "supplychain:write", "screening:write"}
        ),
    ),
}

AGENCY_ROLES = frozenset(r for r, spec in ROLES.items() if spec.scope is Scope.all)
TRADE_ROLES = frozenset(r for r, spec in ROLES.items() if spec.scope is Scope.own)
