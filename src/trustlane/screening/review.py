"""Use cases that read the review queue: find alerts, show one alert with everything a
reviewer weighs (the party and the entry as it was, the matched names word by word, each
feature's contribution, the consequence), and the reviewers an alert can be assigned to.

The pages and the API call these; the writes (assign, decide) stay in :mod:`.subjects`.
A trade member sees the alerts whose tenant is its own organization (parties on its own
shipments, its own registry record, its own ad-hoc screening) and nothing else; an alert
of no tenant is the agency's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.access.roles import ROLES, Scope
from trustlane.errors import FieldProblem, InvalidInput, NotFound
from trustlane.paging import Page, PageRequest, paginate
from trustlane.screening import store
from trustlane.screening.config import current_model
from trustlane.screening.features import KIND_GROUPS
from trustlane.screening.matching import HOW_WORDS, score_prepared
from trustlane.screening.models import (
    Alert,
    Decision,
    ListEntry,
    ListVersion,
    Subject,
    WatchList,
)
from trustlane.screening.normalize import EntityKind, prepare_name
from trustlane.screening.records import DEFAULT_ACTIONS, Category, EntryRecord

#: Kinds of screened party a queue can be narrowed to.
SUBJECT_KINDS = {
    "shipment_party": "party on a shipment",
    "organization": "registry organization",
    "adhoc": "ad-hoc (file or API)",
}
#: Status filters of the queue; ``review`` is what still needs a decision.
STATUS_FILTERS = {
    "review": "to review (open or escalated)",
    "open": "open",
    "escalated": "escalated",
    "true_match": "true match",
    "false_positive": "false positive",
    "all": "all",
}
#: How aligned words compare, where the matcher's own wording is too terse for a page.
_SAID = {"fuzzy": "≈ (spelt differently)", "exact": "= (the same)"}
#: Reason codes that set the score by rule rather than add to it.
_RULED = {"identifier_match", "weak_alias"}


@dataclass(frozen=True)
class AlertFilter:
    """What the queue shows. ``assignee`` is an e-mail, or ``unassigned``."""

    status: str = "review"
    list_name: str | None = None
    assignee: str | None = None
    min_score: float | None = None
    max_score: float | None = None
    subject_kind: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class AlertRow:
    alert: Alert
    subject_name: str
    subject_kind: str
    subject_ref: str
    list_name: str
    tenant_name: str | None = None  # the organization whose party it is (None: the agency's)


def _check_filter(session: Session, where: AlertFilter) -> WatchList | None:
    problems: list[FieldProblem] = []
    if where.status not in STATUS_FILTERS:
        problems.append(FieldProblem("status", f"one of {', '.join(STATUS_FILTERS)}"))
    if where.subject_kind and where.subject_kind not in SUBJECT_KINDS:
        problems.append(FieldProblem("subject_kind", f"one of {', '.join(SUBJECT_KINDS)}"))
    for name, value in (("min_score", where.min_score), ("max_score", where.max_score)):
        if value is not None and not 0 <= value <= 1:
            problems.append(FieldProblem(name, "a score between 0 and 1"))
    if (
        where.min_score is not None
        and where.max_score is not None
        and where.min_score > where.max_score
    ):
        problems.append(FieldProblem("max_score", "must not be below the lowest score"))
    watch = None
    if where.list_name:
        watch = store.list_by_name(session, where.list_name)
        if watch is None:
            problems.append(FieldProblem("list", f"no list named {where.list_name!r}"))
    if problems:
        raise InvalidInput("Bad queue filter", problems)
    return watch


def find_alerts(
    session: Session, actor: Principal, where: AlertFilter, page: PageRequest
) -> Page[AlertRow]:
    """One page of the alert queue, newest first unless ``page.sort`` says otherwise
    (``score``, ``-score``, ``created_at``)."""
    actor.require("screening:read")
    watch = _check_filter(session, where)
    assignee = (where.assignee or "").strip()
    stmt = store.alerts_query(
        tenant_id=actor.tenant_id,
        statuses=store.ALERT_STATUS_GROUPS.get(where.status),
        list_id=watch.id if watch else None,
        assignee=assignee or None,
        unassigned=assignee == "unassigned",
        min_score=where.min_score,
        max_score=where.max_score,
        subject_kind=where.subject_kind or None,
        text=(where.text or "").strip() or None,
    )
    found = paginate(
        session,
        cast(Any, stmt),
        page,
        {"score": Alert.score, "created_at": Alert.created_at},
        [Alert.created_at.desc(), Alert.id.desc()],
        scalars=False,
    )
    tenants = store.organization_names(
        session, [a.tenant_id for a, *_ in found.items if a.tenant_id is not None]
    )
    rows = [
        AlertRow(a, sname, skind, sref, lname, tenants.get(a.tenant_id) if a.tenant_id else None)
        for a, sname, skind, sref, lname in found.items
    ]
    return Page(items=rows, total=found.total, limit=found.limit, offset=found.offset)


# -- one alert --------------------------------------------------------------------------


@dataclass(frozen=True)
class WordPair:
    party: str
    listed: str
    how: str  # exact, variant, acronym, initial, phonetic, skeleton, fuzzy, joined
    said: str  # "=", "≈ (sounds like)" ...
    similarity: float


@dataclass(frozen=True)
class FeatureContribution:
    feature: str
    sentence: str
    value: float
    weight: float  # contribution to the log-odds: coefficient × value


@dataclass
class NameExplanation:
    """The two names compared word by word and the model's sum, feature by feature."""

    party_name: str
    listed_name: str
    score: float
    group: str
    model_version: str
    intercept: float
    log_odds: float
    words: list[WordPair] = field(default_factory=list)
    only_party: list[str] = field(default_factory=list)
    only_listed: list[str] = field(default_factory=list)
    contributions: list[FeatureContribution] = field(default_factory=list)


