"""Pictures: the flow chart of a traced chain, and the resilience report's chart.

Drawn with matplotlib's object API (no pyplot state, so it is safe in the server's threads),
each as SVG and PNG bytes.
"""

from __future__ import annotations

import io
import textwrap
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from trustlane.supplychain.graph import ChainGraph
from trustlane.supplychain.tracing import Trace

#: Most facilities a flow chart draws (the largest shares); the rest are counted in a note.
MAX_NODES = 60

COLOURS = {
    "target": "#1f4e79",
    "source": "#b2182b",
    "exposed": "#ef8a62",
    "gap": "#fdb863",
    "plain": "#d1e5f0",
}


@dataclass
class Picture:
    svg: bytes
    png: bytes


def _render(fig: Figure) -> Picture:
    svg, png = io.BytesIO(), io.BytesIO()
    fig.savefig(svg, format="svg", bbox_inches="tight")
    fig.savefig(png, format="png", dpi=110, bbox_inches="tight")
    return Picture(svg.getvalue(), png.getvalue())


def flow_chart(
    graph: ChainGraph,
    trace: Trace,
    *,
    exposure: dict[int, float] | None = None,
    sources: set[int] | None = None,
    gaps: set[int] | None = None,
    title: str = "",
) -> Picture:
    """Tiers from the origins (left) to the traced facility (right), links as arrows."""
    exposure = exposure or {}
    sources = sources or set()
    gaps = gaps or set()
    rows = sorted(trace.rows, key=lambda r: -r.share)[: MAX_NODES - 1]
    left_out = len(trace.rows) - len(rows)
    tier = {trace.target: 0} | {r.position: r.tier for r in rows}
    shown = set(tier)
    depth = max(tier.values())
    by_tier: dict[int, list[int]] = defaultdict(list)
    for k, t in tier.items():
        by_tier[t].append(k)
    y: dict[int, float] = {trace.target: 0.0}
    for t in range(1, depth + 1):

        def anchor(k: int) -> float:
            ys = [y[int(graph.buyer[e])] for e in graph.out_links[k] if int(graph.buyer[e]) in y]
            return sum(ys) / len(ys) if ys else 0.0

        members = sorted(by_tier[t], key=lambda k: (anchor(k), graph.codes[k]))
        count = len(members)
        for i, k in enumerate(members):
            y[k] = (count - 1) / 2 - i
    tallest = max(len(v) for v in by_tier.values())
    fig = Figure(figsize=(3.3 * (depth + 1) + 1, max(3.0, 0.62 * tallest + 1.4)))
    ax = fig.add_subplot()
    ax.set_axis_off()
    box_w, box_h = 2.5, 0.5
    x = {k: (depth - t) * 3.3 for k, t in tier.items()}
    for link in trace.links:
        s, b = int(graph.supplier[link]), int(graph.buyer[link])
        if s in shown and b in shown:
            ax.add_patch(
                FancyArrowPatch(
                    (x[s] + box_w, y[s]),
                    (x[b], y[b]),
                    arrowstyle="-|>",
                    mutation_scale=9,
                    color="#6a6a6a",
                    lw=0.4 + 2.0 * float(graph.share[link]),
                    alpha=0.7,
                )
            )
    for k in shown:
        if k == trace.target:
            colour, ink = COLOURS["target"], "white"
        elif k in sources:
            colour, ink = COLOURS["source"], "white"
        elif exposure.get(k, 0.0) > 0:
            colour, ink = COLOURS["exposed"], "black"
        elif k in gaps:
            colour, ink = COLOURS["gap"], "black"
        else:
            colour, ink = COLOURS["plain"], "black"
        ax.add_patch(
            FancyBboxPatch(
                (x[k], y[k] - box_h / 2),
                box_w,
                box_h,
                boxstyle="round,pad=0.02",
                facecolor=colour,
                edgecolor="#333333",
                lw=0.6,
            )
        )
        place = graph.regions[k] or graph.countries[k] or "?"
        name = textwrap.shorten(graph.names[k], 34, placeholder="…")
        ax.text(
            x[k] + box_w / 2,
            y[k],
            f"{name}\n{graph.codes[k]} · {place} · {graph.kinds[k].replace('_', ' ')}",
            ha="center",
            va="center",
            fontsize=6.2,
            color=ink,
        )
    for t in range(depth + 1):
        ax.text(
            (depth - t) * 3.3 + box_w / 2,
            (len(by_tier[t]) - 1) / 2 + 0.75,
            "traced facility" if t == 0 else f"tier {t}",
            ha="center",
            fontsize=8,
            weight="bold",
        )
    ax.set_xlim(-0.3, depth * 3.3 + box_w + 0.3)
    ax.set_ylim(-(tallest / 2) - 0.8, tallest / 2 + 1.1)
    note = f"  ({left_out} smaller suppliers not drawn)" if left_out else ""
    ax.set_title((title or "Supply chain flow chart") + note, fontsize=10)
    legend = "red: listed or in a high-risk area · orange: exposed · amber: gap · blue: other"
    fig.text(0.01, 0.01, legend, fontsize=7)
    return _render(fig)


@dataclass
class RankedLoss:
    label: str
    lost_profit: float
    tts: float
    ttr: float
    at_risk: bool


def resilience_chart(ranked: Sequence[RankedLoss], *, title: str, top: int = 20) -> Picture:
    """Left: facilities ranked by lost profit. Right: time to survive against time to recover
    for every scenario (above the diagonal means at risk)."""
    fig = Figure(figsize=(13, max(4.5, 0.32 * min(top, len(ranked)) + 1.5)))
    bars, scatter = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
    shown = [r for r in ranked if r.lost_profit > 0][:top]
    labels = [textwrap.shorten(r.label, 42, placeholder="…") for r in shown][::-1]
    values = [r.lost_profit for r in shown][::-1]
    bars.barh(range(len(shown)), values, color="#b2182b")
    bars.set_yticks(range(len(shown)), labels, fontsize=7)
    bars.set_xlabel("lost profit over the time to recover")
    bars.set_title(f"Top {len(shown)} scenarios by lost profit", fontsize=10)
    if not shown:
        bars.text(0.5, 0.5, "no scenario loses sales", ha="center", transform=bars.transAxes)
    tts = [max(r.tts, 0.1) for r in ranked]
    ttr = [max(r.ttr, 0.1) for r in ranked]
    colours = ["#b2182b" if r.at_risk else "#2166ac" for r in ranked]
    scatter.scatter(tts, ttr, s=10, c=colours, alpha=0.6)
    top_value = max([*tts, *ttr, 1.0]) * 1.2
    scatter.plot([0.1, top_value], [0.1, top_value], color="#555555", lw=0.8, ls="--")
    scatter.set_xscale("log")
    scatter.set_yscale("log")
    scatter.set_xlabel("time to survive (days)")
    scatter.set_ylabel("time to recover (days)")
    scatter.set_title("At risk above the diagonal (TTS < TTR)", fontsize=10)
    fig.suptitle(title, fontsize=11)
    return _render(fig)
