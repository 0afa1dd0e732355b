"""Rounds (批次): create a round with its declaration window, read it, close its review (selection), read its
ranking; and the reviewers' scores on an application (the application's ``score`` act). The use cases are
services/rounds.py's."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response

from api.deps import ApplicationId, CurrentUser, LevelOwner, ServiceContext, role_in
from api.errors import documented
from contracts.rounds import PanelView, RankingTable, RoundWindow
from schemas.rounds import (
    ROUND_ID_PATTERN,
    CloseReviewCreate,
    RecusalCreate,
    RoundCreate,
    ScoreCreate,
    ScoreOutcome,
)
from services import acts, panel, review_summary, rounds
from services.pdf import PDF
from state.domain import Actor

router = APIRouter(tags=["rounds"], responses=documented(401, 403, 404, 409, 503))
RoundId = Annotated[str, Path(pattern=ROUND_ID_PATTERN)]
__all__ = ["CloseReviewCreate", "RecusalCreate", "RoundCreate", "ScoreCreate", "ScoreOutcome", "router"]


async def _round_reader(actor: CurrentUser) -> Actor:
    return rounds.admit_reader(actor)


RoundReader = Annotated[Actor, Depends(_round_reader)]
RankingReader = Annotated[Actor, Depends(role_in(*rounds.RANKING_READERS))]


@router.post(
    "/rounds", status_code=201, response_model=RoundWindow, summary="Create a round and its declaration window"
)
async def create_round(body: RoundCreate, actor: LevelOwner, ctx: ServiceContext) -> RoundWindow:
    return await rounds.create_round(actor, ctx, body)


@router.get("/rounds", summary="Rounds (a county's callers see the city's rounds and their own county's)")
async def list_rounds(actor: RoundReader, ctx: ServiceContext) -> list[dict[str, Any]]:
    return await rounds.list_rounds(actor, ctx)


@router.get("/rounds/{round_id}", response_model=RoundWindow, summary="A round's window and phase")
async def get_round(round_id: RoundId, actor: RoundReader, ctx: ServiceContext) -> RoundWindow:
    return await rounds.get_round(actor, ctx, round_id)


@router.post(
    "/rounds/{round_id}/review-closure",
    response_model=RankingTable,
    summary="Close the review: rank, reserve places, decide",
)
async def close_review(
    round_id: RoundId, body: CloseReviewCreate, actor: LevelOwner, ctx: ServiceContext
) -> RankingTable:
    return await rounds.close_review(actor, ctx, round_id, body.reason, body.published_on)


@router.get(
    "/rounds/{round_id}/ranking", response_model=RankingTable, summary="The ranking table (reviewers, supervisors)"
)
async def ranking(round_id: RoundId, actor: RankingReader, ctx: ServiceContext) -> RankingTable:
    return await rounds.ranking(actor, ctx, round_id)


@router.get("/rounds/{round_id}/panel", response_model=PanelView, summary="The review panel (评审组) and its recusals")
async def panel_view(round_id: RoundId, actor: CurrentUser, ctx: ServiceContext) -> PanelView:
    return await rounds.panel_view(actor, ctx, round_id)


@router.post(
    "/rounds/{round_id}/recusals",
    response_model=PanelView,
    status_code=201,
    summary="A panel member's recusal from one candidate (回避)",
    responses=documented(422),
)
async def recuse(round_id: RoundId, body: RecusalCreate, actor: CurrentUser, ctx: ServiceContext) -> PanelView:
    return await rounds.recuse(actor, ctx, round_id, body.application_id, body.reason)


@router.get(
    "/rounds/{round_id}/documents/review-summary.pdf",
    summary="评审汇总表 (PDF): per candidate, per member, per method; means, rank, places, recusals, missing scores",
    response_class=Response,
    responses={200: {"content": {PDF: {}}, "description": "the document (PDF)"}},
)
async def review_summary_pdf(round_id: RoundId, actor: CurrentUser, ctx: ServiceContext) -> Response:
    pdf = await review_summary.review_summary_pdf(actor, ctx, round_id)
    return Response(pdf.content, media_type=PDF, headers=pdf.headers)


@router.post("/applications/{application_id}/scores", response_model=ScoreOutcome, summary="A reviewer's scores (评分)")
async def score(
    application_id: ApplicationId, body: ScoreCreate, actor: CurrentUser, ctx: ServiceContext
) -> ScoreOutcome:
    occasion = panel.Occasion(body.defence_on, body.defence_place, body.inspected_on, body.inspected_place)
    done = await acts.score(
        ctx, actor, application_id, body.opinion, body.written, body.defence, body.field_inspection, occasion
    )  # the act is the application's (services.acts), which lets the round know; a panel's members score
    return ScoreOutcome(id=application_id, state=done.state.value, allowed_acts=done.allowed_acts)
