"""Tests that keep the docs honest: every setting and every CLI command is documented."""

from __future__ import annotations

from pathlib import Path

import typer.main

from trustlane.cli.main import app
from trustlane.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def _docs_text() -> str:
    parts = [(ROOT / "README.md").read_text()]
    parts += [p.read_text() for p in sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(parts)


def test_every_setting_is_in_the_configuration_page() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text()
    missing = [
        f"TRUSTLANE_{name.upper()}"
        for name in Settings.model_fields
        if f"`TRUSTLANE_{name.upper()}`" not in page
    ]
    assert missing == []


def _command_paths(command: object, prefix: str) -> list[str]:
    subcommands = getattr(command, "commands", None)
    if not subcommands:
        return [prefix]
    paths: list[str] = []
    for name, sub in subcommands.items():
        if getattr(sub, "hidden", False):
            continue
        paths += _command_paths(sub, f"{prefix} {name}")
    return paths


def test_every_cli_command_is_documented() -> None:
    docs = _docs_text()
    commands = _command_paths(typer.main.get_command(app), "trustlane")
    assert len(commands) > 5
    missing = [c for c in commands if c not in docs]
    assert missing == []


def test_roles_table_matches_the_code() -> None:
    from trustlane.access.roles import ROLES

    page = (ROOT / "docs" / "access.md").read_text()
    for role, spec in ROLES.items():
        row = next(line for line in page.splitlines() if line.startswith(f"| `{role.value}` |"))
        listed = {p.strip() for p in row.split("|")[3].split(",")}
        assert listed == set(spec.permissions), role
