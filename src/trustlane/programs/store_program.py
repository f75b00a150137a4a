"""SQL of the program-wide reads: validation planning, the analytics frames, and the
findings rollup they read (its upkeep and its rebuild).

Split from :mod:`store` (the records of one member at a time) because these queries read the
whole program at once and are tuned for that: grouped in the database, fetched through the
driver's cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trustlane.programs.models import (
    Action,
    Finding,
    FindingCount,
    Member,
    MemberEvent,
    Plan,
    Validation,
)
from trustlane.programs.vocab import ActionStatus, ValidationStatus
from trustlane.registry.models import Organization

# ----------------------------------------------------------------------------- planning


def planning_members(session: Session, program: str, statuses: Sequence[str]) -> list[Any]:
    """Members of ``program`` in ``statuses`` with their organization's name and sector."""
    stmt = (
        sa.select(
            Member.id,
            Member.org_id,
            Organization.name,
            Member.entity_type,
            Organization.sector,
            Member.status,
            Member.tier,
            Member.certified_on,
            Member.last_validated_on,
            Member.validation_due,
            Member.profile_review_due,
            Member.specialist_user_id,
        )
        .join(Organization, Organization.id == Member.org_id)
        .where(Member.program == program, Member.status.in_(list(statuses)))
        .order_by(Member.id)
    )
    return list(session.execute(stmt))


def last_validations(session: Session, program: str) -> dict[int, tuple[str | None, int]]:
    """Per member, (outcome, required actions) of its latest completed validation."""
    rows = session.execute(
        sa.select(Validation.member_id, Validation.outcome, Validation.n_required_actions)
        .where(Validation.program == program, Validation.status == ValidationStatus.completed)
        .order_by(Validation.member_id, Validation.completed_on, Validation.id)
    )
    return {int(m): (o, int(n)) for m, o, n in rows}


def scheduled_member_ids(session: Session, program: str) -> set[int]:
    return set(
        session.scalars(
            sa.select(Validation.member_id).where(
                Validation.program == program, Validation.status == ValidationStatus.scheduled
            )
        )
    )


def action_counts(session: Session, program: str, on: date) -> dict[int, tuple[int, int]]:
    """Per member, (open actions, of which overdue on ``on``)."""
    rows = session.execute(
        sa.select(
            Action.member_id,
            sa.func.count(),
            sa.func.sum(
                sa.case(
                    (sa.and_(Action.status == ActionStatus.open, Action.due_on < on), 1), else_=0
                )
            ),
        )
        .join(Member, Member.id == Action.member_id)
        .where(Member.program == program, Action.status != ActionStatus.closed)
        .group_by(Action.member_id)
    )
    return {int(m): (int(n), int(o or 0)) for m, n, o in rows}


def suspension_counts(session: Session, program: str) -> dict[int, int]:
    rows = session.execute(
        sa.select(MemberEvent.member_id, sa.func.count())
        .join(Member, Member.id == MemberEvent.member_id)
        .where(Member.program == program, MemberEvent.kind == "suspended")
        .group_by(MemberEvent.member_id)
    )
    return {int(m): int(n) for m, n in rows}


def outcome_counts(session: Session, program: str) -> list[tuple[str | None, str, int, int]]:
    """(sector, entity type, agency validations completed, of which failed)."""
    failed = sa.func.sum(sa.case((Validation.outcome == "failed", 1), else_=0))
    rows = session.execute(
        sa.select(Organization.sector, Member.entity_type, sa.func.count(), failed)
        .select_from(Validation)
        .join(Member, Member.id == Validation.member_id)
        .join(Organization, Organization.id == Member.org_id)
        .where(
            Validation.program == program,
            Validation.status == ValidationStatus.completed,
            Validation.basis == "agency",
        )
        .group_by(Organization.sector, Member.entity_type)
    )
    return [(s, e, int(n), int(f or 0)) for s, e, n, f in rows]


def plan_by_id(session: Session, plan_id: int) -> Plan | None:
    return session.get(Plan, plan_id)


# ----------------------------------------------------------------------------- analytics


