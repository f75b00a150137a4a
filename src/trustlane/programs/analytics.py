"""Where members fail: pure computations over frames of validations, findings and members.

A criterion "fails" in a validation when the finding is a required action; its failure rate
is required actions / findings recorded for it. A validation fails when its outcome is
``failed``. Tables (all plain DataFrames, exported as they are):

- ``criteria``, ``sections``, ``focus_areas``, ``entity_types``, ``sectors``, ``years``:
  failure rate at each level (and, where it means something, the validation failure rate);
- ``year_sections`` and ``sector_sections``: the two-way views behind the charts;
- ``trend_new_criteria``: failure rate of criteria that took effect inside the data, by
  half-year since they took effect (members learn a new rule, or do not), and
  ``trend_cohorts``: the same per phase-in step (criteria taking effect on the same day);
- ``predictors``: the criteria whose required actions best predict a failed validation, by
  lift and by a logistic model trained on earlier years and scored on the latest one;
- ``compliance``: the membership's compliance rates (see :func:`compliance`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from trustlane.programs.catalog import Catalog, natural_key

REQUIRED_ACTION = "required_action"
#: Fewer findings than this make a rate too noisy to rank on (they are still shown).
MIN_ASSESSED = 30
#: Validations with a required action on a criterion needed before it is rated as a predictor.
MIN_WITH = 10


@dataclass
class Analytics:
    program: str
    as_of: date
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def catalog_frame(catalog: Catalog) -> pd.DataFrame:
    """One row per criterion with its section, focus area, level and effective date."""
    rows = []
    for c in catalog.criteria:
        section = catalog.section(c.section)
        rows.append(
            {
                "criterion": c.id,
                "section_id": section.id,
                "section": section.title,
                "focus_area": catalog.focus_area(section.focus_area).title,
                "level": c.level.value,
                "effective_from": pd.Timestamp(c.effective_from),
            }
        )
    return pd.DataFrame(rows)


def _rates(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Findings, required actions and failure rate per group of ``by`` (``frame`` holds
    counts: ``n`` findings, of which ``ra`` required actions, ``rec``, ``bp``)."""
    grouped = frame.groupby(by, observed=True, sort=False).agg(
        assessed=("n", "sum"),
        required_actions=("ra", "sum"),
        recommendations=("rec", "sum"),
        best_practices=("bp", "sum"),
    )
    grouped["failure_rate"] = grouped["required_actions"] / grouped["assessed"]
    return grouped.reset_index()


def _validation_rates(validations: pd.DataFrame, by: str) -> pd.DataFrame:
    out = validations.groupby(by, observed=True).agg(
        validations=("failed", "size"), failed_validations=("failed", "sum")
    )
    out["validation_failure_rate"] = out["failed_validations"] / out["validations"]
    return out.reset_index()


def _section_order(catalog: Catalog) -> dict[str, int]:
    return {s.id: i for i, s in enumerate(catalog.sections)}


def _prepared(counts: pd.DataFrame, cat: pd.DataFrame) -> pd.DataFrame:
    """Counts with required actions, recommendations and best practices split out, and each
    criterion's section and focus area (criteria no longer in the catalog are left out)."""
    f = counts.copy()
    f["criterion"] = f["criterion"].astype(str)
    kind = f["kind"].astype(str)
    f["ra"] = f["n"].where(kind == REQUIRED_ACTION, 0)
    f["rec"] = f["n"].where(kind == "recommendation", 0)
    f["bp"] = f["n"].where(kind == "best_practice", 0)
    sections_of = cat.set_index("criterion")
    f = f[f["criterion"].isin(sections_of.index)].copy()
    f["section_id"] = f["criterion"].map(sections_of["section_id"])
    f["focus_area"] = f["criterion"].map(sections_of["focus_area"])
    return f


