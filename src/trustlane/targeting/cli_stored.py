"""``trustlane targeting`` commands on stored shipments: score, select, outcomes, models,
retraining, performance and drift. Each parses, calls one use case and prints."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from trustlane.cli.common import console, open_database, operator, progress_bar, settings


def _day(text: str | None) -> date | None:
    return datetime.strptime(text, "%Y-%m-%d").date() if text else None


def register(app: typer.Typer) -> None:
    @app.command("indicators")
    def indicators_cmd(
        config: Annotated[Path | None, typer.Option(help="Indicators file to check")] = None,
    ) -> None:
        """List the risk indicators with their settings."""
        from trustlane.targeting.indicators import INDICATORS, load_config

        loaded = load_config(config)
        for ind in INDICATORS:
            cfg = loaded[ind.key]
            state = "on " if cfg.get("enabled", True) else "off"
            console.print(f"[bold]{ind.code}[/] ({state}) {ind.description}", highlight=False)
            console.print(f"    {json.dumps({k: v for k, v in cfg.items() if k != 'entries'})}")

    @app.command("score-shipments")
    def score_shipments_cmd(
        declared_from: Annotated[str | None, typer.Option("--from", help="YYYY-MM-DD")] = None,
        declared_to: Annotated[str | None, typer.Option("--to", help="YYYY-MM-DD")] = None,
        office: Annotated[str | None, typer.Option(help="Only this office")] = None,
        indicators: Annotated[Path | None, typer.Option(help="Indicators file")] = None,
    ) -> None:
        """Score stored shipments (indicators + active model) and store scores with reasons."""
        from trustlane.targeting.assess import score_shipments

        database = open_database()
        with progress_bar("scoring shipments", "shipments") as bar, database.session() as session:
            result = score_shipments(
                session, operator(), settings(),
                declared_from=_day(declared_from), declared_to=_day(declared_to),
                office=office, indicators_file=indicators, progress=bar,
            )  # fmt: skip
        model = f"model v{result.model_version}" if result.model_version else "indicators only"
        console.print(f"Scored {result.shipments:,} shipments ({model}); run {result.run_id}")

    @app.command("scores")
    def scores_cmd(
        day: Annotated[str | None, typer.Option(help="Declared on (YYYY-MM-DD)")] = None,
        office: Annotated[str | None, typer.Option()] = None,
        limit: Annotated[int, typer.Option()] = 20,
    ) -> None:
        """Current scores, highest first, with their reasons."""
        from trustlane.paging import PageRequest
        from trustlane.targeting.scores import list_scores

        database = open_database()
        with database.session() as session:
            page = list_scores(
                session, operator(), PageRequest(limit=limit), day=_day(day), office=office
            )
            for s in page.items:
                console.print(
                    f"[bold]{s.shipment_id}[/] {s.declared_on} office {s.office}: score "
                    f"{s.score:.3f}, expected value {s.expected_value:,.0f}",
                    highlight=False,
                )
                for r in s.reasons[:4]:
                    console.print(f"    {r['code']}: {r['text']}", highlight=False)
            console.print(f"({len(page.items)} of {page.total})")

    @app.command("select")
    def select_cmd(
        day: Annotated[str, typer.Option(help="Declaration day to select from (YYYY-MM-DD)")],
        capacity: Annotated[
            str, typer.Option(help='Per office: a count ("12") or a share ("5%")')
        ] = "5%",
        office: Annotated[str | None, typer.Option(help="Only this office")] = None,
        explore: Annotated[float, typer.Option(help="Share of capacity for exploration")] = 0.1,
        explore_method: Annotated[str, typer.Option(help="random or uncertainty")] = "random",
        documents_threshold: Annotated[
            float, typer.Option(help="Score for a documents check")
        ] = 0.3,
        seed: Annotated[int, typer.Option()] = 7,
    ) -> None:
        """Select the day's inspections under a capacity, with exploration and lanes."""
        from trustlane.targeting.select import SelectionPolicy, select_for_inspection

        policy = SelectionPolicy(capacity, explore, explore_method, documents_threshold, seed=seed)
        database = open_database()
        with database.session() as session:
            selection = select_for_inspection(
                session, operator(), _day(day) or date.today(), policy, office=office
            )
            console.print(f"Selection {selection.id} for {selection.day}: {selection.counts}")

    @app.command("selection")
    def selection_cmd(selection_id: int, lane: Annotated[str, typer.Option()] = "physical") -> None:
        """Show a selection's shipments in a lane."""
        from trustlane.targeting.select import get_selection

        database = open_database()
        with database.session() as session:
            selection, items = get_selection(session, operator(), selection_id)
            table = Table("shipment", "office", "lane", "picked by", "score", "expected value")
            for i in items:
                if i.lane == lane:
                    table.add_row(str(i.shipment_id), i.office or "", i.lane, i.picked_by,
                                  f"{i.score:.3f}", f"{i.expected_value:,.0f}")  # fmt: skip
            console.print(f"Selection {selection.id} for {selection.day}: {selection.counts}")
            console.print(table)

    @app.command("outcome")
    def outcome_cmd(
        shipment_id: int,
        fraud: Annotated[bool, typer.Option("--fraud/--no-fraud", help="Fraud found?")],
        critical: Annotated[int, typer.Option(help="0 none, 1 fraud, 2 critical")] = 0,
        revenue: Annotated[float | None, typer.Option(help="Revenue recovered")] = None,
        notes: Annotated[str | None, typer.Option()] = None,
    ) -> None:
        """Record what inspecting a shipment found."""
        from trustlane.cargo.inspections import OutcomeIn
        from trustlane.targeting.outcomes import record_outcome

        database = open_database()
        with database.session() as session:
            found = record_outcome(session, operator(), shipment_id, OutcomeIn(
                fraud=fraud, critical=critical, revenue_recovered=revenue, notes=notes,
                inspected_on=date.today()))  # fmt: skip
            console.print(f"Recorded inspection {found.id} of shipment {shipment_id}")

    @app.command("outcomes-import")
    def outcomes_import_cmd(path: Path) -> None:
        """Record outcomes from a CSV (kind, external_id, fraud, optional critical, revenue...)."""
        from trustlane.targeting.outcomes import import_outcome_file

        result = import_outcome_file(open_database(), operator(), path)
        console.print(f"Recorded {result.recorded} of {result.rows_read} rows")
        for p in result.rejected[:20]:
            console.print(f"  [yellow]{p}[/]", highlight=False)

    @app.command("models")
    def models_cmd() -> None:
        """List model versions."""
        from trustlane.targeting.registry import list_models

        database = open_database()
        with database.session() as session:
            table = Table(
                "version", "status", "source", "trained on", "rows", "hold-out P@5% / Rev@5%"
            )
            for m in list_models(session, operator()):
                top = {int(f["percent"]): f for f in m.validation.get("top", [])}
                five = top.get(5, {})
                table.add_row(
                    f"v{m.version}", m.status, m.source, f"{m.trained_from} … {m.trained_to}",
                    str(m.rows), f"{five.get('precision', 0):.3f} / {five.get('revenue', 0):.3f}",
                )  # fmt: skip
            console.print(table)

    @app.command("model-import")
    def model_import_cmd(
        model_dir: Path,
        promote: Annotated[bool, typer.Option(help="Make it the active model")] = False,
    ) -> None:
        """Register a model directory made by `targeting train` (copied into the data dir)."""
        from trustlane.targeting import registry

        database = open_database()
        with database.session() as session:
            row = registry.import_model(session, operator(), settings(), model_dir)
            if promote:
                registry.promote(session, operator(), row.version, force=True)
            console.print(f"Registered model v{row.version}" + (" (active)" if promote else ""))

    @app.command("promote")
    def promote_cmd(
        version: int, force: Annotated[bool, typer.Option(help="Even if it compared worse")] = False
    ) -> None:
        """Make a model version the active one."""
        from trustlane.targeting.registry import promote

        database = open_database()
        with database.session() as session:
            promote(session, operator(), version, force=force)
            console.print(f"Model v{version} is active")

    @app.command("retrain")
    def retrain_cmd(
        if_due: Annotated[
            bool, typer.Option("--if-due", help="Only when due (for a scheduler)")
        ] = False,
        every_days: Annotated[int, typer.Option(help="With --if-due: model age to retrain at")] = 7,
        min_new_outcomes: Annotated[int, typer.Option(help="With --if-due")] = 100,
        compare_weeks: Annotated[int, typer.Option(help="Recent weeks kept out to compare on")] = 4,
        no_promote: Annotated[bool, typer.Option("--no-promote", help="Register only")] = False,
    ) -> None:
        """Retrain from stored outcomes (a job); compare with the active model; promote."""
        from trustlane.jobs.runner import create_job, execute

        database = open_database()
        kind = "targeting.retrain_if_due" if if_due else "targeting.retrain"
        params: dict[str, Any] = {
            "compare_weeks": compare_weeks,
            "promote": not no_promote,
            "every_days": every_days,
            "min_new_outcomes": min_new_outcomes,
        }
        with database.session() as session:
            job = create_job(session, operator(), kind, params, unit="steps")
        with progress_bar("retraining", "steps") as bar:
            done = execute(database, settings(), job.id, bar)
        if done.status != "succeeded":
            console.print(f"[red]retraining failed:[/] {done.error}")
            raise typer.Exit(1)
        console.print(json.dumps(done.result, indent=2, default=str))

    @app.command("performance")
    def performance_cmd(weeks: Annotated[int, typer.Option()] = 12) -> None:
        """Precision and revenue of the inspection picks per week."""
        from trustlane.targeting.monitor import performance

        database = open_database()
        with database.session() as session:
            table = Table(
                "week", "picked", "inspected", "frauds", "precision", "revenue", "explore precision"
            )
            for w in performance(session, operator(), weeks):
                ex = w["exploration_picks"]["precision"]
                precision = "-" if w["precision"] is None else f"{w['precision']:.3f}"
                table.add_row(
                    w["week"],
                    str(w["picked"]),
                    str(w["inspected"]),
                    str(w["frauds"]),
                    precision,
                    f"{w['revenue']:,.0f}",
                    "-" if ex is None else f"{ex:.3f}",
                )
            console.print(table)

    @app.command("drift")
    def drift_cmd(days: Annotated[int, typer.Option(help="Recent window in days")] = 28) -> None:
        """Drift of inputs and score against the active model's reference (PSI)."""
        from trustlane.targeting.monitor import drift_report

        database = open_database()
        with database.session() as session:
            report = drift_report(session, operator(), settings(), days)
        console.print(f"model v{report['model_version']}, window {report['window']}")
        console.print(f"score PSI {report['score']['psi']} ({report['score']['level']})")
        for r in report["inputs"]:
            console.print(f"  {r['feature']:<24} PSI {r['psi']:.4f} ({r['level']})")
