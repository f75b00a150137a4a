"""Charts of the analyst's pages as SVG bytes: precision and revenue of the picks per week,
the drift of the model's inputs and score, the mean score per week, and one shipment's
model contributions.

Pure: figures in (the dicts the use cases return), SVG out. Drawn with matplotlib's object
API (no pyplot state), so rendering is safe in the server's worker threads. Every chart has
a table beside it on the page with the same figures, for those who cannot see it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

VALUE = "#0b5cad"
EXPLORE = "#c47f00"
ALL = "#1b2430"
RAISES = "#b3261e"
LOWERS = "#1e7b34"
LEVELS = {"stable": "#1e7b34", "moderate": "#c47f00", "major": "#b3261e"}


def _svg(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    return out.getvalue()


def _figure(width: float = 7.0, height: float = 3.0) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(width, height))
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#d8dee6", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig, ax


def _empty(title: str, why: str) -> bytes:
    fig = Figure(figsize=(7.0, 1.2))
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, f"{title}: {why}", ha="center", va="center", fontsize=11)
    return _svg(fig)


def _weeks(rows: Sequence[dict[str, Any]]) -> list[date]:
    return [date.fromisoformat(str(r["week"])) for r in rows]


def _week_labels(ax: Axes, weeks: list[date]) -> None:
    ax.set_xticks(range(len(weeks)), [w.strftime("%d %b") for w in weeks], fontsize=8)
    # Room for at least four weeks, so that a first week is not drawn as a wall.
    ax.set_xlim(-0.6, max(len(weeks), 4) - 0.4)
    ax.set_xlabel("week starting")


def _legend(ax: Axes) -> None:
    """Below the axes: a legend inside would hide the bars or points of some week."""
    ax.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncols=3)


def precision_chart(performance: Sequence[dict[str, Any]]) -> bytes:
    """Share of inspected picks that found fraud, per week: all picks, value picks and
    exploration picks (the fraud rate where the model was not looking)."""
    title = "Precision of the picks per week"
    rows = sorted(performance, key=lambda r: str(r["week"]))
    if not any(r["inspected"] for r in rows):
        return _empty(title, "no outcome recorded for a pick yet")
    fig, ax = _figure()
    x = list(range(len(rows)))
    series = (
        ("all picks", ALL, [r["precision"] for r in rows], "-"),
        ("value picks", VALUE, [r["value_picks"]["precision"] for r in rows], "-"),
        ("exploration picks", EXPLORE, [r["exploration_picks"]["precision"] for r in rows], "--"),
    )
    for label, colour, values, style in series:
        points = [(i, v) for i, v in zip(x, values, strict=True) if v is not None]
        if points:
            ax.plot(
                [p[0] for p in points],
                [p[1] for p in points],
                style,
                marker="o",
                color=colour,
                label=label,
            )
    ax.set_ylim(0, 1.05)
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.set_ylabel("inspections that found fraud")
    _week_labels(ax, _weeks(rows))
    ax.set_title(title, fontsize=11)
    _legend(ax)
    return _svg(fig)


def _money(value: float, _: Any = None) -> str:
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.1f}{suffix}"
    return f"{value:.0f}"


def revenue_chart(performance: Sequence[dict[str, Any]]) -> bytes:
    """Revenue recovered per week, value picks and exploration picks stacked."""
    title = "Revenue recovered per week"
    rows = sorted(performance, key=lambda r: str(r["week"]))
    if not any(r["revenue"] for r in rows):
        return _empty(title, "no revenue recovered yet")
    fig, ax = _figure()
    x = list(range(len(rows)))
    value = [r["value_picks"]["revenue"] for r in rows]
    explore = [r["exploration_picks"]["revenue"] for r in rows]
    ax.bar(x, value, width=0.6, color=VALUE, label="value picks")
    ax.bar(x, explore, width=0.6, bottom=value, color=EXPLORE, label="exploration picks")
    ax.yaxis.set_major_formatter(FuncFormatter(_money))
    ax.set_ylabel("recovered (declared currency)")
    _week_labels(ax, _weeks(rows))
    ax.set_title(title, fontsize=11)
    _legend(ax)
    return _svg(fig)


def drift_chart(report: dict[str, Any]) -> bytes:
    """Population stability index of the score and each watched input, with the usual
    thresholds (0.1 moderate, 0.25 major)."""
    rows = [("score", report["score"]["psi"], report["score"]["level"])]
    rows += [(r["feature"], r["psi"], r["level"]) for r in report["inputs"]]
    fig, ax = _figure(7.0, 0.3 * len(rows) + 1.0)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="#d8dee6", linewidth=0.6)
    y = list(range(len(rows)))[::-1]
    ax.barh(y, [r[1] for r in rows], color=[LEVELS.get(r[2], ALL) for r in rows])
    ax.set_yticks(y, [r[0] for r in rows], fontsize=8)
    for threshold, label in ((0.1, "moderate"), (0.25, "major")):
        ax.axvline(threshold, color="#5b6675", linestyle=":", linewidth=1)
        ax.text(threshold, len(rows) - 0.4, f" {label}", fontsize=7, color="#5b6675")
    ax.set_xlim(0, max(0.3, max(r[1] for r in rows) * 1.1))
    ax.set_xlabel("population stability index against the model's hold-out")
    ax.set_title(f"Drift over {report['window']['from']} – {report['window']['to']}", fontsize=11)
    return _svg(fig)


def score_trend_chart(summary: Sequence[dict[str, Any]]) -> bytes:
    """Mean combined score of the shipments declared each week."""
    title = "Mean score per week of declaration"
    if not summary:
        return _empty(title, "no scores in the period")
    fig, ax = _figure(7.0, 2.6)
    x = list(range(len(summary)))
    ax.plot(x, [r["mean_score"] for r in summary], marker="o", color=VALUE)
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=1))
    ax.set_ylabel("mean score")
    ax.set_ylim(bottom=0)
    _week_labels(ax, _weeks(summary))
    ax.set_title(title, fontsize=11)
    return _svg(fig)


def contributions_chart(contributions: Sequence[dict[str, Any]], top: int = 10) -> bytes:
    """The model's exact contributions per reason for one shipment (log-odds): what raised
    the estimate (red) and what lowered it (green), strongest first."""
    rows = sorted(contributions, key=lambda r: -abs(float(r["contribution"])))[:top]
    if not rows:
        return _empty("Model contributions", "none")
    fig, ax = _figure(7.0, 0.32 * len(rows) + 0.9)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="#d8dee6", linewidth=0.6)
    y = list(range(len(rows)))[::-1]
    values = [float(r["contribution"]) for r in rows]
    ax.barh(y, values, color=[RAISES if v > 0 else LOWERS for v in values])
    ax.set_yticks(y, [str(r["code"]) for r in rows], fontsize=8)
    ax.axvline(0, color="#5b6675", linewidth=0.8)
    ax.set_xlabel("contribution to the model's log-odds (TreeSHAP)")
    return _svg(fig)