def compute(
    catalog: Catalog,
    validations: pd.DataFrame,
    counts: Mapping[str, pd.DataFrame],
    required_actions: pd.DataFrame,
    members: pd.DataFrame,
    as_of: date,
) -> Analytics:
    """Every table and the summary.

    ``validations``: one row per completed agency validation; ``counts``: findings counted by
    criterion and kind, per half-year (``period``: year, half), per ``entity_type`` and per
    ``sector`` (both as read by :mod:`trustlane.programs.store_program`);
    ``required_actions``: (validation, criterion) of every required action; ``members``: the
    membership now.
    """
    cat = catalog_frame(catalog)
    v = validations.copy()
    v["failed"] = v["outcome"] == "failed"
    v["year"] = v["completed_on"].dt.year
    f = _prepared(counts["period"], cat)
    by_type = _prepared(counts["entity_type"], cat)
    by_sector = _prepared(counts["sector"], cat)
    tables: dict[str, pd.DataFrame] = {}
    order = _section_order(catalog)

    crit = _rates(f, ["criterion"]).merge(cat, on="criterion", how="left")
    crit["reliable"] = crit["assessed"] >= MIN_ASSESSED
    crit = crit.sort_values(
        ["failure_rate", "criterion"], ascending=[False, True], key=None
    ).reset_index(drop=True)
    tables["criteria"] = crit[
        [
            "criterion",
            "focus_area",
            "section_id",
            "section",
            "level",
            "effective_from",
            "assessed",
            "required_actions",
            "failure_rate",
            "recommendations",
            "best_practices",
            "reliable",
        ]
    ]
    sec = _rates(f, ["section_id"]).merge(
        cat[["section_id", "section", "focus_area"]].drop_duplicates(), on="section_id"
    )
    sec = sec.sort_values("section_id", key=lambda s: s.map(order)).reset_index(drop=True)
    tables["sections"] = sec[
        ["section_id", "section", "focus_area", "assessed", "required_actions", "failure_rate"]
    ]
    fa = _rates(f, ["focus_area"])
    tables["focus_areas"] = fa[["focus_area", "assessed", "required_actions", "failure_rate"]]
    for name, key, frame in (
        ("entity_types", "entity_type", by_type),
        ("sectors", "sector", by_sector),
        ("years", "year", f),
    ):
        t = _rates(frame, [key]).merge(_validation_rates(v, key), on=key, how="outer")
        t = t.sort_values(key).reset_index(drop=True)
        t["compliance_rate"] = 1 - t["failure_rate"]
        tables[name] = t[
            [
                key,
                "validations",
                "failed_validations",
                "validation_failure_rate",
                "assessed",
                "required_actions",
                "failure_rate",
                "compliance_rate",
            ]
        ]
    ys = _rates(f, ["year", "section_id"])
    ys["section"] = ys["section_id"].map(dict(zip(cat["section_id"], cat["section"], strict=False)))
    tables["year_sections"] = ys.sort_values(
        ["year", "section_id"], key=lambda s: s.map(order) if s.name == "section_id" else s
    ).reset_index(drop=True)[["year", "section_id", "section", "assessed", "failure_rate"]]
    ss = _rates(by_sector, ["sector", "section_id"])
    tables["sector_sections"] = ss.sort_values(
        ["sector", "section_id"], key=lambda s: s.map(order) if s.name == "section_id" else s
    ).reset_index(drop=True)[["sector", "section_id", "assessed", "failure_rate"]]
    tables["trend_new_criteria"] = trend_after_effective(f, cat, v)
    tables["trend_cohorts"] = trend_cohorts(tables["trend_new_criteria"])
    predictors, model = predict_failures(required_actions, v)
    tables["predictors"] = predictors
    comp, comp_summary = compliance(v, members, as_of)
    tables["compliance"] = comp

    total = int(f["n"].sum())
    failure_rate = float(f["ra"].sum() / total) if total else None
    summary: dict[str, Any] = {
        "program": catalog.program,
        "as_of": as_of.isoformat(),
        "validations": len(v),
        "failed_validations": int(v["failed"].sum()),
        "validation_failure_rate": float(v["failed"].mean()) if len(v) else None,
        "findings": total,
        "required_actions": int(f["ra"].sum()),
        "failure_rate": failure_rate,
        "years": sorted(int(y) for y in v["year"].unique()),
        "members": len(members),
        **comp_summary,
        "model": model,
        "definitions": {
            "failure_rate": "required actions / findings recorded",
            "validation_failure_rate": "validations with outcome 'failed' / validations",
            "member_compliance_rate": (
                "active members in good standing (validation not overdue, no overdue required "
                "action, last outcome not failed) / active members"
            ),
            "criteria_compliance_rate": (
                "findings that are not required actions, in each member's latest validation"
            ),
        },
    }
    return Analytics(catalog.program, as_of, summary, tables)


