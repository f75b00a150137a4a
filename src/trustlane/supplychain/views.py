"""Reports as API schemas (shared by the API and the pages)."""

from __future__ import annotations

from trustlane.supplychain.concentrate import ConcentrationReport
from trustlane.supplychain.concentration import HIGHLY_CONCENTRATED
from trustlane.supplychain.expose import ExposureReport
from trustlane.supplychain.ports import PortsReport
from trustlane.supplychain.schemas import (
    ConcentrationPublic,
    CriticalPublic,
    DependencePublic,
    EquipmentFlagPublic,
    EquipmentPublic,
    ExposurePublic,
    ExposureRowPublic,
    MaterialConcentrationPublic,
    OriginPublic,
    PortPublic,
    PortsPublic,
    ReasonPublic,
    SingleSourcePublic,
    TracePublic,
    TraceRowPublic,
)
from trustlane.supplychain.trace import TraceReport


def trace_public(report: TraceReport) -> TracePublic:
    graph = report.graph
    return TracePublic(
        chain=report.chain.name,
        facility_id=report.target_code,
        name=graph.names[report.trace.target],
        upstream=[
            TraceRowPublic(
                facility_id=r.code,
                name=r.name,
                tier=r.tier,
                share=r.share,
                quantity=r.quantity,
                country=r.country,
                region=r.region,
                material=r.material,
                path=[graph.codes[p] for p in r.path],
            )
            for r in report.trace.rows
        ],
        origins=[
            OriginPublic(
                material=o.material,
                country=o.country,
                region=o.region,
                quantity=o.quantity,
                share=o.share,
            )
            for o in report.trace.origins
        ],
    )


def exposure_public(report: ExposureReport, exposed_only: bool) -> ExposurePublic:
    graph = report.graph
    rows = report.exposed if exposed_only else report.rows
    return ExposurePublic(
        chain=report.chain.name,
        notes=report.notes(),
        screening_available=report.screening.available,
        exposed=len(report.exposed),
        facilities=graph.n,
        items=[
            ExposureRowPublic(
                facility_id=graph.codes[r.position],
                name=graph.names[r.position],
                exposed=r.exposed,
                exposure_share=r.share,
                path=[graph.codes[p] for p in r.path],
                reasons=[ReasonPublic(code=x.code, text=x.text) for x in r.reasons],
            )
            for r in rows
        ],
    )


def concentration_public(report: ConcentrationReport) -> ConcentrationPublic:
    graph, result = report.graph, report.result
    codes = graph.codes
    return ConcentrationPublic(
        chain=report.chain.name,
        materials=[
            MaterialConcentrationPublic(
                material=m.material,
                hs_code=m.hs_code,
                suppliers=m.suppliers,
                countries=m.countries,
                hhi_supplier=round(m.hhi_supplier, 1),
                hhi_country=round(m.hhi_country, 1),
                highly_concentrated=m.hhi_country > HIGHLY_CONCENTRATED,
                top_supplier=codes[m.top_supplier],
                top_supplier_share=float(m.top_supplier_share),
                top_country=m.top_country,
                top_country_share=float(m.top_country_share),
            )
            for m in result.materials
        ],
        single_sourced=[
            SingleSourcePublic(
                buyer=codes[s.buyer], material=s.material, supplier=codes[s.supplier]
            )
            for s in result.single_sourced
        ],
        critical_facilities=[
            CriticalPublic(
                facility_id=codes[c.position],
                name=graph.names[c.position],
                products_cut_off=[codes[p] for p in c.products],
            )
            for c in result.critical
        ],
        articulation_points=[codes[k] for k in result.articulation_points],
        country_dependence=[
            DependencePublic(product=codes[d.product], country=d.country, share_lost=d.share_lost)
            for d in result.dependence
        ],
    )


def ports_public(report: PortsReport) -> PortsPublic:
    return PortsPublic(
        chain=report.chain.name,
        notes=report.notes,
        ports=[
            PortPublic(
                port_code=p.port_code,
                name=p.name,
                country=p.country,
                facilities=p.facilities,
                materials=p.materials,
                throughput_share=p.throughput_share,
                critical_flags=p.critical_flags,
                equipment=[
                    EquipmentFlagPublic(
                        equipment=EquipmentPublic.model_validate(e.equipment),
                        severity=e.severity,
                        reasons=[ReasonPublic(code=r.code, text=r.text) for r in e.reasons],
                    )
                    for e in p.equipment
                ],
                lost_profit=p.lost_profit,
                tts_days=p.tts_days,
                ttr_days=p.ttr_days,
            )
            for p in report.ports
        ],
    )
