"""docs/registry.md keeps up with the code: every CLI command, API route and scheme."""

from __future__ import annotations

from pathlib import Path

from trustlane.registry.api import router
from trustlane.registry.cli import orgs_app
from trustlane.registry.sectors import sectors
from trustlane.registry.vocab import IdScheme, TradeRole

DOC = (Path(__file__).parents[2] / "docs" / "registry.md").read_text(encoding="utf-8")


def test_every_cli_command_is_documented() -> None:
    for command in orgs_app.registered_commands:
        assert f"trustlane orgs {command.name}" in DOC, command.name


def test_every_api_route_is_documented() -> None:
    for route in router.routes:
        path = getattr(route, "path", "")
        for method in sorted(getattr(route, "methods", ())):
            shown = path.replace("{org_id}", "{id}")
            assert f"{method} {shown}" in DOC, f"{method} {path}"


def test_every_scheme_role_and_sector_is_documented() -> None:
    for scheme in IdScheme:
        assert f"`{scheme.value}`" in DOC
    for role in TradeRole:
        assert f"`{role.value}`" in DOC
    for sector in sectors():
        assert f"`{sector.slug}`" in DOC
        assert sector.name in DOC
