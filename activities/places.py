"""A place under the quota for an application going under notice (名额): every path to the notice holds one.

A round's selection reserves its chosen in one request (activities/rounds.py); an application published on its own
reserves its place here, through the period's QuotaWorkflow, before the notice starts. The period is the round's, or
else one whose years cover the day of publication and whose quota for the level and scope is set."""

import asyncio

from sqlmodel import Session, col, select
from temporalio import activity
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from contracts.quota import CITY_SCOPE, NoticePlace, PlaceHeld, Reserve
from contracts.refusals import RefusalKind, refusal_kind, refuse
from db.rounds import EvaluationRound, Period, QuotaChange
from db.session import get_engine
from state.domain import Level
from state.labels import LEVELS
from workflows.quota import QuotaWorkflow, quota_workflow_id


class PlaceActivities:
    def __init__(self, database_url: str, client: Client):
        self.database_url = database_url
        self.client = client

    def _period_for(self, r: NoticePlace, scope: str) -> str | None:
        """The round's period; else, of the periods covering the day, the latest-starting one whose quota for this
        level and scope is set (or, when none has one, the latest-starting, to be refused for want of a quota)."""
        with Session(get_engine(self.database_url)) as s:
            if r.round_id:
                held_by = s.get(EvaluationRound, r.round_id)
                if held_by is not None:
                    return held_by.period_id
            year = r.published_on.year
            covering = (
                select(Period)
                .where(Period.start_year <= year, Period.end_year >= year)
                .order_by(col(Period.start_year).desc(), col(Period.id))
            )
            with_quota = select(QuotaChange.period_id).where(
                QuotaChange.level == r.level.value, QuotaChange.scope == scope
            )
            period = s.exec(covering.where(col(Period.id).in_(with_quota))).first() or s.exec(covering).first()
            return period.id if period else None

    @activity.defn
    async def reserve_notice_place(self, r: NoticePlace) -> PlaceHeld:
        level = LEVELS[r.level]
        scope = CITY_SCOPE if r.level == Level.city else r.county
        period_id = await asyncio.to_thread(self._period_for, r, scope)
        if period_id is None:
            raise refuse(
                RefusalKind.invalid_input,
                f"没有覆盖{r.published_on.year}年的评定周期（规划期），无从核定{level}名额：公示前须由管理员设定规划期和名额"
                f" (no period covers {r.published_on})",
                field="published_on",
                rule="no_period_for_notice",
            )
        where = f"规划期 {period_id} {'' if r.level == Level.city else scope}{level}名额"
        handle = self.client.get_workflow_handle_for(QuotaWorkflow.run, quota_workflow_id(period_id, r.level))
        ask = Reserve(actor=r.actor, round_id=r.round_id, scope=scope, application_ids=[r.application_id])
        try:
            got = await handle.execute_update(QuotaWorkflow.reserve, ask, id=r.key)
        except RPCError as e:
            if e.status == RPCStatusCode.NOT_FOUND:
                raise refuse(
                    RefusalKind.invalid_input,
                    f"{where}尚未设定：公示前须由管理员设定名额 (no {r.level.value}-level quota in period {period_id})",
                    field="published_on",
                    rule="no_quota_for_notice",
                    period_id=period_id,
                ) from None
            raise
        except WorkflowUpdateFailedError as e:
            kind = refusal_kind(e.cause) if e.cause is not None else None
            if kind is None:
                raise
            assert isinstance(e.cause, ApplicationError)
            raise refuse(kind, e.cause.message, period_id=period_id) from None
        if r.application_id not in got.granted:
            raise refuse(
                RefusalKind.act_not_allowed,
                f"{where}已满：共 {got.total} 个，已用 {got.used_after} 个，没有剩余名额 "
                f"(quota full: total {got.total}, used {got.used_after})",
                rule="quota_full",
                period_id=period_id,
                scope=scope,
                total=got.total,
                used=got.used_after,
            )
        return PlaceHeld(period_id=period_id, scope=scope, total=got.total, used_after=got.used_after)