def trend_after_effective(f: pd.DataFrame, cat: pd.DataFrame, v: pd.DataFrame) -> pd.DataFrame:
    """For criteria that took effect after the first validation in the data: failure rate by
    half-year since they took effect (half_year 0 = the half-year in which it took effect;
    counted by calendar half-year, so a criterion taking effect mid-half is rounded down)."""
    columns = [
        "criterion",
        "effective_from",
        "half_year",
        "assessed",
        "required_actions",
        "failure_rate",
    ]
    if v.empty:
        return pd.DataFrame(columns=columns)
    start = v["completed_on"].min()
    new = cat[cat["effective_from"] > start][["criterion", "effective_from"]]
    sub = f[f["criterion"].isin(new["criterion"])]
    if sub.empty:
        return pd.DataFrame(columns=columns)
    sub = sub.merge(new, on="criterion")
    period = sub["year"] * 2 + (sub["half"] - 1)
    eff = sub["effective_from"]
    effective_period = eff.dt.year * 2 + (eff.dt.month > 6).astype(int)
    sub = sub.assign(half_year=(period - effective_period).clip(lower=0).astype(int))
    out = _rates(sub, ["criterion", "effective_from", "half_year"])
    out["order"] = out["criterion"].map(natural_key)
    out = out.sort_values(["order", "half_year"]).reset_index(drop=True)
    return out[columns]


def trend_cohorts(trend: pd.DataFrame) -> pd.DataFrame:
    """The trend per group of criteria that took effect on the same day (a phase-in step)."""
    columns = ["effective_from", "half_year", "criteria", "assessed", "failure_rate"]
    if trend.empty:
        return pd.DataFrame(columns=columns)
    out = trend.groupby(["effective_from", "half_year"]).agg(
        criteria=("criterion", "nunique"),
        assessed=("assessed", "sum"),
        required_actions=("required_actions", "sum"),
    )
    out["failure_rate"] = out["required_actions"] / out["assessed"]
    return out.reset_index()[columns]