def explain_names(
    party_name: str, party_kind: EntityKind, listed_name: str, listed_kind: EntityKind
) -> NameExplanation | None:
    """Score two names as screening does (each prepared as its own kind) and keep every
    feature's contribution; None when a name has nothing comparable left."""
    model = current_model()
    q, r = prepare_name(party_name, party_kind), prepare_name(listed_name, listed_kind)
    if q is None or r is None:
        return None
    scored = score_prepared(q, r, model)
    group_name = KIND_GROUPS[q.kind if q.kind is not EntityKind.unknown else r.kind]
    group = model.group(group_name)
    out = NameExplanation(
        party_name=party_name,
        listed_name=listed_name,
        score=scored.score,
        group=scored.group,
        model_version=f"{model.version} ({model.trained_at[:10]})",
        intercept=group.intercept,
        log_odds=group.intercept + sum(c.weight for c in scored.contributions),
    )
    view = scored.view
    if view is not None:
        for p in view.alignment.pairs:
            out.words.append(
                WordPair(
                    party=" ".join(view.q.tokens[i].text for i in p.q),
                    listed=" ".join(view.r.tokens[j].text for j in p.r),
                    how=p.how,
                    said=_SAID.get(p.how) or HOW_WORDS.get(p.how, "≈"),
                    similarity=p.sim,
                )
            )
        out.only_party = [view.q.tokens[i].text for i in view.alignment.q_free]
        out.only_listed = [view.r.tokens[j].text for j in view.alignment.r_free]
    out.contributions = sorted(
        (
            FeatureContribution(c.feature, c.sentence, c.value, c.weight)
            for c in scored.contributions
        ),
        key=lambda c: -abs(c.weight),
    )
    return out


@dataclass(frozen=True)
class ConsequenceSummary:
    """What a confirmed hit entails, in words, with the goods and places it concerns."""

    headline: str
    action: str
    details: list[tuple[str, str]]


#: The consequence of a hit per action, as a reviewer needs to read it.
ACTION_HEADLINES = {
    "block": "Sanctions: property blocked, no dealings with this party",
    "licence_required": "Export control: a licence is required to export to this party",
    "rebuttable_presumption": (
        "Forced labor: goods are presumed made with forced labor and denied entry "
        "unless the importer rebuts the presumption"
    ),
    "detain": "Withhold release order: the goods are detained at the border",
    "exclude": "Forced-labor finding: the goods are excluded or seized",
    "review": "Internal watch list: look closer before release",
}


_CATEGORIES = {c.value for c in Category}


def action_of(alert: Alert) -> str:
    """What a confirmed alert entails, as an action word (the category's default where the
    entry states none)."""
    if alert.consequence and alert.consequence.get("action"):
        return str(alert.consequence["action"])
    if alert.category in _CATEGORIES:
        return DEFAULT_ACTIONS[Category(alert.category)].value
    return ""


def consequence_summary(
    category: str, consequence: dict[str, Any] | None
) -> ConsequenceSummary | None:
    """The consequence an entry's list gives a hit; where the entry states none, the
    default of its list's category (a sanctions entry blocks), said as such."""
    details: list[tuple[str, str]] = [("List category", category.replace("_", " "))]
    if not consequence:
        default = DEFAULT_ACTIONS.get(Category(category)) if category in _CATEGORIES else None
        if default is None:
            return None
        details.append(("Why", "the entry states no consequence: its list category's default"))
        return ConsequenceSummary(ACTION_HEADLINES[default.value], default.value, details)
    action = str(consequence.get("action") or "")
    for key, label in (
        ("hs_codes", "HS codes"),
        ("regions", "Regions"),
        ("products", "Products"),
    ):
        values = [str(v) for v in consequence.get(key) or []]
        if values:
            details.append((label, ", ".join(values)))
    for key, label in (
        ("licence_requirement", "Licence requirement"),
        ("licence_policy", "Licence policy"),
        ("note", "Note"),
    ):
        if consequence.get(key):
            details.append((label, str(consequence[key])))
    headline = ACTION_HEADLINES.get(action, action.replace("_", " "))
    return ConsequenceSummary(headline=headline, action=action, details=details)


