"""The file contract: train, score and evaluate from CSV files, without a database."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from trustlane.cli.main import app
from trustlane.errors import InvalidInput, NotFound
from trustlane.targeting import artifact
from trustlane.targeting.evaluate import evaluate_file
from trustlane.targeting.explain import PathExplainer
from trustlane.targeting.score import score_file

FIXTURES = Path(__file__).parent / "fixtures"
TRAIN = FIXTURES / "customs_kr_2020_slice.csv"
VALID = FIXTURES / "customs_kr_2021q1_slice.csv"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("model") / "m"
    result = CliRunner().invoke(
        app,
        ["targeting", "train", str(TRAIN), "--profile", "customs-kr", "--model-dir", str(folder)],
    )
    assert result.exit_code == 0, result.output
    return folder


def test_train_writes_a_model_with_its_contract(model_dir: Path) -> None:
    contract = json.loads((model_dir / "model.json").read_text())
    assert contract["format"] == artifact.FORMAT
    assert contract["training"]["from"] == "2020-01-01"
    assert contract["training"]["validation"]["to"] == "2020-12-31"
    assert contract["training"]["validation"]["from"] > "2020-10-01"  # the latest dates held out
    assert not list(model_dir.rglob("*.pkl"))
    assert not list(model_dir.rglob("*.pickle"))
    assert set(contract["files"]) >= {"classifier.txt", "revenue.txt"}


def test_score_writes_every_row_with_reasons_and_ignores_labels(
    model_dir: Path, tmp_path: Path
) -> None:
    source = pd.read_csv(VALID, dtype=str)
    source["Fraud"] = "not a label"  # never read: it would be rejected if it were
    source["Critical Fraud"] = ""
    given = tmp_path / "in.csv"
    source.to_csv(given, index=False)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        app,
        ["targeting", "score", str(given), "--profile", "customs-kr", "--model-dir",
         str(model_dir), "--output", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    scored = pd.read_csv(out, dtype={"Declaration ID": str})
    assert list(scored.columns[:3]) == ["Declaration ID", "score", "reasons"]
    assert scored["Declaration ID"].tolist() == source["Declaration ID"].tolist()
    assert scored["reasons"].str.match(r"^[A-Z_]+: .+ \((raises|lowers) risk\)").all()
    assert not (tmp_path / "out.rejects.csv").exists()


def test_same_rows_score_the_same_without_label_columns(model_dir: Path, tmp_path: Path) -> None:
    no_labels = tmp_path / "nolabels.csv"
    pd.read_csv(VALID, dtype=str).drop(columns=["Fraud", "Critical Fraud"]).to_csv(
        no_labels, index=False
    )
    a = score_file(no_labels, "customs-kr", model_dir, tmp_path / "a.csv")
    b = score_file(VALID, "customs-kr", model_dir, tmp_path / "b.csv")
    assert a.rows == b.rows == 204
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "a.csv"), pd.read_csv(tmp_path / "b.csv"))


def test_bad_rows_go_to_the_rejects_file_and_the_rest_is_scored(
    model_dir: Path, tmp_path: Path
) -> None:
    source = pd.read_csv(VALID, dtype=str)
    source.loc[3, "Date"] = "2021-02-30"
    source.loc[7, "Item Price"] = "12,5 KRW"
    source.loc[9, "HS6 Code"] = "85A"
    given = tmp_path / "in.csv"
    source.to_csv(given, index=False)
    result = score_file(given, "customs-kr", model_dir, tmp_path / "out.csv")
    assert result.rows == len(source) - 3
    rejects = pd.read_csv(tmp_path / "out.rejects.csv")
    assert rejects[["line", "column"]].values.tolist() == [
        [5, "Date"],
        [9, "Item Price"],
        [11, "HS6 Code"],
    ]
    assert "not a date" in rejects["reason"].iloc[0]


def test_missing_and_unknown_columns_are_refused_naming_them(
    model_dir: Path, tmp_path: Path
) -> None:
    source = pd.read_csv(VALID, dtype=str).drop(columns=["Tax Rate"])
    source["Colour"] = "red"
    given = tmp_path / "in.csv"
    source.to_csv(given, index=False)
    with pytest.raises(InvalidInput) as err:
        score_file(given, "customs-kr", model_dir, tmp_path / "out.csv")
    text = str(err.value)
    assert "Tax Rate: missing column" in text
    assert "Colour: unknown column" in text
    assert not (tmp_path / "out.csv").exists()


def test_missing_or_incompatible_model_dir_is_refused(model_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no such model directory"):
        score_file(VALID, "customs-kr", tmp_path / "nowhere", tmp_path / "o.csv")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InvalidInput, match="not a trustlane model directory"):
        score_file(VALID, "customs-kr", tmp_path / "empty", tmp_path / "o.csv")
    old = tmp_path / "old"
    old.mkdir()
    contract = json.loads((model_dir / "model.json").read_text())
    contract["format_version"] = 0
    (old / "model.json").write_text(json.dumps(contract))
    with pytest.raises(InvalidInput, match="incompatible") as err:
        score_file(VALID, "customs-kr", old, tmp_path / "o.csv")
    assert "format_version" in str(err.value)
    contract["format_version"] = artifact.FORMAT_VERSION
    contract["features"] = contract["features"][:-1]
    (old / "model.json").write_text(json.dumps(contract))
    with pytest.raises(InvalidInput, match="another feature list"):
        score_file(VALID, "customs-kr", old, tmp_path / "o.csv")


def test_evaluate_prints_the_figures(model_dir: Path) -> None:
    result = CliRunner().invoke(
        app, ["targeting", "evaluate", str(VALID), "--profile", "customs-kr", "--model-dir",
              str(model_dir)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for n in (1, 2, 5, 10):
        for name in ("Precision", "Recall", "Revenue"):
            assert f"{name}@{n}%\t" in result.output
    figures = evaluate_file(VALID, "customs-kr", model_dir).figures
    # Far better than chance on the held-out quarter even when trained on 1,500 rows.
    frauds = pd.read_csv(VALID)["Fraud"].mean()
    assert figures[3].precision > frauds


def test_path_explanations_add_up_to_the_model_log_odds(model_dir: Path) -> None:
    model, _ = artifact.load(model_dir)
    frame = pd.read_csv(VALID, dtype=str)
    from trustlane.targeting.profiles import CUSTOMS_KR, read_frame

    frame = read_frame(VALID, CUSTOMS_KR, labels=False).frame
    X = model.design(frame)
    log_odds, groups = PathExplainer(model.classifier).explain(model.classifier, X, 1)
    raw = np.asarray(model.classifier.predict(X, raw_score=True))
    np.testing.assert_allclose(log_odds, raw, atol=1e-9)
    bias = PathExplainer(model.classifier).bias
    np.testing.assert_allclose(groups.sum(axis=1) + bias, raw, atol=1e-3)


def test_worker_processes_give_the_same_output_in_order(model_dir: Path, tmp_path: Path) -> None:
    source = pd.read_csv(VALID, dtype=str)
    source.loc[150, "Net Mass"] = "heavy"
    given = tmp_path / "in.csv"
    source.to_csv(given, index=False)
    alone = score_file(given, "customs-kr", model_dir, tmp_path / "alone.csv", workers=1)
    pooled = score_file(
        given, "customs-kr", model_dir, tmp_path / "pooled.csv", chunk_rows=40, workers=2
    )
    assert pooled.rows == alone.rows == len(source) - 1
    assert [(r.line, r.column) for r in pooled.rejected] == [(152, "Net Mass")]
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "alone.csv"), pd.read_csv(tmp_path / "pooled.csv")
    )
