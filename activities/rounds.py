"""RoundWorkflow's activities: the round's read-model row, reminders, candidates, places and decisions.

Activities that act on other workflows hold a Temporal client. Each act they perform carries a stable update
id (``round-<round>-select-<application>``, ``round-<round>-publicize-<application>``) so a retry is
deduplicated by the server, and an act that turns out to have happened already counts as done.
"""

import logging
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select
from temporalio import activity
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from contracts.application import PublicizeAct, ReviewAct, ViewRequest
from contracts.quota import Reservation
from contracts.refusals import RefusalKind, details_of, refusal_kind, refuse
from contracts.rounds import (
    CandidateRequest,
    Candidates,
    Decision,
    DecisionApplied,
    RecusalRecord,
    Reminded,
    ReminderPlan,
    ReminderRequest,
    ReminderSend,
    RoundRecord,
    RoundReserve,
)
from contracts.rules import engine as rules
from db import models
from db.panel import PanelMember, PanelRecusal
from db.rounds import EvaluationRound
from db.session import get_engine, insert_ignore
from state.calendar import TZ, WorkingDayCalendar
from state.domain import COUNTIES, Level, Role, Stage
from state.labels import LEVELS
from state.ranking import Candidate
from workflows.application import ApplicationWorkflow, workflow_id_for
from workflows.quota import QuotaWorkflow, quota_workflow_id

log = logging.getLogger(__name__)

REMIND_AT = time(9)  # reminders go out at 09:00 Asia/Shanghai on their working day
REVIEW_STAGE = {Level.city: Stage.county_reviewed, Level.county: Stage.declared}
PASSED_STAGE = {Level.city: Stage.city_reviewed, Level.county: Stage.county_reviewed}


def _local(moment: datetime) -> str:
    return moment.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def _kind_of(e: WorkflowUpdateFailedError) -> RefusalKind | None:
    return refusal_kind(e.cause) if e.cause is not None else None


def _unless_done(e: WorkflowUpdateFailedError, d: "Decision") -> None:
    """An act refused because the procedure moved past it is done; any other refusal stops the selection."""
    kind = _kind_of(e)
    if kind == RefusalKind.act_not_allowed:
        return
    if kind is not None:
        assert isinstance(e.cause, ApplicationError)
        given = details_of(e.cause)
        raise refuse(
            kind,
            rules.ROUND_DECISION_REFUSED,
            application_id=d.application_id,
            reason=e.cause.message,
            cause_rule=given.get("rule"),
        ) from None
    raise e


