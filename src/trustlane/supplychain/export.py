"""Files for people: the dossier as one HTML file and a ZIP with its attached documents, and
the resilience report as HTML. Rendered with Jinja2 templates (autoescaped)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from trustlane.supplychain.charts import Picture, flow_chart
from trustlane.supplychain.dossier import KIND_LABELS, YIELD_TOLERANCE, Dossier

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html", "j2"]),
)


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:,.6g}"


def dossier_picture(dossier: Dossier) -> Picture:
    graph = dossier.graph
    exposure = {p.position: p.exposure for p in dossier.parties}
    sources = {p.position for p in dossier.parties if p.exposure_source}
    gap_codes = {f.where for f in dossier.gaps}
    gaps = {p.position for p in dossier.parties if graph.label(p.position) in gap_codes}
    return flow_chart(
        graph,
        dossier.trace,
        exposure=exposure,
        sources=sources,
        gaps=gaps,
        title=f"{graph.names[dossier.target]} ({graph.codes[dossier.target]})",
    )


def dossier_html(dossier: Dossier, picture: Picture) -> str:
    graph = dossier.graph
    svg = picture.svg.decode("utf-8")
    svg = svg[svg.index("<svg") :]  # drop the XML prolog inside the HTML page
    stages = [
        {
            "tier": s.tier,
            "material": s.material,
            "supplier_name": graph.names[s.supplier],
            "supplier_code": graph.codes[s.supplier],
            "supplier_place": graph.regions[s.supplier] or graph.countries[s.supplier],
            "buyer_name": graph.names[s.buyer],
            "buyer_code": graph.codes[s.buyer],
            "numbers": s.numbers,
            "documented_quantity": s.documented_quantity,
        }
        for s in dossier.stages
    ]
    reconciliation = [
        {
            "facility_name": graph.names[r.facility],
            "facility_code": graph.codes[r.facility],
            "material": r.material,
            "output": _num(r.output),
            "inputs": _num(r.inputs),
            "qty_per_unit": f"{r.qty_per_unit:g}",
            "expected": _num(r.expected_inputs),
            "coverage": "" if r.coverage is None else f"{r.coverage:.1%}",
            "stage_yield": "" if r.stage_yield is None else f"{r.stage_yield:.4g}",
            "status": r.status,
        }
        for r in dossier.reconciliation
    ]
    blocks = []
    for stage in dossier.stages:
        records = dossier.records_of(stage.link)
        if not records:
            continue
        blocks.append(
            {
                "title": f"{stage.material}: {graph.label(stage.supplier)} "
                f"→ {graph.label(stage.buyer)}",
                "records": [
                    {
                        "label": KIND_LABELS.get(r.kind, r.kind),
                        "number": r.number,
                        "issued_on": r.issued_on,
                        "quantity": _num(r.quantity),
                        "unit": r.unit,
                        "amount": _num(r.amount),
                        "currency": r.currency,
                        "file": attachment_name(r.document_id, r.file_name)
                        if r.file_name
                        else None,
                        "sha256": r.sha256,
                    }
                    for r in records
                ],
            }
        )
    return _TEMPLATES.get_template("supplychain/dossier.html.j2").render(
        target=dossier.parties[0],
        chain_name=dossier.chain_name,
        lot_quantity=dossier.lot_quantity,
        tiers=max((p.tier for p in dossier.parties), default=0),
        parties=dossier.parties,
        stages=stages,
        records=dossier.records,
        mismatches=len(dossier.mismatches),
        gaps=len(dossier.gaps),
        prepared_at=dossier.prepared_at.strftime("%Y-%m-%d %H:%M UTC"),
        prepared_by=dossier.prepared_by,
        notes=dossier.notes,
        svg=svg,
        origins=dossier.trace.origins,
        reconciliation=reconciliation,
        yield_tolerance=round(YIELD_TOLERANCE * 100),
        findings=dossier.findings,
        record_blocks=blocks,
    )


def attachment_name(document_id: int, file_name: str | None) -> str:
    """The document's path inside the ZIP: its id keeps names from two links apart."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", file_name or "document")[:120]
    return f"documents/{document_id}-{safe}"


def tracing_table_csv(dossier: Dossier) -> str:
    graph = dossier.graph
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "tier",
            "material",
            "supplier_id",
            "supplier",
            "country",
            "region",
            "buyer_id",
            "purchase_orders",
            "invoices",
            "bills_of_lading",
            "payments",
            "documented_quantity",
        ]
    )
    for s in dossier.stages:
        writer.writerow(
            [
                s.tier,
                s.material,
                graph.codes[s.supplier],
                graph.names[s.supplier],
                graph.countries[s.supplier],
                graph.regions[s.supplier],
                graph.codes[s.buyer],
                " ".join(s.numbers["purchase_order"]),
                " ".join(s.numbers["invoice"]),
                " ".join(s.numbers["bill_of_lading"]),
                " ".join(s.numbers["payment"]),
                "" if s.documented_quantity is None else f"{s.documented_quantity:g}",
            ]
        )
    return out.getvalue()


def dossier_zip(
    dossier: Dossier, picture: Picture, html: str, contents: Mapping[int, bytes]
) -> bytes:
    """The HTML dossier, its pictures and tables, and every attached document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("dossier.html", html)
        zf.writestr("flowchart.svg", picture.svg)
        zf.writestr("flowchart.png", picture.png)
        zf.writestr("tracing_table.csv", tracing_table_csv(dossier))
        zf.writestr(
            "findings.csv",
            _rows_csv(
                ["severity", "code", "where", "text"],
                [[f.severity, f.code, f.where, f.text] for f in dossier.findings],
            ),
        )
        for record in dossier.records:
            content = contents.get(record.document_id)
            if content is not None:
                zf.writestr(attachment_name(record.document_id, record.file_name), content)
    return buffer.getvalue()


def _rows_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def resilience_html(context: Mapping[str, Any]) -> str:
    return _TEMPLATES.get_template("supplychain/resilience.html.j2").render(**context)
