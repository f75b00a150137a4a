"""The controlled vocabularies of trusted-trader programs: levels, statuses, finding kinds."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """How binding a criterion is: ``must`` is required, ``should`` is expected practice."""

    must = "must"
    should = "should"


class MemberStatus(StrEnum):
    """Where a member stands in the program.

    ``applied``: application and security profile in progress; ``certified``: profile
    accepted, benefits of tier I, validation to come; ``validated``: a validation confirmed
    the profile; ``suspended``: benefits withheld until reinstated; ``removed`` and
    ``rejected``: out of the program (a new application re-opens the membership).
    """

    applied = "applied"
    certified = "certified"
    validated = "validated"
    suspended = "suspended"
    removed = "removed"
    rejected = "rejected"


#: Members that enjoy benefits and are planned for validation.
ACTIVE_STATUSES = (MemberStatus.certified, MemberStatus.validated)


class ProfileStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    returned = "returned"  # sent back to the member with the reviewer's note
    accepted = "accepted"


class AnswerStatus(StrEnum):
    """A member's own account of one criterion in its security profile."""

    implemented = "implemented"
    partial = "partial"
    not_implemented = "not_implemented"
    not_applicable = "not_applicable"


class FindingKind(StrEnum):
    """What a validation found for one criterion."""

    meets = "meets"
    required_action = "required_action"  # a gap the member must close by a due date
    recommendation = "recommendation"  # meets, with advice to do better
    best_practice = "best_practice"  # exceeds the criterion; counts towards tier III


class ValidationMode(StrEnum):
    virtual = "virtual"
    on_site = "on_site"
    hybrid = "hybrid"


#: Planning cost of a validation in specialist capacity units: a site visit takes travel.
MODE_COST = {ValidationMode.virtual: 1.0, ValidationMode.hybrid: 1.5, ValidationMode.on_site: 2.0}


class ValidationStatus(StrEnum):
    scheduled = "scheduled"
    completed = "completed"
    cancelled = "cancelled"


class ValidationBasis(StrEnum):
    """Who validated: this agency, or a partner program's agency under mutual recognition."""

    agency = "agency"
    mutual_recognition = "mutual_recognition"


class Outcome(StrEnum):
    passed = "passed"
    passed_with_actions = "passed_with_actions"
    failed = "failed"


class ActionStatus(StrEnum):
    """A required action: open until the member responds, closed when a specialist accepts."""

    open = "open"
    responded = "responded"
    closed = "closed"


class StatusReason(StrEnum):
    """Why a membership was suspended, removed or rejected (with a sentence beside it)."""

    validation_failed = "validation_failed"
    actions_overdue = "actions_overdue"
    security_incident = "security_incident"
    profile_not_reviewed = "profile_not_reviewed"
    false_information = "false_information"
    enforcement_action = "enforcement_action"
    member_request = "member_request"
    not_eligible = "not_eligible"
    other = "other"
