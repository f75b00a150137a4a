"""Demo data of trusted-trader programs: a membership with several years of history.

Built on whatever trade organizations the demo registry holds, through the package's real use
cases with dates in the past: applications, security profiles and their annual reviews,
validations (on site, hybrid, virtual, and a few recognized from partner programs) with a
finding per criterion, required actions answered or left overdue, suspensions, removals and
reinstatements, evidence files, specialists and account teams, and a validation plan with its
first validations scheduled.

How members fare is drawn from a small model so that the analytics have a story to tell:
each member has a security maturity that grows with each validation; each criterion a
difficulty (cybersecurity and business-partner due diligence harder, physical security
easier); a criterion that has just taken effect is failed more often until members learn it.
The same seed gives the same data.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access import users
from trustlane.access.models import User
from trustlane.access.principal import Principal
from trustlane.access.roles import Role
from trustlane.db import Database
from trustlane.programs import (
    accounts,
    actions,
    catalogs,
    evidence,
    membership,
    planning,
    profiles,
    validations,
)
from trustlane.programs.calendar import add_months, add_years, today
from trustlane.programs.catalog import Catalog, Criterion
from trustlane.programs.models import Member
from trustlane.programs.vocab import ACTIVE_STATUSES, MemberStatus, StatusReason
from trustlane.progress import Progress
from trustlane.registry.models import Organization

PROGRAM = "ctpat"
#: Share of trade organizations that are members of the main program.
MEMBERSHIP_SHARE = 0.7
#: The first applications of the demo's history.
HISTORY_START = date(2020, 3, 1)
EXTRA_SPECIALISTS = [
    ("specialist.east@agency.demo", "Elena East"),
    ("specialist.west@agency.demo", "Walter West"),
    ("specialist.ports@agency.demo", "Paulo Ports"),
]
PARTNERS = [
    ("European Union customs (demo)", "EU Authorised Economic Operator"),
    ("Japan Customs (demo)", "Japan AEO"),
    ("Korea Customs Service (demo)", "Korea AEO"),
    ("Mexico SAT (demo)", "Mexico OEA"),
]
#: How hard each section is to meet (log-odds added to the chance of a required action).
SECTION_DIFFICULTY = {
    "1": -0.4, "2": 0.3, "3": 0.5, "4": 0.7, "5": 0.2, "6": 0.4,
    "7": 0.0, "8": -0.3, "9": -0.2, "10": -0.3, "11": 0.1, "12": 0.3,
}  # fmt: skip
#: Sectors whose supply chains make due diligence (section 3) harder.
SECTOR_DUE_DILIGENCE = {"apparel-footwear-textiles": 0.6, "apparel_footwear_textiles": 0.6}
NARRATIVES = [
    "Documented in our security manual, section {s}; owner: compliance manager.",
    "In place at all sites; records kept for two years and checked by internal audit.",
    "Procedure approved by the operations director; training records available.",
    "Applied through our partner requirements and verified during supplier visits.",
]
ACTIVE = ACTIVE_STATUSES
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class Story:
    """One member's hidden traits, drawn from the seed."""

    maturity: float
    applied_on: date
    skips_reviews: bool
    slow_on_actions: bool


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


