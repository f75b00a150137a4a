"""The audit log: every write records who, when, what, and the record before and after."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access.models import AuditEntry
from trustlane.access.principal import Principal
from trustlane.db import utcnow
from trustlane.paging import Page, PageRequest, paginate

_EXCLUDED = {"password_hash", "token_hash"}


def snapshot(obj: Any, *, exclude: set[str] | None = None) -> dict[str, Any]:
    """A JSON-safe dict of a mapped object's column values (secrets left out)."""
    skip = _EXCLUDED | (exclude or set())
    out: dict[str, Any] = {}
    for col in sa.inspect(obj).mapper.column_attrs:
        if col.key in skip:
            continue
        out[col.key] = _json_safe(getattr(obj, col.key))
    return out


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def record(
    session: Session,
    actor: Principal,
    action: str,
    entity_type: str,
    entity_id: object | None = None,
    *,
    tenant_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    summary: str | None = None,
) -> None:
    """Append one entry, in the caller's transaction (the write and its record commit together)."""
    session.add(
        AuditEntry(
            at=utcnow(),
            actor_user_id=actor.user_id,
            actor=actor.label,
            actor_org_id=actor.org_id,
            action=action,
            entity_type=entity_type,
            entity_id=None if entity_id is None else str(entity_id),
            tenant_id=tenant_id,
            summary=summary,
            before=_json_safe(before) if before is not None else None,
            after=_json_safe(after) if after is not None else None,
        )
    )


def list_entries(
    session: Session,
    actor: Principal,
    page: PageRequest,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    action: str | None = None,
    actor_label: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[AuditEntry]:
    """Audit entries, newest first; trade administrators see their own tenant's only."""
    actor.require("audit:read")
    stmt = sa.select(AuditEntry)
    if actor.tenant_id is not None:
        stmt = stmt.where(AuditEntry.tenant_id == actor.tenant_id)
    if entity_type:
        stmt = stmt.where(AuditEntry.entity_type == entity_type)
    if entity_id:
        stmt = stmt.where(AuditEntry.entity_id == entity_id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if actor_label:
        stmt = stmt.where(AuditEntry.actor == actor_label)
    if since:
        stmt = stmt.where(AuditEntry.at >= since)
    if until:
        stmt = stmt.where(AuditEntry.at < until)
    return paginate(
        session, stmt, page, {"at": AuditEntry.at, "id": AuditEntry.id}, [AuditEntry.id.desc()]
    )