def _frame(session: Session, stmt: sa.Select[*tuple[Any, ...]], columns: list[str]) -> pd.DataFrame:
    """Run ``stmt`` through the driver's cursor into a DataFrame.

    The analytics read tens or hundreds of thousands of rows; building a SQLAlchemy row per
    row costs more than the query. The statement is compiled with its parameters inlined
    (quoted by SQLAlchemy; the drivers' paramstyles differ). Values come back as the driver
    gives them: SQLite hands dates as ISO text, so date columns go through
    ``pd.to_datetime`` afterwards.
    """
    connection = session.connection()
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    raw = connection.connection.driver_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        cursor.execute(sql)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return pd.DataFrame.from_records(rows, columns=columns)


def validations_frame(session: Session, program: str) -> pd.DataFrame:
    """Completed validations by this agency: id, member, organization, date, outcome, mode,
    the member's entity type and the organization's sector."""
    stmt = (
        sa.select(
            Validation.id,
            Validation.member_id,
            Member.org_id,
            Validation.completed_on,
            Validation.outcome,
            Validation.mode,
            Validation.n_meets,
            Validation.n_required_actions,
            Validation.n_recommendations,
            Validation.n_best_practices,
            Member.entity_type,
            Organization.sector,
        )
        .join(Member, Member.id == Validation.member_id)
        .join(Organization, Organization.id == Member.org_id)
        .where(
            Validation.program == program,
            Validation.status == ValidationStatus.completed,
            Validation.basis == "agency",
        )
    )
    columns = [
        "validation_id",
        "member_id",
        "org_id",
        "completed_on",
        "outcome",
        "mode",
        "n_meets",
        "n_required_actions",
        "n_recommendations",
        "n_best_practices",
        "entity_type",
        "sector",
    ]
    frame = _frame(session, stmt, columns)
    frame["completed_on"] = pd.to_datetime(frame["completed_on"])
    frame["sector"] = frame["sector"].fillna("unassigned")
    return frame


def _half_of(day: date) -> tuple[int, int]:
    return day.year, 1 if day.month <= 6 else 2


def add_finding_counts(
    session: Session,
    program: str,
    on: date,
    entity_type: str,
    sector: str | None,
    counts: dict[tuple[str, str], int],
) -> None:
    """Add one validation's findings to the rollup (``counts``: (criterion, kind) → n).

    Portable upsert: read the cells that exist, increment those, insert the others. Two
    validations completing at once in the same half-year and sector can both try to insert a
    cell; the loser's savepoint rolls back and it tries again, now finding the cell.
    """
    year, half = _half_of(on)
    key = (
        FindingCount.program == program,
        FindingCount.year == year,
        FindingCount.half == half,
        FindingCount.entity_type == entity_type,
        FindingCount.sector == (sector or "unassigned"),
    )
    table = cast(sa.Table, FindingCount.__table__)
    for attempt in range(3):
        existing = {
            (c, k): i
            for i, c, k in session.execute(
                sa.select(FindingCount.id, FindingCount.criterion, FindingCount.kind).where(*key)
            )
        }
        updates = [{"b_id": existing[k], "b_n": n} for k, n in counts.items() if k in existing]
        inserts = [
            {
                "program": program,
                "year": year,
                "half": half,
                "entity_type": entity_type,
                "sector": sector or "unassigned",
                "criterion": c,
                "kind": k,
                "n": n,
            }
            for (c, k), n in counts.items()
            if (c, k) not in existing
        ]
        try:
            with session.begin_nested():
                if updates:
                    session.execute(
                        sa.update(table)
                        .where(table.c.id == sa.bindparam("b_id"))
                        .values(n=table.c.n + sa.bindparam("b_n")),
                        updates,
                    )
                if inserts:
                    session.execute(sa.insert(table), inserts)
            return
        except IntegrityError:
            if attempt == 2:
                raise


def rebuild_finding_counts(session: Session, program: str) -> int:
    """Recount the rollup of ``program`` from its findings; returns the cells written."""
    session.execute(sa.delete(FindingCount).where(FindingCount.program == program))
    year = sa.cast(sa.extract("year", Validation.completed_on), sa.Integer)
    half = sa.case((sa.extract("month", Validation.completed_on) <= 6, 1), else_=2)
    sector = sa.func.coalesce(Organization.sector, "unassigned")
    grouped = (
        sa.select(
            sa.literal(program),
            year,
            half,
            Member.entity_type,
            sector,
            Finding.criterion,
            Finding.kind,
            sa.func.count(),
        )
        .select_from(Finding)
        .join(Validation, Validation.id == Finding.validation_id)
        .join(Member, Member.id == Validation.member_id)
        .join(Organization, Organization.id == Member.org_id)
        .where(
            Validation.program == program,
            Validation.status == ValidationStatus.completed,
            Validation.basis == "agency",
        )
        .group_by(year, half, Member.entity_type, sector, Finding.criterion, Finding.kind)
    )
    columns = ["program", "year", "half", "entity_type", "sector", "criterion", "kind", "n"]
    session.execute(sa.insert(FindingCount).from_select(columns, grouped))
    return int(
        session.scalar(
            sa.select(sa.func.count())
            .select_from(FindingCount)
            .where(FindingCount.program == program)
        )
        or 0
    )


