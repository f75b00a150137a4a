"""Use cases: users, logins and API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.credentials import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    new_token,
    token_digest,
    verify_password,
)
from trustlane.access.models import ApiToken, User
from trustlane.access.principal import Principal
from trustlane.access.roles import AGENCY_ROLES, Role
from trustlane.db import utcnow
from trustlane.errors import Conflict, FieldProblem, InvalidInput, NotFound, Unauthorized
from trustlane.paging import Page, PageRequest, paginate
from trustlane.registry.models import Organization


def _normal_email(email: str) -> str:
    email = email.strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email:
        raise InvalidInput("Invalid user", [FieldProblem("email", "not an e-mail address")])
    return email


def create_user(
    session: Session,
    actor: Principal,
    *,
    email: str,
    name: str,
    password: str,
    org_id: int,
    role: Role | str,
) -> User:
    """Create a user. Agency roles only in agency organizations, trade roles in trade ones;
    trade administrators create users of their own organization only."""
    actor.require("users:write")
    problems: list[FieldProblem] = []
    try:
        role = Role(role)
    except ValueError:
        problems.append(FieldProblem("role", f"unknown role; one of: {', '.join(Role)}"))
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(
            FieldProblem("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
        )
    if not name.strip():
        problems.append(FieldProblem("name", "must not be empty"))
    if problems:
        raise InvalidInput("Invalid user", problems)
    email = _normal_email(email)
    actor.require_tenant(org_id, "Organization")
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound(f"Organization {org_id} not found")
    role = Role(role)
    if (role in AGENCY_ROLES) != (org.kind == "agency"):
        raise InvalidInput(
            "Invalid user",
            [FieldProblem("role", f"role {role.value} does not fit a {org.kind} organization")],
        )
    if session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"A user with e-mail {email} already exists")
    user = User(
        email=email,
        name=name.strip(),
        org_id=org_id,
        role=role.value,
        password_hash=hash_password(password),
        is_active=True,
    )
    session.add(user)
    session.flush()
    audit.record(
        session, actor, "create", "user", user.id, tenant_id=org_id, after=audit.snapshot(user)
    )
    return user


def set_password(session: Session, actor: Principal, user_id: int, password: str) -> None:
    """Change a user's password (the user or an administrator of its tenant)."""
    user = get_user(session, actor, user_id)
    if actor.user_id != user.id:
        actor.require("users:write")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            "Invalid password",
            [FieldProblem("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")],
        )
    user.password_hash = hash_password(password)
    audit.record(session, actor, "set_password", "user", user.id, tenant_id=user.org_id)


def set_active(session: Session, actor: Principal, user_id: int, active: bool) -> User:
    """Enable or disable a user; disabling also revokes its tokens and sessions."""
    actor.require("users:write")
    user = get_user(session, actor, user_id)
    before = audit.snapshot(user)
    user.is_active = active
    if not active:
        session.execute(
            sa.update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    audit.record(
        session,
        actor,
        "update",
        "user",
        user.id,
        tenant_id=user.org_id,
        before=before,
        after=audit.snapshot(user),
    )
    return user


def get_user(session: Session, actor: Principal, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"User {user_id} not found")
    if actor.user_id != user_id:
        actor.require("users:read")
    actor.require_tenant(user.org_id, f"User {user_id}")
    return user


def list_users(
    session: Session, actor: Principal, page: PageRequest, q: str | None = None
) -> Page[User]:
    actor.require("users:read")
    stmt = sa.select(User)
    if actor.tenant_id is not None:
        stmt = stmt.where(User.org_id == actor.tenant_id)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(
            sa.or_(sa.func.lower(User.email).like(like), sa.func.lower(User.name).like(like))
        )
    return paginate(
        session,
        stmt,
        page,
        {"email": User.email, "name": User.name, "created_at": User.created_at},
        [User.id],
    )


def authenticate(session: Session, email: str, password: str) -> User:
    """The active user with these credentials, or :class:`Unauthorized` (same message either
    way, so that the answer does not reveal which e-mails exist)."""
    user = session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        raise Unauthorized("Wrong e-mail or password")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def principal_of(user: User) -> Principal:
    return Principal(label=user.email, role=Role(user.role), org_id=user.org_id, user_id=user.id)


@dataclass
class IssuedToken:
    """A token as handed out once: the plaintext is never stored."""

    token: str
    record: ApiToken


def login(session: Session, email: str, password: str, *, hours: int) -> IssuedToken:
    """Check the credentials and open a session (a bearer token that expires)."""
    user = authenticate(session, email, password)
    user.last_login_at = utcnow()
    issued = _issue(
        session,
        user,
        name="login session",
        kind="session",
        expires_at=utcnow() + timedelta(hours=hours),
    )
    audit.record(session, principal_of(user), "login", "user", user.id, tenant_id=user.org_id)
    return issued


def logout(session: Session, token: str) -> None:
    record = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if record is not None and record.revoked_at is None:
        record.revoked_at = utcnow()


def create_token(
    session: Session,
    actor: Principal,
    *,
    name: str,
    expires_days: int | None = None,
    user_id: int | None = None,
) -> IssuedToken:
    """Issue a named API token for the caller (or, for an administrator, another user)."""
    actor.require("tokens:write")
    target_id = user_id if user_id is not None else actor.user_id
    if target_id is None:
        raise InvalidInput("Invalid token", [FieldProblem("user_id", "name the user")])
    user = get_user(session, actor, target_id)
    if user.id != actor.user_id:
        actor.require("users:write")
    if not name.strip():
        raise InvalidInput("Invalid token", [FieldProblem("name", "must not be empty")])
    if expires_days is not None and expires_days < 1:
        raise InvalidInput("Invalid token", [FieldProblem("expires_days", "must be 1 or more")])
    expires = utcnow() + timedelta(days=expires_days) if expires_days else None
    issued = _issue(session, user, name=name.strip(), kind="api", expires_at=expires)
    audit.record(
        session,
        actor,
        "create",
        "api_token",
        issued.record.id,
        tenant_id=user.org_id,
        after=audit.snapshot(issued.record),
    )
    return issued


def list_tokens(session: Session, actor: Principal, user_id: int | None = None) -> list[ApiToken]:
    target = user_id if user_id is not None else actor.user_id
    if target is None:
        return []
    get_user(session, actor, target)
    return list(
        session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == target, ApiToken.kind == "api")
            .order_by(ApiToken.id)
        )
    )


