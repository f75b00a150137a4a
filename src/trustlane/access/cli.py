"""CLI: ``trustlane users ...``, ``trustlane tokens ...`` and ``trustlane audit``."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from trustlane.access import audit, users
from trustlane.access.roles import AGENCY_ROLES, Role
from trustlane.cli.common import console, new_app, open_database, operator
from trustlane.errors import FieldProblem, InvalidInput
from trustlane.paging import PageRequest

users_app = new_app("Users: create the first administrator, list, disable.")
tokens_app = new_app("API tokens of users.")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
    app.command("audit")(audit_list)


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Argument(help="E-mail; the login name")],
    role: Annotated[Role, typer.Option(help="Role of the user")] = Role.agency_admin,
    name: Annotated[str | None, typer.Option(help="Full name (default: from the e-mail)")] = None,
    org: Annotated[int | None, typer.Option(help="Organization id the user belongs to")] = None,
    agency: Annotated[
        str,
        typer.Option(
            help="For an agency role without --org: the agency organization (created if new)"
        ),
    ] = "Customs Agency",
    password: Annotated[
        str | None,
        typer.Option(help="Password (prompted when left out)", envvar="TRUSTLANE_NEW_PASSWORD"),
    ] = None,
) -> None:
    """Create a user; with an agency role and no --org, in the agency organization.

    ``trustlane users create admin@agency.example`` makes the first administrator.
    """
    from trustlane.registry.orgs import ensure_agency

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    database = open_database()
    actor = operator()
    with database.session() as session:
        if org is None:
            if role not in AGENCY_ROLES:
                raise InvalidInput(
                    "Missing organization",
                    [FieldProblem("--org", "a trade-member user needs --org")],
                )
            org = ensure_agency(session, actor, agency).id
        user = users.create_user(
            session,
            actor,
            email=email,
            name=name or email.split("@")[0],
            password=password,
            org_id=org,
            role=role,
        )
        console.print(
            f"Created user {user.email} (id {user.id}, role {user.role}, "
            f"organization {user.org_id})."
        )


@users_app.command("list")
def users_list(
    q: Annotated[str | None, typer.Option(help="Search e-mail and name")] = None,
    limit: int = 100,
    offset: int = 0,
) -> None:
    """List users."""
    database = open_database()
    with database.session() as session:
        page = users.list_users(session, operator(), PageRequest(limit, offset), q)
        table = Table("id", "email", "name", "role", "org", "active", title=f"{page.total} users")
        for u in page.items:
            table.add_row(
                str(u.id), u.email, u.name, u.role, str(u.org_id), "yes" if u.is_active else "no"
            )
        console.print(table)


@users_app.command("disable")
def users_disable(user_id: int) -> None:
    """Disable a user and revoke its tokens and sessions."""
    database = open_database()
    with database.session() as session:
        user = users.set_active(session, operator(), user_id, False)
        console.print(f"Disabled {user.email}.")


@users_app.command("enable")
def users_enable(user_id: int) -> None:
    """Enable a disabled user."""
    database = open_database()
    with database.session() as session:
        user = users.set_active(session, operator(), user_id, True)
        console.print(f"Enabled {user.email}.")


@tokens_app.command("create")
def tokens_create(
    user_id: Annotated[int, typer.Option("--user", help="Id of the user the token acts as")],
    name: Annotated[str, typer.Option(help="What the token is for")],
    expires_days: Annotated[int | None, typer.Option(help="Days until it expires")] = None,
) -> None:
    """Issue an API token for a user; the token is printed once."""
    database = open_database()
    with database.session() as session:
        issued = users.create_token(
            session, operator(), name=name, expires_days=expires_days, user_id=user_id
        )
        console.print(issued.token, highlight=False, soft_wrap=True)


@tokens_app.command("revoke")
def tokens_revoke(token_id: int) -> None:
    """Revoke an API token."""
    database = open_database()
    with database.session() as session:
        users.revoke_token(session, operator(), token_id)
        console.print(f"Revoked token {token_id}.")


def audit_list(
    entity_type: Annotated[str | None, typer.Option(help="Only this kind of record")] = None,
    entity_id: Annotated[str | None, typer.Option(help="Only this record")] = None,
    action: Annotated[str | None, typer.Option(help="Only this action")] = None,
    limit: int = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
) -> None:
    """Show the audit log, newest first."""
    database = open_database()
    with database.session() as session:
        page = audit.list_entries(
            session,
            operator(),
            PageRequest(limit, 0),
            entity_type=entity_type,
            entity_id=entity_id,
            action=action,
        )
        if as_json:
            for e in page.items:
                console.print(json.dumps(audit.snapshot(e)), highlight=False, soft_wrap=True)
            return
        table = Table(
            "at", "actor", "action", "record", "summary", title=f"{page.total} audit entries"
        )
        for e in page.items:
            table.add_row(
                e.at.isoformat(timespec="seconds"),
                e.actor,
                e.action,
                f"{e.entity_type} {e.entity_id or ''}",
                e.summary or "",
            )
        console.print(table)