#: The views of the rollup the analytics read: each its grouping columns.
COUNT_VIEWS = {
    "period": ("year", "half"),
    "entity_type": ("entity_type",),
    "sector": ("sector",),
}


def finding_counts_frames(session: Session, program: str) -> dict[str, pd.DataFrame]:
    """The rollup summed three ways (by half-year, by entity type, by sector), each with
    criterion, kind and n: small frames, whatever the size of the program's history."""
    out = {}
    for name, keys in COUNT_VIEWS.items():
        group = [getattr(FindingCount, k) for k in keys]
        stmt = (
            sa.select(
                *group, FindingCount.criterion, FindingCount.kind, sa.func.sum(FindingCount.n)
            )
            .where(FindingCount.program == program)
            .group_by(*group, FindingCount.criterion, FindingCount.kind)
        )
        columns = [*keys, "criterion", "kind", "n"]
        frame = pd.DataFrame.from_records(session.execute(stmt).all(), columns=columns)
        frame["n"] = frame["n"].astype("int64")
        out[name] = frame
    return out


def required_action_pairs(session: Session, program: str) -> pd.DataFrame:
    """(validation, criterion) of every required action of the program's completed agency
    validations: one row per required-action finding, read from the actions they became."""
    stmt = (
        sa.select(Action.validation_id, Action.criterion)
        .join(Validation, Validation.id == Action.validation_id)
        .where(
            Validation.program == program,
            Validation.status == ValidationStatus.completed,
            Validation.basis == "agency",
        )
    )
    return _frame(session, stmt, ["validation_id", "criterion"])


def members_frame(session: Session, program: str, on: date) -> pd.DataFrame:
    """Members with status, tier, cycle dates, sector and their overdue actions on ``on``."""
    overdue = (
        sa.select(Action.member_id.label("member_id"), sa.func.count().label("n"))
        .where(Action.status == ActionStatus.open, Action.due_on < on)
        .group_by(Action.member_id)
        .subquery()
    )
    stmt = (
        sa.select(
            Member.id,
            Member.status,
            Member.tier,
            Member.entity_type,
            Organization.sector,
            Member.last_validated_on,
            Member.validation_due,
            sa.func.coalesce(overdue.c.n, 0),
        )
        .join(Organization, Organization.id == Member.org_id)
        .outerjoin(overdue, overdue.c.member_id == Member.id)
        .where(Member.program == program)
    )
    columns = [
        "member_id",
        "status",
        "tier",
        "entity_type",
        "sector",
        "last_validated_on",
        "validation_due",
        "overdue_actions",
    ]
    frame = pd.DataFrame.from_records(session.execute(stmt).all(), columns=columns)
    frame["sector"] = frame["sector"].fillna("unassigned")
    return frame


def latest_plan(session: Session, program: str) -> Plan | None:
    return session.scalar(
        sa.select(Plan).where(Plan.program == program).order_by(Plan.id.desc()).limit(1)
    )


def analytics_fingerprint(session: Session, program: str) -> tuple[Any, ...]:
    """What the analytics depend on, in cheap aggregates: any completed validation, change to
    a member or to an organization (its sector), and any action closed changes it."""
    validations = session.execute(
        sa.select(sa.func.count(), sa.func.max(Validation.id)).where(
            Validation.program == program, Validation.status == ValidationStatus.completed
        )
    ).one()
    members = session.execute(
        sa.select(sa.func.count(), sa.func.max(Member.updated_at)).where(Member.program == program)
    ).one()
    actions = session.scalar(
        sa.select(sa.func.count())
        .select_from(Action)
        .join(Member, Member.id == Action.member_id)
        .where(Member.program == program, Action.status == ActionStatus.closed)
    )
    organizations = session.scalar(sa.select(sa.func.max(Organization.updated_at)))
    return (*validations, *members, actions, organizations)
