"""CLI: the agency's program views: ``trustlane programs accounts|specialists|plan|analytics``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from trustlane.cli.common import console, new_app, open_database, operator, progress_bar
from trustlane.errors import FieldProblem, InvalidInput
from trustlane.programs import accounts, planning, report
from trustlane.programs.plots import CHARTS, FORMATS

accounts_app = new_app("Industry accounts: members by sector, account managers.")
specialists_app = new_app("Supply-chain security specialists and their capacity.")
analytics_app = new_app("Where members fail: summary, CSV/XLSX export, charts.")

ProgramOpt = Annotated[str, typer.Option("--program", help="Program slug")]


def add_commands(programs_app: typer.Typer) -> None:
    programs_app.add_typer(accounts_app, name="accounts")
    programs_app.add_typer(specialists_app, name="specialists")
    programs_app.add_typer(analytics_app, name="analytics")
    programs_app.command("plan")(plan)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


@accounts_app.command("list")
def accounts_list(program: Annotated[str | None, typer.Option(help="Program slug")] = None) -> None:
    """Every industry account: managers, members, tiers, open findings."""
    with open_database().session() as session:
        table = Table("sector", "managers", "members", "by status", "open actions", "overdue")
        for a in accounts.list_accounts(session, operator(), program):
            table.add_row(
                a.name,
                ", ".join(u.email for u in a.managers),
                str(a.members),
                ", ".join(f"{k} {v}" for k, v in sorted(a.by_status.items())),
                str(a.open_actions),
                str(a.overdue_actions),
            )
        console.print(table)


@accounts_app.command("show")
def accounts_show(
    sector: str, program: Annotated[str | None, typer.Option(help="Program slug")] = None
) -> None:
    """One account: each member's status, tier, open findings and shipments."""
    with open_database().session() as session:
        view = accounts.account_view(session, operator(), sector, program)
        table = Table(
            "member",
            "organization",
            "entity type",
            "status",
            "tier",
            "open",
            "overdue",
            "shipments",
            title=f"{view.summary.name}: {len(view.members)} members",
        )
        for m in view.members:
            table.add_row(
                str(m.member.id),
                m.organization.name,
                m.member.entity_type,
                m.member.status,
                str(m.member.tier or ""),
                str(m.open_actions),
                str(m.overdue_actions),
                str(m.shipments),
            )
        console.print(table)


@accounts_app.command("managers")
def accounts_managers(
    sector: str, user_ids: Annotated[list[int], typer.Argument(help="Account manager user ids")]
) -> None:
    """Set the account managers of a sector (replaces the team)."""
    with open_database().session() as session:
        users = accounts.set_account_managers(session, operator(), sector, user_ids)
        console.print(f"{sector}: {', '.join(u.email for u in users)}")


@specialists_app.command("list")
def specialists_list() -> None:
    with open_database().session() as session:
        table = Table("user", "e-mail", "capacity", "sectors", "active")
        for s, u in planning.list_specialists(session, operator()):
            table.add_row(
                str(s.user_id),
                u.email,
                f"{s.capacity:g}",
                ", ".join(s.sectors) or "any",
                str(s.active),
            )
        console.print(table)


@specialists_app.command("set")
def specialists_set(
    user_id: int,
    capacity: Annotated[float, typer.Option(help="Units per planning horizon (virtual = 1)")],
    sector: Annotated[list[str], typer.Option(help="Sector covered (repeat; none: any)")] = [],  # noqa: B006
    inactive: Annotated[bool, typer.Option(help="Leave out of planning")] = False,
) -> None:
    """Register a specialist's capacity and sectors."""
    with open_database().session() as session:
        s = planning.set_specialist(
            session, operator(), user_id, capacity=capacity, sectors=sector, active=not inactive
        )
        console.print(f"Specialist {s.user_id}: capacity {s.capacity:g}.")


