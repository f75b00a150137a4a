"""Readable reasons for the model's strongest contributions, built in bulk.

A reason is ``CODE: sentence (raises risk)``; a declaration's reasons are joined with
`` | `` strongest first. Sentences carry the declaration's own values (the importer's id,
its past frauds and inspections, the unit value and how far it is from history), so that an
analyst can check them without opening the model. Built column-wise over pandas frames: a
million declarations take seconds, not minutes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trustlane.targeting.explain import REASON_GROUPS, TOP_REASONS, top_groups
from trustlane.targeting.features import History

SEPARATOR = " | "

#: History group code → (history key name, how the entity is named from the frame's columns).
_HISTORY_LABELS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "IMPORTER_HISTORY": ("importer", (("importer ", "importer_id"),)),
    "DECLARANT_HISTORY": ("declarant", (("declarant ", "declarant_id"),)),
    "SELLER_HISTORY": ("seller", (("seller ", "seller_id"),)),
    "COURIER_HISTORY": ("courier", (("courier ", "courier_id"),)),
    "COMMODITY_HISTORY": ("hs6", (("HS ", "hs6"),)),
    "ORIGIN_HISTORY": ("origin", (("origin ", "country_origin"),)),
    "OFFICE_HISTORY": ("office", (("office ", "office"),)),
    "PAIR_HISTORY": (
        "importer_seller",
        (("importer ", "importer_id"), (" with seller ", "seller_id")),
    ),
    "COMMODITY_ORIGIN_HISTORY": ("hs6_origin", (("HS ", "hs6"), (" from ", "country_origin"))),
    "IMPORTER_COMMODITY_HISTORY": (
        "importer_hs6",
        (("importer ", "importer_id"), (" in HS ", "hs6")),
    ),
    "DECLARANT_IMPORTER_HISTORY": (
        "declarant_importer",
        (("declarant ", "declarant_id"), (" for importer ", "importer_id")),
    ),
}


def _text(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), "?").astype(str)


def _int(values: pd.Series | np.ndarray) -> pd.Series:
    series = pd.Series(values)
    return series.round().fillna(0).astype("int64").astype(str)


def _sentences(code: str, frame: pd.DataFrame, X: pd.DataFrame, history: History) -> pd.Series:
    """The sentence of reason ``code`` for every row of ``frame`` (a subset of rows)."""
    if code in _HISTORY_LABELS:
        name, parts = _HISTORY_LABELS[code]
        label = pd.Series("", index=frame.index)
        for prefix, col in parts:
            label = label + prefix + _text(frame[col])
        n = np.expm1(X[f"{name}_log_n"].to_numpy(dtype="float64"))
        rate = X[f"{name}_fraud_rate"].to_numpy(dtype="float64")
        m = history.smoothing
        frauds = np.clip(rate * (n + m) - m * history.prior_fraud, 0, None)
        known = np.nan_to_num(n) >= 0.5
        pct = _int(100.0 * np.divide(frauds, n, out=np.zeros_like(n), where=known))
        seen = (
            label.to_numpy(dtype=object)
            + ": "
            + _int(frauds).to_numpy(dtype=object)
            + " fraud(s) in "
            + _int(n).to_numpy(dtype=object)
            + " past inspected declarations ("
            + pct.to_numpy(dtype=object)
            + "%)"
        )
        new = label.to_numpy(dtype=object) + ": no past inspected declarations"
        missing = np.isnan(X[f"{name}_log_n"].to_numpy(dtype="float64"))
        out = np.where(known, seen, new)
        out = np.where(missing, label.to_numpy(dtype=object) + ": not declared", out)
        return pd.Series(out, index=frame.index)
    if code == "UNIT_VALUE":
        uv = np.exp(X["log_unit_value"].to_numpy(dtype="float64"))
        z = X["uv_z_hs6_origin"].to_numpy(dtype="float64")
        z = np.where(np.isnan(z), X["uv_z_hs6"].to_numpy(dtype="float64"), z)
        base = "unit value " + _int(uv).to_numpy(dtype=object) + " per kg"
        zs = pd.Series(np.round(np.nan_to_num(z), 1)).astype(str).to_numpy(dtype=object)
        hs = _text(frame["hs6"]).to_numpy(dtype=object)
        far = base + ", " + zs + " robust SD from the history of HS " + hs
        out = np.where(np.isnan(z), base + " (no comparable history for HS " + hs + ")", far)
        out = np.where(np.isnan(uv), "unit value unknown (no net mass)", out)
        return pd.Series(out, index=frame.index)
    if code == "DUTY_AT_STAKE":
        price = frame["item_price"].to_numpy(dtype="float64")
        rate = frame["tax_rate"].to_numpy(dtype="float64")
        return (
            "duty at stake "
            + _int(price * rate / 100.0).set_axis(frame.index)
            + " (value "
            + _int(price).set_axis(frame.index)
            + " at "
            + pd.Series(np.round(rate, 2), index=frame.index).astype(str)
            + "% tax, type "
            + _text(frame["tax_type"])
            + ")"
        )
    if code == "NET_MASS":
        return (
            "net mass "
            + _int(frame["net_mass"].to_numpy(dtype="float64")).set_axis(frame.index)
            + " kg"
        )
    if code == "COMMODITY":
        return "commodity HS " + _text(frame["hs6"])
    if code == "ROUTE":
        differs = (frame["country_origin"] != frame["country_departure"]) & frame[
            "country_departure"
        ].notna()
        text = (
            "origin "
            + _text(frame["country_origin"])
            + ", departed from "
            + _text(frame["country_departure"])
        )
        return text.where(~differs, text + " (origin differs from departure)")
    if code == "PROCEDURE":
        return (
            "office "
            + _text(frame["office"])
            + ", import type "
            + _text(frame["import_type"])
            + ", use "
            + _text(frame["import_use"])
            + ", payment "
            + _text(frame["payment_type"])
            + ", transport "
            + _text(frame["transport_mode"])
        )
    raise KeyError(code)


def reason_texts(
    frame: pd.DataFrame,
    X: pd.DataFrame,
    groups: np.ndarray,
    history: History,
    k: int = TOP_REASONS,
) -> pd.Series:
    """``CODE: sentence (raises|lowers risk)`` for the ``k`` strongest groups of each row."""
    top = top_groups(groups, k)
    strength = np.take_along_axis(groups, top, axis=1)
    slots: list[np.ndarray] = []
    for slot in range(top.shape[1]):
        text = np.empty(len(frame), dtype=object)
        for g, group in enumerate(REASON_GROUPS):
            rows = np.flatnonzero(top[:, slot] == g)
            if not len(rows):
                continue
            sub = frame.iloc[rows]
            sentence = _sentences(group.code, sub, X.iloc[rows], history).to_numpy(dtype=object)
            direction = np.where(strength[rows, slot] > 0, " (raises risk)", " (lowers risk)")
            text[rows] = group.code + ": " + sentence + direction
        slots.append(text)
    joined = slots[0]
    for more in slots[1:]:
        joined = joined + SEPARATOR + more
    return pd.Series(joined, index=frame.index)


def reason_list(
    frame: pd.DataFrame, X: pd.DataFrame, groups: np.ndarray, history: History, k: int
) -> list[list[dict[str, object]]]:
    """Reasons as ``{code, text, contribution}`` dicts per row (the API's shape)."""
    top = top_groups(groups, k)
    out: list[list[dict[str, object]]] = [[] for _ in range(len(frame))]
    for slot in range(top.shape[1]):
        for g, group in enumerate(REASON_GROUPS):
            rows = np.flatnonzero(top[:, slot] == g)
            if not len(rows):
                continue
            sentences = _sentences(group.code, frame.iloc[rows], X.iloc[rows], history)
            for r, sentence in zip(rows, sentences, strict=True):
                out[r].append(
                    {
                        "code": group.code,
                        "text": str(sentence),
                        "contribution": round(float(groups[r, g]), 4),
                        "source": "model",
                    }
                )
    return out
