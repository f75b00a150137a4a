"""Pages of trusted-trader programs, for people.

``/programs`` is the agency's membership by industry sector and a trade member's own
memberships; the other pages live in :mod:`pages_agency` (accounts, members, the validation
plan, analytics), :mod:`pages_member` (a member, the agency's decisions on it, applications),
:mod:`pages_profile` (the security profile and its evidence) and :mod:`pages_validation`
(validations, findings, required actions). Every route calls the same use cases as the API
and the CLI; access rules live there.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from trustlane.access.roles import Role
from trustlane.programs import accounts, pages_agency, pages_member, pages_profile, pages_validation
from trustlane.programs.pages_support import chosen_program, program_choices, tabs
from trustlane.web.deps import SessionDep
from trustlane.web.pages.common import PageUser, render

router = APIRouter(include_in_schema=False)


@router.get("/programs", response_class=HTMLResponse)
def programs_home(
    request: Request,
    principal: PageUser,
    session: SessionDep,
    program: str | None = None,
    accounts_shown: Annotated[str | None, Query(alias="show")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    """The agency's membership by industry sector; a trade member's own memberships."""
    if not principal.is_agency:
        return pages_member.member_home(request, principal, session, offset)
    program = chosen_program(session, principal, program)
    found = accounts.list_accounts(session, principal, program)
    mine = [a for a in found if any(u.id == principal.user_id for u in a.managers)]
    # An account manager starts from its own sectors; everyone may see them all.
    show = accounts_shown or ("mine" if principal.role == Role.account_manager and mine else "all")
    shown = mine if show == "mine" else found
    return render(
        request,
        "programs/index_agency.html",
        {
            "tabs": tabs(principal),
            "program": program,
            "programs": program_choices(session, principal),
            "accounts": shown,
            "show": show,
            "has_mine": bool(mine),
            "totals": {
                "members": sum(a.members for a in shown),
                "open_actions": sum(a.open_actions for a in shown),
                "overdue_actions": sum(a.overdue_actions for a in shown),
            },
        },
    )


router.include_router(pages_agency.router)
router.include_router(pages_member.router)
router.include_router(pages_profile.router)
router.include_router(pages_validation.router)
