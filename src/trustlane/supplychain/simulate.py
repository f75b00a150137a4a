"""Use cases: run disruption scenarios on a chain, store the run, report it.

Scenario kinds: ``facility`` (each facility alone, for its time to recover), ``port`` (every
port facility sharing a port code, for the longest of their times to recover), ``country``
and ``region`` (every facility there, for ``group_days``). Running scenarios only reads the
map; the stored run is an audited record of the analysis (``supplychain:read`` suffices, as
for any other analysis of a chain one may read).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pycountry
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.errors import FieldProblem, InvalidInput, NotFound
from trustlane.progress import NoProgress, Progress
from trustlane.supplychain import store
from trustlane.supplychain.charts import Picture, RankedLoss, resilience_chart
from trustlane.supplychain.export import resilience_html
from trustlane.supplychain.graph import ChainGraph
from trustlane.supplychain.models import Chain, ResilienceRun, ScenarioOutcome
from trustlane.supplychain.scenario_pool import run_scenarios
from trustlane.supplychain.scenarios import Scenario

SCENARIO_KINDS = ("facility", "port", "country", "region")
CSV_COLUMNS = ["facility_id", "tts_days", "ttr_days", "at_risk", "lost_units", "lost_profit"]
#: How long a country or region is cut off when no duration is given.
GROUP_DAYS = 90.0


def number(value: float) -> str:
    """A figure for CSV: exact to six decimals, without trailing zeros."""
    rounded = round(float(value), 6)
    if rounded == int(rounded) and abs(rounded) < 1e15:
        return str(int(rounded))
    return f"{rounded:.6f}".rstrip("0").rstrip(".")


def build_scenarios(
    graph: ChainGraph, kinds: tuple[str, ...], group_days: float = GROUP_DAYS
) -> tuple[list[Scenario], dict[tuple[str, str], str]]:
    """The scenarios of the given kinds, and a readable label for each (kind, key)."""
    unknown = [k for k in kinds if k not in SCENARIO_KINDS]
    if unknown:
        raise InvalidInput(
            "Unknown scenario kind",
            [
                FieldProblem(
                    "scenarios", f"one of {', '.join(SCENARIO_KINDS)}", value=",".join(unknown)
                )
            ],
        )
    ttr = graph.facilities["ttr_days"].fillna(0).to_numpy(float)
    scenarios: list[Scenario] = []
    labels: dict[tuple[str, str], str] = {}
    if "facility" in kinds:
        for k, code in enumerate(graph.codes):
            scenarios.append(Scenario(code, "facility", (k,), float(ttr[k])))
            labels[("facility", code)] = graph.names[k]
    groups: dict[str, dict[str, list[int]]] = {"port": defaultdict(list)}
    groups["country"] = defaultdict(list)
    groups["region"] = defaultdict(list)
    port_codes = graph.facilities["port_code"].tolist()
    for k in range(graph.n):
        if graph.kinds[k] == "port" or (isinstance(port_codes[k], str) and port_codes[k]):
            code = (
                port_codes[k]
                if isinstance(port_codes[k], str) and port_codes[k]
                else graph.codes[k]
            )
            groups["port"][code].append(k)
        if graph.countries[k]:
            groups["country"][graph.countries[k]].append(k)
        if graph.regions[k]:
            groups["region"][graph.regions[k]].append(k)
    for kind in ("port", "country", "region"):
        if kind not in kinds:
            continue
        for key, members in sorted(groups[kind].items()):
            days = max(float(ttr[m]) for m in members) if kind == "port" else group_days
            scenarios.append(Scenario(key, kind, tuple(members), days))
            labels[(kind, key)] = _group_label(graph, kind, key, members)
    return scenarios, labels


def _group_label(graph: ChainGraph, kind: str, key: str, members: list[int]) -> str:
    if kind == "port":
        name = graph.names[members[0]].split(" (")[0]
        return f"{name} ({len(members)} flows)"
    if kind == "country":
        country = pycountry.countries.get(alpha_2=key)
        return str(country.name) if country else key
    subdivision = pycountry.subdivisions.get(code=key)  # type: ignore[no-untyped-call]
    return str(subdivision.name) if subdivision else key


def run_resilience(
    session: Session,
    actor: Principal,
    chain: Chain,
    *,
    horizon: float = 365.0,
    kinds: tuple[str, ...] = ("facility",),
    group_days: float = GROUP_DAYS,
    workers: int | None = None,
    progress: Progress | None = None,
) -> ResilienceRun:
    """Every scenario's TTS and lost sales; the run and its results are stored."""
    actor.require("supplychain:read")
    actor.require_tenant(chain.tenant_id, f"Chain {chain.id}")
    if not 0 < horizon <= 3650:
        raise InvalidInput(
            "Bad horizon", [FieldProblem("horizon", "1 to 3650 days", value=horizon)]
        )
    progress = progress or NoProgress()
    graph = store.load_graph(session, chain.id)
    if graph.n == 0:
        raise InvalidInput(f"Chain {chain.name!r} has no facilities")
    scenarios, labels = build_scenarios(graph, kinds, group_days)
    outcome = run_scenarios(graph.arrays(), scenarios, horizon, workers=workers, progress=progress)
    baseline = outcome.baseline
    run = ResilienceRun(
        chain_id=chain.id,
        horizon_days=horizon,
        baseline_tts=baseline.tts,
        survives_horizon=baseline.tts >= horizon * (1 - 1e-9),
        bottlenecks=[graph.codes[k] for k in baseline.bottlenecks],
        methods=outcome.methods,
        scenario_kinds=list(kinds),
        seconds=outcome.seconds,
        workers=workers or 0,
        created_by=actor.label,
    )
    session.add(run)
    session.flush()
    store.write_results(
        session,
        run.id,
        (
            [
                run.id,
                seq,
                r.kind,
                r.key,
                labels.get((r.kind, r.key)),
                r.tts,
                r.ttr,
                r.at_risk,
                r.lost_units,
                r.lost_profit,
                r.rei,
                r.tts_method,
                r.lost_method,
            ]
            for seq, r in enumerate(outcome.results)
        ),
    )
    audit.record(
        session,
        actor,
        "run",
        "resilience_run",
        run.id,
        tenant_id=chain.tenant_id,
        after={"chain": chain.name, "scenarios": len(scenarios), "horizon": horizon},
        summary=f"{len(scenarios)} disruption scenarios of chain {chain.name!r}",
    )
    return run


