"""Risk indicators: a table of small documented rules, computed in bulk over a frame.

Each indicator is a function of a shipment frame (one row per shipment, the columns of
:mod:`trustlane.targeting.shipments`) and its settings from the indicators file
(``data/indicators.yaml``, or an agency's own copy). It returns which rows it fires on and a
sentence per firing row; its weight (log-odds) is added to the model's estimate when it
fires. Trusted-trader membership is an indicator with a negative weight per tier.

    INDICATORS = [Indicator("FIRST_TIME_IMPORTER", first_time_importer, ...), ...]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from trustlane.errors import FieldProblem, InvalidInput

Config = dict[str, Any]


@dataclass(frozen=True)
class Fired:
    """Where an indicator fires, its weight per row, and the sentence per firing row."""

    mask: np.ndarray
    weight: np.ndarray
    text: pd.Series


def _text(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), "?").astype(str)


def _fired(
    frame: pd.DataFrame, mask: np.ndarray, weight: float | np.ndarray, text: pd.Series
) -> Fired:
    w = np.broadcast_to(np.asarray(weight, dtype="float64"), (len(frame),)).copy()
    return Fired(
        mask.astype(bool),
        np.where(mask, w, 0.0),
        text.where(pd.Series(mask, index=frame.index), ""),
    )


def first_time_importer(frame: pd.DataFrame, cfg: Config) -> Fired:
    """The importer has no declaration dated before this one."""
    mask = (frame["importer_prior_declarations"].fillna(0) == 0).to_numpy() & frame[
        "importer_id"
    ].notna().to_numpy()
    text = "importer " + _text(frame["importer_id"]) + " has no earlier declaration"
    return _fired(frame, mask, cfg["weight"], text)


def new_importer_seller_pair(frame: pd.DataFrame, cfg: Config) -> Fired:
    """The importer has never declared goods from this seller before (and has declared)."""
    mask = (
        (frame["pair_prior_declarations"].fillna(0) == 0)
        & (frame["importer_prior_declarations"].fillna(0) > 0)
        & frame["seller_id"].notna()
    ).to_numpy()
    text = (
        "first declaration of importer "
        + _text(frame["importer_id"])
        + " with seller "
        + _text(frame["seller_id"])
    )
    return _fired(frame, mask, cfg["weight"], text)


def unit_value_outlier(frame: pd.DataFrame, cfg: Config) -> Fired:
    """The declared unit value is far from the history of the same HS-6 and origin."""
    z = frame["unit_value_z"].to_numpy(dtype="float64")
    n = frame["unit_value_history"].fillna(0).to_numpy(dtype="float64")
    mask = (np.abs(np.nan_to_num(z)) >= float(cfg["z_threshold"])) & (n >= cfg["min_history"])
    side = pd.Series(np.where(z < 0, "below", "above"), index=frame.index, dtype=object)
    text = (
        "unit value "
        + pd.Series(
            np.round(np.nan_to_num(np.abs(z)), 1).astype(str), index=frame.index, dtype=object
        )
        + " robust SD "
        + side
        + " the history of HS "
        + _text(frame["hs6"])
        + " from "
        + _text(frame["country_origin"])
        + " ("
        + pd.Series(n.astype("int64").astype(str), index=frame.index, dtype=object)
        + " earlier declarations)"
    )
    return _fired(frame, mask, cfg["weight"], text)


def origin_differs_from_departure(frame: pd.DataFrame, cfg: Config) -> Fired:
    """Goods left from a country other than their origin: possible transshipment."""
    dep, org = frame["country_departure"], frame["country_origin"]
    ignore = set(cfg.get("ignore_departures") or [])
    mask = (dep.notna() & org.notna() & (dep != org) & ~dep.isin(ignore)).to_numpy()
    text = "origin " + _text(org) + " but departed from " + _text(dep) + " (possible transshipment)"
    return _fired(frame, mask, cfg["weight"], text)


def high_risk_commodity_origin(frame: pd.DataFrame, cfg: Config) -> Fired:
    """The commodity and origin are on the configured list of concern."""
    mask = np.zeros(len(frame), dtype=bool)
    label = pd.Series("", index=frame.index, dtype=object)
    hs = frame["hs6"].fillna("").astype(str)
    for entry in cfg.get("entries") or []:
        prefixes = tuple(str(p) for p in entry["hs_prefixes"])
        hit = (
            hs.str.startswith(prefixes) & frame["country_origin"].isin(entry["origins"])
        ).to_numpy()
        label = label.where(~(hit & ~mask), entry["label"])
        mask |= hit
    text = "HS " + _text(frame["hs6"]) + " from " + _text(frame["country_origin"]) + ": " + label
    return _fired(frame, mask, cfg["weight"], text)


def screening_hit(frame: pd.DataFrame, cfg: Config) -> Fired:
    """A party of the shipment has an open or confirmed screening alert."""
    hits = frame["screening_hits"].fillna("").astype(str)
    mask = (hits != "").to_numpy()
    return _fired(frame, mask, cfg["weight"], "screening alert on " + hits)


def security_filing_late(frame: pd.DataFrame, cfg: Config) -> Fired:
    """The importer security filing came in less than the required time before lading."""
    hours = frame["hours_filed_before_lading"].to_numpy(dtype="float64")
    limit = float(cfg["min_hours_before_lading"])
    mask = ~np.isnan(hours) & (hours < limit)
    text = (
        "security filing received "
        + pd.Series(np.round(np.nan_to_num(hours), 1), index=frame.index).astype(str)
        + " h before lading (less than "
        + f"{limit:g} h)"
    )
    return _fired(frame, mask, cfg["weight"], text)


def security_filing_incomplete(frame: pd.DataFrame, cfg: Config) -> Fired:
    """The importer security filing lacks required elements."""
    missing = frame["filing_missing"].fillna("").astype(str)
    mask = (missing != "").to_numpy() & (frame["kind"] == "isf").to_numpy()
    return _fired(frame, mask, cfg["weight"], "security filing lacks: " + missing)


def past_fraud_findings(frame: pd.DataFrame, cfg: Config) -> Fired:
    """The importer's earlier inspections found fraud often."""
    n = frame["importer_prior_inspections"].fillna(0).to_numpy(dtype="float64")
    f = frame["importer_prior_frauds"].fillna(0).to_numpy(dtype="float64")
    rate = np.divide(f, n, out=np.zeros_like(n), where=n > 0)
    mask = (n >= cfg["min_inspections"]) & (rate >= cfg["min_fraud_rate"])
    text = (
        "importer "
        + _text(frame["importer_id"])
        + ": fraud found in "
        + pd.Series(f.astype("int64"), index=frame.index).astype(str)
        + " of "
        + pd.Series(n.astype("int64"), index=frame.index).astype(str)
        + " earlier inspections"
    )
    return _fired(frame, mask, cfg["weight"], text)


