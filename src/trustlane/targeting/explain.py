"""Explanations: the model's contributions per declaration, mapped to readable reasons.

Each tree of the classifier adds, along the path a declaration takes, the change in the
node's value at every split to the feature that split on (the path attribution of Saabas,
read from LightGBM's own node values: ``internal_value`` and ``leaf_value`` of its model
dump). The sum over trees plus the bias is exactly the model's log-odds, so the parts add up.
It costs one tree walk per tree, like a prediction, which is what lets a million
declarations be scored with reasons in under a minute; LightGBM's TreeSHAP values
(``pred_contrib``), which share credit between features more fairly but cost hundreds of
times more, are used for a single declaration's detail view (:func:`shap_contributions`).

Contributions are summed per :data:`REASON_GROUPS` entry (the importer's three history
features are one reason, "importer history"), and the strongest groups of each declaration
become ``CODE: sentence`` reasons with the declaration's own values in the sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
import scipy.sparse as sp


@dataclass(frozen=True)
class ReasonGroup:
    """Features explained together, with a reason code and what the reason is about."""

    code: str
    features: tuple[str, ...]
    about: str


def _history(code: str, name: str, about: str) -> ReasonGroup:
    return ReasonGroup(
        code, (f"{name}_log_n", f"{name}_fraud_rate", f"{name}_critical_rate"), about
    )


#: Every model feature belongs to exactly one group (checked by the tests).
REASON_GROUPS: tuple[ReasonGroup, ...] = (
    _history("IMPORTER_HISTORY", "importer", "the importer's past inspections"),
    _history("DECLARANT_HISTORY", "declarant", "the declarant's past inspections"),
    _history("SELLER_HISTORY", "seller", "the seller's past inspections"),
    _history("COURIER_HISTORY", "courier", "the courier's past inspections"),
    _history("COMMODITY_HISTORY", "hs6", "past inspections of the HS-6 code"),
    _history("ORIGIN_HISTORY", "origin", "past inspections of goods from the origin"),
    _history("OFFICE_HISTORY", "office", "past inspections at the office"),
    _history("PAIR_HISTORY", "importer_seller", "the importer–seller pair's past"),
    _history("COMMODITY_ORIGIN_HISTORY", "hs6_origin", "past inspections of HS-6 and origin"),
    _history("IMPORTER_COMMODITY_HISTORY", "importer_hs6", "the importer's past in this HS-6"),
    _history("DECLARANT_IMPORTER_HISTORY", "declarant_importer", "the declarant–importer pair"),
    ReasonGroup(
        "UNIT_VALUE",
        ("log_unit_value", "uv_z_hs6", "uv_z_hs6_origin"),
        "the declared unit value against history",
    ),
    ReasonGroup(
        "DUTY_AT_STAKE",
        ("tax_rate", "log_item_price", "log_duty_at_stake", "tax_type"),
        "the value and duty declared",
    ),
    ReasonGroup("NET_MASS", ("log_net_mass",), "the declared net mass"),
    ReasonGroup("COMMODITY", ("hs2", "hs4"), "the commodity"),
    ReasonGroup(
        "ROUTE",
        ("country_origin", "country_departure", "origin_differs", "origin_indicator"),
        "the origin and departure",
    ),
    ReasonGroup(
        "PROCEDURE",
        (
            "office",
            "process_type",
            "import_type",
            "import_use",
            "payment_type",
            "transport_mode",
            "has_courier",
            "seller_missing",
            "weekday",
        ),
        "the declaration's procedure codes",
    ),
)

#: Rows per block of the sparse product (memory: rows × trees × 12 bytes).
_BLOCK = 16_384

#: How many reasons each declaration gets.
TOP_REASONS = 3


def group_matrix(feature_names: list[str]) -> np.ndarray:
    """A (features × groups) 0/1 matrix summing feature contributions into groups."""
    index = {name: i for i, name in enumerate(feature_names)}
    out = np.zeros((len(feature_names), len(REASON_GROUPS)), dtype="float64")
    for g, group in enumerate(REASON_GROUPS):
        for name in group.features:
            out[index[name], g] = 1.0
    return out


class PathExplainer:
    """Per-leaf tables of group contributions, built once from a booster's dump.

    ``explain`` walks each declaration down every tree (``pred_leaf``) and adds up the
    tables of the leaves it reaches: the log-odds and its split over groups in one pass.
    """

    def __init__(self, booster: lgb.Booster) -> None:
        dump = booster.dump_model()
        names: list[str] = dump["feature_names"]
        to_group = group_matrix(names).argmax(axis=1)
        n_groups = len(REASON_GROUPS)
        tables: list[np.ndarray] = []
        offsets = [0]
        self.bias = 0.0
        for tree in dump["tree_info"]:
            leaves = int(tree["num_leaves"])
            table = np.zeros((leaves, n_groups + 1), dtype="float64")
            root = tree["tree_structure"]
            if "leaf_value" in root:  # a single-leaf tree: only the bias
                table[:, n_groups] = root["leaf_value"]
            else:
                self.bias += float(root["internal_value"])
                _walk(root, float(root["internal_value"]), np.zeros(n_groups), table, to_group)
            tables.append(table)
            offsets.append(offsets[-1] + leaves)
        # Per leaf of every tree: the group changes along its path, then its value.
        self.table = np.vstack(tables)
        self.offsets = np.asarray(offsets[:-1], dtype="int64")
        self.offsets32 = self.offsets.astype("int32")

    def explain(
        self, booster: lgb.Booster, X: pd.DataFrame, threads: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """(log-odds, group contributions) per row of ``X``.

        Group parts are summed in float32 (they only rank reasons); the log-odds, which
        orders declarations, is summed in float64 from the leaf values.
        """
        leaves = np.asarray(booster.predict(X, pred_leaf=True, num_threads=threads), dtype="int32")
        if leaves.ndim == 1:
            leaves = leaves[:, None]
        # One row per declaration with a 1 at each leaf it reached: a sparse product with
        # the leaf tables (group parts and leaf value) adds every tree's part in one pass of
        # compiled code. Blocks of rows bound the memory of the sparse matrix.
        n, trees = leaves.shape
        out = np.empty((n, self.table.shape[1]), dtype="float64")
        for start in range(0, n, _BLOCK):
            block = leaves[start : start + _BLOCK]
            rows = len(block)
            indices = (block + self.offsets32[None, :trees]).ravel()
            reached = sp.csr_matrix(
                (np.ones(rows * trees), indices, np.arange(0, rows * trees + 1, trees)),
                shape=(rows, self.table.shape[0]),
            )
            out[start : start + rows] = reached @ self.table
        groups = out[:, :-1].astype("float32")
        log_odds = out[:, -1]
        return log_odds, groups


def _walk(
    node: dict[str, Any], value: float, path: np.ndarray, table: np.ndarray, to_group: np.ndarray
) -> None:
    if "leaf_index" in node:
        # Its changes per group along the path, and its value (root value + those changes).
        table[int(node["leaf_index"]), :-1] = path
        table[int(node["leaf_index"]), -1] = float(node["leaf_value"])
        return
    group = to_group[int(node["split_feature"])]
    for side in ("left_child", "right_child"):
        child = node[side]
        child_value = float(
            child["leaf_value"] if "leaf_index" in child else child["internal_value"]
        )
        step = path.copy()
        step[group] += child_value - value
        _walk(child, child_value, step, table, to_group)


def shap_contributions(booster: lgb.Booster, X: pd.DataFrame, threads: int) -> np.ndarray:
    """LightGBM's TreeSHAP values summed per reason group (for a few declarations)."""
    contrib = np.asarray(booster.predict(X, pred_contrib=True, num_threads=threads))
    names = list(booster.feature_name())
    return np.asarray(contrib[:, :-1] @ group_matrix(names))


def top_groups(groups: np.ndarray, k: int = TOP_REASONS) -> np.ndarray:
    """Indexes of the ``k`` groups with the largest absolute contribution, strongest first."""
    k = min(k, groups.shape[1])
    part = np.argpartition(-np.abs(groups), k - 1, axis=1)[:, :k]
    strength = np.take_along_axis(np.abs(groups), part, axis=1)
    order = np.argsort(-strength, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)