def facility_csv_rows(results: list[ScenarioOutcome]) -> list[dict[str, str]]:
    """The contract's rows: one per facility scenario."""
    return [
        {
            "facility_id": r.key,
            "tts_days": number(r.tts_days),
            "ttr_days": number(r.ttr_days),
            "at_risk": "true" if r.at_risk else "false",
            "lost_units": number(r.lost_units),
            "lost_profit": number(r.lost_profit),
        }
        for r in results
        if r.kind == "facility"
    ]


def get_run(session: Session, actor: Principal, run_id: int) -> tuple[ResilienceRun, Chain]:
    actor.require("supplychain:read")
    run = session.get(ResilienceRun, run_id)
    if run is None:
        raise NotFound(f"Resilience run {run_id} not found")
    chain = session.get(Chain, run.chain_id)
    assert chain is not None
    actor.require_tenant(chain.tenant_id, f"Resilience run {run_id}")
    return run, chain


@dataclass
class ResilienceReport:
    run: ResilienceRun
    chain: Chain
    ranked: list[ScenarioOutcome]
    picture: Picture
    html: str


def report_run(session: Session, actor: Principal, run_id: int, top: int = 25) -> ResilienceReport:
    """Scenarios ranked by lost profit, as tables and a picture."""
    run, chain = get_run(session, actor, run_id)
    results = store.outcomes(session, run.id)
    ranked = sorted(results, key=lambda r: (-r.lost_profit, r.tts_days, r.key))
    title = (
        f"Disruption scenarios of chain {chain.name!r} (horizon {number(run.horizon_days)} days)"
    )
    picture = resilience_chart(
        [
            RankedLoss(
                f"{r.key} {r.label or ''}".strip(), r.lost_profit, r.tts_days, r.ttr_days, r.at_risk
            )
            for r in ranked
            if r.kind == "facility"
        ]
        or [RankedLoss(r.key, r.lost_profit, r.tts_days, r.ttr_days, r.at_risk) for r in ranked],
        title=title,
    )
    by_kind: dict[str, list[ScenarioOutcome]] = defaultdict(list)
    for r in ranked:
        by_kind[r.kind].append(r)
    html = resilience_html(
        {
            "title": title,
            "chain": chain,
            "run": run,
            "number": number,
            "svg": picture.svg.decode("utf-8")[picture.svg.decode("utf-8").index("<svg") :],
            "tables": [(kind, rows[:top], len(rows)) for kind, rows in by_kind.items()],
            "at_risk": sum(1 for r in results if r.at_risk),
            "total": len(results),
        }
    )
    return ResilienceReport(run, chain, ranked, picture, html)
