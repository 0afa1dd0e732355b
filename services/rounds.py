"""Rounds (批次): opening one with its declaration window, reading it, closing its review (selection), its ranking,
and telling a round that a candidate has new scores. Under both api/routes/rounds.py and web/routes/rounds.py."""

from datetime import date
from typing import Any

from fastapi.concurrency import run_in_threadpool
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from contracts.application import ViewRequest
from contracts.rounds import (
    CloseReview,
    PanelView,
    RankingRequest,
    RankingTable,
    RoundPhase,
    RoundPlan,
    RoundWindow,
    ScoresRecorded,
    WindowRequest,
)
from contracts.rules import RULES
from contracts.rules import administration as rules
from contracts.rules import panel as panel_rules
from db.queries.rounds import rounds_seen_by
from db.rounds import EvaluationRound, Period
from schemas.rounds import RoundCreate
from services import panel
from services.access import fetch_view
from services.context import Context
from services.refusals import Refusal, from_temporal
from state.domain import Actor, Level, Role
from state.labels import ROLES, ROUND_PHASES
from workflows.application import ApplicationWorkflow
from workflows.round import RoundWorkflow, round_workflow_id
from workflows.round_rules import plan_problems

# Who reads rounds (the README's access table): departments co-sign announcements and have no part in a round.
ROUND_READERS = (Role.county_bureau, Role.city_reviewer, Role.inspector, Role.supervisor, Role.admin)
RANKING_READERS = (Role.city_reviewer, Role.county_bureau, Role.supervisor, Role.inspector, Role.admin)


def not_a_round_reader(actor: Actor) -> Refusal | None:
    if actor.role in ROUND_READERS:
        return None
    readers = "、".join(ROLES[r] for r in ROUND_READERS)
    return Refusal(403, rules.ROUND_READERS, readers=readers, role=ROLES[actor.role])


def admit_reader(actor: Actor) -> Actor:
    if refused := not_a_round_reader(actor):
        raise refused
    return actor


def not_the_owner(actor: Actor, level: Level, county: str | None) -> Refusal | None:
    """Why ``actor`` may not open or run a round of ``level`` (of ``county``); None when they may."""
    if level == Level.city and actor.role != Role.city_reviewer:
        return Refusal(403, rules.CITY_ROUND_OWNER)
    if level == Level.county and (actor.role != Role.county_bureau or actor.county != county):
        return Refusal(403, rules.COUNTY_ROUND_OWNER, county=county)
    return None


def may_see(actor: Actor, level: Level, owner_county: str | None) -> bool:
    return actor.county is None or level == Level.city or owner_county == actor.county


def _not_found(round_id: str) -> Refusal:
    return Refusal(404, rules.ROUND_NOT_FOUND, round_id=round_id)


def plan_refusal(problems: list[tuple[str, str]]) -> Refusal:
    """The plan check's problems (rule code, field) as one 422: each problem's rule, field and Chinese words."""
    said = [{"field": f, "rule": code, "message": RULES[code].say()} for code, f in problems]
    listed = "；".join(dict.fromkeys(p["message"] for p in said))
    return Refusal(422, rules.ROUND_PLAN, listed=listed, field=said[0]["field"], problems=said)


async def window(client: Client, round_id: str) -> RoundWindow:
    try:
        return await client.get_workflow_handle(round_workflow_id(round_id)).query(
            RoundWorkflow.window, WindowRequest()
        )
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            raise _not_found(round_id) from None
        raise from_temporal(e, f"round {round_id!r}") from None


async def create_round(actor: Actor, ctx: Context, body: RoundCreate) -> RoundWindow:
    owner = actor.county if body.level == Level.county else None
    if refused := not_the_owner(actor, body.level, owner):
        raise refused
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
        panel_min=body.panel_min,
    )
    problems = plan_problems(plan)
    if problems:
        raise plan_refusal(problems)

    def period_known() -> bool:
        with ctx.session() as s:
            return s.get(Period, body.period_id) is not None

    if not await run_in_threadpool(period_known):
        raise Refusal(422, rules.UNKNOWN_PERIOD, period_id=body.period_id, field="period_id")
    plan.panel = await run_in_threadpool(panel.check_panel, ctx, body.panel, body.panel_min, body.level, owner)
    try:
        await ctx.client.start_workflow(
            RoundWorkflow.run, plan, id=round_workflow_id(plan.round_id), task_queue=ctx.settings.task_queue
        )
    except WorkflowAlreadyStartedError:
        raise Refusal(409, rules.ROUND_EXISTS, round_id=plan.round_id, field="round_id") from None
    return await window(ctx.client, plan.round_id)


