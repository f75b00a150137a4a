"""The caller of a use case: who it is, its tenant and what it may do."""

from __future__ import annotations

from dataclasses import dataclass

from trustlane.access.roles import PERMISSIONS, ROLES, Role, Scope
from trustlane.errors import Forbidden, NotFound


@dataclass(frozen=True)
class Principal:
    """An authenticated user (or the local operator) acting on the platform."""

    label: str  # e-mail of the user, or "cli" / "system"
    role: Role
    org_id: int | None
    user_id: int | None = None

    @classmethod
    def system(cls, label: str = "system") -> Principal:
        """The local operator (CLI, jobs): agency administrator rights, no tenant."""
        return cls(label=label, role=Role.agency_admin, org_id=None)

    @property
    def scope(self) -> Scope:
        return ROLES[self.role].scope

    @property
    def permissions(self) -> frozenset[str]:
        return ROLES[self.role].permissions

    @property
    def is_agency(self) -> bool:
        return self.scope is Scope.all

    @property
    def tenant_id(self) -> int | None:
        """The organization whose records this caller is limited to; None = all tenants."""
        return None if self.is_agency else self.org_id

    def can(self, permission: str) -> bool:
        if permission not in PERMISSIONS:
            raise KeyError(f"unknown permission {permission!r}")
        return permission in self.permissions

    def require(self, permission: str) -> None:
        """Raise :class:`Forbidden` unless the role grants ``permission``."""
        if not self.can(permission):
            raise Forbidden(f"Your role ({self.role.value}) may not {PERMISSIONS[permission]}")

    def require_tenant(self, tenant_id: int | None, what: str) -> None:
        """Raise :class:`NotFound` when a trade member asks for another tenant's record.

        404, not 403: a member must not learn that another member's record exists.
        """
        if not self.is_agency and tenant_id != self.org_id:
            raise NotFound(f"{what} not found")
