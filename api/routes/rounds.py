"""Rounds (批次): create a round with its declaration window, read it, close its review (selection), read its
ranking; and the reviewers' scores on an application (the application's ``score`` act). The use cases are
services/rounds.py's."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from api.deps import ApplicationId, CurrentUser, LevelOwner, ServiceContext, role_in
from api.errors import documented
from contracts.rounds import RankingTable, RoundWindow
from schemas.rounds import ROUND_ID_PATTERN, CloseReviewCreate, RoundCreate, ScoreCreate, ScoreOutcome
from services import acts, rounds
from state.domain import Actor

router = APIRouter(tags=["rounds"], responses=documented(401, 403, 404, 409, 503))
RoundId = Annotated[str, Path(pattern=ROUND_ID_PATTERN)]
__all__ = ["CloseReviewCreate", "RoundCreate", "ScoreCreate", "ScoreOutcome", "router"]


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


@router.post("/applications/{application_id}/scores", response_model=ScoreOutcome, summary="A reviewer's scores (评分)")
async def score(
    application_id: ApplicationId, body: ScoreCreate, actor: LevelOwner, ctx: ServiceContext
) -> ScoreOutcome:
    done = await acts.score(
        ctx, actor, application_id, body.opinion, body.written, body.defence, body.field_inspection
    )  # the act is the application's (services.acts), which lets the round know
    return ScoreOutcome(id=application_id, state=done.state.value, allowed_acts=done.allowed_acts)