async def list_rounds(actor: Actor, ctx: Context) -> list[dict[str, Any]]:
    """The rounds ``actor`` sees: a county's callers the city's and their own county's."""
    admit_reader(actor)

    def rows() -> list[dict[str, Any]]:
        with ctx.session() as s:
            return [r.model_dump() for r in rounds_seen_by(s, actor.county)]

    return await run_in_threadpool(rows)


async def get_round(actor: Actor, ctx: Context, round_id: str) -> RoundWindow:
    admit_reader(actor)
    w = await window(ctx.client, round_id)
    if not may_see(actor, w.level, w.owner_county):
        raise _not_found(round_id)
    return w


async def close_review(
    actor: Actor, ctx: Context, round_id: str, reason: str, published_on: date | None
) -> RankingTable:
    """Close the review: rank, reserve places within the quota, decide (by the round's owner, while reviewing)."""
    w = await window(ctx.client, round_id)
    if not may_see(actor, w.level, w.owner_county):  # another county's round: as if it did not exist
        raise _not_found(round_id)
    if refused := not_the_owner(actor, w.level, w.owner_county):
        raise refused
    if w.phase != RoundPhase.reviewing:  # a round that has selected has ended and takes no update
        phase = w.phase.value
        said = ROUND_PHASES.get(phase, phase)
        raise Refusal(409, rules.borrowed("round_not_reviewing"), phase_label=said, closing="", state=phase)
    act = CloseReview(actor=actor, reason=reason, published_on=published_on)
    try:
        return await ctx.client.get_workflow_handle(round_workflow_id(round_id)).execute_update(
            RoundWorkflow.close_review, act
        )
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            raise _not_found(round_id) from None
        raise from_temporal(e, f"round {round_id!r}") from None
    except WorkflowUpdateFailedError as e:
        raise from_temporal(e, f"round {round_id!r}") from None


async def ranking(actor: Actor, ctx: Context, round_id: str) -> RankingTable:
    """The ranking table: the city's reviewers, supervisors and inspectors any round; a county bureau its own."""
    w = await window(ctx.client, round_id)
    if actor.role == Role.county_bureau and (w.level != Level.county or w.owner_county != actor.county):
        raise _not_found(round_id)
    return await ranking_table(ctx, round_id)


async def ranking_table(ctx: Context, round_id: str) -> RankingTable:
    table: RankingTable = await ctx.client.get_workflow_handle(round_workflow_id(round_id)).query(
        RoundWorkflow.ranking, RankingRequest()
    )
    return table


def not_found(round_id: str) -> Refusal:
    return _not_found(round_id)


async def scores_recorded(ctx: Context, application_id: str) -> None:
    """After a score: let the candidate's round look whether every candidate now has its scores."""
    view = await ctx.client.get_workflow_handle(f"application-{application_id}").query(
        ApplicationWorkflow.view, ViewRequest()
    )
    if not view.round_id:
        return
    try:
        await ctx.client.get_workflow_handle(round_workflow_id(view.round_id)).signal(
            RoundWorkflow.scores_recorded, ScoresRecorded(application_id)
        )
    except RPCError:
        pass  # a round that has ended (or never existed) needs no nudge


def record(ctx: Context, round_id: str) -> tuple[EvaluationRound | None, str]:
    """The round as recorded, and the name of its period (评定周期)."""
    with ctx.session() as s:
        found = s.get(EvaluationRound, round_id)
        period = s.get(Period, found.period_id) if found else None
        return found, (f"{period.name}（{period.start_year}—{period.end_year}年）" if period else "")


async def recuse(actor: Actor, ctx: Context, round_id: str, application_id: str, reason: str) -> PanelView:
    """A panel member's recusal from one candidate (回避)."""
    w = await window(ctx.client, round_id)
    if not may_see(actor, w.level, w.owner_county):
        raise _not_found(round_id)
    if w.phase in (RoundPhase.selecting, RoundPhase.selected):  # a round that has selected takes no update
        raise Refusal(409, panel_rules.RECUSAL_NOT_REVIEWING, state=w.phase.value)
    view = await fetch_view(ctx, application_id, actor)
    return await panel.recuse(ctx, actor, view, round_id, reason)


async def panel_view(actor: Actor, ctx: Context, round_id: str) -> PanelView:
    """The panel, its recusals (readers of the round and its members)."""
    w = await window(ctx.client, round_id)
    found = await panel.panel_of(ctx, round_id)
    member = actor.user_id in {m.user_id for m in found.members}
    if not member and (not_a_round_reader(actor) or not may_see(actor, w.level, w.owner_county)):
        raise _not_found(round_id)
    return found