class Generator:
    """Walks each member through its history with the real use cases."""

    def __init__(self, session: Session, actor: Principal, seed: int) -> None:
        self.session = session
        self.actor = actor
        self.rng = random.Random(f"programs-demo-{seed}")
        self.today = today()
        self.catalog: Catalog = catalogs.catalog_in_force(session, PROGRAM).catalog
        self.difficulty = {
            c.id: SECTION_DIFFICULTY.get(c.section, 0.0)
            + self.rng.gauss(0, 0.35)
            - (0.4 if c.level.value == "should" else 0.0)
            for c in self.catalog.criteria
        }
        self.counts: dict[str, int] = {}

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    # ------------------------------------------------------------------ profile
    def answer_all(self, member: Member, on: date) -> None:
        view = profiles.get_profile(self.session, self.actor, member.id, on)
        missing = [line.criterion for line in view.lines if line.answer is None]
        if not missing:
            return
        given = [
            profiles.AnswerIn(
                c.id,
                "partial" if self.rng.random() < 0.08 else "implemented",
                self.rng.choice(NARRATIVES).format(s=c.section),
            )
            for c in missing
        ]
        profiles.set_answers(self.session, self.actor, member.id, given, on)

    # ------------------------------------------------------------------ validations
    def finding(self, c: Criterion, story: Story, sector: str | None, on: date) -> tuple[str, str]:
        years_since = (on - c.effective_from).days / 365.25
        novelty = 1.3 * math.exp(-years_since / 0.9) if years_since < 3 else 0.0
        sector_push = SECTOR_DUE_DILIGENCE.get(sector or "", 0.0) if c.section == "3" else 0.0
        logit = -3.8 + self.difficulty[c.id] - 0.9 * story.maturity + novelty + sector_push
        p_ra = _sigmoid(logit)
        p_bp = _sigmoid(-3.6 + 0.9 * story.maturity - 0.4 * self.difficulty[c.id])
        p_rec = 0.06
        u = self.rng.random()
        if u < p_ra:
            return "required_action", f"Gap against {c.id}: {c.guidance.split(';')[0]}"
        if u < p_ra + p_bp:
            return "best_practice", "Goes beyond the criterion; shared as an example."
        if u < p_ra + p_bp + p_rec:
            return "recommendation", "Meets the criterion; tighten the records kept."
        return "meets", ""

    def validate(
        self, member: Member, story: Story, sector: str | None, on: date, mode: str
    ) -> date:
        """A validation visiting on ``on``; returns the day it was completed."""
        team = [member.specialist_user_id] if member.specialist_user_id else []
        v = validations.schedule_validation(
            self.session,
            self.actor,
            member.id,
            mode=mode,
            scheduled_for=on,
            specialist_ids=team,
            on=on - timedelta(days=30),
        )
        found = []
        for c in self.catalog.applicable(member.entity_type, on):
            kind, note = self.finding(c, story, sector, on)
            found.append(validations.FindingIn(c.id, kind, note))
        validations.record_findings(self.session, self.actor, v.id, found)
        done = min(self.today, on + timedelta(days=self.rng.randint(1, 4)))
        validations.complete_validation(self.session, self.actor, v.id, on=done)
        self.count("validations")
        self.count("findings", len(found))
        story.maturity += 0.35  # members learn from each validation
        self.follow_up(member, story, v.id)
        return done

    def follow_up(self, member: Member, story: Story, validation_id: int) -> None:
        from trustlane.programs import store

        for action in store.actions_of_validation(self.session, validation_id):
            self.count("required_actions")
            late = story.slow_on_actions and self.rng.random() < 0.5
            respond_on = action.due_on + timedelta(
                days=self.rng.randint(5, 60) if late else -self.rng.randint(5, 60)
            )
            if respond_on > self.today:
                continue  # still open: overdue or not yet due
            actions.respond_to_action(
                self.session,
                self.actor,
                action.id,
                "Procedure updated, staff trained and records attached.",
                respond_on,
            )
            review_on = respond_on + timedelta(days=self.rng.randint(3, 20))
            if review_on > self.today:
                continue
            accept = self.rng.random() < 0.9
            actions.review_response(
                self.session,
                self.actor,
                action.id,
                accept=accept,
                note="" if accept else "The training records do not cover the night shift.",
                new_due_on=None if accept else review_on + timedelta(days=30),
                on=review_on,
            )
            again = review_on + timedelta(days=self.rng.randint(10, 40))
            if accept or again > self.today:
                continue
            actions.respond_to_action(
                self.session, self.actor, action.id, "Night shift trained; records added.", again
            )
            if again + timedelta(days=7) <= self.today:
                actions.review_response(
                    self.session,
                    self.actor,
                    action.id,
                    accept=True,
                    on=again + timedelta(days=7),
                )

    # ------------------------------------------------------------------ one member
    def member_history(self, org: Organization, entity_type: str, specialist: int | None) -> None:
        rng = self.rng
        span = (self.today - timedelta(days=20) - HISTORY_START).days
        story = Story(
            maturity=rng.gauss(0, 1),
            applied_on=HISTORY_START + timedelta(days=int(span * rng.random() ** 0.8)),
            skips_reviews=rng.random() < 0.12,
            slow_on_actions=rng.random() < 0.2,
        )
        member = membership.apply(
            self.session,
            self.actor,
            org_id=org.id,
            program=PROGRAM,
            entity_type=entity_type,
            on=story.applied_on,
        )
        self.count("members")
        membership.assign_specialist(self.session, self.actor, member.id, specialist)
        self.answer_all(member, story.applied_on)
        submitted = story.applied_on + timedelta(days=rng.randint(10, 50))
        if submitted > self.today:
            return
        self.answer_all(member, submitted)
        profiles.submit_profile(self.session, self.actor, member.id, submitted)
        reviewed = submitted + timedelta(days=rng.randint(10, 40))
        if reviewed > self.today:
            return
        if rng.random() < 0.08:
            profiles.review_profile(
                self.session,
                self.actor,
                member.id,
                accept=False,
                note="Business partner screening (3.1) is described too briefly; add the steps.",
                on=reviewed,
            )
            return
        profiles.review_profile(self.session, self.actor, member.id, accept=True, on=reviewed)
        self.walk(member, story, org.sector, reviewed)

    def walk(self, member: Member, story: Story, sector: str | None, certified: date) -> None:
        """Annual reviews, validations every cycle, suspensions and their aftermath."""
        rng = self.rng
        next_validation = add_months(certified, rng.randint(3, 12))
        next_review = add_months(certified, 12)
        first = True
        while True:
            step = min(next_validation, next_review)
            if step > self.today:
                return
            if step == next_review:
                recent = next_review > self.today - timedelta(days=400)
                if member.status in ACTIVE and not (story.skips_reviews and recent):
                    self.answer_all(member, next_review)
                    profiles.confirm_profile(self.session, self.actor, member.id, next_review)
                    self.count("profile_reviews")
                next_review = add_months(next_review, 12)
                continue
            if member.status not in ACTIVE:
                return
            partner_eligible = member.entity_type in ("foreign_manufacturer", "exporter")
            if first and partner_eligible and rng.random() < 0.12:
                agency, program = rng.choice(PARTNERS)
                validations.record_mutual_recognition(
                    self.session,
                    self.actor,
                    member.id,
                    partner_agency=agency,
                    partner_program=program,
                    reference=f"AEO-{rng.randint(10000, 99999)}",
                    validated_on=next_validation,
                )
                self.count("mutual_recognitions")
            else:
                mode = "on_site" if first else rng.choice(["virtual", "virtual", "hybrid"])
                done = self.validate(member, story, sector, next_validation, mode)
                if member.status == MemberStatus.suspended:
                    back = self.after_suspension(member, story, done)
                    if back is None:
                        return
                    # A reinstated member is validated again within months.
                    next_validation = add_months(back, 6)
                    first = False
                    continue
            first = False
            next_validation = add_years(next_validation, self.catalog.policy.revalidation_years)

    def after_suspension(self, member: Member, story: Story, suspended_on: date) -> date | None:
        """After a failed validation most members fix their gaps and are reinstated; some are
        removed. Returns the day of reinstatement, or None."""
        self.count("suspensions")
        decide_on = suspended_on + timedelta(days=self.rng.randint(120, 240))
        if decide_on > self.today:
            return None
        if self.rng.random() < 0.75:
            membership.reinstate(
                self.session,
                self.actor,
                member.id,
                "Corrective action plan completed and verified on site.",
                decide_on,
            )
            story.maturity += 0.5
            self.count("reinstatements")
            return decide_on
        membership.set_status(
            self.session,
            self.actor,
            member.id,
            MemberStatus.removed,
            StatusReason.actions_overdue,
            "Required actions of the failed validation were not closed in time.",
            decide_on,
        )
        self.count("removals")
        return None


