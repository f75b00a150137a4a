"""Programs test helpers: members and validations built through the real use cases."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from tests import factories as f
from trustlane.access.models import User
from trustlane.access.principal import Principal
from trustlane.access.roles import Role
from trustlane.programs import catalogs, membership, profiles, validations
from trustlane.programs.models import Member, Validation
from trustlane.registry.models import Organization

OPERATOR = Principal.system("test")


def specialist(session: Session, email: str = "specialist@agency.example") -> User:
    return f.user(session, f.agency(session), Role.security_specialist, email)


def certified(
    session: Session,
    org: Organization,
    entity_type: str = "importer",
    on: date = date(2023, 1, 10),
    specialist_id: int | None = None,
) -> Member:
    """A member whose profile was answered, submitted and accepted on ``on``."""
    m = membership.apply(
        session, OPERATOR, org_id=org.id, program="ctpat", entity_type=entity_type, on=on
    )
    view = profiles.get_profile(session, OPERATOR, m.id, on)
    answers = [profiles.AnswerIn(x.criterion.id, "implemented", "Done.") for x in view.lines]
    profiles.set_answers(session, OPERATOR, m.id, answers, on)
    profiles.submit_profile(session, OPERATOR, m.id, on)
    profiles.review_profile(session, OPERATOR, m.id, accept=True, on=on)
    if specialist_id is not None:
        membership.assign_specialist(session, OPERATOR, m.id, specialist_id)
    return m


def validated(
    session: Session,
    member: Member,
    specialist_id: int,
    on: date = date(2023, 6, 1),
    kinds: Mapping[str, str] | None = None,
) -> Validation:
    """A completed on-site validation: every criterion meets but those in ``kinds``."""
    v = validations.schedule_validation(
        session,
        OPERATOR,
        member.id,
        mode="on_site",
        scheduled_for=on,
        specialist_ids=[specialist_id],
    )
    catalog = catalogs.catalog_in_force(session, "ctpat").catalog
    kinds = kinds or {}
    found = [
        validations.FindingIn(c.id, kinds.get(c.id, "meets"), f"note on {c.id}")
        for c in catalog.applicable(member.entity_type, on)
    ]
    validations.record_findings(session, OPERATOR, v.id, found)
    return validations.complete_validation(session, OPERATOR, v.id, on=on)
