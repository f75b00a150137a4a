"""Model features: what a declaration says, and what the history of its entities says.

Two kinds of features, both computed in bulk over pandas frames:

- **declaration features**: the declared codes as categories, value, mass, unit value, duty at
  stake, origin differing from departure, a courier, a missing seller;
- **history features** per entity (importer, declarant, seller, courier, HS-6, origin, office
  and a few pairs): how many labelled declarations it had before, and its past fraud rate,
  smoothed towards the overall rate so that an entity seen twice does not get 0 % or 100 %;
  and how far the declared unit value is from the history of the same HS-6 (and origin) as a
  robust z-score (median and MAD of log unit value).

"Before" is strict. In training every row sees only labels dated before its own date (and
unit-value statistics from the months before its month), so the model never learns from a
rate that includes its own label. At scoring time the history is the training data as a
whole, kept in the model directory as Parquet tables (:class:`History`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

#: Declared codes given to the model as categories (their vocabulary is stored with it).
CATEGORICAL = (
    "office",
    "process_type",
    "import_type",
    "import_use",
    "payment_type",
    "transport_mode",
    "tax_type",
    "origin_indicator",
    "country_departure",
    "country_origin",
    "hs2",
    "hs4",
)

#: Numbers computed from the declaration alone.
DECLARED = (
    "tax_rate",
    "log_item_price",
    "log_net_mass",
    "log_unit_value",
    "log_duty_at_stake",
    "origin_differs",
    "has_courier",
    "seller_missing",
    "weekday",
)

#: Entities whose history is a feature: name → the columns that identify it.
HISTORY_KEYS: dict[str, tuple[str, ...]] = {
    "importer": ("importer_id",),
    "declarant": ("declarant_id",),
    "seller": ("seller_id",),
    "courier": ("courier_id",),
    "hs6": ("hs6",),
    "origin": ("country_origin",),
    "office": ("office",),
    "importer_seller": ("importer_id", "seller_id"),
    "hs6_origin": ("hs6", "country_origin"),
    "importer_hs6": ("importer_id", "hs6"),
    "declarant_importer": ("declarant_id", "importer_id"),
}

#: Groups for the unit-value robust z-score: name → columns.
UNIT_VALUE_GROUPS: dict[str, tuple[str, ...]] = {
    "hs6": ("hs6",),
    "hs6_origin": ("hs6", "country_origin"),
}

#: Fewest past declarations of a group before its unit-value median is trusted.
UNIT_VALUE_MIN_COUNT = 5

_SEP = "\x1f"


def history_features(keys: dict[str, tuple[str, ...]] = HISTORY_KEYS) -> list[str]:
    out: list[str] = []
    for name in keys:
        out += [f"{name}_log_n", f"{name}_fraud_rate", f"{name}_critical_rate"]
    return out


def unit_value_features() -> list[str]:
    return [f"uv_z_{name}" for name in UNIT_VALUE_GROUPS]


def feature_names() -> list[str]:
    """Every model feature, in the order the model sees them."""
    return [*CATEGORICAL, *DECLARED, *unit_value_features(), *history_features()]


def duty_at_stake(frame: pd.DataFrame) -> pd.Series:
    """Item price × tax rate / 100: the duty a declaration puts at stake."""
    return frame["item_price"].fillna(0.0) * frame["tax_rate"].fillna(0.0) / 100.0


def declared_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers and derived codes from the declaration alone (no history)."""
    price = frame["item_price"].astype("float64")
    mass = frame["net_mass"].astype("float64")
    out = pd.DataFrame(index=frame.index)
    hs6 = frame["hs6"].astype(str)
    out["hs2"] = hs6.str[:2]
    out["hs4"] = hs6.str[:4]
    out["tax_rate"] = frame["tax_rate"].astype("float64")
    out["log_item_price"] = np.log1p(price.clip(lower=0))
    out["log_net_mass"] = np.log1p(mass.clip(lower=0))
    out["log_unit_value"] = log_unit_value(frame)
    out["log_duty_at_stake"] = np.log1p(duty_at_stake(frame).clip(lower=0))
    dep, org = frame["country_departure"], frame["country_origin"]
    out["origin_differs"] = (dep.notna() & org.notna() & (dep != org)).astype("float32")
    out["has_courier"] = frame["courier_id"].notna().astype("float32")
    out["seller_missing"] = frame["seller_id"].isna().astype("float32")
    out["weekday"] = frame["date"].dt.day_of_week.astype("float32")
    return out


