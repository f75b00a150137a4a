"""CLI: ``trustlane supplychain ...`` (import, resilience, exposure, trace, dossier, ...)."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.table import Table

from trustlane.cli.common import (
    console,
    err_console,
    new_app,
    open_database,
    operator,
    progress_bar,
    settings,
)
from trustlane.errors import FieldProblem, InvalidInput
from trustlane.paging import PageRequest
from trustlane.supplychain import (
    chains,
    concentrate,
    derive,
    expose,
    ingest,
    ports,
    records,
    riskconfig,
    simulate,
    store,
    trace,
)
from trustlane.supplychain.export import dossier_html, dossier_picture, dossier_zip
from trustlane.supplychain.listed import list_screening
from trustlane.supplychain.views import concentration_public

app = new_app(
    "Supply chains: import maps, trace origins, exposure, concentration, ports, "
    "disruption impact (time to survive, lost sales)."
)
equipment_app = new_app("Critical equipment and systems at ports.")
areas_app = new_app("High-risk areas (forced-labour regions, sanctioned countries).")
vendors_app = new_app("Untrusted equipment and system vendors.")
app.add_typer(equipment_app, name="equipment")
app.add_typer(areas_app, name="risk-areas")
app.add_typer(vendors_app, name="vendors")

ChainOpt = Annotated[
    str | None, typer.Option("--chain", help="Chain name (default: your only chain, or 'default')")
]
OutputOpt = Annotated[
    Path, typer.Option("--output", help="CSV file to write ('-' for standard output)")
]


def register(main: typer.Typer) -> None:
    main.add_typer(app, name="supplychain")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInput(
            f"Cannot read {path}", [FieldProblem(str(path), exc.strerror or "unreadable")]
        ) from None
    except UnicodeDecodeError:
        raise InvalidInput(
            f"{path} is not UTF-8 text", [FieldProblem(str(path), "not UTF-8")]
        ) from None


@contextmanager
def _output(path: Path) -> Iterator[TextIO]:
    if str(path) == "-":
        yield sys.stdout
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        yield fh


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with _output(path) as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@app.command("import")
def import_cmd(
    facilities: Annotated[Path, typer.Option("--facilities", help="facilities.csv")],
    links: Annotated[Path, typer.Option("--links", help="links.csv")],
    chain: Annotated[str, typer.Option("--chain", help="Chain name")] = chains.DEFAULT_CHAIN,
    tenant: Annotated[
        int | None, typer.Option(help="Owner organization id (default: the agency)")
    ] = None,
) -> None:
    """Import a chain (replacing its facilities and links). Rejected rows are listed with
    their line and field, and the command exits with status 2; valid rows are imported."""
    facilities_text, links_text = _read(facilities), _read(links)
    database = open_database()
    with database.session() as session, progress_bar("importing", "steps") as bar:
        report = ingest.import_chain(
            session,
            operator(),
            facilities_text,
            links_text,
            chain_name=chain,
            tenant_id=tenant,
            facilities_name=facilities.name,
            links_name=links.name,
            progress=bar,
        )
    console.print(
        f"Chain {report.chain.name!r}: {report.facilities} facilities, "
        f"{report.links} links imported."
    )
    for warning in report.warnings:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    if report.rejected:
        raise InvalidInput(
            f"{len(report.rejected)} rows rejected (the valid rows were imported)", report.rejected
        )


@app.command("resilience")
def resilience_cmd(
    output: OutputOpt,
    chain: ChainOpt = None,
    horizon: Annotated[float, typer.Option(help="Horizon in days")] = 365.0,
    scenarios: Annotated[
        str, typer.Option(help="Kinds: facility,port,country,region")
    ] = "facility",
    group_days: Annotated[
        float, typer.Option(help="Days a country or region is cut off")
    ] = simulate.GROUP_DAYS,
    workers: Annotated[int | None, typer.Option(help="Processes (default: every core)")] = None,
    report: Annotated[Path | None, typer.Option(help="Also write the HTML report here")] = None,
    chart: Annotated[
        Path | None, typer.Option(help="Also write the ranking picture (.png or .svg)")
    ] = None,
) -> None:
    """Time to survive and lost sales of every single-facility scenario, as linear programs.

    OUTPUT has one row per facility: facility_id, tts_days, ttr_days, at_risk, lost_units,
    lost_profit. Group scenarios (--scenarios facility,port,country) go to the report."""
    database = open_database()
    with database.session() as session:
        found = chains.find_chain(session, operator(), chain)
        with progress_bar("disruption scenarios", "scenarios") as bar:
            run = simulate.run_resilience(
                session,
                operator(),
                found,
                horizon=horizon,
                kinds=tuple(k.strip() for k in scenarios.split(",") if k.strip()),
                group_days=group_days,
                workers=workers,
                progress=bar,
            )
        rows = simulate.facility_csv_rows(store.outcomes(session, run.id))
        _write_csv(output, simulate.CSV_COLUMNS, rows)
        if report is not None or chart is not None:
            built = simulate.report_run(session, operator(), run.id)
            if report is not None:
                report.write_text(built.html, encoding="utf-8")
            if chart is not None:
                chart.write_bytes(
                    built.picture.svg if chart.suffix == ".svg" else built.picture.png
                )
    if run.survives_horizon:
        err_console.print(
            f"The undisrupted chain survives the {simulate.number(horizon)}-day horizon."
        )
    else:
        err_console.print(
            f"[yellow]The undisrupted chain cannot meet its own demand: it survives "
            f"{simulate.number(run.baseline_tts)} of {simulate.number(horizon)} days[/]"
            + (f" (binding: {', '.join(run.bottlenecks[:10])})" if run.bottlenecks else ""),
            highlight=False,
        )
    at_risk = sum(1 for r in rows if r["at_risk"] == "true")
    err_console.print(
        f"Run {run.id}: {len(rows)} facility scenarios, {at_risk} at risk, {run.seconds:.1f} s; "
        f"settled by {', '.join(f'{k} {v}' for k, v in run.methods.items())}.",
        highlight=False,
    )


@app.command("exposure")
def exposure_cmd(output: OutputOpt, chain: ChainOpt = None) -> None:
    """Exposure of every facility to listed entities and high-risk areas.

    OUTPUT: facility_id, exposed, exposure_share, path, reasons."""
    database = open_database()
    with database.session() as session:
        found = chains.find_chain(session, operator(), chain)
        screen = list_screening(database, settings(), operator())
        result = expose.compute_exposure(session, operator(), found, screen)
        _write_csv(output, expose.CSV_COLUMNS, result.csv_rows())
    for note in result.notes():
        err_console.print(note, highlight=False)
    err_console.print(f"{len(result.exposed)} of {result.graph.n} facilities exposed.")


@app.command("trace")
def trace_cmd(
    facility_id: Annotated[str, typer.Argument(help="The facility to trace")],
    output: OutputOpt,
    chain: ChainOpt = None,
    origins: Annotated[
        Path | None, typer.Option(help="Also write origins per material and country")
    ] = None,
) -> None:
    """Every upstream facility: facility_id, tier, share, country, path."""
    database = open_database()
    with database.session() as session:
        found = chains.find_chain(session, operator(), chain)
        result = trace.trace_facility(session, operator(), found, facility_id)
    _write_csv(output, trace.CSV_COLUMNS, result.csv_rows())
    if origins is not None:
        _write_csv(
            origins,
            ["material", "country", "region", "quantity", "share"],
            [
                {
                    "material": o.material,
                    "country": o.country,
                    "region": o.region,
                    "quantity": simulate.number(o.quantity),
                    "share": simulate.number(o.share),
                }
                for o in result.trace.origins
            ],
        )
    err_console.print(f"{len(result.trace.rows)} upstream facilities of {facility_id}.")


@app.command("dossier")
def dossier_cmd(
    facility_id: Annotated[str, typer.Argument(help="The facility whose output is reviewed")],
    output: Annotated[Path, typer.Option("--output", help="The dossier, one HTML file")],
    chain: ChainOpt = None,
    zip_path: Annotated[
        Path | None, typer.Option("--zip", help="Also a ZIP with the attached documents")
    ] = None,
    lot: Annotated[float | None, typer.Option(help="Units in the lot under review")] = None,
) -> None:
    """The evidence dossier for an admissibility review: parties and roles per stage, flow
    chart, records per link, quantities reconciled stage by stage, gaps."""
    database = open_database()
    with database.session() as session:
        found = chains.find_chain(session, operator(), chain)
        screen = list_screening(database, settings(), operator())
        built = trace.build_dossier(
            session, operator(), found, facility_id, lot_quantity=lot, screen=screen
        )
        picture = dossier_picture(built)
        html = dossier_html(built, picture)
        output.write_text(html, encoding="utf-8")
        if zip_path is not None:
            contents = {
                r.document_id: records.document_file(session, operator(), found, r.document_id)[1]
                for r in built.records
                if r.file_name
            }
            zip_path.write_bytes(dossier_zip(built, picture, html, contents))
    console.print(
        f"Dossier of {facility_id}: {len(built.parties) - 1} upstream parties, "
        f"{len(built.records)} records, {len(built.mismatches)} mismatches, {len(built.gaps)} gaps."
    )


@app.command("documents")
def documents_cmd(
    path: Annotated[Path, typer.Argument(help="documents.csv (files relative to it)")],
    chain: ChainOpt = None,
) -> None:
    """Attach business records to links from a CSV: supplier_id, buyer_id, material, kind,
    number, date, quantity, unit, amount, currency, file."""
    text = _read(path)
    database = open_database()
    with database.session() as session:
        found = chains.find_chain(session, operator(), chain)
        result = records.import_documents(
            session,
            operator(),
            found,
            text,
            lambda name: (path.parent / name).read_bytes(),
            name=path.name,
        )
    console.print(f"{result.stored} records stored.")
    if result.rejected:
        raise InvalidInput(f"{len(result.rejected)} rows rejected", result.rejected)


@app.command("derive")
def derive_cmd(
    chain: Annotated[str, typer.Option("--chain", help="Chain name")] = derive.DEFAULT_NAME,
    since: Annotated[
        str | None, typer.Option(help="Only filings declared on or after (YYYY-MM-DD)")
    ] = None,
    hs: Annotated[str | None, typer.Option(help="Only HS codes starting with this")] = None,
    tenant: Annotated[
        int | None, typer.Option(help="Only this importer's filings; it owns the chain")
    ] = None,
) -> None:
    """Build a chain's links from ingested shipments (seller -> importer per HS code)."""
    start = date.fromisoformat(since) if since else None
    database = open_database()
    with database.session() as session, progress_bar("deriving", "steps") as bar:
        result = derive.derive_chain(
            session,
            operator(),
            chain_name=chain,
            tenant_id=tenant,
            since=start,
            hs_prefix=hs,
            progress=bar,
        )
    console.print(
        f"Chain {result.chain.name!r}: {result.facilities} facilities and {result.links} links "
        f"from {result.filings} filings."
    )
    for warning in result.warnings:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False)


