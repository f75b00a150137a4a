"""The user documentation names every command, route and reason code of the package."""

from __future__ import annotations

import re
from pathlib import Path

import typer
from fastapi import FastAPI

from trustlane.supplychain import api
from trustlane.supplychain.cli import app as cli_app

DOC = (Path(__file__).parents[2] / "docs" / "supplychain.md").read_text()


def commands(group: typer.Typer, prefix: str) -> list[str]:
    found = [f"{prefix} {c.name or c.callback.__name__}" for c in group.registered_commands]  # type: ignore[union-attr]
    for sub in group.registered_groups:
        assert sub.typer_instance is not None
        found.extend(commands(sub.typer_instance, f"{prefix} {sub.name}"))
    return found


def test_every_command_is_documented() -> None:
    names = commands(cli_app, "supplychain")
    assert len(names) > 15
    assert [n for n in names if f"trustlane {n}" not in DOC] == []


def test_every_route_is_documented() -> None:
    app = FastAPI()
    app.include_router(api.router)
    paths = list(app.openapi()["paths"])
    assert len(paths) > 20
    assert [p for p in paths if f"{p}`" not in DOC] == []


def test_every_reason_code_is_documented() -> None:
    source = "".join(
        p.read_text()
        for p in (Path(__file__).parents[2] / "src/trustlane/supplychain").glob("*.py")
    )
    codes = set(re.findall(r'(?:Reason|Finding)\(\s*"([A-Z_]+)"', source))
    assert {"HIGH_RISK_AREA", "INPUTS_SHORT", "UNTRUSTED_VENDOR"} <= codes
    assert sorted(c for c in codes if c not in DOC) == []
