"""CLI: ``trustlane orgs list|show|create|update|merge|confirm|import|sectors``."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from trustlane.cli.common import (
    console,
    err_console,
    new_app,
    open_database,
    operator,
    progress_bar,
)
from trustlane.errors import FieldProblem, InvalidInput
from trustlane.paging import PageRequest
from trustlane.registry import imports, merge, orgs, sectors
from trustlane.registry.schemas import AddressIn, OrgCreate, OrgPublic, OrgUpdate
from trustlane.registry.vocab import OrgKind, TradeRole

orgs_app = new_app("Organizations of the registry: list, show, create, change, merge, import.")

#: Rows per transaction in ``orgs import``: a crash loses at most one chunk of work.
IMPORT_CHUNK = 500


def register(app: typer.Typer) -> None:
    app.add_typer(orgs_app, name="orgs")


IdOption = Annotated[
    list[str] | None,
    typer.Option(
        "--id",
        help="Identifier as scheme:value (scheme@CC:value for an issuing country); repeatable",
    ),
]
RoleOption = Annotated[
    list[TradeRole] | None, typer.Option("--role", help="Trade role; repeatable")
]
AliasOption = Annotated[list[str] | None, typer.Option("--alias", help="Other name; repeatable")]


@orgs_app.command("list")
def orgs_list(
    q: Annotated[str | None, typer.Option("--q", help="Part of a name or alias")] = None,
    country: Annotated[str | None, typer.Option(help="Country code or name")] = None,
    sector: Annotated[str | None, typer.Option(help="Sector slug or name")] = None,
    role: Annotated[str | None, typer.Option(help="Trade role, e.g. importer")] = None,
    status: Annotated[str | None, typer.Option(help="active, proposed, inactive, merged")] = None,
    kind: Annotated[str | None, typer.Option(help="trade or agency")] = None,
    sort: Annotated[str | None, typer.Option(help="name, country, created_at...; -x: desc")] = None,
    limit: int = 50,
    offset: int = 0,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
) -> None:
    """List organizations (merged records only with --status merged)."""
    database = open_database()
    with database.session() as session:
        page = orgs.list_organizations(
            session,
            operator(),
            PageRequest(limit, offset, sort),
            q=q,
            country=country,
            sector=sector,
            role=role,
            status=status,
            kind=kind,
        )
        if as_json:
            for org in page.items:
                console.print(_json(org), highlight=False, soft_wrap=True)
            return
        table = Table(
            "id",
            "name",
            "country",
            "sector",
            "roles",
            "status",
            title=f"{page.total} organizations",
        )
        for org in page.items:
            table.add_row(
                str(org.id),
                org.name,
                org.country or "",
                org.sector or "",
                ", ".join(r.role for r in org.roles),
                org.status,
            )
        console.print(table)


@orgs_app.command("show")
def orgs_show(
    org_id: Annotated[int | None, typer.Argument(help="Organization id")] = None,
    identifier: Annotated[
        str | None, typer.Option("--id", help="Find by identifier scheme:value instead")
    ] = None,
) -> None:
    """Show one organization as JSON, by id or by identifier."""
    database = open_database()
    with database.session() as session:
        if identifier:
            spec = imports.parse_identifier(identifier, "--id")
            org = orgs.find_by_identifier(
                session, operator(), spec.scheme, spec.value, spec.country
            )
        elif org_id is not None:
            org = orgs.get_organization(session, operator(), org_id)
        else:
            raise InvalidInput("Nothing to show", [FieldProblem("ORG_ID", "give an id or --id")])
        console.print_json(_json(org))


@orgs_app.command("create")
def orgs_create(
    name: Annotated[str, typer.Argument(help="Legal name")],
    country: Annotated[str | None, typer.Option(help="Country code or name")] = None,
    sector: Annotated[str | None, typer.Option(help="Sector slug or name")] = None,
    role: RoleOption = None,
    ids: IdOption = None,
    alias: AliasOption = None,
    street: str | None = None,
    city: str | None = None,
    postal_code: str | None = None,
    subdivision: Annotated[str | None, typer.Option(help="ISO 3166-2, e.g. CN-GD")] = None,
    kind: OrgKind = OrgKind.trade,
    status: Annotated[str, typer.Option(help="active, proposed or inactive")] = "active",
    website: str | None = None,
) -> None:
    """Create an organization."""
    addresses = []
    if street or city or postal_code or subdivision:
        addresses.append(
            AddressIn(
                street=street,
                city=city,
                postal_code=postal_code,
                subdivision=subdivision,
                country=country or "",
            )
        )
    data = OrgCreate(
        name=name,
        country=country,
        sector=sector,
        roles=role or [],
        identifiers=[imports.parse_identifier(s, f"--id {s}") for s in ids or []],
        aliases=alias or [],
        addresses=addresses,
        kind=kind,
        status=status,
        website=website,
    )
    database = open_database()
    with database.session() as session:
        org = orgs.create_organization(session, operator(), data)
        console.print(f"Created organization {org.id} ({org.name}).")


@orgs_app.command("update")
def orgs_update(
    org_id: int,
    name: str | None = None,
    country: Annotated[str | None, typer.Option(help="Country code or name")] = None,
    sector: Annotated[str | None, typer.Option(help="Sector slug or name")] = None,
    status: Annotated[str | None, typer.Option(help="active, proposed or inactive")] = None,
    website: str | None = None,
    role: Annotated[
        list[TradeRole] | None, typer.Option("--role", help="Replaces the roles; repeatable")
    ] = None,
    ids: Annotated[
        list[str] | None,
        typer.Option("--id", help="Replaces the identifiers; scheme:value, repeatable"),
    ] = None,
    alias: Annotated[
        list[str] | None, typer.Option("--alias", help="Replaces the aliases; repeatable")
    ] = None,
) -> None:
    """Change an organization: only the options given; lists replace the whole list."""
    given: dict[str, Any] = {
        k: v
        for k, v in {
            "name": name,
            "country": country,
            "sector": sector,
            "status": status,
            "website": website,
            "roles": role,
            "aliases": alias,
        }.items()
        if v is not None
    }
    if ids is not None:
        given["identifiers"] = [imports.parse_identifier(s, f"--id {s}") for s in ids]
    if not given:
        raise InvalidInput("Nothing to change", [FieldProblem("options", "give one to change")])
    database = open_database()
    with database.session() as session:
        org = orgs.update_organization(session, operator(), org_id, OrgUpdate(**given))
        console.print(f"Updated organization {org.id} ({org.name}).")


@orgs_app.command("merge")
def orgs_merge(
    source: Annotated[int, typer.Argument(help="The duplicate (or proposed) organization")],
    into: Annotated[int, typer.Option("--into", help="The organization that stays")],
) -> None:
    """Merge an organization into another: everything pointing at it moves over."""
    database = open_database()
    with database.session() as session:
        result = merge.merge_organizations(session, operator(), source, into)
        console.print(result.summary().capitalize() + ".", highlight=False)


@orgs_app.command("confirm")
def orgs_confirm(org_id: int) -> None:
    """Confirm an organization proposed by party resolution."""
    database = open_database()
    with database.session() as session:
        org = orgs.confirm_organization(session, operator(), org_id)
        console.print(f"Confirmed organization {org.id} ({org.name}).")


@orgs_app.command("import")
def orgs_import(
    file: Annotated[Path, typer.Argument(help="CSV file with a header row", dir_okay=False)],
    rejects: Annotated[
        Path | None, typer.Option(help="Write rejected rows (row, field, reason) to this CSV")
    ] = None,
) -> None:
    """Load organizations from CSV: valid rows are kept, bad rows are reported by row and
    field (exit code 2 when any row was rejected)."""
    database = open_database()
    report = imports.ImportReport()
    rows = imports.read_rows(file)
    chunk: list[tuple[int, dict[str, str]]] = []
    with progress_bar(f"importing {file.name}", "rows") as bar:
        for item in rows:
            chunk.append(item)
            if len(chunk) >= IMPORT_CHUNK:
                with database.session() as session:
                    imports.import_rows(session, operator(), chunk, report, bar)
                chunk = []
        if chunk:
            with database.session() as session:
                imports.import_rows(session, operator(), chunk, report, bar)
    console.print(
        f"{report.rows} rows: {len(report.created)} organizations created, "
        f"{report.rejected_rows} rows rejected."
    )
    if rejects is not None:
        with rejects.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["row", "field", "reason"])
            writer.writerows([p.row, p.field, p.reason] for p in report.problems)
    for problem in report.problems[:20]:
        err_console.print(f"row {problem.row}, {problem.field}: {problem.reason}", highlight=False)
    if len(report.problems) > 20:
        err_console.print(f"... and {len(report.problems) - 20} more problems")
    if report.problems:
        raise typer.Exit(InvalidInput.exit_code)


@orgs_app.command("sectors")
def orgs_sectors(
    hs: Annotated[str | None, typer.Option(help="Show the sector of this HS code")] = None,
) -> None:
    """The ten industry sectors and the HS chapters assigned to each."""
    mapping = sectors.mapping()
    if hs is not None:
        slug = sectors.sector_for_hs(hs)
        found = sectors.get_sector(slug) if slug else None
        if found is None:
            raise InvalidInput(
                "Unmapped HS code", [FieldProblem("--hs", f"{hs!r} maps to no sector")]
            )
        console.print(f"{hs}: {found.slug} ({found.name})", highlight=False)
        return
    table = Table("slug", "name", "HS chapters", "headings from other chapters", title="Sectors")
    for s in sectors.sectors():
        table.add_row(
            s.slug,
            s.name,
            " ".join(mapping.chapters_of(s.slug)),
            " ".join(mapping.headings_of(s.slug)),
        )
    console.print(table)


def _json(org: Any) -> str:
    return json.dumps(OrgPublic.model_validate(org).model_dump(mode="json"), ensure_ascii=False)
