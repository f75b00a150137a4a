"""What other capabilities know about members, for validation planning: a narrow interface.

Planning asks each provider for the organizations it ranks and gets back, per organization,
an :class:`OrgSignal` (a severity from 0, nothing of concern, to 1, the worst, and a sentence
saying why). A provider is a function found by name; when its package is not installed or
does not offer it, the plan says that signal was not considered instead of failing.

Providers:

- ``inspection_outcomes``: inspections of the organization's shipments in the last year and
  how many found a discrepancy (read from the stored cargo data);
- ``targeting_risk``: ``trustlane.targeting.signals.org_signals``;
- ``screening_hits``: ``trustlane.screening.signals.org_signals``;
- ``supply_chain_exposure``: ``trustlane.supplychain.signals.org_signals``.

A package offers a signal with ``org_signals(session, org_ids, on) -> Mapping[int, OrgSignal]``
(any object with ``severity`` and ``text`` attributes will do).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.db import in_batches
from trustlane.logs import get_logger

log = get_logger(__name__)


class SignalLike(Protocol):
    severity: float
    text: str


@dataclass(frozen=True)
class OrgSignal:
    severity: float
    text: str


Provider = Callable[[Session, Sequence[int], date], Mapping[int, Any]]

#: Signals from other packages: name → (module, function).
EXTERNAL_PROVIDERS: dict[str, tuple[str, str]] = {
    "targeting_risk": ("trustlane.targeting.signals", "org_signals"),
    "screening_hits": ("trustlane.screening.signals", "org_signals"),
    "supply_chain_exposure": ("trustlane.supplychain.signals", "org_signals"),
}

#: Inspections of a year below which a discrepancy rate says little.
MIN_INSPECTIONS = 3


def inspection_outcomes(session: Session, org_ids: Sequence[int], on: date) -> dict[int, OrgSignal]:
    """Inspections of shipments imported by each organization in the year before ``on``.

    Severity is the share of inspections that found a discrepancy relative to 25% (a rate
    that bad or worse is the maximum), damped when there were few inspections.
    """
    from trustlane.cargo.models import Inspection, Shipment

    out: dict[int, OrgSignal] = {}
    since = on - timedelta(days=365)
    for batch in in_batches(list(org_ids)):
        rows = session.execute(
            sa.select(
                Shipment.importer_org_id,
                sa.func.count(),
                sa.func.sum(sa.case((Inspection.fraud.is_(True), 1), else_=0)),
                sa.func.sum(sa.case((Inspection.critical >= 2, 1), else_=0)),
            )
            .join(Shipment, Shipment.id == Inspection.shipment_id)
            .where(
                Shipment.importer_org_id.in_(batch),
                Inspection.inspected_on >= since,
                Inspection.inspected_on <= on,
            )
            .group_by(Shipment.importer_org_id)
        )
        for org_id, n, found, critical in rows:
            n, found, critical = int(n), int(found or 0), int(critical or 0)
            if n == 0:
                continue
            rate = found / n
            confidence = min(1.0, n / 10)
            severity = min(1.0, rate / 0.25) * confidence
            if critical:
                severity = max(severity, 0.8)
            text = (
                f"{n} inspections of its shipments in the last year, {found} found a "
                f"discrepancy ({rate:.0%})" + (f", {critical} critical" if critical else "") + "."
            )
            if n < MIN_INSPECTIONS:
                text += " Few inspections: weighed lightly."
            out[int(org_id)] = OrgSignal(round(severity, 3), text)
    return out


@dataclass
class Signals:
    """Each signal's findings by organization, and the signals that could not be read."""

    by_signal: dict[str, dict[int, OrgSignal]] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)

    def of(self, name: str, org_id: int) -> OrgSignal | None:
        return self.by_signal.get(name, {}).get(org_id)


def _external(name: str) -> Provider | None:
    module_name, func_name = EXTERNAL_PROVIDERS[name]
    try:
        if importlib.util.find_spec(module_name) is None:
            return None
    except ModuleNotFoundError:
        return None
    fn = getattr(importlib.import_module(module_name), func_name, None)
    return fn if callable(fn) else None


def collect(session: Session, org_ids: Sequence[int], on: date) -> Signals:
    """Every available signal for ``org_ids``; absent or failing providers are listed."""
    signals = Signals()
    signals.by_signal["inspection_outcomes"] = inspection_outcomes(session, org_ids, on)
    for name in EXTERNAL_PROVIDERS:
        provider = _external(name)
        if provider is None:
            signals.unavailable[name] = (
                f"{EXTERNAL_PROVIDERS[name][0]} is not installed; not considered."
            )
            continue
        try:
            # A savepoint, so that a failing provider cannot spoil the planning transaction.
            with session.begin_nested():
                found = provider(session, org_ids, on)
        except Exception as exc:
            log.warning("planning signal failed", signal=name, error=str(exc))
            signals.unavailable[name] = f"{name} failed ({type(exc).__name__}); not considered."
            continue
        signals.by_signal[name] = {
            int(org): OrgSignal(max(0.0, min(1.0, float(s.severity))), str(s.text))
            for org, s in found.items()
        }
    return signals