def trusted_trader(frame: pd.DataFrame, cfg: Config) -> Fired:
    """The importer is a trusted-trader member; its tier lowers the score."""
    weights = {int(k): float(v) for k, v in (cfg.get("tier_weights") or {}).items()}
    tier = frame["trusted_tier"].fillna(0).astype("int64")
    w = tier.map(lambda t: weights.get(int(t), 0.0)).to_numpy(dtype="float64")
    mask = (tier > 0).to_numpy() & (w != 0)
    text = "importer is a trusted-trader member, tier " + tier.astype(str)
    return _fired(frame, mask, w, text)


@dataclass(frozen=True)
class Indicator:
    code: str
    key: str  # its section in the indicators file
    func: Callable[[pd.DataFrame, Config], Fired]
    description: str


INDICATORS: tuple[Indicator, ...] = (
    Indicator("FIRST_TIME_IMPORTER", "first_time_importer", first_time_importer,
              "First-time importer: no earlier declaration of this importer"),
    Indicator("NEW_IMPORTER_SELLER_PAIR", "new_importer_seller_pair", new_importer_seller_pair,
              "New importer–seller pair: an importer declaring goods from a new seller"),
    Indicator("UNIT_VALUE_OUTLIER", "unit_value_outlier", unit_value_outlier,
              "Declared unit value far from the history of the same HS-6 and origin (robust z)"),
    Indicator("ORIGIN_DEPARTURE_DIFFER", "origin_differs_from_departure",
              origin_differs_from_departure,
              "Country of origin differs from country of departure (possible transshipment)"),
    Indicator("HIGH_RISK_COMMODITY_ORIGIN", "high_risk_commodity_origin",
              high_risk_commodity_origin,
              "Commodity and origin on the configured list of concern"),
    Indicator("SCREENING_HIT", "screening_hit", screening_hit,
              "A party has an open or confirmed screening alert"),
    Indicator("SECURITY_FILING_LATE", "security_filing_late", security_filing_late,
              "Importer security filing received too close to lading"),
    Indicator("SECURITY_FILING_INCOMPLETE", "security_filing_incomplete",
              security_filing_incomplete, "Importer security filing lacks required elements"),
    Indicator("PAST_FRAUD_FINDINGS", "past_fraud_findings", past_fraud_findings,
              "The importer's earlier inspections found fraud often"),
    Indicator("TRUSTED_TRADER", "trusted_trader", trusted_trader,
              "Trusted-trader member: fewer inspections, more so at higher tiers"),
)  # fmt: skip


