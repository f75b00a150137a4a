"""Use case: train a model from declaration files (and, in :mod:`retrain`, from stored data).

``train_from_files`` is what ``trustlane targeting train`` runs: it reads the files with the
profile's checks, trains (:func:`trustlane.targeting.model.fit`) and writes the model
directory. Rows that fail the checks are left out and reported; they never reach the model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from trustlane.errors import FieldProblem, InvalidInput
from trustlane.progress import NoProgress, Progress
from trustlane.targeting import artifact
from trustlane.targeting.model import TrainingOptions, fit
from trustlane.targeting.profiles import Reject, get_profile, read_frame


@dataclass
class TrainResult:
    model_dir: Path
    rows: int
    rejected: list[Reject]
    seconds: float
    contract: dict[str, Any]


def train_from_files(
    paths: list[Path],
    profile_name: str,
    model_dir: Path,
    options: TrainingOptions | None = None,
    progress: Progress | None = None,
) -> TrainResult:
    """Train on the labelled declarations of ``paths`` and write the model to ``model_dir``."""
    progress = progress or NoProgress()
    started = time.monotonic()
    profile = get_profile(profile_name)
    if not paths:
        raise InvalidInput("Give at least one declaration file to train on")
    frames, rejects = [], []
    for i, path in enumerate(paths):
        progress.update(i, len(paths) + 1, f"reading {path.name}")
        chunk = read_frame(Path(path), profile, labels=True)
        frames.append(chunk.frame)
        rejects.extend(chunk.rejects)
    frame = pd.concat(frames, ignore_index=True)
    dupes = frame["declaration_id"].duplicated(keep="last")
    frame = frame.loc[~dupes].reset_index(drop=True)
    if frame.empty:
        raise InvalidInput("No valid declarations to train on", [FieldProblem("files", "empty")])
    progress.update(len(paths), len(paths) + 1, "training")
    try:
        model = fit(frame, options, progress)
    except ValueError as exc:
        raise InvalidInput(f"Cannot train on these declarations: {exc}") from None
    contract = artifact.save(
        model, Path(model_dir), profile=profile.name, sources=[str(p) for p in paths]
    )
    return TrainResult(Path(model_dir), len(frame), rejects, time.monotonic() - started, contract)