@app.command("concentration")
def concentration_cmd(
    chain: ChainOpt = None,
    output: Annotated[Path | None, typer.Option(help="Write HHI per material to this CSV")] = None,
    top: int = 15,
) -> None:
    """HHI per material by supplier and country, single-sourced inputs, facilities whose loss
    cuts a product off, dependence of products on one country."""
    database = open_database()
    with database.session() as session:
        found = chains.find_chain(session, operator(), chain)
        view = concentration_public(concentrate.compute_concentration(session, operator(), found))
    table = Table(
        "material",
        "HS",
        "suppliers",
        "HHI supplier",
        "HHI country",
        "top country",
        title="Concentration",
    )
    for m in view.materials[:top]:
        table.add_row(
            m.material,
            m.hs_code,
            str(m.suppliers),
            f"{m.hhi_supplier:.0f}",
            f"{m.hhi_country:.0f}",
            f"{m.top_country} {m.top_country_share:.0%}",
        )
    console.print(table)
    console.print(
        f"{len(view.single_sourced)} single-sourced inputs; {len(view.critical_facilities)} "
        f"facilities cut a product off; {len(view.articulation_points)} articulation points."
    )
    for c in view.critical_facilities[:top]:
        console.print(f"  {c.facility_id} ({c.name}) cuts off {', '.join(c.products_cut_off[:8])}")
    if output is not None:
        _write_csv(
            output,
            list(view.materials[0].model_dump()) if view.materials else ["material"],
            [{k: str(v) for k, v in m.model_dump().items()} for m in view.materials],
        )


