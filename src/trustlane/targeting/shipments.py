"""Stored shipments as the frame the model and the indicators read.

One row per current shipment: the canonical declaration columns of the file profile
(:data:`trustlane.targeting.profiles.FRAME_COLUMNS`) taken from the shipment, its first line
and its parties, plus what the indicators need: the entity's earlier declarations and
inspections (strictly before the shipment's date), the unit value against history, the
security filing's timing and missing elements, screening alerts and trusted-trader tier.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from trustlane.targeting import signals, store
from trustlane.targeting.features import (
    UNIT_VALUE_MIN_COUNT,
    _robust_z,
    _unit_value_stats,
    key_of,
    log_unit_value,
)
from trustlane.targeting.indicators import Config

#: Kinds of shipment whose history counts as "earlier declarations".
HISTORY_KINDS = ("declaration", "entry", "isf")


def _attr(values: pd.Series, key: str) -> pd.Series:
    return values.map(lambda a: (a or {}).get(key) if isinstance(a, dict) else None)


def canonical(rows: pd.DataFrame) -> pd.DataFrame:
    """The file profile's columns from stored shipment rows (see :func:`store.shipment_frame`)."""
    out = pd.DataFrame(index=rows.index)
    out["declaration_id"] = rows["external_id"].astype(str)
    out["date"] = pd.to_datetime(rows["declared_on"].where(rows["declared_on"].notna(), None))
    if out["date"].isna().any() and "filed_at" in rows:
        filed = pd.to_datetime(rows["filed_at"], utc=True).dt.tz_localize(None).dt.normalize()
        out["date"] = out["date"].fillna(filed)
    out["office"] = rows["office"].astype(object)
    for name in ("process_type", "import_type", "import_use", "payment_type"):
        out[name] = _attr(rows["attributes"], name)
    out["transport_mode"] = rows["mode_of_transport"].astype(object)
    for column in store.ENTITY_ROLES.values():
        out[column] = rows[column].astype(object).where(rows[column].notna(), None)
    hs6 = rows["hs6"].where(rows["hs6"].notna(), rows["hs_code"].astype(str).str[:6])
    out["hs6"] = hs6.where(hs6.notna() & (hs6 != "None"), None)
    out["country_departure"] = rows["country_departure"].astype(object)
    origin = rows["country_origin"].where(rows["country_origin"].notna(), rows["line_origin"])
    out["country_origin"] = origin.astype(object)
    out["tax_rate"] = pd.to_numeric(rows["duty_rate"], errors="coerce").fillna(0.0)
    out["tax_type"] = rows["tax_type"].astype(object)
    out["origin_indicator"] = _attr(rows["line_attributes"], "origin_indicator")
    out["net_mass"] = pd.to_numeric(rows["net_mass_kg"], errors="coerce")
    out["item_price"] = pd.to_numeric(rows["value"], errors="coerce").fillna(0.0)
    return out


def _prior_counts(
    history: pd.DataFrame, target: pd.DataFrame, cols: tuple[str, ...], weight: str | None = None
) -> np.ndarray:
    """Per target row: how many history rows (or the sum of ``weight``) share its key and
    are dated strictly before it."""
    h_key, t_key = key_of(history, cols), key_of(target, cols)
    codes, _ = pd.factorize(pd.concat([h_key, t_key], ignore_index=True), use_na_sentinel=True)
    h_code, t_code = codes[: len(history)], codes[len(history) :]
    h_day = history["date"].to_numpy("datetime64[D]").astype("int64")
    t_day = target["date"].to_numpy("datetime64[D]").astype("int64")
    keep = (h_code >= 0) & ~pd.isna(history["date"]).to_numpy()
    span = 1 << 20  # days; keys × days fit in int64
    h_val = h_code[keep].astype("int64") * span + h_day[keep]
    order = np.argsort(h_val, kind="stable")
    h_sorted = h_val[order]
    weights = (
        np.ones(keep.sum()) if weight is None else history[weight].to_numpy(dtype="float64")[keep]
    )
    cum = np.concatenate([[0.0], np.cumsum(weights[order])])
    t_val = t_code.astype("int64") * span + t_day
    lo = np.searchsorted(h_sorted, t_code.astype("int64") * span, side="left")
    hi = np.searchsorted(h_sorted, t_val, side="left")
    out = cum[hi] - cum[lo]
    return np.where(t_code >= 0, out, np.nan)


