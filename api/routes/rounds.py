"""Rounds (批次): create a round with its declaration window, read it, close its review (selection), read its
ranking; and the reviewers' scores on an application (the application's ``score`` act)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from api.access import acts_for, declarer_of, fetch_view, perform, require_separation
from api.deps import ApplicationId, CurrentUser, LevelOwner, SettingsDep, TemporalClient, role_in
from api.errors import documented
from contracts.application import ScoreAct, ViewRequest
from contracts.rounds import (
    CloseReview,
    RankingRequest,
    RankingTable,
    RoundPhase,
    RoundPlan,
    RoundWindow,
    ScoresRecorded,
    WindowRequest,
)
from db.queries.rounds import rounds_seen_by
from db.rounds import Period
from db.session import get_engine
from schemas.applications import ScoreCreate as ScoreCreate  # the score's body, shared with the pages
from schemas.fields import IsoDate, Moment, Name100, Text1000
from services.refusals import Refusal, from_temporal
from state.domain import Act, Actor, Level, Role
from state.labels import ROLES
from workflows.application import ApplicationWorkflow
from workflows.round import RoundWorkflow, round_workflow_id
from workflows.round_rules import plan_problems

router = APIRouter(tags=["rounds"], responses=documented(401, 403, 404, 409, 503))
RoundId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_\-]{1,60}$")]
# Who reads rounds (the README's access table): departments co-sign announcements and have no part in a round.
ROUND_READERS = (Role.county_bureau, Role.city_reviewer, Role.inspector, Role.supervisor, Role.admin)


def not_a_round_reader(actor: Actor) -> Refusal | None:
    if actor.role in ROUND_READERS:
        return None
    readers = "、".join(ROLES[r] for r in ROUND_READERS)
    return Refusal(403, f"评定批次仅供{readers}查看，{ROLES[actor.role]}无权查看", rule="round_readers")


async def _round_reader(actor: CurrentUser) -> Actor:
    if refused := not_a_round_reader(actor):
        raise refused
    return actor


RoundReader = Annotated[Actor, Depends(_round_reader)]
STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)  # finite numbers: JSON parsers read NaN and Infinity


class RoundCreate(BaseModel):
    model_config = STRICT
    round_id: str = Field(pattern=r"^[A-Za-z0-9_\-]{1,60}$", examples=["2027-city-1"])
    name: Name100 = Field(examples=["2027年度市级就业服务质量标杆机构评定"])
    level: Level
    period_id: str = Field(pattern=r"^[A-Za-z0-9_\-\u4e00-\u9fff]{1,40}$", description="a defined period's id")
    opens_at: Moment = Field(description="with its offset, e.g. 2027-03-01T09:00:00+08:00; 2000 to 2100")
    closes_at: Moment
    weights: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(
        max_length=10, description="written / defence / field_inspection -> weight; adding up to 1"
    )
    reminder_working_days: int = Field(default=3, ge=1, le=30)
    reviewers_required: int = Field(default=1, ge=1, le=50)


class CloseReviewCreate(BaseModel):
    model_config = STRICT
    reason: Text1000
    published_on: IsoDate | None = Field(
        default=None, description="the joint notice's publication day; today when empty"
    )


class ScoreOutcome(BaseModel):
    id: str
    state: str
    allowed_acts: list[Act]


def _may_own(actor: Actor, level: Level, county: str | None) -> str | None:
    if level == Level.city and actor.role != Role.city_reviewer:
        return "city-level rounds are run by role 'city_reviewer'"
    if level == Level.county and (actor.role != Role.county_bureau or actor.county != county):
        return f"this county-level round is run by {county}'s county bureau"
    return None


def _may_see(actor: Actor, row_level: str, owner_county: str | None) -> bool:
    return actor.county is None or row_level == Level.city.value or owner_county == actor.county


async def _window(client: Client, round_id: str) -> RoundWindow:
    try:
        return await client.get_workflow_handle(round_workflow_id(round_id)).query(
            RoundWorkflow.window, WindowRequest()
        )
    except RPCError as e:
        raise from_temporal(e, f"round {round_id!r}") from None


@router.post(
    "/rounds",
    status_code=201,
    response_model=RoundWindow,
    summary="Create a round and its declaration window",
)
async def create_round(
    body: RoundCreate, actor: LevelOwner, client: TemporalClient, settings: SettingsDep
) -> RoundWindow:
    owner = actor.county if body.level == Level.county else None
    why = _may_own(actor, body.level, owner)
    if why:
        raise Refusal(403, why)
    plan = RoundPlan(
        round_id=body.round_id,
        name=body.name,
        level=body.level,
        period_id=body.period_id,
        opens_at=body.opens_at,
        closes_at=body.closes_at,
        weights=body.weights,
        created_by=actor,
        owner_county=owner,
        reminder_working_days=body.reminder_working_days,
        reviewers_required=body.reviewers_required,
    )
    problems = plan_problems(plan)
    if problems:
        raise Refusal(422, "; ".join(problems), field="body", rule="round_plan")

    def period_known() -> bool:
        with Session(get_engine(settings.database_url)) as s:
            return s.get(Period, body.period_id) is not None

    if not await run_in_threadpool(period_known):
        raise Refusal(
            422,
            f"period {body.period_id!r} is not defined",
            field="period_id",
            rule="unknown_period",
        )
    try:
        await client.start_workflow(
            RoundWorkflow.run,
            plan,
            id=round_workflow_id(plan.round_id),
            task_queue=settings.task_queue,
        )
    except WorkflowAlreadyStartedError:
        raise Refusal(409, f"round {plan.round_id!r} already exists") from None
    return await _window(client, plan.round_id)


@router.get(
    "/rounds",
    summary="Rounds (a county's callers see the city's rounds and their own county's)",
)
async def list_rounds(actor: RoundReader, settings: SettingsDep) -> list[dict[str, Any]]:
    def rows() -> list[dict[str, Any]]:
        with Session(get_engine(settings.database_url)) as s:
            return [r.model_dump() for r in rounds_seen_by(s, actor.county)]

    return await run_in_threadpool(rows)


@router.get(
    "/rounds/{round_id}",
    response_model=RoundWindow,
    summary="A round's window and phase",
)
async def get_round(round_id: RoundId, actor: RoundReader, client: TemporalClient) -> RoundWindow:
    w = await _window(client, round_id)
    if not _may_see(actor, w.level.value, w.owner_county):
        raise Refusal(404, f"round {round_id!r} not found")
    return w


@router.post(
    "/rounds/{round_id}/review-closure",
    response_model=RankingTable,
    summary="Close the review: rank, reserve places, decide",
)
async def close_review(
    round_id: RoundId,
    body: CloseReviewCreate,
    actor: LevelOwner,
    client: TemporalClient,
) -> RankingTable:
    w = await _window(client, round_id)
    if not _may_see(actor, w.level.value, w.owner_county):  # another county's round: as if it did not exist
        raise Refusal(404, f"round {round_id!r} not found")
    why = _may_own(actor, w.level, w.owner_county)
    if why:
        raise Refusal(403, why)
    if w.phase != RoundPhase.reviewing:  # a round that has selected has ended and takes no update
        raise Refusal(
            409,
            f"the review can be closed only while the round is reviewing; it is {w.phase.value}",
            state=w.phase.value,
        )
    act = CloseReview(actor=actor, reason=body.reason, published_on=body.published_on)
    try:
        return await client.get_workflow_handle(round_workflow_id(round_id)).execute_update(
            RoundWorkflow.close_review, act
        )
    except (WorkflowUpdateFailedError, RPCError) as e:
        raise from_temporal(e, f"round {round_id!r}") from None


RankingReader = Annotated[
    Actor,
    Depends(
        role_in(
            Role.city_reviewer,
            Role.county_bureau,
            Role.supervisor,
            Role.inspector,
            Role.admin,
        )
    ),
]


@router.get(
    "/rounds/{round_id}/ranking",
    response_model=RankingTable,
    summary="The ranking table (reviewers, supervisors)",
)
async def ranking(round_id: RoundId, actor: RankingReader, client: TemporalClient) -> RankingTable:
    w = await _window(client, round_id)
    if actor.role == Role.county_bureau and (w.level != Level.county or w.owner_county != actor.county):
        raise Refusal(404, f"round {round_id!r} not found")
    return await client.get_workflow_handle(round_workflow_id(round_id)).query(RoundWorkflow.ranking, RankingRequest())


@router.post(
    "/applications/{application_id}/scores",
    response_model=ScoreOutcome,
    summary="A reviewer's scores (评分)",
)
async def score(
    application_id: ApplicationId,
    body: ScoreCreate,
    actor: LevelOwner,
    client: TemporalClient,
    settings: SettingsDep,
) -> ScoreOutcome:
    before = await fetch_view(client, application_id, actor)
    require_separation(Act.score, actor, before)
    act = ScoreAct(
        actor=actor,
        opinion=body.opinion,
        written=body.written,
        defence=body.defence,
        field_inspection=body.field_inspection,
    )
    place, result = await perform(
        client,
        settings.database_url,
        application_id,
        actor,
        Act.score,
        lambda h: h.execute_update(ApplicationWorkflow.score, act),
    )
    view = await client.get_workflow_handle(f"application-{application_id}").query(
        ApplicationWorkflow.view, ViewRequest()
    )
    if view.round_id:  # let the round look whether every candidate now has its scores
        try:
            await client.get_workflow_handle(round_workflow_id(view.round_id)).signal(
                RoundWorkflow.scores_recorded, ScoresRecorded(application_id)
            )
        except RPCError:
            pass  # a round that has ended (or never existed) needs no nudge
    allowed = acts_for(actor, result.allowed_acts, place.level, place.county, declarer_of(before))
    return ScoreOutcome(id=application_id, state=result.state.value, allowed_acts=allowed)