def log_unit_value(frame: pd.DataFrame) -> pd.Series:
    """log(price per kg); NaN where the mass is missing or zero."""
    mass = frame["net_mass"].astype("float64")
    price = frame["item_price"].astype("float64")
    uv = price / mass.where(mass > 0)
    return pd.Series(np.log(uv.where(uv > 0)), index=frame.index, dtype="float64")


def key_of(frame: pd.DataFrame, cols: tuple[str, ...]) -> pd.Series:
    """One string per row identifying the entity (NaN when any part is missing)."""
    if len(cols) == 1:
        return frame[cols[0]].astype(object)
    parts = [frame[c].astype(object) for c in cols]
    missing = np.zeros(len(frame), dtype=bool)
    for p in parts:
        missing |= p.isna().to_numpy()
    joined = parts[0].fillna("").astype(str)
    for p in parts[1:]:
        joined = joined + _SEP + p.fillna("").astype(str)
    return joined.where(~missing, None)


@dataclass
class History:
    """What the training data says about each entity, kept beside the model for scoring.

    ``entities[name]`` has columns ``key, n, fraud, critical``; ``unit_values[name]`` has
    ``key, median, mad, n`` of log unit value. ``prior_fraud``/``prior_critical`` are the
    overall rates the smoothing pulls towards; ``smoothing`` is its strength in declarations.
    """

    prior_fraud: float
    prior_critical: float
    smoothing: float
    entities: dict[str, pd.DataFrame] = field(default_factory=dict)
    unit_values: dict[str, pd.DataFrame] = field(default_factory=dict)

    # -- building -----------------------------------------------------------------------

    @classmethod
    def from_labelled(cls, frame: pd.DataFrame, smoothing: float) -> History:
        """The whole history of a labelled frame (the state saved with a trained model)."""
        fraud = frame["fraud"].astype("float64")
        critical = (frame["critical"] >= 2).astype("float64")
        history = cls(float(fraud.mean()), float(critical.mean()), smoothing)
        for name, cols in HISTORY_KEYS.items():
            key = key_of(frame, cols)
            grouped = (
                pd.DataFrame({"key": key, "n": 1.0, "fraud": fraud, "critical": critical})
                .dropna(subset=["key"])
                .groupby("key", sort=True)[["n", "fraud", "critical"]]
                .sum()
                .reset_index()
            )
            history.entities[name] = grouped
        luv = log_unit_value(frame)
        for name, cols in UNIT_VALUE_GROUPS.items():
            history.unit_values[name] = _unit_value_stats(key_of(frame, cols), luv)
        return history

    # -- features at scoring time ------------------------------------------------------

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        """History features of new declarations, from this (earlier) history."""
        out = pd.DataFrame(index=frame.index)
        for name, cols in HISTORY_KEYS.items():
            table = self.entities[name]
            idx = pd.Index(table["key"]).get_indexer(key_of(frame, cols))
            found = idx >= 0
            n = np.where(found, table["n"].to_numpy()[idx], 0.0)
            f = np.where(found, table["fraud"].to_numpy()[idx], 0.0)
            c = np.where(found, table["critical"].to_numpy()[idx], 0.0)
            self._put(out, name, n, f, c, missing=key_of(frame, cols).isna().to_numpy())
        luv = log_unit_value(frame).to_numpy()
        for name, cols in UNIT_VALUE_GROUPS.items():
            table = self.unit_values[name]
            idx = pd.Index(table["key"]).get_indexer(key_of(frame, cols))
            out[f"uv_z_{name}"] = _robust_z(luv, table, idx)
        return out

    def _put(
        self,
        out: pd.DataFrame,
        name: str,
        n: np.ndarray,
        fraud: np.ndarray,
        critical: np.ndarray,
        missing: np.ndarray,
    ) -> None:
        m = self.smoothing
        out[f"{name}_log_n"] = np.where(missing, np.nan, np.log1p(n)).astype("float32")
        rate = (fraud + m * self.prior_fraud) / (n + m)
        crit = (critical + m * self.prior_critical) / (n + m)
        out[f"{name}_fraud_rate"] = np.where(missing, np.nan, rate).astype("float32")
        out[f"{name}_critical_rate"] = np.where(missing, np.nan, crit).astype("float32")

    # -- features for training (strictly earlier history per row) -----------------------

    def training_features(self, frame: pd.DataFrame) -> pd.DataFrame:
        """History features of labelled rows, each from the rows dated before it.

        Counts and label sums are accumulated per entity and day, and each day sees the sums
        of the days before it; unit-value statistics come from the months before the row's
        month. ``self`` only supplies the prior rates and the smoothing.
        """
        out = pd.DataFrame(index=frame.index)
        day = frame["date"].to_numpy()
        fraud = frame["fraud"].astype("float64")
        critical = (frame["critical"] >= 2).astype("float64")
        for name, cols in HISTORY_KEYS.items():
            key = key_of(frame, cols)
            work = pd.DataFrame(
                {"key": key, "day": day, "n": 1.0, "fraud": fraud, "critical": critical}
            )
            daily = (
                work.dropna(subset=["key"])
                .groupby(["key", "day"], sort=True)[["n", "fraud", "critical"]]
                .sum()
            )
            before = daily.groupby(level="key").cumsum() - daily
            joined = pd.DataFrame({"key": key, "day": day}).join(before, on=["key", "day"])
            self._put(
                out,
                name,
                joined["n"].fillna(0).to_numpy(),
                joined["fraud"].fillna(0).to_numpy(),
                joined["critical"].fillna(0).to_numpy(),
                missing=key.isna().to_numpy(),
            )
        luv = log_unit_value(frame)
        month = frame["date"].dt.to_period("M")
        for name, cols in UNIT_VALUE_GROUPS.items():
            key = key_of(frame, cols)
            z = np.full(len(frame), np.nan)
            for period in sorted(month.unique()):
                earlier = (month < period).to_numpy()
                rows = (month == period).to_numpy()
                if not earlier.any():
                    continue
                table = _unit_value_stats(key[earlier], luv[earlier])
                idx = pd.Index(table["key"]).get_indexer(key[rows])
                z[rows] = _robust_z(luv.to_numpy()[rows], table, idx)
            out[f"uv_z_{name}"] = z.astype("float32")
        return out

    # -- files -----------------------------------------------------------------------

    def save(self, folder: Path) -> dict[str, object]:
        """Write the tables as Parquet under ``folder``; returns the metadata to keep."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, table in self.entities.items():
            table.to_parquet(folder / f"entity_{name}.parquet", index=False)
        for name, table in self.unit_values.items():
            table.to_parquet(folder / f"unit_value_{name}.parquet", index=False)
        return {
            "prior_fraud": self.prior_fraud,
            "prior_critical": self.prior_critical,
            "smoothing": self.smoothing,
            "entities": sorted(self.entities),
            "unit_values": sorted(self.unit_values),
        }

    @classmethod
    def load(cls, folder: Path, meta: dict[str, object]) -> History:
        history = cls(
            float(meta["prior_fraud"]),  # type: ignore[arg-type]
            float(meta["prior_critical"]),  # type: ignore[arg-type]
            float(meta["smoothing"]),  # type: ignore[arg-type]
        )
        for name in HISTORY_KEYS:
            history.entities[name] = pd.read_parquet(folder / f"entity_{name}.parquet")
        for name in UNIT_VALUE_GROUPS:
            history.unit_values[name] = pd.read_parquet(folder / f"unit_value_{name}.parquet")
        return history


def _unit_value_stats(key: pd.Series, luv: pd.Series) -> pd.DataFrame:
    work = pd.DataFrame({"key": key.to_numpy(), "luv": luv.to_numpy()}).dropna()
    if work.empty:
        return pd.DataFrame({"key": [], "median": [], "mad": [], "n": []})
    grouped = work.groupby("key", sort=True)["luv"]
    median = grouped.median()
    deviation = (work["luv"] - work["key"].map(median)).abs()
    mad = deviation.groupby(work["key"]).median()
    return pd.DataFrame(
        {
            "key": median.index.to_numpy(),
            "median": median.to_numpy(),
            "mad": mad.reindex(median.index).to_numpy(),
            "n": grouped.size().to_numpy().astype("float64"),
        }
    )


def _robust_z(luv: np.ndarray, table: pd.DataFrame, idx: np.ndarray) -> np.ndarray:
    """(x − median) / (1.4826 · MAD), floored so that a group of identical values does not
    make every other value infinitely far; NaN where the group is unknown or too small."""
    found = idx >= 0
    safe = np.where(found, idx, 0)
    median = table["median"].to_numpy()[safe] if len(table) else np.zeros(len(idx))
    mad = table["mad"].to_numpy()[safe] if len(table) else np.zeros(len(idx))
    n = table["n"].to_numpy()[safe] if len(table) else np.zeros(len(idx))
    scale = np.maximum(1.4826 * mad, 0.1)
    z = (luv - median) / scale
    ok = found & (n >= UNIT_VALUE_MIN_COUNT)
    return np.where(ok, z, np.nan).astype("float32")
