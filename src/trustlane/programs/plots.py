"""Charts of where members fail, as PNG or SVG bytes (matplotlib, no display needed).

Each chart is a function of the computed :class:`~trustlane.programs.analytics.Analytics`,
listed in ``CHARTS`` with a title; an empty table gives a chart that says there is no data
rather than an error. Figures are drawn without pyplot (no global state, no display), so
rendering is safe in the server's worker threads.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from trustlane.errors import FieldProblem, InvalidInput
from trustlane.programs.analytics import Analytics

FORMATS = ("png", "svg")
FOCUS_COLOURS = ["#1f5f8b", "#c0392b", "#27ae60", "#8e44ad", "#d68910"]


def _empty(fig: Figure, title: str) -> None:
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, f"{title}\n(no validations yet)", ha="center", va="center", fontsize=12)


def _pct(ax: Axes, axis: str = "x") -> None:
    fmt = PercentFormatter(xmax=1.0, decimals=0)
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)


def sections(a: Analytics, fig: Figure) -> None:
    """Failure rate by section, coloured by focus area."""
    t = a.tables.get("sections")
    if t is None or t.empty:
        return _empty(fig, "Failure rate by section")
    ax = fig.add_subplot()
    areas = list(dict.fromkeys(t["focus_area"]))
    colours = [FOCUS_COLOURS[areas.index(x) % len(FOCUS_COLOURS)] for x in t["focus_area"]]
    labels = [f"{s} {n}" for s, n in zip(t["section_id"], t["section"], strict=True)]
    y = np.arange(len(t))[::-1]
    ax.barh(y, t["failure_rate"], color=colours)
    ax.set_yticks(y, labels, fontsize=8)
    _pct(ax)
    ax.set_xlabel("findings that are required actions")
    ax.set_title(f"Where members fail, by section ({a.summary['findings']:,} findings)")
    handles = [Patch(color=FOCUS_COLOURS[i], label=x) for i, x in enumerate(areas)]
    ax.legend(handles=handles, fontsize=8, loc="lower right")


def criteria(a: Analytics, fig: Figure) -> None:
    """The 20 criteria failed most often (among those with enough findings)."""
    t = a.tables.get("criteria")
    if t is None or t.empty:
        return _empty(fig, "Criteria failed most often")
    top = t[t["reliable"]].head(20)
    if top.empty:
        top = t.head(20)
    ax = fig.add_subplot()
    y = np.arange(len(top))[::-1]
    ax.barh(y, top["failure_rate"], color="#c0392b")
    labels = [f"{c} ({s})" for c, s in zip(top["criterion"], top["section"], strict=True)]
    ax.set_yticks(y, labels, fontsize=8)
    _pct(ax)
    ax.set_xlabel("findings that are required actions")
    ax.set_title("The criteria members fail most often")


def years(a: Analytics, fig: Figure) -> None:
    """Failure rate per year by focus area, and the share of failed validations."""
    t = a.tables.get("years")
    ys = a.tables.get("year_sections")
    if t is None or t.empty or ys is None:
        return _empty(fig, "Failure rate per year")
    ax = fig.add_subplot()
    crit = a.tables["criteria"][["section_id", "focus_area"]].drop_duplicates()
    area_of = dict(zip(crit["section_id"], crit["focus_area"], strict=False))
    ys = ys.assign(focus_area=ys["section_id"].map(area_of))
    ys = ys.assign(failed=ys["failure_rate"] * ys["assessed"])
    by_area = ys.groupby(["focus_area", "year"])[["failed", "assessed"]].sum().reset_index()
    for i, (area, part) in enumerate(by_area.groupby("focus_area")):
        ax.plot(
            part["year"],
            part["failed"] / part["assessed"],
            marker="o",
            color=FOCUS_COLOURS[i % len(FOCUS_COLOURS)],
            label=f"{area}: criteria failed",
        )
    ax.plot(
        t["year"],
        t["validation_failure_rate"],
        marker="s",
        linestyle="--",
        color="black",
        label="validations failed",
    )
    ax.set_xticks(t["year"])
    _pct(ax, "y")
    ax.set_title("Failure rate per year")
    ax.legend(fontsize=8)


def sectors(a: Analytics, fig: Figure) -> None:
    """Heat map: failure rate of each industry sector in each section."""
    t = a.tables.get("sector_sections")
    if t is None or t.empty:
        return _empty(fig, "Failure rate by sector and section")
    grid = t.pivot(index="sector", columns="section_id", values="failure_rate")
    order = list(dict.fromkeys(a.tables["sections"]["section_id"]))
    grid = grid[[c for c in order if c in grid.columns]]
    ax = fig.add_subplot()
    im = ax.imshow(grid.to_numpy(dtype=float), cmap="Reds", aspect="auto")
    ax.set_xticks(range(len(grid.columns)), [f"§{c}" for c in grid.columns], fontsize=8)
    ax.set_yticks(range(len(grid.index)), [s.replace("-", " ") for s in grid.index], fontsize=8)
    fig.colorbar(im, ax=ax, format=PercentFormatter(xmax=1.0, decimals=0))
    ax.set_title("Failure rate by industry sector and section")


def entity_types(a: Analytics, fig: Figure) -> None:
    """Failure rate and failed validations by entity type."""
    t = a.tables.get("entity_types")
    if t is None or t.empty:
        return _empty(fig, "Failure rate by entity type")
    ax = fig.add_subplot()
    x = np.arange(len(t))
    ax.bar(x - 0.2, t["failure_rate"], width=0.4, label="criteria failed", color="#1f5f8b")
    ax.bar(
        x + 0.2,
        t["validation_failure_rate"],
        width=0.4,
        label="validations failed",
        color="#c0392b",
    )
    ax.set_xticks(x, [e.replace("_", " ") for e in t["entity_type"]], rotation=30, ha="right")
    _pct(ax, "y")
    ax.legend(fontsize=8)
    ax.set_title("Failure by entity type")


def trend(a: Analytics, fig: Figure) -> None:
    """Failure rate of each phase-in step (criteria taking effect on the same day), by
    half-year since it took effect, against the rate of the whole program."""
    t = a.tables.get("trend_cohorts")
    if t is None or t.empty:
        return _empty(fig, "After new criteria take effect")
    ax = fig.add_subplot()
    for i, (when, part) in enumerate(t.groupby("effective_from", sort=True)):
        part = part[part["assessed"] >= 20]
        if part.empty:
            continue
        n = int(part["criteria"].max())
        ax.plot(
            part["half_year"] / 2,
            part["failure_rate"],
            marker="o",
            label=f"{n} criteria from {when:%Y-%m}",
            color=colormaps["tab10"](i % 10),
        )
    overall = a.summary.get("failure_rate")
    if overall is not None:
        ax.axhline(overall, color="grey", linestyle="--", linewidth=1, label="whole program")
    ax.set_xlabel("years since the criteria took effect")
    _pct(ax, "y")
    ax.set_title("After new criteria take effect")
    ax.legend(fontsize=8)


def predictors(a: Analytics, fig: Figure) -> None:
    """Criteria whose required actions go with failed validations, by lift."""
    t = a.tables.get("predictors")
    if t is None or t.empty:
        return _empty(fig, "What predicts a failed validation")
    top = t.head(15)
    ax = fig.add_subplot()
    y = np.arange(len(top))[::-1]
    ax.barh(y, top["lift"], color="#8e44ad")
    ax.set_yticks(y, list(top["criterion"]), fontsize=8)
    ax.axvline(1.0, color="grey", linewidth=0.8)
    ax.set_xlabel("lift: failure rate with a required action / without")
    ax.set_ylabel("criterion, by the model's weight" if top["coefficient"].notna().any() else "")
    auc = a.summary.get("model", {}).get("auc")
    ax.set_title(
        "What predicts a failed validation" + (f" (held-out AUC {auc:.2f})" if auc else "")
    )


@dataclass(frozen=True)
class Chart:
    draw: Callable[[Analytics, Figure], None]
    size: tuple[float, float]


CHARTS: dict[str, Chart] = {
    "sections": Chart(sections, (9, 6)),
    "criteria": Chart(criteria, (9, 7)),
    "years": Chart(years, (9, 5)),
    "sectors": Chart(sectors, (11, 6)),
    "entity_types": Chart(entity_types, (9, 5)),
    "trend": Chart(trend, (9, 5)),
    "predictors": Chart(predictors, (9, 6)),
}


def render(a: Analytics, name: str, fmt: str) -> bytes:
    """One chart as PNG or SVG bytes."""
    problems = []
    if name not in CHARTS:
        problems.append(FieldProblem("chart", f"one of: {', '.join(CHARTS)}", value=name))
    if fmt not in FORMATS:
        problems.append(FieldProblem("format", "png or svg", value=fmt))
    if problems:
        raise InvalidInput("Unknown chart", problems)
    chart = CHARTS[name]
    fig = Figure(figsize=chart.size, layout="constrained")
    chart.draw(a, fig)
    buffer = io.BytesIO()
    # No date in the SVG metadata: the same data gives the same file.
    metadata = {"Date": None} if fmt == "svg" else {}
    fig.savefig(buffer, format=fmt, dpi=110, metadata=metadata)
    return buffer.getvalue()
