"""Use cases: record inspection outcomes, one or a CSV file of them.

Outcomes are stored in the cargo package's ``inspections`` table through cargo's own use
cases (``record_inspection``, ``import_outcomes``): one place decides who may record them
and audits each write; targeting learns from that table.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.cargo.inspections import OutcomeImport, OutcomeIn, import_outcomes, record_inspection
from trustlane.cargo.models import Inspection
from trustlane.db import Database


def record_outcome(
    session: Session, actor: Principal, shipment_id: int, outcome: OutcomeIn
) -> Inspection:
    actor.require("targeting:write")
    return record_inspection(session, actor, shipment_id, outcome)


def import_outcome_file(database: Database, actor: Principal, path: Path) -> OutcomeImport:
    """Columns: kind, external_id, fraud, and optionally critical, line_no, inspected_on,
    revenue_recovered, notes (see :mod:`trustlane.cargo.inspections`)."""
    actor.require("targeting:write")
    return import_outcomes(database, actor, path)