def default_config_path() -> Path:
    return Path(str(resources.files("trustlane.targeting").joinpath("data/indicators.yaml")))


def load_config(path: Path | None = None) -> Config:
    """The indicators file (the packaged default when ``path`` is None), checked."""
    path = path or default_config_path()
    try:
        loaded = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such indicators file") from None
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(loaded, dict):
        raise InvalidInput(f"{path}: expected a mapping of indicator settings")
    defaults = yaml.safe_load(default_config_path().read_text())
    problems = []
    config: Config = {}
    for ind in INDICATORS:
        section = {**defaults[ind.key], **(loaded.get(ind.key) or {})}
        if ind.key != "trusted_trader" and not isinstance(section.get("weight"), int | float):
            problems.append(FieldProblem(f"{ind.key}.weight", "must be a number"))
        config[ind.key] = section
    unknown = sorted(set(loaded) - {i.key for i in INDICATORS})
    problems += [FieldProblem(k, "unknown indicator") for k in unknown]
    if problems:
        raise InvalidInput(f"{path}: invalid indicator settings", problems)
    return config


@dataclass
class IndicatorResult:
    """Summed weights per row and the reasons of every indicator that fired."""

    points: np.ndarray
    reasons: list[list[dict[str, Any]]]
    fired: dict[str, np.ndarray]


def evaluate_indicators(frame: pd.DataFrame, config: Config) -> IndicatorResult:
    """Every enabled indicator over ``frame``, in bulk."""
    points = np.zeros(len(frame), dtype="float64")
    reasons: list[list[dict[str, Any]]] = [[] for _ in range(len(frame))]
    fired: dict[str, np.ndarray] = {}
    for ind in INDICATORS:
        cfg = config[ind.key]
        if not cfg.get("enabled", True):
            continue
        result = ind.func(frame, cfg)
        fired[ind.code] = result.mask
        points += result.weight
        for i in np.flatnonzero(result.mask):
            reasons[i].append(
                {
                    "code": ind.code,
                    "text": str(result.text.iloc[i]),
                    "weight": round(float(result.weight[i]), 3),
                    "source": "indicator",
                }
            )
    return IndicatorResult(points, reasons, fired)
