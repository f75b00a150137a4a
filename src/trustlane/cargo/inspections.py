"""Use cases: record inspection outcomes, one by one or from a CSV file.

Outcomes are what targeting learns from, so only agency users (``shipments:write`` and an
agency role) record them, each write audited. An outcome attaches to the version of the
shipment that was current when it was recorded.

The CSV import takes columns ``kind``, ``external_id`` (the filing's kind and key), ``fraud``
(1/0, true/false, yes/no) and optionally ``critical`` (0, 1, 2), ``line_no``, ``inspected_on``
(YYYY-MM-DD), ``revenue_recovered`` and ``notes``. Every valid row is recorded; every invalid
row (or unknown shipment) is reported with its row number and field, and nothing of an
invalid row is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.cargo import store
from trustlane.cargo.mapping import Column, Profile, ValueType
from trustlane.cargo.models import Inspection, Shipment
from trustlane.cargo.readers import SourceFile
from trustlane.cargo.validate import check_chunk, empty_rejects, problems
from trustlane.db import Database, reserve_ids, utcnow
from trustlane.errors import FieldProblem, Forbidden, InvalidInput, NotFound


@dataclass
class OutcomeIn:
    """An inspection outcome as a person records it."""

    fraud: bool
    critical: int = 0
    line_no: int | None = None
    inspected_on: date | None = None
    revenue_recovered: float | None = None
    notes: str | None = None

    def problems(self) -> list[FieldProblem]:
        found = []
        if self.critical not in (0, 1, 2):
            found.append(FieldProblem("critical", "must be 0 (none), 1 (fraud) or 2 (critical)"))
        if self.critical > 0 and not self.fraud:
            found.append(FieldProblem("critical", "a critical finding is a fraud finding"))
        if self.revenue_recovered is not None and self.revenue_recovered < 0:
            found.append(FieldProblem("revenue_recovered", "must be 0 or more"))
        return found


def _require_agency(actor: Principal) -> None:
    actor.require("shipments:write")
    if not actor.is_agency:
        raise Forbidden("Only agency users record inspection outcomes")


def record_inspection(
    session: Session, actor: Principal, shipment_id: int, outcome: OutcomeIn
) -> Inspection:
    """Record what an inspection of a shipment found (audited)."""
    _require_agency(actor)
    found = outcome.problems()
    if found:
        raise InvalidInput("Invalid inspection outcome", found)
    shipment = session.get(Shipment, shipment_id)
    if shipment is None:
        raise NotFound(f"Shipment {shipment_id} not found")
    if outcome.line_no is not None and outcome.line_no not in {ln.line_no for ln in shipment.lines}:
        raise InvalidInput(
            "Invalid inspection outcome",
            [FieldProblem("line_no", f"shipment {shipment_id} has no line {outcome.line_no}")],
        )
    inspection = Inspection(
        id=reserve_ids(session.connection(), "inspections", 1),
        shipment_id=shipment.id,
        line_no=outcome.line_no,
        inspected_on=outcome.inspected_on,
        fraud=outcome.fraud,
        critical=outcome.critical if outcome.fraud else 0,
        revenue_recovered=outcome.revenue_recovered,
        notes=outcome.notes,
        source=actor.label,
        created_at=utcnow(),
    )
    session.add(inspection)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "inspection",
        inspection.id,
        tenant_id=shipment.importer_org_id,
        summary=f"outcome of shipment {shipment.kind} {shipment.external_id}",
        after=audit.snapshot(inspection),
    )
    return inspection


OUTCOMES = Profile(
    name="outcomes",
    title="Inspection outcomes",
    kind="outcome",
    description="Inspection outcomes by shipment kind and key.",
    columns=(
        Column(
            "kind",
            ValueType.choice,
            ("key",),
            "Shipment kind",
            True,
            choices=("declaration", "isf", "air", "entry", "export"),
        ),
        Column("external_id", ValueType.text, ("shipment.external_id",), "Filing key", True),
        Column("fraud", ValueType.flag, ("inspection.fraud",), "Fraud found", True),
        Column(
            "critical",
            ValueType.choice,
            ("inspection.critical",),
            "0, 1 or 2",
            choices=("0", "1", "2"),
        ),
        Column("line_no", ValueType.integer, ("inspection.line_no",), "Line inspected"),
        Column("inspected_on", ValueType.date, ("inspection.inspected_on",), "When"),
        Column(
            "revenue_recovered",
            ValueType.decimal,
            ("inspection.revenue_recovered",),
            "Duty recovered",
        ),
        Column("notes", ValueType.text, ("inspection.notes",), "Notes"),
    ),
)


@dataclass
class OutcomeImport:
    rows_read: int = 0
    recorded: int = 0
    rejected: list[FieldProblem] = field(default_factory=list)


def import_outcomes(
    database: Database, actor: Principal, path: Path, *, chunk_rows: int = 20_000
) -> OutcomeImport:
    """Record the outcomes of a CSV file (see the module doc), chunk by chunk, audited."""
    _require_agency(actor)
    source = SourceFile(path)
    missing = [c.name for c in OUTCOMES.required if c.name not in source.columns]
    if missing:
        raise InvalidInput(
            f"{path.name} lacks required columns",
            [FieldProblem(m, "required column missing") for m in missing],
        )
    result = OutcomeImport()
    for raw in source.chunks(chunk_rows, [c.name for c in OUTCOMES.columns]):
        result.rows_read += len(raw.frame) + len(raw.malformed)
        for m in raw.malformed:
            result.rejected.append(FieldProblem("(record)", m.reason, m.row, m.text))
        checked = check_chunk(raw.frame, raw.rows, OUTCOMES)
        found = [checked.rejects]
        values, rows = checked.values[~checked.bad].reset_index(drop=True), raw.rows[~checked.bad]
        fraud = values["fraud"].astype(bool)
        critical = pd.to_numeric(values["critical"]).fillna(fraud.astype(int)).astype(int)
        wrong = (critical > 0) & ~fraud
        found.append(
            problems(
                rows,
                wrong.to_numpy(),
                "critical",
                values["critical"],
                "a critical finding is a fraud finding",
            )
        )
        values, rows, critical = (
            values[~wrong].reset_index(drop=True),
            rows[~wrong.to_numpy()],
            critical[~wrong].reset_index(drop=True),
        )
        with database.session() as session:
            known: dict[tuple[str, str], Shipment] = {}
            for kind in values["kind"].unique():
                ids = values.loc[values["kind"] == kind, "external_id"].tolist()
                for key, shipment in store.current_by_keys(session, str(kind), ids).items():
                    known[(str(kind), key)] = shipment
            hit = np.array(
                [
                    (k, e) in known
                    for k, e in zip(values["kind"], values["external_id"], strict=True)
                ],
                dtype=bool,
            )
            found.append(
                problems(
                    rows,
                    ~hit,
                    "external_id",
                    values["external_id"],
                    "no current shipment of this kind has this key",
                )
            )
            chosen = values[hit].reset_index(drop=True)
            if len(chosen):
                shipments = [
                    known[(k, e)]
                    for k, e in zip(chosen["kind"], chosen["external_id"], strict=True)
                ]
                frame = pd.DataFrame(
                    {
                        "shipment_id": [s.id for s in shipments],
                        "line_no": chosen["line_no"],
                        "inspected_on": chosen["inspected_on"],
                        "fraud": chosen["fraud"].astype(bool),
                        "critical": critical[hit].to_numpy(),
                        "revenue_recovered": chosen["revenue_recovered"],
                        "notes": chosen["notes"],
                        "source": actor.label,
                        "created_at": utcnow(),
                    }
                )
                first = reserve_ids(session.connection(), "inspections", len(frame))
                frame["id"] = np.arange(first, first + len(frame), dtype=np.int64)
                store.insert_frame(session.connection(), store.INSPECTIONS, frame)
                audit.record(
                    session,
                    actor,
                    "import",
                    "inspection",
                    None,
                    summary=f"{len(frame)} inspection outcomes from {path.name}",
                    after={"recorded": len(frame), "file": path.name},
                )
                result.recorded += len(frame)
        rejects = pd.concat([f for f in found if len(f)] or [empty_rejects()], ignore_index=True)
        for r in rejects.sort_values("row").itertuples(index=False):
            result.rejected.append(
                FieldProblem(str(r.field), str(r.reason), int(str(r.row)), r.value)
            )
    return result