@dataclass
class AlertView:
    """Everything the alert page shows."""

    alert: Alert
    subject: Subject
    watch: WatchList
    version: ListVersion | None  # the version the alert was raised on
    current_version: ListVersion | None
    entry_row: ListEntry
    entry: EntryRecord  # the entry as it was when the alert was raised
    #: unchanged | changed | removed: the entry in the list's current version
    entry_now: str
    current_entry_id: int | None
    name: NameExplanation | None
    qualifiers: list[dict[str, Any]]
    #: The name score the stored score implies, and whether the current model agrees.
    stored_name_score: float | None
    model_agrees: bool
    consequence: ConsequenceSummary | None
    decisions: list[Decision]
    context: dict[str, Any]  # the shipment party or organization behind the subject


def _implied_name_score(alert: Alert) -> float | None:
    """Stored score minus the qualifiers' additions (None where a rule set the score)."""
    reasons = [r for r in alert.reasons if r.get("code") != "name"]
    if any(r.get("code") in _RULED for r in reasons) or not 0 < alert.score < 1:
        return None
    return alert.score - sum(float(r.get("weight") or 0.0) for r in reasons)


def _context(session: Session, subject: Subject) -> dict[str, Any]:
    if subject.kind == "shipment_party" and ":" in subject.ref:
        shipment, seq = subject.ref.split(":", 1)
        if shipment.isdigit() and seq.isdigit():
            found = store.shipment_party_context(session, int(shipment), int(seq))
            if found is not None:
                return found
    if subject.organization_id is not None:
        names = store.organization_names(session, [subject.organization_id])
        return {
            "organization_id": subject.organization_id,
            "organization": names.get(subject.organization_id),
        }
    return {}


def show_alert(session: Session, actor: Principal, alert_id: int) -> AlertView:
    """One alert with the party, the entry as it was and now, the name explanation, the
    consequence and the decisions taken on it."""
    actor.require("screening:read")
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound(f"Alert {alert_id} not found")
    # Strict: an alert of no tenant is the agency's, never a trade member's.
    actor.require_tenant(alert.tenant_id, "Alert")
    subject = session.get(Subject, alert.subject_id)
    watch = session.get(WatchList, alert.list_id)
    entry_row = session.get(ListEntry, alert.entry_id)
    if subject is None or watch is None or entry_row is None:
        raise NotFound(f"Alert {alert_id} not found")
    entry = EntryRecord.from_doc(entry_row.doc)
    current = store.current_entry_by_key(session, watch.id, alert.entry_key)
    if current is None:
        entry_now = "removed"
    elif current.content_hash == alert.entry_hash:
        entry_now = "unchanged"
    else:
        entry_now = "changed"
    party_kind = EntityKind(str(subject.data.get("kind") or "unknown"))
    name = explain_names(
        str(subject.data.get("name") or subject.name),
        party_kind,
        alert.matched_name,
        entry.kind,
    )
    implied = _implied_name_score(alert)
    agrees = implied is None or name is None or abs(implied - name.score) < 0.01
    return AlertView(
        alert=alert,
        subject=subject,
        watch=watch,
        version=session.get(ListVersion, alert.list_version_id),
        current_version=session.get(ListVersion, watch.current_version_id)
        if watch.current_version_id
        else None,
        entry_row=entry_row,
        entry=entry,
        entry_now=entry_now,
        current_entry_id=current.id if current is not None else None,
        name=name,
        qualifiers=[r for r in alert.reasons if r.get("code") != "name"],
        stored_name_score=implied,
        model_agrees=agrees,
        consequence=consequence_summary(alert.category, alert.consequence),
        decisions=store.decisions_of(session, alert.id),
        context=_context(session, subject),
    )


# -- assignment -------------------------------------------------------------------------


def reviewers(session: Session, actor: Principal) -> list[tuple[str, str]]:
    """(e-mail, name) of the active agency users who may review alerts."""
    actor.require("screening:read")
    roles = [
        role.value
        for role, spec in ROLES.items()
        if spec.scope is Scope.all and "screening:review" in spec.permissions
    ]
    return store.reviewer_accounts(session, roles)


def assign_to_reviewer(session: Session, actor: Principal, alert_id: int, assignee: str) -> Alert:
    """Assign an alert to an active reviewer (empty: no one), checking the name first;
    the assignment itself is :func:`.subjects.assign_alert` (audited)."""
    from trustlane.screening.subjects import assign_alert

    actor.require("screening:review")
    wanted = assignee.strip()
    known = {email.lower() for email, _ in reviewers(session, actor)}
    if wanted and wanted.lower() not in known:
        raise InvalidInput(
            "Unknown reviewer",
            [FieldProblem("assignee", "not an active agency user who reviews alerts")],
        )
    return assign_alert(session, actor, alert_id, wanted)


def age_in_days(alert: Alert, today: date | None = None) -> int:
    """Days since the alert was raised (the queue shows how long alerts wait)."""
    today = today or datetime.now(UTC).date()
    return (today - alert.created_at.date()).days