def analysis_frame(session: Session, rows: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Canonical columns plus everything the indicators read, for stored shipment ``rows``."""
    frame = canonical(rows)
    frame["shipment_id"] = rows["shipment_id"].astype("int64").to_numpy()
    frame["kind"] = rows["kind"].to_numpy()
    frame["importer_org_id"] = rows["importer_org_id"].to_numpy()
    until = frame["date"].max()
    stored = store.history_frame(session, until.date(), HISTORY_KINDS) if pd.notna(until) else None
    # Nothing declared up to then (e.g. only security filings, which have no declared day).
    history = canonical(stored) if stored is not None and not stored.empty else frame.iloc[:0]
    frame["importer_prior_declarations"] = _prior_counts(history, frame, ("importer_id",))
    frame["pair_prior_declarations"] = _prior_counts(history, frame, ("importer_id", "seller_id"))

    outcomes = _outcome_history(session, until)
    frame["importer_prior_inspections"] = _prior_counts(outcomes, frame, ("importer_id",))
    frame["importer_prior_frauds"] = _prior_counts(outcomes, frame, ("importer_id",), "fraud")

    start = frame["date"].min()
    earlier = history[history["date"] < start] if pd.notna(start) else history.iloc[:0]
    luv = log_unit_value(frame).to_numpy()
    z = np.full(len(frame), np.nan)
    n = np.zeros(len(frame))
    for cols in (("hs6",), ("hs6", "country_origin")):  # the finer history wins when enough
        table = _unit_value_stats(key_of(earlier, cols), log_unit_value(earlier))
        idx = pd.Index(table["key"]).get_indexer(key_of(frame, cols))
        zz = _robust_z(luv, table, idx)
        counts = (
            np.where(idx >= 0, table["n"].to_numpy()[np.where(idx >= 0, idx, 0)], 0)
            if len(table)
            else np.zeros(len(frame))
        )
        better = ~np.isnan(zz) & (counts >= UNIT_VALUE_MIN_COUNT)
        z = np.where(better, zz, z)
        n = np.where(better, counts, n)
    frame["unit_value_z"] = z
    frame["unit_value_history"] = n

    filed = pd.to_datetime(rows["filed_at"], utc=True)
    lading = pd.to_datetime(rows["lading_at"], utc=True)
    frame["hours_filed_before_lading"] = (lading - filed).dt.total_seconds().to_numpy(
        dtype="float64"
    ) / 3600.0
    frame["filing_missing"] = _missing_elements(rows, frame, config)

    orgs = rows["party_orgs"].map(lambda s: s if isinstance(s, set) else set())
    every_org = set().union(*orgs.tolist()) if len(orgs) else set()
    hits = signals.screening_hits(session, every_org)
    frame["screening_hits"] = orgs.map(
        lambda s: "; ".join(hits[o] for o in sorted(s) if o in hits)
    ).to_numpy()
    importers = {int(v) for v in frame["importer_org_id"].dropna()}
    tiers = signals.trusted_tiers(session, importers)
    frame["trusted_tier"] = frame["importer_org_id"].map(
        lambda o: tiers.get(int(o), 0) if pd.notna(o) else 0
    )
    return frame


def _outcome_history(session: Session, until: Any) -> pd.DataFrame:
    labels = store.labelled_outcomes(session, until.date() if pd.notna(until) else None)
    if labels.empty:
        return pd.DataFrame({"importer_id": [], "date": pd.to_datetime([]), "fraud": []})
    rows = store.shipment_frame(session, ids=labels["shipment_id"].tolist())
    merged = rows.merge(labels, on="shipment_id")
    out = canonical(merged)
    out["fraud"] = merged["fraud"].astype("float64").to_numpy()
    return out


def _missing_elements(rows: pd.DataFrame, frame: pd.DataFrame, config: Config) -> np.ndarray:
    cfg = config["security_filing_incomplete"]
    required = list(cfg.get("required_parties") or [])
    fields = list(cfg.get("required_fields") or [])
    roles = rows["roles"].map(lambda s: s if isinstance(s, set) else set())
    out = []
    for i, named in enumerate(roles):
        missing = [r for r in required if r not in named]
        missing += [f for f in fields if pd.isna(frame[f].iloc[i])]
        out.append(", ".join(missing))
    return np.asarray(out, dtype=object)


def labelled_training_frame(session: Session, until: date | None = None) -> pd.DataFrame:
    """Canonical columns plus ``fraud``, ``critical`` and ``revenue`` for every current
    shipment with a recorded inspection outcome (what retraining learns from)."""
    labels = store.labelled_outcomes(session, until)
    if labels.empty:
        return pd.DataFrame()
    rows = store.shipment_frame(session, ids=labels["shipment_id"].tolist())
    merged = rows.merge(labels, on="shipment_id")
    frame = canonical(merged)
    frame["shipment_id"] = merged["shipment_id"].to_numpy()
    frame["fraud"] = merged["fraud"].astype("int8").to_numpy()
    frame["critical"] = merged["critical"].fillna(0).astype("int8").to_numpy()
    frame["revenue"] = pd.to_numeric(merged["revenue"], errors="coerce").to_numpy()
    frame = frame[frame["date"].notna() & frame["hs6"].notna() & frame["importer_id"].notna()]
    return frame.reset_index(drop=True)