class RoundActivities:
    def __init__(self, database_url: str, client: Client, calendar_overrides: Path | None = None):
        self.database_url = database_url
        self.client = client
        self.calendar_overrides = calendar_overrides

    # ---- database ------------------------------------------------------------------------------
    @activity.defn
    def record_round(self, r: RoundRecord) -> None:
        values = {
            "name": r.name,
            "level": r.level.value,
            "period_id": r.period_id,
            "owner_county": r.owner_county,
            "opens_at": r.opens_at,
            "closes_at": r.closes_at,
            "phase": r.phase,
            "weights": dict(r.weights),
            "created_by": r.created_by,
            "updated_at": r.at,
        }
        with Session(get_engine(self.database_url)) as s:
            if not insert_ignore(s, EvaluationRound, {"id": r.round_id, **values}, ["id"]):
                s.exec(update(EvaluationRound).where(col(EvaluationRound.id) == r.round_id).values(**values))
            for m in r.panel:
                member = {"round_id": r.round_id, "user_id": m.user_id, "name": m.name}
                insert_ignore(s, PanelMember, member, ["round_id", "user_id"])
            s.commit()

    @activity.defn
    def record_recusal(self, r: RecusalRecord) -> None:
        """A member's recusal (回避), for the to-do list; once per member and candidate."""
        x = r.recusal
        row = {"round_id": r.round_id, "user_id": x.member_id, "application_id": x.application_id}
        with Session(get_engine(self.database_url)) as s:
            insert_ignore(s, PanelRecusal, {**row, "reason": x.reason, "at": x.at}, list(row))
            s.commit()

    @activity.defn
    def plan_reminder(self, r: ReminderRequest) -> ReminderPlan:
        """09:00 on the working day ``working_days`` working days before the day the window closes."""
        calendar = WorkingDayCalendar.from_file(self.calendar_overrides)
        close_day = r.closes_at.astimezone(TZ).date()
        day = calendar.add_working_days(close_day, -r.working_days)
        return ReminderPlan(
            remind_at=datetime.combine(day, REMIND_AT, tzinfo=TZ),
            confirmed=calendar.span_confirmed(day, close_day),
        )

    @activity.defn
    def remind_undeclared(self, r: ReminderSend) -> Reminded:
        """An inbox row for each county bureau that has not declared in the round yet (once per round and county)."""
        counties = [r.owner_county] if r.level == Level.county and r.owner_county else list(COUNTIES)
        with Session(get_engine(self.database_url)) as s:
            declared = set(
                s.exec(select(models.Application.county).where(models.Application.round_id == r.round_id)).all()
            )
            missing = [c for c in counties if c not in declared]
            written = 0
            for county in missing:
                written += insert_ignore(
                    s,
                    models.Notification,
                    {
                        "key": f"round-{r.round_id}-remind-{county}",
                        "application_id": f"round-{r.round_id}",
                        "recipient_role": Role.county_bureau,
                        "recipient_county": county,
                        "subject": f"【申报提醒】{r.name}申报窗口即将截止",
                        "body": f"{county}人力资源社会保障局：{r.name}（批次 {r.round_id}）申报将于{_local(r.closes_at)}"
                        f"（北京时间）截止，贵县区尚未申报。请会同发展改革、民政部门按时申报。",
                        "created_at": r.at,
                    },
                    ["key"],
                )
            s.commit()
        return Reminded(counties=missing, written=written)

    # ---- other workflows -----------------------------------------------------------------------
    @activity.defn
    async def gather_candidates(self, r: CandidateRequest) -> Candidates:
        """The round's applications at the review stage, with every reviewer's marks from their ``view``."""
        with Session(get_engine(self.database_url)) as s:
            rows = s.exec(
                select(
                    models.Application.id,
                    models.Application.state,
                    models.Application.declared_at,
                ).where(models.Application.round_id == r.round_id)
            ).all()
        out, waiting = [], []
        for app_id, state, declared_at in sorted(rows):
            if state != REVIEW_STAGE[r.level]:
                if state == Stage.declared:  # city level: the county has not passed it on to the city yet
                    waiting.append(app_id)
                continue
            view = await self.client.get_workflow_handle(workflow_id_for(app_id)).query(
                ApplicationWorkflow.view, ViewRequest()
            )
            if view.state != REVIEW_STAGE[r.level]:
                continue  # moved on since it was projected
            sheets = [
                {
                    "written": x.written,
                    "defence": x.defence,
                    "field_inspection": x.field_inspection,
                }
                for x in view.scores
            ]
            out.append(
                Candidate(
                    application_id=app_id,
                    institution_name=view.institution.name,
                    county=view.county,
                    declared_at=declared_at if declared_at.tzinfo else declared_at.replace(tzinfo=UTC),
                    honours=view.institution.city_or_higher_honours,
                    sheets=sheets,
                    reviewers=[x.reviewer.user_id for x in view.scores],
                )
            )
        return Candidates(candidates=out, not_ranked=waiting)

    @activity.defn
    async def reserve_for_round(self, r: RoundReserve) -> Reservation:
        handle = self.client.get_workflow_handle(quota_workflow_id(r.period_id, r.level))
        try:
            return await handle.execute_update(QuotaWorkflow.reserve, r.reserve, id=f"round-{r.round_id}-reserve")
        except RPCError as e:
            if e.status == RPCStatusCode.NOT_FOUND:
                raise refuse(
                    RefusalKind.invalid_input, rules.ROUND_NO_QUOTA, period_id=r.period_id, level_label=LEVELS[r.level]
                ) from None
            raise
        except WorkflowUpdateFailedError as e:
            kind = _kind_of(e)
            if kind is not None:
                assert isinstance(e.cause, ApplicationError)
                raise refuse(kind, e.cause.message, **details_of(e.cause)) from None
            raise

    @activity.defn
    async def apply_decision(self, d: Decision) -> DecisionApplied:
        """Pass or fail the review (with rank and reason); the chosen then go under the joint notice."""
        handle = self.client.get_workflow_handle(workflow_id_for(d.application_id))

        async def state() -> Stage:
            return (await handle.query(ApplicationWorkflow.view, ViewRequest())).state

        review = ApplicationWorkflow.city_review if d.level == Level.city else ApplicationWorkflow.county_review
        if await state() == REVIEW_STAGE[d.level]:
            try:
                await handle.execute_update(
                    review,
                    ReviewAct(actor=d.actor, passed=d.chosen, opinion=d.opinion, round_id=d.round_id),
                    id=f"round-{d.round_id}-select-{d.application_id}",
                )
            except WorkflowUpdateFailedError as e:
                _unless_done(e, d)  # not allowed because it already happened: fine
        now = await state()
        if d.chosen and now == PASSED_STAGE[d.level]:
            try:
                await handle.execute_update(
                    ApplicationWorkflow.publicize,
                    PublicizeAct(
                        actor=d.actor,
                        published_on=d.published_on,
                        reason=f"批次 {d.round_id} 择优结果联合公示",
                    ),
                    id=f"round-{d.round_id}-publicize-{d.application_id}",
                )
            except WorkflowUpdateFailedError as e:
                _unless_done(e, d)
            now = await state()
        log.info(
            "round %s: %s %s -> %s",
            d.round_id,
            d.application_id,
            "chosen" if d.chosen else "not chosen",
            now.value,
        )
        return DecisionApplied(application_id=d.application_id, state=now)


def round_activities_for(database_url: str, client: Client, calendar_overrides: Path | None = None) -> list[Any]:
    """Every activity of rounds, quotas and periods, for the worker's ``activities`` list."""
    from activities.quota import QuotaActivities

    quota = QuotaActivities(database_url)
    rounds = RoundActivities(database_url, client, calendar_overrides)
    return [
        quota.record_quota_change,
        quota.record_period_change,
        quota.reserve_places,
        quota.release_place,
        rounds.record_round,
        rounds.record_recusal,
        rounds.plan_reminder,
        rounds.remind_undeclared,
        rounds.gather_candidates,
        rounds.reserve_for_round,
        rounds.apply_decision,
    ]
