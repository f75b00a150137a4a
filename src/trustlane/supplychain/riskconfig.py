"""Use cases: the high-risk areas and untrusted vendors the analyses use.

Both are agency configuration. Until an agency records its own, the built-in defaults below
apply (and results say so); once it records any, only its own apply. The defaults are a
starting point to review, each with its public source.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from trustlane.access import audit
from trustlane.access.principal import Principal
from trustlane.errors import Conflict, FieldProblem, Forbidden, InvalidInput, NotFound
from trustlane.registry.names import name_key
from trustlane.supplychain import store
from trustlane.supplychain.chain_csv import country_code, region_code
from trustlane.supplychain.models import RiskArea, VendorConcern

CATEGORIES = ("forced_labor", "sanctions", "conflict", "other")


@dataclass(frozen=True)
class AreaRule:
    code: str
    category: str
    reason: str
    source: str


@dataclass(frozen=True)
class VendorRule:
    vendor: str
    country: str | None
    reason: str
    source: str


DEFAULT_AREAS: tuple[AreaRule, ...] = (
    AreaRule(
        "CN-XJ",
        "forced_labor",
        "goods mined, produced or manufactured wholly or in part in Xinjiang are presumed "
        "made with forced labour",
        "Uyghur Forced Labor Prevention Act (US Public Law 117-78), section 3",
    ),
    AreaRule(
        "KP",
        "forced_labor",
        "goods made wholly or in part by North Korean nationals' labour are presumed made "
        "with forced labour; comprehensive sanctions",
        "CAATSA (US Public Law 115-44), section 321(b); UN Security Council resolutions",
    ),
    AreaRule(
        "IR",
        "sanctions",
        "comprehensive sanctions on trade with Iran",
        "Iranian Transactions and Sanctions Regulations, 31 CFR part 560",
    ),
    AreaRule(
        "CU",
        "sanctions",
        "embargo on trade with Cuba",
        "Cuban Assets Control Regulations, 31 CFR part 515",
    ),
    AreaRule(
        "UA-43",
        "sanctions",
        "comprehensive sanctions on the Crimea region of Ukraine",
        "US Executive Order 13685 (2014)",
    ),
)

DEFAULT_VENDORS: tuple[VendorRule, ...] = (
    VendorRule(
        "ZPMC",
        "CN",
        "maker of ship-to-shore cranes; a 2024 US congressional investigation reported "
        "cellular modems on its cranes at US ports, and US Coast Guard directives address "
        "the cyber risk of PRC-manufactured cranes",
        "US Coast Guard Maritime Security Directive 105-4 (2024); Executive Order 14116",
    ),
    VendorRule(
        "LOGINK",
        "CN",
        "PRC state logistics data platform; US defence funds may not go to ports that use it",
        "National Defense Authorization Act for FY2023, section 825",
    ),
    VendorRule(
        "Nuctech",
        "CN",
        "cargo and vehicle scanners; on the US Entity List",
        "US Entity List, 15 CFR part 744 supplement 4 (added December 2020)",
    ),
    VendorRule(
        "Hikvision",
        "CN",
        "video surveillance; on the US Entity List and the FCC Covered List",
        "15 CFR part 744 supplement 4 (2019); FCC Covered List (2022)",
    ),
    VendorRule(
        "Dahua",
        "CN",
        "video surveillance; on the US Entity List and the FCC Covered List",
        "15 CFR part 744 supplement 4 (2019); FCC Covered List (2022)",
    ),
    VendorRule(
        "Huawei",
        "CN",
        "network and telecommunications equipment; on the US Entity List and the FCC Covered List",
        "15 CFR part 744 supplement 4 (2019); FCC Covered List (2021)",
    ),
)


def effective_areas(session: Session) -> tuple[list[AreaRule], bool]:
    """The areas in force, and whether they are the built-in defaults."""
    stored = store.risk_areas(session)
    if not stored:
        return list(DEFAULT_AREAS), True
    return [AreaRule(a.code, a.category, a.reason, a.source or "") for a in stored], False


def effective_vendors(session: Session) -> tuple[list[VendorRule], bool]:
    stored = store.vendor_concerns(session)
    if not stored:
        return list(DEFAULT_VENDORS), True
    return [VendorRule(v.vendor, v.country, v.reason, v.source or "") for v in stored], False


def _agency_write(actor: Principal) -> None:
    actor.require("supplychain:write")
    if not actor.is_agency:
        raise Forbidden("High-risk areas and untrusted vendors are agency configuration")


def add_risk_area(
    session: Session,
    actor: Principal,
    code: str,
    category: str,
    reason: str,
    source: str | None = None,
) -> RiskArea:
    _agency_write(actor)
    normal = region_code(code) if "-" in code else country_code(code)
    problems = []
    if normal is None:
        problems.append(
            FieldProblem("code", "not an ISO 3166-1 country or 3166-2 subdivision", value=code)
        )
    if category not in CATEGORIES:
        problems.append(FieldProblem("category", f"one of {', '.join(CATEGORIES)}", value=category))
    if not reason.strip():
        problems.append(FieldProblem("reason", "required"))
    if problems:
        raise InvalidInput("Bad high-risk area", problems)
    assert normal is not None
    if any(a.code == normal for a in store.risk_areas(session)):
        raise Conflict(f"High-risk area {normal} is already recorded")
    area = RiskArea(
        code=normal, category=category, reason=reason.strip(), source=source, created_by=actor.label
    )
    session.add(area)
    session.flush()
    audit.record(session, actor, "create", "risk_area", area.id, after=audit.snapshot(area))
    return area


def remove_risk_area(session: Session, actor: Principal, code: str) -> None:
    _agency_write(actor)
    for area in store.risk_areas(session):
        if area.code == code.upper():
            before = audit.snapshot(area)
            session.delete(area)
            audit.record(session, actor, "delete", "risk_area", area.id, before=before)
            return
    raise NotFound(f"High-risk area {code} not found")


def add_vendor_concern(
    session: Session,
    actor: Principal,
    vendor: str,
    reason: str,
    country: str | None = None,
    source: str | None = None,
) -> VendorConcern:
    _agency_write(actor)
    key = name_key(vendor)
    problems = []
    if not key:
        problems.append(FieldProblem("vendor", "required"))
    if not reason.strip():
        problems.append(FieldProblem("reason", "required"))
    normal = country_code(country) if country else None
    if country and normal is None:
        problems.append(FieldProblem("country", "not an ISO 3166 country", value=country))
    if problems:
        raise InvalidInput("Bad vendor concern", problems)
    if any(v.vendor_key == key for v in store.vendor_concerns(session)):
        raise Conflict(f"Vendor {vendor!r} is already recorded")
    concern = VendorConcern(
        vendor=vendor.strip(),
        vendor_key=key,
        country=normal,
        reason=reason.strip(),
        source=source,
        created_by=actor.label,
    )
    session.add(concern)
    session.flush()
    audit.record(
        session, actor, "create", "vendor_concern", concern.id, after=audit.snapshot(concern)
    )
    return concern


def remove_vendor_concern(session: Session, actor: Principal, vendor: str) -> None:
    _agency_write(actor)
    key = name_key(vendor)
    for concern in store.vendor_concerns(session):
        if concern.vendor_key == key:
            before = audit.snapshot(concern)
            session.delete(concern)
            audit.record(session, actor, "delete", "vendor_concern", concern.id, before=before)
            return
    raise NotFound(f"Vendor concern {vendor!r} not found")