def _specialists(session: Session, actor: Principal, agency_id: int) -> list[User]:
    from trustlane.demo.build import DEMO_PASSWORD

    found = list(
        session.scalars(
            sa.select(User)
            .where(User.role == Role.security_specialist.value, User.is_active.is_(True))
            .order_by(User.id)
        )
    )
    existing = {u.email for u in found}
    for email, name in EXTRA_SPECIALISTS:
        if email not in existing:
            found.append(
                users.create_user(
                    session,
                    actor,
                    email=email,
                    name=name,
                    password=DEMO_PASSWORD,
                    org_id=agency_id,
                    role=Role.security_specialist,
                )
            )
    return found


def populate(database: Database, actor: Principal, seed: int, progress: Progress) -> dict[str, int]:
    """Fill this package's demo data on top of the demo registry and shipments; return counts."""
    with database.session() as session:
        gen = Generator(session, actor, seed)
        agency = session.scalar(
            sa.select(Organization).where(Organization.kind == "agency").order_by(Organization.id)
        )
        if agency is None:
            return {}
        specialists = _specialists(session, actor, agency.id)
        orgs = list(
            session.scalars(
                sa.select(Organization)
                .where(Organization.kind == "trade", Organization.status == "active")
                .order_by(Organization.id)
            )
        )
        trade_admin_orgs = set(
            session.scalars(sa.select(User.org_id).where(User.role == Role.trade_admin.value))
        )
        types = gen.catalog.entity_types
        chosen = []
        for org in orgs:
            roles = [r.role for r in org.roles if r.role in types]
            if roles and (org.id in trade_admin_orgs or gen.rng.random() < MEMBERSHIP_SHARE):
                chosen.append((org, gen.rng.choice(roles)))
        for i, (org, entity_type) in enumerate(chosen):
            specialist = specialists[i % len(specialists)].id
            gen.member_history(org, entity_type, specialist)
            progress.update(i + 1, len(chosen), "programs: member histories")
        _ports(gen, orgs, specialists)
        _evidence(gen, session, actor)
        _staff(gen, session, actor, specialists)
        counts = dict(gen.counts)
    return counts