def page_tokens(
    session: Session,
    actor: Principal,
    page: PageRequest,
    q: str | None = None,
    user_id: int | None = None,
) -> Page[ApiToken]:
    """A page of the API tokens of :func:`list_tokens`, searched by name or prefix."""
    target = user_id if user_id is not None else actor.user_id
    if target is None:
        return Page(items=[], total=0, limit=page.limit, offset=page.offset)
    get_user(session, actor, target)
    stmt = sa.select(ApiToken).where(ApiToken.user_id == target, ApiToken.kind == "api")
    if q and q.strip():
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(ApiToken.name).like(like), sa.func.lower(ApiToken.prefix).like(like)
            )
        )
    return paginate(
        session,
        stmt,
        page,
        {"name": ApiToken.name, "created_at": ApiToken.created_at},
        [ApiToken.id],
    )


def revoke_token(session: Session, actor: Principal, token_id: int) -> ApiToken:
    record = session.get(ApiToken, token_id)
    if record is None:
        raise NotFound(f"Token {token_id} not found")
    owner = session.get(User, record.user_id)
    assert owner is not None
    if owner.id != actor.user_id:
        actor.require("users:write")
        actor.require_tenant(owner.org_id, f"Token {token_id}")
    before = audit.snapshot(record)
    if record.revoked_at is None:
        record.revoked_at = utcnow()
    audit.record(
        session,
        actor,
        "revoke",
        "api_token",
        record.id,
        tenant_id=owner.org_id,
        before=before,
        after=audit.snapshot(record),
    )
    return record


def _issue(
    session: Session, user: User, *, name: str, kind: str, expires_at: datetime | None
) -> IssuedToken:
    token = new_token()
    record = ApiToken(
        user_id=user.id,
        name=name,
        kind=kind,
        token_hash=token_digest(token),
        prefix=token[:10],
        expires_at=expires_at,
    )
    session.add(record)
    session.flush()
    return IssuedToken(token=token, record=record)


def principal_for_token(session: Session, token: str) -> Principal:
    """The principal a bearer token stands for, or :class:`Unauthorized`."""
    row = session.execute(
        sa.select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == token_digest(token))
    ).first()
    if row is None:
        raise Unauthorized("Unknown token")
    record, user = row
    now = utcnow()
    if record.revoked_at is not None:
        raise Unauthorized("This token was revoked")
    if record.expires_at is not None and record.expires_at <= now:
        raise Unauthorized("This token has expired; log in again")
    if not user.is_active:
        raise Unauthorized("This user is disabled")
    # Touch at most once a minute: a write per request would serialize readers on SQLite.
    if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 60:
        record.last_used_at = now
    return principal_of(user)