@app.command("ports")
def ports_cmd(chain: ChainOpt = None) -> None:
    """Port vulnerability view: throughput share of the chain, flagged equipment, losses."""
    database = open_database()
    with database.session() as session:
        found = chains.find_chain(session, operator(), chain)
        view = ports.port_view(
            session, operator(), found, list_screening(database, settings(), operator())
        )
    table = Table("port", "name", "throughput", "lost profit (closure)", "flags", title="Ports")
    for p in view.ports:
        lost = "" if p.lost_profit is None else f"{p.lost_profit:,.0f}"
        flags = "; ".join(
            f"{e.equipment.kind} {e.equipment.vendor}: {e.severity}"
            for e in p.equipment
            if e.reasons
        )
        table.add_row(p.port_code, p.name, f"{p.throughput_share:.1%}", lost, flags)
    console.print(table)
    for note in view.notes:
        err_console.print(note, highlight=False)


@app.command("chains")
def chains_cmd() -> None:
    """List the supply chains."""
    database = open_database()
    with database.session() as session:
        page = chains.list_chains(session, operator(), PageRequest(1000, 0))
        table = Table(
            "id", "name", "owner", "source", "facilities", "links", "rejected rows", title="Chains"
        )
        for c in page.items:
            table.add_row(
                str(c.id),
                c.name,
                str(c.tenant_id or "agency"),
                c.source,
                str(c.facility_count),
                str(c.link_count),
                str(len(c.import_problems)),
            )
    console.print(table)