def _ports(gen: Generator, orgs: list[Organization], specialists: list[User]) -> None:
    """A few terminal operators also in the port facility resilience program."""
    ports = [o for o in orgs if any(r.role == "port_terminal_operator" for r in o.roles)]
    port_catalog = catalogs.catalog_in_force(gen.session, "port-resilience").catalog
    for org in ports[:6]:
        on = gen.today - timedelta(days=gen.rng.randint(200, 700))
        m = membership.apply(
            gen.session,
            gen.actor,
            org_id=org.id,
            program="port-resilience",
            entity_type="port_terminal_operator",
            on=on,
        )
        given = [
            profiles.AnswerIn(c.id, "implemented", "Covered by the facility security plan.")
            for c in port_catalog.applicable("port_terminal_operator", on)
        ]
        profiles.set_answers(gen.session, gen.actor, m.id, given, on)
        profiles.submit_profile(gen.session, gen.actor, m.id, on + timedelta(days=10))
        profiles.review_profile(
            gen.session, gen.actor, m.id, accept=True, on=on + timedelta(days=30)
        )
        visit = on + timedelta(days=90)
        v = validations.schedule_validation(
            gen.session,
            gen.actor,
            m.id,
            mode="on_site",
            scheduled_for=visit,
            specialist_ids=[specialists[-1].id],
            on=visit - timedelta(days=20),
        )
        found = [
            validations.FindingIn(
                c.id,
                "required_action"
                if c.section.startswith("D") and gen.rng.random() < 0.5
                else "meets",
                "Crane control systems serviced remotely by the maker without a session log.",
            )
            for c in port_catalog.applicable("port_terminal_operator", visit)
        ]
        validations.record_findings(gen.session, gen.actor, v.id, found)
        validations.complete_validation(gen.session, gen.actor, v.id, on=visit + timedelta(days=2))
        gen.count("port_members")


def _evidence(gen: Generator, session: Session, actor: Principal) -> None:
    """Evidence files for some members' answers."""
    members = list(
        session.scalars(
            sa.select(Member)
            .where(Member.program == PROGRAM, Member.status.in_(["certified", "validated"]))
            .order_by(Member.id)
            .limit(25)
        )
    )
    for m in members:
        for cid, name in (("6.1", "seal-policy.pdf"), ("4.1", "information-security-policy.pdf")):
            crit = gen.catalog.by_id.get(cid)
            if crit is None or m.entity_type not in crit.entity_types:
                continue
            evidence.add_evidence(
                session,
                actor,
                m.id,
                filename=name,
                data=MINIMAL_PDF + f"% member {m.id} {cid}\n".encode(),
                content_type="application/pdf",
                max_bytes=10 * 2**20,
                criterion=cid,
            )
            gen.count("evidence_files")


def _staff(gen: Generator, session: Session, actor: Principal, specialists: list[User]) -> None:
    """Account teams, specialists' capacity, and the next quarter's validation plan."""
    managers = list(
        session.scalars(
            sa.select(User.id).where(User.role == Role.account_manager.value).order_by(User.id)
        )
    )
    if managers:
        for slug, _ in accounts.industry_sectors():
            accounts.set_account_managers(session, actor, slug, managers)
    for s in specialists:
        planning.set_specialist(session, actor, s.id, capacity=gen.rng.choice([8, 10, 12]))
    out = planning.make_plan(session, actor, PROGRAM)
    gen.count("plan_candidates", out.plan.summary["candidates"])
    made = planning.schedule_plan(session, actor, PROGRAM, out.plan.id)
    gen.count("scheduled_validations", len(made))