def plan(
    program: ProgramOpt = "ctpat",
    horizon_days: Annotated[int, typer.Option(help="Days the plan covers")] = 90,
    capacity: Annotated[
        float | None, typer.Option(help="Total capacity units, when no specialist is registered")
    ] = None,
    as_of: Annotated[str | None, typer.Option(help="Plan as of this date")] = None,
    top: Annotated[int, typer.Option(help="Rows to print")] = 25,
    schedule: Annotated[bool, typer.Option(help="Schedule the planned validations")] = False,
) -> None:
    """Rank members for the next validations under capacity; every rank with its reasons."""
    with open_database().session() as session, progress_bar("Planning") as bar:
        params = planning.PlanParameters(horizon_days, capacity)
        out = planning.make_plan(
            session,
            operator(),
            program,
            params,
            as_of=date.fromisoformat(as_of) if as_of else None,
            progress=bar,
        )
        if schedule:
            made = planning.schedule_plan(session, operator(), program, out.plan.id)
            console.print(f"Scheduled {len(made)} validations.")
    s = out.plan.summary
    console.print(
        f"Plan {out.plan.id}: {s['planned']} of {s['candidates']} members planned, "
        f"{s['units_used']:g}/{s['capacity_units']:g} units, {s['by_mode']}."
    )
    for name, why in s["signals_not_considered"].items():
        console.print(f"  [yellow]{name}[/]: {why}", highlight=False)
    table = Table("rank", "member", "organization", "score", "mode", "planned", "reasons")
    for r in out.rows[:top]:
        table.add_row(
            str(r["rank"]),
            str(r["member_id"]),
            r["name"],
            f"{r['score']:.0f}",
            r["mode"],
            "yes" if r["selected"] else "no",
            " ".join(x["text"] for x in r["reasons"][:3]),
        )
    console.print(table)


@analytics_app.command("summary")
def analytics_summary(program: ProgramOpt = "ctpat") -> None:
    """The program's failure figures and the criteria failed most often."""
    with open_database().session() as session, progress_bar("Analytics") as bar:
        a = report.compute_analytics(session, operator(), program, progress=bar)
    s = a.summary
    console.print(
        f"{s['validations']:,} validations ({_pct(s['validation_failure_rate'])} failed), "
        f"{s['findings']:,} findings ({_pct(s['failure_rate'])} required actions); member "
        f"compliance {_pct(s['member_compliance_rate'])}, criteria compliance "
        f"{_pct(s['criteria_compliance_rate'])}."
    )
    auc = s["model"].get("auc")
    if auc is not None:
        console.print(f"Failure model: held-out AUC {auc:.3f} on {s['model']['tested_on']}.")
    table = Table("criterion", "section", "assessed", "failure rate", title="Failed most often")
    for r in a.tables["criteria"].head(15).to_dict(orient="records"):
        table.add_row(
            str(r["criterion"]), str(r["section"]), str(r["assessed"]), _pct(r["failure_rate"])
        )
    console.print(table)
    for text in a.tables["predictors"]["explanation"].head(5):
        console.print(f"  {text}", highlight=False)


@analytics_app.command("export")
def analytics_export(
    output: Annotated[Path, typer.Option("--output", help=".xlsx (all tables) or .csv (one)")],
    program: ProgramOpt = "ctpat",
    table: Annotated[str | None, typer.Option(help="One table (required for .csv)")] = None,
) -> None:
    """Write the analytics tables to XLSX (a sheet each) or one table to CSV."""
    with open_database().session() as session:
        a = report.compute_analytics(session, operator(), program)
    report.export_analytics_file(a, output, table)
    console.print(f"Wrote {output}.")


@analytics_app.command("charts")
def analytics_charts(
    output: Annotated[Path, typer.Option("--output", help="Folder for the charts")],
    program: ProgramOpt = "ctpat",
    format: Annotated[str, typer.Option(help="png or svg")] = "png",
) -> None:
    """Render every chart into a folder."""
    if format not in FORMATS:
        raise InvalidInput("Unknown format", [FieldProblem("--format", "png or svg", value=format)])
    with open_database().session() as session:
        a = report.compute_analytics(session, operator(), program)
    output.mkdir(parents=True, exist_ok=True)
    for name in CHARTS:
        (output / f"{name}.{format}").write_bytes(report.chart(a, name, format))
    console.print(f"Wrote {len(CHARTS)} charts to {output}.")


@analytics_app.command("rebuild")
def analytics_rebuild(program: ProgramOpt = "ctpat") -> None:
    """Recount the findings rollup the analytics read, from every finding (after a bulk
    import of validation history)."""
    with open_database().session() as session:
        cells = report.rebuild_finding_counts(session, operator(), program)
    console.print(f"{program}: {cells:,} finding-count cells recounted.")