def predict_failures(
    ra: pd.DataFrame, v: pd.DataFrame, min_with: int = MIN_WITH
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Criteria whose required actions go with failed validations.

    ``lift`` = failure rate of validations with a required action on the criterion / failure
    rate of those without. The model (L2 logistic regression on which criteria had required
    actions) is trained on every year but the latest and scored on the latest, so its AUC is
    measured on validations it never saw; its coefficients rank the criteria by how much a
    required action on each adds to the odds of failing, all else equal.
    """
    columns = [
        "criterion",
        "validations_with_required_action",
        "failure_rate_with",
        "failure_rate_without",
        "lift",
        "coefficient",
        "explanation",
    ]
    model: dict[str, Any] = {"auc": None}
    if v.empty or not v["failed"].any():
        model["note"] = "No failed validation in the data: nothing to predict."
        return pd.DataFrame(columns=columns), model
    ids = v["validation_id"].to_numpy()
    row_of = pd.Series(np.arange(len(ids)), index=ids)
    ra = ra[ra["validation_id"].isin(row_of.index)]
    criteria = sorted(ra["criterion"].unique(), key=natural_key)
    col_of = {c: i for i, c in enumerate(criteria)}
    x = np.zeros((len(ids), len(criteria)), dtype=np.float32)
    x[row_of[ra["validation_id"]].to_numpy(), ra["criterion"].map(col_of).to_numpy()] = 1.0
    y = v["failed"].to_numpy()
    n_with = x.sum(axis=0)
    failed_with = (x * y[:, None]).sum(axis=0)
    n_without = len(y) - n_with
    failed_without = y.sum() - failed_with
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_with = np.where(n_with > 0, failed_with / n_with, np.nan)
        rate_without = np.where(n_without > 0, failed_without / n_without, np.nan)
        lift = rate_with / rate_without
    coefficients = np.full(len(criteria), np.nan)
    years = v["completed_on"].dt.year.to_numpy()
    last = years.max()
    train, test = years < last, years == last
    if len(criteria) and train.any() and len(set(y[train])) == 2:
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score

        clf = LogisticRegression(C=1.0, max_iter=2000)
        clf.fit(x[train], y[train])
        coefficients = clf.coef_[0]
        model.update(
            trained_on=sorted(int(t) for t in set(years[train])),
            tested_on=int(last),
            train_validations=int(train.sum()),
            test_validations=int(test.sum()),
            test_failure_rate=float(y[test].mean()) if test.any() else None,
        )
        if test.any() and len(set(y[test])) == 2:
            model["auc"] = float(roc_auc_score(y[test], clf.predict_proba(x[test])[:, 1]))
        else:
            model["note"] = f"{last} has a single outcome class; AUC not defined."
    else:
        model["note"] = "Fewer than two years with both outcomes: no model, lift only."
    out = pd.DataFrame(
        {
            "criterion": criteria,
            "validations_with_required_action": n_with.astype(int),
            "failure_rate_with": rate_with,
            "failure_rate_without": rate_without,
            "lift": lift,
            "coefficient": coefficients,
        }
    )
    out = out[out["validations_with_required_action"] >= min_with]
    out["explanation"] = [
        f"Validations with a required action on {r.criterion} failed {r.failure_rate_with:.0%} "
        f"of the time, against {r.failure_rate_without:.0%} without "
        f"(lift {r.lift:.1f}, {r.validations_with_required_action} validations)."
        for r in out.itertuples()
    ]
    sort_by = "coefficient" if not np.isnan(coefficients).all() else "lift"
    out = out.sort_values([sort_by, "lift"], ascending=False).reset_index(drop=True)
    return out[columns], model


def compliance(
    v: pd.DataFrame, members: pd.DataFrame, as_of: date
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Compliance of the membership now, by entity type, with the program-wide figures."""
    active = members[members["status"].isin(["certified", "validated"])].copy()
    latest = v.sort_values(["completed_on", "validation_id"]).drop_duplicates(
        "member_id", keep="last"
    )
    last_outcome = latest.set_index("member_id")["outcome"]
    active["last_outcome"] = active["member_id"].map(last_outcome)
    due = pd.to_datetime(active["validation_due"])
    active["good_standing"] = (
        (due.isna() | (due >= pd.Timestamp(as_of)))
        & (active["overdue_actions"] == 0)
        & (active["last_outcome"] != "failed")
    )
    findings = latest[
        ["n_meets", "n_required_actions", "n_recommendations", "n_best_practices"]
    ].to_numpy()
    total = int(findings.sum())
    crit_rate = 1 - float(latest["n_required_actions"].sum() / total) if total else None
    by_type = active.groupby("entity_type").agg(
        active_members=("good_standing", "size"), in_good_standing=("good_standing", "sum")
    )
    by_type["member_compliance_rate"] = by_type["in_good_standing"] / by_type["active_members"]
    table = by_type.reset_index()
    summary = {
        "active_members": len(active),
        "members_in_good_standing": int(active["good_standing"].sum()),
        "member_compliance_rate": float(active["good_standing"].mean()) if len(active) else None,
        "criteria_compliance_rate": crit_rate,
        "members_by_status": {
            str(k): int(n) for k, n in members["status"].value_counts().to_dict().items()
        },
        "members_by_tier": {
            str(int(float(str(k)))): int(n)
            for k, n in members["tier"].dropna().value_counts().to_dict().items()
        },
    }
    return table, summary
