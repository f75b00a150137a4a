"""What other packages (targeting, supply chain, programs) ask of screening.

Plain data in, plain data out; every hit keeps its reasons. These functions read; the
screening of stored parties (and its alerts) goes through :mod:`.parties`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trustlane.access.principal import Principal
from trustlane.db import Database, in_batches
from trustlane.screening.engine import Party
from trustlane.screening.files import hit_list_name
from trustlane.screening.models import Alert, ListEntry, OwnershipFlag, Subject
from trustlane.screening.normalize import kind_of
from trustlane.screening.records import country_code
from trustlane.settings import Settings


@dataclass(frozen=True)
class BestHit:
    """The best hit of a screened name (None fields when there is no hit)."""

    name: str
    alert: bool
    score: float
    list: str | None
    entry_id: str | None
    matched_name: str | None
    category: str | None
    action: str | None
    reasons: str


@dataclass(frozen=True)
class PartyHit:
    """A stored alert (or confirmed match) on an organization or shipment party."""

    ref: str
    entry_id: str
    matched_name: str
    score: float
    status: str
    category: str
    consequence: dict[str, object] | None
    explanation: str


@dataclass(frozen=True)
class ForcedLaborConsequence:
    list: str
    entry_id: str
    name: str
    action: str
    hs_codes: tuple[str, ...]
    regions: tuple[str, ...]
    products: tuple[str, ...]


def screen_names(
    database: Database,
    settings: Settings,
    actor: Principal,
    parties: Sequence[dict[str, str | None]],
    lists: list[str] | None = None,
) -> list[BestHit]:
    """Best hit per party: dicts with ``name`` and optional ``schema``, ``country``,
    ``date_of_birth``. Not stored: ad-hoc screening."""
    from trustlane.screening.records import birth_dates
    from trustlane.screening.screeners import get_screener

    actor.require("screening:read")
    screener = get_screener(database, settings, lists)
    out: list[BestHit] = []
    for p in parties:
        name = (p.get("name") or "").strip()
        dates = birth_dates(p.get("date_of_birth") or "")
        code = country_code(p.get("country"))
        hits = (
            screener.screen(
                Party(
                    name=name,
                    kind=kind_of(p.get("schema")),
                    birth_date=dates[0] if dates else None,
                    countries=frozenset([code]) if code else frozenset(),
                ),
                explain=False,
            )
            if name
            else []
        )
        best = hits[0] if hits else None
        out.append(
            BestHit(
                name=name,
                alert=bool(best and best.alert),
                score=best.score if best else 0.0,
                list=hit_list_name(best) if best else None,
                entry_id=best.entry.key if best else None,
                matched_name=best.matched_name if best else None,
                category=best.entry.category if best else None,
                action=best.entry.action if best else None,
                reasons=best.reasons_text() if best else "",
            )
        )
    return out


def _hits(session: Session, kind: str, refs: Iterable[str]) -> dict[str, list[PartyHit]]:
    out: dict[str, list[PartyHit]] = {}
    for chunk in in_batches(sorted(set(refs))):
        rows = session.execute(
            sa.select(Subject.ref, Alert)
            .join(Alert, Alert.subject_id == Subject.id)
            .where(
                Subject.kind == kind,
                Subject.ref.in_(chunk),
                Alert.status.in_(("open", "escalated", "true_match")),
            )
        ).all()
        for ref, a in rows:
            out.setdefault(ref, []).append(
                PartyHit(
                    ref,
                    a.entry_key,
                    a.matched_name,
                    a.score,
                    a.status,
                    a.category,
                    a.consequence,
                    a.explanation,
                )
            )
    return out


def hits_for_organizations(
    session: Session, actor: Principal, org_ids: Iterable[int]
) -> dict[int, list[PartyHit]]:
    """Open, escalated or confirmed alerts per organization, plus blocked-by-ownership flags
    (as a hit with category ``ownership``)."""
    actor.require("screening:read")
    ids = list(org_ids)
    found = {int(k): v for k, v in _hits(session, "organization", (str(i) for i in ids)).items()}
    for flag in session.scalars(
        sa.select(OwnershipFlag).where(
            OwnershipFlag.active.is_(True), OwnershipFlag.org_id.in_(ids)
        )
    ):
        found.setdefault(flag.org_id, []).append(
            PartyHit(
                str(flag.org_id),
                "ownership",
                "",
                flag.share,
                "blocked",
                "ownership",
                {"action": "block", "chain": flag.chain},
                f"owned {flag.share:.0%} by listed parties",
            )
        )
    return found


def hits_for_shipment_parties(
    session: Session, actor: Principal, shipment_ids: Iterable[int]
) -> dict[tuple[int, int], list[PartyHit]]:
    """Alerts per (shipment id, party seq) of the given shipments."""
    actor.require("screening:read")
    wanted = {int(i) for i in shipment_ids}
    refs = session.scalars(sa.select(Subject.ref).where(Subject.kind == "shipment_party"))
    mine = [r for r in refs if int(r.split(":")[0]) in wanted]
    return {
        (int(k.split(":")[0]), int(k.split(":")[1])): v
        for k, v in _hits(session, "shipment_party", mine).items()
    }


def forced_labor_consequences(
    session: Session, actor: Principal, *, hs_code: str | None = None, region: str | None = None
) -> list[ForcedLaborConsequence]:
    """Current forced-labor and withhold-release entries concerning an HS code (by prefix,
    either way: 5201 concerns 520100) or a region (ISO code, "cn-xj"; a country code also
    matches its regions)."""
    actor.require("screening:read")
    from trustlane.screening.models import WatchList

    rows = session.execute(
        sa.select(ListEntry, WatchList.name)
        .join(WatchList, WatchList.id == ListEntry.list_id)
        .where(
            ListEntry.is_current.is_(True),
            ListEntry.category.in_(("forced_labor", "withhold_release")),
        )
    ).all()
    digits = "".join(c for c in (hs_code or "") if c.isdigit())
    out: list[ForcedLaborConsequence] = []
    for entry, list_name in rows:
        c = entry.doc.get("consequence") or {}
        codes = [str(x) for x in c.get("hs_codes", [])]
        regions = [str(x).lower() for x in c.get("regions", [])]
        if (
            digits
            and codes
            and not any(digits.startswith(x) or x.startswith(digits) for x in codes)
        ):
            continue
        if (
            region
            and regions
            and not any(r == region.lower() or r.startswith(region.lower() + "-") for r in regions)
        ):
            continue
        if (digits and not codes) and (region and not regions):
            continue
        out.append(
            ForcedLaborConsequence(
                list_name,
                entry.key,
                entry.primary_name,
                str(c.get("action", "")),
                tuple(codes),
                tuple(regions),
                tuple(str(p) for p in c.get("products", [])),
            )
        )
    return out
