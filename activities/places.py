"""A place under the quota for an application going under notice (名额): every path to the notice holds one.

A round's selection reserves its chosen in one request (activities/rounds.py); an application published on its own
reserves its place here, through the period's QuotaWorkflow, before the notice starts. The period is the round's, or
else one whose years cover the day of publication and whose quota for the level and scope is set.

Publications that arrive while a reservation for the same quota (and scope, round and actor) is on its way wait and
go together in the next one: the quota's workflow serves reservations one at a time and the server admits at most
10 updates in flight per workflow, so one update per publication made many publications at once queue, be refused
and wait out retry backoff (issue 10). Granted in the order they arrived, as before."""

import asyncio
import hashlib
from dataclasses import dataclass

from sqlmodel import Session, col, select
from temporalio import activity
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from activities.calendar import CalendarActivities
from contracts.application import NoticePeriodRequest, NoticeWindow
from contracts.quota import CITY_SCOPE, NoticePlace, PlaceHeld, Reservation, Reserve
from contracts.refusals import RefusalKind, refusal_kind, refuse
from contracts.rules import engine as rules
from db.rounds import EvaluationRound, Period, QuotaChange
from db.session import get_engine
from state.domain import Level
from state.labels import LEVELS
from workflows.quota import QuotaWorkflow, quota_workflow_id

BATCH_MOST = 50  # applications in one reservation
Group = tuple[object, ...]  # the quota's workflow, the scope, the round and the actor


@dataclass
class _Waiting:
    application_id: str
    key: str
    answer: asyncio.Future[Reservation]


# A fresh install publishes nothing until an admin has set a period and its quotas (the admin's 工作台 lists the
# steps): the clerk is told so, as what it is (not an input mistake), with a stable rule (no_period_for_notice,
# no_quota_for_notice).


def _no_quota(r: NoticePlace, period_id: str) -> Exception:
    which = "市级名额" if r.level == Level.city else f"{r.county}县级名额"
    return refuse(RefusalKind.act_not_allowed, rules.NO_QUOTA_FOR_NOTICE, which=which, period_id=period_id)


class PlaceActivities:
    def __init__(self, database_url: str, client: Client):
        self.database_url = database_url
        self.client = client
        self._waiting: dict[Group, list[_Waiting]] = {}
        self._senders: dict[Group, asyncio.Task[None]] = {}

    async def _reserve(self, workflow_id: str, ask: Reserve, key: str) -> Reservation:
        """``ask`` (one application) sent with whatever else waits for the same quota, scope, round and actor."""
        a = ask.actor
        group: Group = (workflow_id, ask.scope, ask.round_id, a.user_id, a.name, a.role, a.county, a.department)
        answer: asyncio.Future[Reservation] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(group, []).append(_Waiting(ask.application_ids[0], key, answer))
        if group not in self._senders:
            self._senders[group] = asyncio.create_task(self._send(group, workflow_id, ask))
        return await answer

    async def _send(self, group: Group, workflow_id: str, ask: Reserve) -> None:
        handle = self.client.get_workflow_handle_for(QuotaWorkflow.run, workflow_id)
        try:
            while waiting := self._waiting.pop(group, []):
                alive = [w for w in waiting if not w.answer.done()]
                batch, rest = alive[:BATCH_MOST], alive[BATCH_MOST:]
                if rest:
                    self._waiting[group] = rest + self._waiting.get(group, [])
                if not batch:
                    continue
                # The same id for the same publications, so a repeated request is answered from the first.
                keys = sorted(w.key for w in batch)
                update_id = (
                    keys[0] if len(keys) == 1 else "places-" + hashlib.sha256("\n".join(keys).encode()).hexdigest()
                )
                together = Reserve(ask.actor, ask.round_id, ask.scope, [w.application_id for w in batch])
                try:
                    got = await handle.execute_update(QuotaWorkflow.reserve, together, id=update_id)
                except Exception as e:
                    for w in batch:
                        if not w.answer.done():
                            w.answer.set_exception(e)
                else:
                    for w in batch:
                        if not w.answer.done():
                            w.answer.set_result(got)
        finally:
            del self._senders[group]

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
                RefusalKind.act_not_allowed, rules.NO_PERIOD_FOR_NOTICE, year=r.published_on.year, level_label=level
            )
        where = f"规划期 {period_id} {'' if r.level == Level.city else scope}{level}名额"
        ask = Reserve(actor=r.actor, round_id=r.round_id, scope=scope, application_ids=[r.application_id])
        try:
            got = await self._reserve(quota_workflow_id(period_id, r.level), ask, r.key)
        except RPCError as e:
            if e.status == RPCStatusCode.NOT_FOUND:
                raise _no_quota(r, period_id) from None
            raise
        except WorkflowUpdateFailedError as e:
            kind = refusal_kind(e.cause) if e.cause is not None else None
            if kind is None:
                raise
            assert isinstance(e.cause, ApplicationError)
            given = e.cause.details[0] if e.cause.details and isinstance(e.cause.details[0], dict) else {}
            if kind == RefusalKind.invalid_input and given.get("field") == "scope":  # this county has no quota
                raise _no_quota(r, period_id) from None
            raise refuse(kind, e.cause.message, **{**given, "period_id": period_id}) from None
        if r.application_id not in got.granted:
            raise refuse(
                RefusalKind.act_not_allowed,
                rules.QUOTA_FULL,
                where=where,
                period_id=period_id,
                scope=scope,
                total=got.total,
                used=got.used_after,
            )
        return PlaceHeld(period_id=period_id, scope=scope, total=got.total, used_after=got.used_after)


class NoticeActivities:
    """A notice opened in one activity: its place held under the quota, then its days computed from the calendar
    (read here, as it can change after the fact)."""

    def __init__(self, places: PlaceActivities, calendar: CalendarActivities):
        self.places = places
        self.calendar = calendar

    @activity.defn
    async def open_notice(self, place: NoticePlace) -> NoticeWindow:
        if not place.uncapped:
            await self.places.reserve_notice_place(place)
        request = NoticePeriodRequest(place.published_on, place.working_days, place.ends_at_hour)
        return await asyncio.to_thread(self.calendar.compute_notice_period, request)
