"""The model directory: a trained model as files with a contract, and nothing pickled.

Layout of a model directory::

    model.json            the contract: format and version, profile, feature list,
                          categories, training range, parameters, calibration, ranking
                          weight, validation figures, file checksums
    classifier.txt        the LightGBM classifier (LightGBM's own text format)
    revenue.txt           the LightGBM revenue head
    history/*.parquet     the entity history the features are computed from

Loading checks the format name and version, that the feature list is the one this code
computes, and every file's SHA-256, and refuses with an error that names the directory and
what differs. A directory from another version of trustlane's model format is refused rather
than scored wrongly.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import lightgbm as lgb

import trustlane
from trustlane.db import utcnow
from trustlane.errors import FieldProblem, InvalidInput, NotFound
from trustlane.targeting import features as F
from trustlane.targeting.model import FraudModel

FORMAT = "trustlane-targeting-model"
#: Bump when the files or their meaning change; older directories are then refused.
FORMAT_VERSION = 1
CONTRACT = "model.json"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save(model: FraudModel, folder: Path, *, profile: str, sources: list[str]) -> dict[str, Any]:
    """Write ``model`` to ``folder`` (replacing a model there) and return its contract.

    Written to a temporary sibling first and moved into place, so a failed save never
    leaves half a model where a good one was.
    """
    folder = folder.resolve()
    folder.parent.mkdir(parents=True, exist_ok=True)
    if folder.exists() and any(folder.iterdir()) and not (folder / CONTRACT).exists():
        raise InvalidInput(
            f"{folder}: the directory is not empty and holds no model; choose an empty one",
            [FieldProblem("model_dir", "not empty", value=str(folder))],
        )
    tmp = Path(tempfile.mkdtemp(prefix=".model-", dir=folder.parent))
    try:
        model.classifier.save_model(str(tmp / "classifier.txt"))
        model.revenue_head.save_model(str(tmp / "revenue.txt"))
        history_meta = model.history.save(tmp / "history")
        files = sorted(p for p in tmp.rglob("*") if p.is_file())
        contract = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "trustlane_version": trustlane.__version__,
            "profile": profile,
            "created_at": utcnow().isoformat(),
            "sources": sources,
            "features": F.feature_names(),
            "categorical": list(F.CATEGORICAL),
            "vocab": model.vocab,
            "history": history_meta,
            "calibration": {"x": model.calibration_x, "y": model.calibration_y},
            "alpha": model.alpha,
            "training": model.meta,
            "files": {str(p.relative_to(tmp)): _sha256(p) for p in files},
        }
        (tmp / CONTRACT).write_text(json.dumps(contract, indent=2, default=str))
        if folder.exists():
            old = folder.with_name(folder.name + ".old")
            if old.exists():
                shutil.rmtree(old)
            os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old)
        else:
            os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return contract


def read_contract(folder: Path) -> dict[str, Any]:
    """The contract of ``folder``, checked for format, version and feature list."""
    path = folder / CONTRACT
    if not folder.exists():
        raise NotFound(f"{folder}: no such model directory")
    if not path.exists():
        raise InvalidInput(
            f"{folder}: not a trustlane model directory (no {CONTRACT}); "
            "train one with `trustlane targeting train`",
            [FieldProblem("model_dir", f"{CONTRACT} missing", value=str(folder))],
        )
    try:
        contract: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"{path}: unreadable model contract ({exc})") from None
    problems = []
    if contract.get("format") != FORMAT:
        problems.append(FieldProblem("format", f"expected {FORMAT}", value=contract.get("format")))
    elif contract.get("format_version") != FORMAT_VERSION:
        problems.append(
            FieldProblem(
                "format_version",
                f"this trustlane reads version {FORMAT_VERSION}; retrain the model",
                value=contract.get("format_version"),
            )
        )
    elif contract.get("features") != F.feature_names():
        expected, found = set(F.feature_names()), set(contract.get("features") or [])
        detail = (
            f"missing {sorted(expected - found)[:5]}, unexpected {sorted(found - expected)[:5]}"
            if expected != found
            else "same features in another order"
        )
        problems.append(FieldProblem("features", f"built with another feature list: {detail}"))
    if problems:
        raise InvalidInput(f"{folder}: the model is incompatible with this trustlane", problems)
    return contract


def load(
    folder: Path, *, profile: str | None = None, threads: int = 2
) -> tuple[FraudModel, dict[str, Any]]:
    """The model in ``folder`` and its contract; refuses anything that does not match."""
    folder = Path(folder)
    contract = read_contract(folder)
    if profile is not None and contract.get("profile") != profile:
        raise InvalidInput(
            f"{folder}: the model was trained for profile {contract.get('profile')!r}, "
            f"not {profile!r}",
            [FieldProblem("profile", "does not match the model", value=profile)],
        )
    for name, digest in contract["files"].items():
        path = folder / name
        if not path.exists():
            raise InvalidInput(f"{folder}: model file {name} is missing")
        if _sha256(path) != digest:
            raise InvalidInput(f"{folder}: model file {name} was changed after training")
    classifier = lgb.Booster(model_file=str(folder / "classifier.txt"))
    revenue = lgb.Booster(model_file=str(folder / "revenue.txt"))
    if list(classifier.feature_name()) != F.feature_names():
        raise InvalidInput(f"{folder}: classifier.txt does not have the contract's features")
    history = F.History.load(folder / "history", contract["history"])
    meta = dict(contract["training"])
    meta["threads"] = threads
    model = FraudModel(
        classifier=classifier,
        revenue_head=revenue,
        history=history,
        vocab={k: list(v) for k, v in contract["vocab"].items()},
        calibration_x=list(contract["calibration"]["x"]),
        calibration_y=list(contract["calibration"]["y"]),
        alpha=float(contract["alpha"]),
        meta=meta,
    )
    return model, contract
