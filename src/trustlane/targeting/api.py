"""Targeting API: indicators, scores with reasons, selections, outcomes, models,
performance and drift. Thin: parse, call one use case, render."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, UploadFile, status

from trustlane.cargo.inspections import OutcomeIn
from trustlane.jobs.runner import create_job
from trustlane.paging import Page
from trustlane.targeting import assess, indicators, monitor, outcomes, registry, scores
from trustlane.targeting.schemas import (
    IndicatorPublic,
    JobRef,
    ModelPublic,
    OutcomeImportPublic,
    OutcomePublic,
    OutcomeRequest,
    RetrainRequest,
    ScorePublic,
    ScoreRequest,
    ScoreRunPublic,
    SelectionDetail,
    SelectionItemPublic,
    SelectionPublic,
    SelectionRequest,
)
from trustlane.targeting.select import SelectionPolicy, get_selection, select_for_inspection
from trustlane.web.deps import CurrentUser, DatabaseDep, PageDep, RunnerDep, SessionDep, SettingsDep

router = APIRouter(prefix="/api/targeting", tags=["targeting"])


@router.get("/indicators", summary="The risk indicators and their settings")
def list_indicators(principal: CurrentUser) -> list[IndicatorPublic]:
    scores.require_agency_read(principal)
    config = indicators.load_config()
    return [
        IndicatorPublic(code=i.code, description=i.description, settings=config[i.key])
        for i in indicators.INDICATORS
    ]


@router.post("/scores", status_code=status.HTTP_201_CREATED, summary="Score stored shipments")
def score_shipments(
    body: ScoreRequest, principal: CurrentUser, session: SessionDep, settings: SettingsDep
) -> ScoreRunPublic:
    result = assess.score_shipments(
        session,
        principal,
        settings,
        declared_from=body.declared_from,
        declared_to=body.declared_to,
        office=body.office,
        shipment_ids=body.shipment_ids,
    )
    return ScoreRunPublic(
        run_id=result.run_id, shipments=result.shipments, model_version=result.model_version
    )


@router.get("/scores", summary="Current scores, highest first")
def list_scores(
    principal: CurrentUser,
    session: SessionDep,
    page: PageDep,
    day: date | None = None,
    office: str | None = None,
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
) -> Page[ScorePublic]:
    found = scores.list_scores(
        session, principal, page, day=day, office=office, min_score=min_score
    )
    return Page(
        items=[ScorePublic.model_validate(s) for s in found.items],
        total=found.total,
        limit=found.limit,
        offset=found.offset,
    )


@router.get("/scores/{shipment_id}", summary="A shipment's current score and reasons")
def get_score(shipment_id: int, principal: CurrentUser, session: SessionDep) -> ScorePublic:
    return ScorePublic.model_validate(scores.get_score(session, principal, shipment_id))


@router.get(
    "/scores/{shipment_id}/explanation",
    summary="Exact TreeSHAP contributions of the active model, per reason",
)
def explain(
    shipment_id: int, principal: CurrentUser, session: SessionDep, settings: SettingsDep
) -> list[dict[str, Any]]:
    return scores.explain_exactly(session, principal, settings, shipment_id)


@router.post("/selections", status_code=status.HTTP_201_CREATED, summary="Select inspections")
def create_selection(
    body: SelectionRequest, principal: CurrentUser, session: SessionDep
) -> SelectionPublic:
    policy = SelectionPolicy(
        capacity=body.capacity,
        exploration_share=body.exploration_share,
        exploration=body.exploration,
        documents_threshold=body.documents_threshold,
        explore_skip_tier=body.explore_skip_tier,
        seed=body.seed,
    )
    selection = select_for_inspection(session, principal, body.day, policy, office=body.office)
    return SelectionPublic.model_validate(selection)


@router.get("/selections/{selection_id}", summary="A selection with its lanes")
def show_selection(
    selection_id: int, principal: CurrentUser, session: SessionDep
) -> SelectionDetail:
    scores.require_agency_read(principal)
    selection, items = get_selection(session, principal, selection_id)
    detail = SelectionPublic.model_validate(selection).model_dump()
    return SelectionDetail(**detail, items=[SelectionItemPublic.model_validate(i) for i in items])


@router.post(
    "/outcomes", status_code=status.HTTP_201_CREATED, summary="Record an inspection outcome"
)
def record_outcome(
    body: OutcomeRequest, principal: CurrentUser, session: SessionDep
) -> OutcomePublic:
    outcome = OutcomeIn(
        fraud=body.fraud,
        critical=body.critical,
        line_no=body.line_no,
        inspected_on=body.inspected_on,
        revenue_recovered=body.revenue_recovered,
        notes=body.notes,
    )
    return OutcomePublic.model_validate(
        outcomes.record_outcome(session, principal, body.shipment_id, outcome)
    )


@router.post("/outcomes/file", summary="Record inspection outcomes from a CSV file")
def upload_outcomes(
    file: UploadFile, principal: CurrentUser, database: DatabaseDep
) -> OutcomeImportPublic:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(file.filename or "outcomes.csv").name
        with path.open("wb") as fh:
            while block := file.file.read(1 << 20):
                fh.write(block)
        result = outcomes.import_outcome_file(database, principal, path)
    return OutcomeImportPublic(
        rows_read=result.rows_read,
        recorded=result.recorded,
        rejected=[p.as_dict() for p in result.rejected],
    )


@router.get("/models", summary="Model versions, newest first")
def list_models(principal: CurrentUser, session: SessionDep) -> list[ModelPublic]:
    return [ModelPublic.model_validate(m) for m in registry.list_models(session, principal)]


@router.get("/models/{version}", summary="One model version")
def get_model(version: int, principal: CurrentUser, session: SessionDep) -> ModelPublic:
    return ModelPublic.model_validate(registry.get_model(session, principal, version))


@router.post("/models/{version}/promote", summary="Make a model version the active one")
def promote(
    version: int, principal: CurrentUser, session: SessionDep, force: bool = False
) -> ModelPublic:
    return ModelPublic.model_validate(registry.promote(session, principal, version, force=force))


@router.post(
    "/models/retrain", status_code=status.HTTP_202_ACCEPTED, summary="Retrain from outcomes (a job)"
)
def retrain(
    body: RetrainRequest, principal: CurrentUser, session: SessionDep, runner: RunnerDep
) -> JobRef:
    principal.require("targeting:write")
    job = create_job(session, principal, "targeting.retrain", body.model_dump(), unit="steps")
    session.commit()
    runner.start(job.id)
    return JobRef(job_id=job.id, status=job.status)


@router.get("/performance", summary="Precision and revenue of the picks per week")
def performance(
    principal: CurrentUser, session: SessionDep, weeks: Annotated[int, Query(ge=1, le=520)] = 12
) -> list[dict[str, Any]]:
    scores.require_agency_read(principal)
    return monitor.performance(session, principal, weeks)


@router.get("/drift", summary="Drift of inputs and score against the active model's reference")
def drift(
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    days: Annotated[int, Query(ge=1, le=366)] = 28,
) -> dict[str, Any]:
    scores.require_agency_read(principal)
    return monitor.drift_report(session, principal, settings, days)
