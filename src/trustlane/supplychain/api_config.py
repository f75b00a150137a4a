"""API routes: the agency's supply-chain configuration (high-risk areas, untrusted vendors)."""

from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.responses import Response

from trustlane.supplychain import riskconfig
from trustlane.supplychain.schemas import (
    RiskAreaCreate,
    RiskAreaPublic,
    VendorConcernCreate,
    VendorConcernPublic,
)
from trustlane.web.deps import CurrentUser, SessionDep

router = APIRouter()


@router.get("/risk-areas", response_model=list[RiskAreaPublic], summary="High-risk areas in force")
def list_risk_areas(principal: CurrentUser, session: SessionDep) -> list[RiskAreaPublic]:
    principal.require("supplychain:read")
    areas, defaults = riskconfig.effective_areas(session)
    return [
        RiskAreaPublic(
            code=a.code, category=a.category, reason=a.reason, source=a.source, default=defaults
        )
        for a in areas
    ]


@router.post("/risk-areas", response_model=RiskAreaPublic, status_code=status.HTTP_201_CREATED)
def add_risk_area(
    body: RiskAreaCreate, principal: CurrentUser, session: SessionDep
) -> RiskAreaPublic:
    area = riskconfig.add_risk_area(
        session, principal, body.code, body.category, body.reason, body.source
    )
    return RiskAreaPublic(
        code=area.code,
        category=area.category,
        reason=area.reason,
        source=area.source or "",
        default=False,
    )


@router.delete("/risk-areas/{code}", status_code=status.HTTP_204_NO_CONTENT)
def remove_risk_area(code: str, principal: CurrentUser, session: SessionDep) -> Response:
    riskconfig.remove_risk_area(session, principal, code)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/vendor-concerns", response_model=list[VendorConcernPublic])
def list_vendor_concerns(principal: CurrentUser, session: SessionDep) -> list[VendorConcernPublic]:
    principal.require("supplychain:read")
    vendors, defaults = riskconfig.effective_vendors(session)
    return [
        VendorConcernPublic(
            vendor=v.vendor, country=v.country, reason=v.reason, source=v.source, default=defaults
        )
        for v in vendors
    ]


@router.post(
    "/vendor-concerns", response_model=VendorConcernPublic, status_code=status.HTTP_201_CREATED
)
def add_vendor_concern(
    body: VendorConcernCreate, principal: CurrentUser, session: SessionDep
) -> VendorConcernPublic:
    concern = riskconfig.add_vendor_concern(
        session, principal, body.vendor, body.reason, body.country, body.source
    )
    return VendorConcernPublic(
        vendor=concern.vendor,
        country=concern.country,
        reason=concern.reason,
        source=concern.source or "",
        default=False,
    )


@router.delete("/vendor-concerns/{vendor}", status_code=status.HTTP_204_NO_CONTENT)
def remove_vendor_concern(vendor: str, principal: CurrentUser, session: SessionDep) -> Response:
    riskconfig.remove_vendor_concern(session, principal, vendor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
