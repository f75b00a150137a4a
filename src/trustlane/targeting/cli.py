"""``trustlane targeting ...``: train, score and evaluate from files; and the stored side
(indicators, scores, selection, outcomes, models, performance, drift).

The file commands are an exact contract (docs/targeting.md) and need no database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from trustlane.cli.common import console, err_console, new_app, progress_bar
from trustlane.targeting.profiles import Reject

app = new_app(
    "Targeting: train, score and evaluate the fraud model on files; score, select and learn "
    "from outcomes on stored shipments."
)

ProfileOpt = Annotated[str, typer.Option("--profile", help="Input file profile")]
ModelDirOpt = Annotated[Path, typer.Option("--model-dir", help="Model directory")]


def _report_rejects(rejected: list[Reject], where: Path | None) -> None:
    if not rejected:
        return
    first = rejected[0]
    err_console.print(
        f"[yellow]warning:[/] {len(rejected)} problem(s) in the input; those rows were left "
        f"out (first: {first.file} line {first.line}, column {first.column!r}: "
        f"{first.reason}){f'; all listed in {where}' if where else ''}",
        highlight=False,
        soft_wrap=True,
    )


@app.command("train")
def train_cmd(
    data: Annotated[list[Path], typer.Argument(help="Labelled declaration CSV files")],
    model_dir: ModelDirOpt,
    profile: ProfileOpt = "customs-kr",
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same model)")] = 7,
    rejects: Annotated[
        Path | None,
        typer.Option(help="Where to list rows left out (default: MODEL_DIR.rejects.csv)"),
    ] = None,
) -> None:
    """Train the fraud model on DATA.csv [MORE.csv ...] and write it to --model-dir."""
    from trustlane.targeting.model import TrainingOptions
    from trustlane.targeting.profiles import write_rejects
    from trustlane.targeting.train import train_from_files

    with progress_bar("training", "steps") as bar:
        result = train_from_files(data, profile, model_dir, TrainingOptions(seed=seed), bar)
    where = None
    if result.rejected:
        where = rejects or model_dir.with_name(model_dir.name + ".rejects.csv")
        write_rejects(where, result.rejected)
    _report_rejects(result.rejected, where)
    v = result.contract["training"]["validation"]
    console.print(
        f"Trained on {result.rows:,} declarations ({result.contract['training']['from']} … "
        f"{result.contract['training']['to']}) in {result.seconds:.1f} s; model in {model_dir}"
    )
    figures = ", ".join(
        f"P@{f['percent']:g}% {f['precision']:.3f} / Rev@{f['percent']:g}% {f['revenue']:.3f}"
        for f in v["top"]
    )
    console.print(f"Hold-out {v['from']} … {v['to']} ({v['rows']:,} rows): {figures}")


@app.command("score")
def score_cmd(
    input_file: Annotated[Path, typer.Argument(metavar="INPUT.csv", help="Declarations to score")],
    model_dir: ModelDirOpt,
    output: Annotated[Path, typer.Option("--output", help="Where to write the scores (CSV)")],
    profile: ProfileOpt = "customs-kr",
    rejects: Annotated[
        Path | None, typer.Option(help="Where to list rows left out (default: OUT.rejects.csv)")
    ] = None,
) -> None:
    """Score INPUT.csv: one row per valid declaration with Declaration ID, score, reasons."""
    from trustlane.targeting.score import score_file

    with progress_bar("scoring", "rows") as bar:
        result = score_file(
            input_file, profile, model_dir, output, rejects_file=rejects, progress=bar
        )
    _report_rejects(result.rejected, result.rejects_file)
    rate = result.rows / result.seconds * 60 if result.seconds else 0.0
    console.print(
        f"Scored {result.rows:,} declarations in {result.seconds:.1f} s "
        f"({rate:,.0f} per minute) into {result.output}"
    )


@app.command("evaluate")
def evaluate_cmd(
    input_file: Annotated[Path, typer.Argument(metavar="INPUT.csv", help="Labelled declarations")],
    model_dir: ModelDirOpt,
    profile: ProfileOpt = "customs-kr",
) -> None:
    """Print Precision@n%, Recall@n% and Revenue@n% (n = 1, 2, 5, 10) of the model on INPUT."""
    from trustlane.targeting.evaluate import evaluate_file
    from trustlane.targeting.metrics import format_figures

    result = evaluate_file(input_file, profile, model_dir)
    _report_rejects(result.rejected, None)
    typer.echo(f"Declarations\t{result.rows}\nFrauds\t{result.frauds}")
    for line in format_figures(result.figures):
        typer.echo(line)


def register(root: typer.Typer) -> None:
    """Add the ``targeting`` group to the ``trustlane`` command."""
    from trustlane.targeting import cli_stored

    cli_stored.register(app)
    root.add_typer(app, name="targeting")
