"""API routes: organizations (list, create, read, change, merge, confirm, owners, look up by
identifier, resolve a party) and industry sectors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from trustlane.registry import merge, orgs, ownership, resolve, sectors
from trustlane.registry.models import Organization, OwnershipLink
from trustlane.registry.schemas import (
    CandidatePublic,
    MergeIn,
    MergeResultPublic,
    OrgCreate,
    OrgPublic,
    OrgSummary,
    OrgUpdate,
    OwnershipIn,
    OwnershipPublic,
    OwnersPublic,
    PartyIn,
    ReasonPublic,
    ResolutionPublic,
    SectorForHsPublic,
    SectorPublic,
)
from trustlane.web.deps import CurrentUser, PageDep, SessionDep
from trustlane.web.schemas import PagePublic

router = APIRouter(prefix="/api", tags=["registry"])


@router.get(
    "/organizations",
    response_model=PagePublic[OrgPublic],
    summary="Organizations; search by name, country, sector, role, status, kind",
)
def list_organizations(
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    q: Annotated[str | None, Query(description="Part of a name or alias")] = None,
    country: Annotated[str | None, Query(description="ISO 3166-1 code or name")] = None,
    sector: Annotated[str | None, Query(description="Sector slug or name")] = None,
    role: Annotated[str | None, Query(description="Trade role, e.g. importer")] = None,
    status: Annotated[
        str | None, Query(description="active, proposed, inactive or merged (default: not merged)")
    ] = None,
    kind: Annotated[str | None, Query(description="trade or agency")] = None,
) -> PagePublic[OrgPublic]:
    found = orgs.list_organizations(
        session,
        principal,
        page,
        q=q,
        country=country,
        sector=sector,
        role=role,
        status=status,
        kind=kind,
    )
    return PagePublic(
        items=[OrgPublic.model_validate(o) for o in found.items],
        total=found.total,
        limit=found.limit,
        offset=found.offset,
    )


@router.post("/organizations", response_model=OrgPublic, status_code=status.HTTP_201_CREATED)
def create_organization(body: OrgCreate, principal: CurrentUser, session: SessionDep) -> OrgPublic:
    return OrgPublic.model_validate(orgs.create_organization(session, principal, body))


@router.get(
    "/organizations/by-identifier",
    response_model=OrgPublic,
    summary="The organization holding an identifier",
)
def find_by_identifier(
    principal: CurrentUser,
    session: SessionDep,
    scheme: Annotated[str, Query(description="e.g. lei, importer_of_record, scac")],
    value: str,
    country: Annotated[str | None, Query(description="Issuing country, when needed")] = None,
) -> OrgPublic:
    org = orgs.find_by_identifier(session, principal, scheme, value, country)
    return OrgPublic.model_validate(org)


@router.post(
    "/organizations/resolve",
    response_model=ResolutionPublic,
    summary="Candidates for a party named on a filing, ranked, with reasons (proposes nothing)",
)
def resolve_party(
    body: PartyIn,
    principal: CurrentUser,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> ResolutionPublic:
    found = resolve.resolve_party(
        session,
        principal,
        role=body.role,
        name=body.name,
        address=body.address,
        city=body.city,
        country=body.country,
        identifiers=body.identifiers,
        limit=limit,
    )
    summaries = {
        c.org_id: OrgSummary.model_validate(orgs.get_organization(session, principal, c.org_id))
        for c in found.candidates
    }
    return ResolutionPublic(
        decision=found.decision,
        organization_id=found.organization_id,
        candidates=[
            CandidatePublic(
                organization=summaries[c.org_id],
                score=c.score,
                resolution=c.resolution,
                links=c.links,
                reasons=[ReasonPublic(code=r.code, text=r.text) for r in c.reasons],
            )
            for c in found.candidates
        ],
    )


@router.get("/organizations/{org_id}", response_model=OrgPublic)
def get_organization(org_id: int, principal: CurrentUser, session: SessionDep) -> OrgPublic:
    return OrgPublic.model_validate(orgs.get_organization(session, principal, org_id))


@router.patch(
    "/organizations/{org_id}",
    response_model=OrgPublic,
    summary="Change the fields given; lists replace the whole list",
)
def update_organization(
    org_id: int, body: OrgUpdate, principal: CurrentUser, session: SessionDep
) -> OrgPublic:
    return OrgPublic.model_validate(orgs.update_organization(session, principal, org_id, body))


@router.post(
    "/organizations/{org_id}/merge",
    response_model=MergeResultPublic,
    summary="Merge this (duplicate or proposed) organization into another",
)
def merge_organization(
    org_id: int, body: MergeIn, principal: CurrentUser, session: SessionDep
) -> MergeResultPublic:
    result = merge.merge_organizations(session, principal, org_id, body.into_id)
    return MergeResultPublic(
        source=OrgPublic.model_validate(result.source),
        target=OrgPublic.model_validate(result.target),
        moved=result.moved,
        dropped=result.dropped,
    )


@router.post(
    "/organizations/{org_id}/confirm",
    response_model=OrgPublic,
    summary="Confirm an organization proposed by party resolution",
)
def confirm_organization(org_id: int, principal: CurrentUser, session: SessionDep) -> OrgPublic:
    return OrgPublic.model_validate(orgs.confirm_organization(session, principal, org_id))


@router.get(
    "/organizations/{org_id}/owners",
    response_model=OwnersPublic,
    summary="Who owns this organization, and what it owns",
)
def list_owners(org_id: int, principal: CurrentUser, session: SessionDep) -> OwnersPublic:
    found = ownership.list_ownership(session, principal, org_id)
    return OwnersPublic(
        organization_id=org_id,
        owned_share_total=found.owned_share_total,
        owners=[_holding(h.link, h.other, found.organization) for h in found.owners],
        holdings=[_holding(h.link, found.organization, h.other) for h in found.holdings],
    )


@router.put(
    "/organizations/{org_id}/owners/{owner_id}",
    response_model=OwnershipPublic,
    summary="Record (or change) that owner_id holds a share of this organization",
)
def set_owner(
    org_id: int, owner_id: int, body: OwnershipIn, principal: CurrentUser, session: SessionDep
) -> OwnershipPublic:
    link = ownership.set_owner(
        session, principal, org_id, owner_id, body.share, source=body.source, as_of=body.as_of
    )
    return _holding(
        link,
        orgs.get_organization(session, principal, owner_id),
        orgs.get_organization(session, principal, org_id),
    )


@router.delete(
    "/organizations/{org_id}/owners/{owner_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove an ownership link",
)
def remove_owner(
    org_id: int, owner_id: int, principal: CurrentUser, session: SessionDep
) -> Response:
    ownership.remove_owner(session, principal, org_id, owner_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/sectors", response_model=list[SectorPublic], summary="The ten industry sectors")
def list_sectors(principal: CurrentUser) -> list[SectorPublic]:
    return [_sector(s) for s in sectors.sectors()]


@router.get(
    "/sectors/for-hs/{code}",
    response_model=SectorForHsPublic,
    summary="The sector of an HS code (chapter, heading or subheading)",
)
def sector_for_hs(code: str, principal: CurrentUser) -> SectorForHsPublic:
    slug = sectors.sector_for_hs(code)
    found = sectors.get_sector(slug) if slug else None
    return SectorForHsPublic(hs=code, sector=_sector(found) if found else None)


def _holding(link: OwnershipLink, owner: Organization, owned: Organization) -> OwnershipPublic:
    return OwnershipPublic(
        owner=OrgSummary.model_validate(owner),
        owned=OrgSummary.model_validate(owned),
        share=link.share,
        source=link.source,
        as_of=link.as_of,
    )


def _sector(sector: sectors.Sector) -> SectorPublic:
    m = sectors.mapping()
    return SectorPublic(
        slug=sector.slug,
        name=sector.name,
        description=sector.description,
        chapters=m.chapters_of(sector.slug),
        headings=m.headings_of(sector.slug),
    )