@app.command("generate")
def generate_cmd(
    facilities: Annotated[int, typer.Option(help="Number of facilities")],
    out_dir: Annotated[Path, typer.Option(help="Folder for facilities.csv and links.csv")],
    seed: int = 0,
    shortfall: Annotated[bool, typer.Option(help="Make the chain short of capacity")] = False,
) -> None:
    """Write a realistic multi-tier chain in the CSV contract (for trials and benchmarks)."""
    from trustlane.supplychain.generator import generate_chain

    out_dir.mkdir(parents=True, exist_ok=True)
    generated = generate_chain(facilities, seed, capacity_shortfall=shortfall)
    generated.write(str(out_dir / "facilities.csv"), str(out_dir / "links.csv"))
    console.print(
        f"{len(generated.facilities)} facilities and {len(generated.links)} links in {out_dir}."
    )


@equipment_app.command("add")
def equipment_add(
    port: Annotated[str, typer.Option(help="Port code (UN/LOCODE)")],
    kind: Annotated[str, typer.Option(help=", ".join(ports.EQUIPMENT_KINDS))],
    vendor: Annotated[str, typer.Option()],
    chain: ChainOpt = None,
    vendor_country: str | None = None,
    model: str | None = None,
    quantity: int = 1,
    remote_access: Annotated[
        bool, typer.Option(help="Reachable remotely (e.g. a cellular modem)")
    ] = False,
) -> None:
    """Record equipment or a system at a port."""
    database = open_database()
    with database.session() as session:
        found = chains.find_chain(session, operator(), chain)
        item = ports.add_equipment(
            session,
            operator(),
            found,
            port_code=port,
            kind=kind,
            vendor=vendor,
            vendor_country=vendor_country,
            model=model,
            quantity=quantity,
            remote_access=remote_access,
        )
        console.print(f"Equipment {item.id} recorded at {item.port_code}.")


@equipment_app.command("remove")
def equipment_remove(equipment_id: int, chain: ChainOpt = None) -> None:
    database = open_database()
    with database.session() as session:
        found = chains.find_chain(session, operator(), chain)
        ports.remove_equipment(session, operator(), found, equipment_id)
    console.print(f"Equipment {equipment_id} removed.")


@areas_app.command("list")
def areas_list() -> None:
    database = open_database()
    with database.session() as session:
        areas, defaults = riskconfig.effective_areas(session)
    table = Table(
        "code",
        "category",
        "reason",
        "source",
        title="High-risk areas" + (" (built-in defaults)" if defaults else ""),
    )
    for a in areas:
        table.add_row(a.code, a.category, a.reason, a.source)
    console.print(table)


@areas_app.command("add")
def areas_add(
    code: Annotated[str, typer.Argument(help="ISO 3166-1 country or 3166-2 subdivision")],
    category: Annotated[str, typer.Option(help=", ".join(riskconfig.CATEGORIES))],
    reason: Annotated[str, typer.Option()],
    source: str | None = None,
) -> None:
    database = open_database()
    with database.session() as session:
        area = riskconfig.add_risk_area(session, operator(), code, category, reason, source)
        console.print(
            f"High-risk area {area.code} recorded (the built-in defaults no longer apply)."
        )


@areas_app.command("remove")
def areas_remove(code: str) -> None:
    database = open_database()
    with database.session() as session:
        riskconfig.remove_risk_area(session, operator(), code)
    console.print(f"High-risk area {code} removed.")


@vendors_app.command("list")
def vendors_list() -> None:
    database = open_database()
    with database.session() as session:
        vendors, defaults = riskconfig.effective_vendors(session)
    table = Table(
        "vendor",
        "country",
        "reason",
        "source",
        title="Untrusted vendors" + (" (built-in defaults)" if defaults else ""),
    )
    for v in vendors:
        table.add_row(v.vendor, v.country or "", v.reason, v.source)
    console.print(table)


@vendors_app.command("add")
def vendors_add(
    vendor: str,
    reason: Annotated[str, typer.Option()],
    country: str | None = None,
    source: str | None = None,
) -> None:
    database = open_database()
    with database.session() as session:
        riskconfig.add_vendor_concern(session, operator(), vendor, reason, country, source)
    console.print(f"Vendor {vendor!r} recorded (the built-in defaults no longer apply).")


@vendors_app.command("remove")
def vendors_remove(vendor: str) -> None:
    database = open_database()
    with database.session() as session:
        riskconfig.remove_vendor_concern(session, operator(), vendor)
    console.print(f"Vendor {vendor!r} removed.")
