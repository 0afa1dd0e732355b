"""RoundWorkflow: one evaluation round (批次), id ``round-<round_id>``.

It opens and closes the declaration window on durable timers, reminds the counties that have not declared
N working days before the window closes, and drives the competitive selection (择优): when every candidate
has its scores, or the owner closes the review, it ranks the candidates, reserves places from the period's
quota (QuotaWorkflow), passes the chosen and starts one joint notice for them, and fails the rest with their
rank. The ranking table is kept here and exposed as a query.
"""

import asyncio
from datetime import date, datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

from contracts.refusals import RefusalKind, refuse
from state.clock import SHANGHAI

with workflow.unsafe.imports_passed_through():
    from activities.rounds import RoundActivities
    from contracts.quota import CITY_SCOPE, Reserve
    from contracts.rounds import (
        CandidateRequest,
        Candidates,
        CloseReview,
        Decision,
        MissingScore,
        PanelRequest,
        PanelView,
        RankingRequest,
        RankingRow,
        RankingTable,
        Recusal,
        RecusalRecord,
        RecuseAct,
        ReminderRequest,
        ReminderSend,
        RoundOutcome,
        RoundPhase,
        RoundPlan,
        RoundRecord,
        RoundReserve,
        RoundWindow,
        ScoresRecorded,
        WindowRequest,
    )
    from contracts.rules import RULES
    from contracts.rules import engine as rules
    from state.domain import Actor, Level, Role
    from state.labels import ROLES, ROUND_PHASES
    from state.ranking import Ranked
    from workflows.announcement import start_for_round
    from workflows.round_rules import check_recusal, opinion, panel_opinion, plan_problems, ranked_for

ACTIVITY_TIMEOUT = timedelta(seconds=60)
# Patch: the selection forms its batch (批次公布, workflows/announcement.py); older histories formed none.
ROUND_FORMS_ITS_BATCH = "round-forms-its-batch"
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))


def round_workflow_id(round_id: str) -> str:
    return f"round-{round_id}"


class SelectionFailed(Exception):
    pass


@workflow.defn
class RoundWorkflow:
    """Updates: close_review (the owner ends the review; answers the final ranking), recuse (a panel member's
    回避). Signal: scores_recorded (look again whether every candidate has its scores). Queries: window, ranking,
    panel."""

    @workflow.init
    def __init__(self, plan: RoundPlan) -> None:
        self._plan = plan
        self._phase = RoundPhase.scheduled
        self._close: CloseReview | None = None
        self._nudged = False
        self._attempts = 0
        self._reminded: list[str] = []
        self._recusals: list[Recusal] = []
        self._table = RankingTable(round_id=plan.round_id, phase=self._phase, final=False, rows=[])

    @workflow.run
    async def run(self, plan: RoundPlan) -> RoundOutcome:
        problems = [{"field": f, "rule": code, "message": RULES[code].say()} for code, f in plan_problems(plan)]
        if problems:
            summary = "；".join(dict.fromkeys(p["message"] for p in problems))
            raise refuse(RefusalKind.invalid_input, rules.ROUND_PLAN_INVALID, summary=summary, problems=problems)
        await self._enter(RoundPhase.scheduled)
        await self._sleep_until(plan.opens_at)
        await self._enter(RoundPhase.open)
        await self._remind()
        await self._sleep_until(plan.closes_at)
        await self._enter(RoundPhase.reviewing)
        while self._phase != RoundPhase.selected:
            actor, reason, published_on = await self._await_end_of_review()
            try:
                await self._select(actor, reason, published_on)
            except SelectionFailed as e:
                self._table.problem = str(e)
                self._close = None
                self._attempts += 1
                await self._enter(RoundPhase.reviewing)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return RoundOutcome(round_id=plan.round_id, ranking=self.ranking(RankingRequest()))

    # ---- timers ----------------------------------------------------------------------------------
    async def _sleep_until(self, moment: datetime) -> None:
        remaining = moment - workflow.now()
        if remaining > timedelta(0):
            await workflow.sleep(remaining)

    async def _remind(self) -> None:
        """Remind once, N working days before the close; the day is recomputed on waking (calendar changes)."""
        plan = self._plan
        while workflow.now() < plan.closes_at:
            when = await workflow.execute_activity_method(
                RoundActivities.plan_reminder,
                ReminderRequest(closes_at=plan.closes_at, working_days=plan.reminder_working_days),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=RETRY,
            )
            if when.remind_at > workflow.now():
                await self._sleep_until(min(when.remind_at, plan.closes_at))
                continue
            sent = await workflow.execute_activity_method(
                RoundActivities.remind_undeclared,
                ReminderSend(
                    plan.round_id,
                    plan.name,
                    plan.level,
                    plan.owner_county,
                    plan.closes_at,
                    workflow.now(),
                ),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=RETRY,
            )
            self._reminded = sent.counties
            return

    async def _await_end_of_review(self) -> tuple[Actor, str, date | None]:
        """Until the owner closes the review, or every candidate has its scores (checked on each nudge and
        every ``check_every_minutes``)."""
        plan = self._plan
        while True:
            if self._close is None:
                found = await self._gather()
                ranked = self._rank(found)
                self._table = self._tabulate(ranked, found, final=False)
                if self._close is None and ranked and all(r.complete for r in ranked):
                    return plan.created_by, "全部候选人评分完毕，自动择优", None
            if self._close is not None:
                return (
                    self._close.actor,
                    self._close.reason.strip(),
                    self._close.published_on,
                )
            try:
                await workflow.wait_condition(
                    lambda: self._close is not None or self._nudged,
                    timeout=timedelta(minutes=plan.check_every_minutes),
                )
            except TimeoutError:
                pass
            self._nudged = False

    # ---- selection -------------------------------------------------------------------------------
    async def _select(self, actor: Actor, reason: str, published_on: date | None) -> None:
        plan = self._plan
        await self._enter(RoundPhase.selecting)
        found = await self._gather()
        ranked = self._rank(found)
        scope = CITY_SCOPE if plan.level == Level.city else plan.owner_county or ""
        reserve = Reserve(
            actor=actor,
            round_id=plan.round_id,
            scope=scope,
            application_ids=[r.candidate.application_id for r in ranked if r.selectable],
        )
        try:
            reservation = await workflow.execute_activity_method(
                RoundActivities.reserve_for_round,
                RoundReserve(
                    period_id=plan.period_id,
                    level=plan.level,
                    round_id=plan.round_id,
                    reserve=reserve,
                ),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=RETRY,
            )
        except ActivityError as e:
            raise SelectionFailed(_message(e)) from None
        granted = set(reservation.granted)
        published = published_on or workflow.now().astimezone(SHANGHAI).date()
        m, k = len(ranked), reservation.available
        chinese = workflow.patched("round-opinion-chinese")  # the note is recorded: older histories keep theirs
        names = {p.user_id: p.name for p in plan.panel}
        decisions = [
            Decision(
                round_id=plan.round_id,
                application_id=r.candidate.application_id,
                level=plan.level,
                chosen=r.candidate.application_id in granted,
                opinion=panel_opinion(
                    plan.name,
                    r,
                    m,
                    k,
                    r.candidate.application_id in granted,
                    actor,
                    reason,
                    "、".join(names.get(u, u) for u in r.missing),
                )
                if chinese
                else opinion(
                    plan.round_id,
                    r,
                    m,
                    k,
                    r.candidate.application_id in granted,
                    actor,
                    reason,
                ),
                published_on=published,
                actor=actor,
            )
            for r in ranked
        ]
        try:
            applied = await asyncio.gather(
                *(
                    workflow.execute_activity_method(
                        RoundActivities.apply_decision,
                        d,
                        start_to_close_timeout=ACTIVITY_TIMEOUT,
                        retry_policy=RETRY,
                    )
                    for d in decisions
                )
            )
        except ActivityError as e:
            raise SelectionFailed(_message(e)) from None
        if granted and workflow.patched(ROUND_FORMS_ITS_BATCH):
            chosen = [r.candidate.application_id for r in ranked if r.candidate.application_id in granted]
            await start_for_round(plan.round_id, plan.level, plan.owner_county, chosen, actor)
        table = self._tabulate(ranked, found, final=True)
        states = {a.application_id: a.state.value for a in applied}
        for row in table.rows:
            row.chosen = row.application_id in granted
            row.state = states.get(row.application_id, "")
        table.quota_total, table.places_available = reservation.total, k
        table.published_on = published if granted else None
        table.decided_by, table.decided_at, table.reason = actor, workflow.now(), reason
        self._table = table
        await self._enter(RoundPhase.selected)

    async def _gather(self) -> Candidates:
        return await workflow.execute_activity_method(
            RoundActivities.gather_candidates,
            CandidateRequest(round_id=self._plan.round_id, level=self._plan.level),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )

    def _tabulate(self, ranked: list[Ranked], found: Candidates, final: bool) -> RankingTable:
        rows = [
            RankingRow(
                rank=r.rank,
                application_id=r.candidate.application_id,
                institution_name=r.candidate.institution_name,
                county=r.candidate.county,
                weighted_score=round(float(r.score), 4),
                weighted_score_exact=str(r.score),
                means={k: (round(float(v), 4) if v is not None else None) for k, v in r.means.items()},
                reviewers=len(r.candidate.sheets),
                complete=r.complete,
                honours=r.candidate.honours,
                declared_at=r.candidate.declared_at,
                tie_broken_by=r.tie_broken_by,
                counted=r.counted,
                required=r.required,
                selectable=r.selectable,
                marks=r.marks,
            )
            for r in ranked
        ]
        names = {p.user_id: p.name for p in self._plan.panel}
        return RankingTable(
            round_id=self._plan.round_id,
            phase=self._phase,
            final=final,
            rows=rows,
            not_ranked=list(found.not_ranked),
            problem=self._table.problem,
            recusals=list(self._recusals),
            missing=[
                MissingScore(u, names.get(u, u), r.candidate.application_id, r.candidate.institution_name)
                for r in ranked
                for u in r.missing
            ],
        )

    def _rank(self, found: Candidates) -> list[Ranked]:
        return ranked_for(self._plan, found.candidates, self._recusals)

    async def _enter(self, phase: RoundPhase) -> None:
        self._phase = phase
        self._table.phase = phase
        p = self._plan
        await workflow.execute_activity_method(
            RoundActivities.record_round,
            RoundRecord(
                round_id=p.round_id,
                name=p.name,
                level=p.level,
                period_id=p.period_id,
                owner_county=p.owner_county,
                opens_at=p.opens_at,
                closes_at=p.closes_at,
                phase=phase.value,
                weights=dict(p.weights),
                created_by=p.created_by.user_id,
                at=workflow.now(),
                panel=list(p.panel),
            ),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )

    # ---- messages --------------------------------------------------------------------------------
    @workflow.update
    async def close_review(self, act: CloseReview) -> RankingTable:
        self._check_close(act)
        attempts = self._attempts
        self._close = act
        self._table.problem = ""
        await workflow.wait_condition(lambda: self._phase == RoundPhase.selected or self._attempts > attempts)
        if self._phase != RoundPhase.selected:
            raise refuse(RefusalKind.invalid_input, rules.SELECTION_FAILED, problem=self._table.problem)
        return self.ranking(RankingRequest())

    @close_review.validator
    def _validate_close_review(self, act: CloseReview) -> None:
        self._check_close(act)
        self._check_publication_day(act)

    @workflow.signal
    def scores_recorded(self, _: ScoresRecorded) -> None:
        self._nudged = True

    @workflow.update
    async def recuse(self, act: RecuseAct) -> PanelView:
        """回避: a member leaves one candidate's review (the service has checked they have not scored it)."""
        self._check_recusal(act)
        recusal = Recusal(act.actor.user_id, act.actor.name, act.application_id, act.reason.strip(), workflow.now())
        self._recusals.append(recusal)
        self._nudged = True  # the candidate may now have every score it needs
        await workflow.execute_activity_method(
            RoundActivities.record_recusal,
            RecusalRecord(self._plan.round_id, recusal),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
        return self.panel(PanelRequest())

    @recuse.validator
    def _validate_recuse(self, act: RecuseAct) -> None:
        self._check_recusal(act)

    @workflow.query
    def panel(self, _: PanelRequest) -> PanelView:
        p = self._plan
        return PanelView(list(p.panel), p.panel_min, list(self._recusals), dict(p.weights))

    def _check_recusal(self, act: RecuseAct) -> None:
        closing = self._phase in (RoundPhase.selecting, RoundPhase.selected) or self._close is not None
        check_recusal(self._plan, self._recusals, act, closing, self._phase.value)

    @workflow.query
    def window(self, _: WindowRequest) -> RoundWindow:
        p = self._plan
        return RoundWindow(
            p.round_id,
            p.name,
            p.level,
            p.owner_county,
            p.opens_at,
            p.closes_at,
            self._phase,
        )

    @workflow.query
    def ranking(self, _: RankingRequest) -> RankingTable:
        return self._table

    @workflow.query
    def reminded(self, _: WindowRequest) -> list[str]:
        return list(self._reminded)

    def _check_close(self, act: CloseReview) -> None:
        p = self._plan
        if p.level == Level.city and act.actor.role != Role.city_reviewer:
            raise refuse(
                RefusalKind.forbidden,
                rules.ROUND_CLOSED_BY_CITY,
                role=act.actor.role.value,
                role_label=ROLES[act.actor.role],
            )
        if p.level == Level.county and (act.actor.role != Role.county_bureau or act.actor.county != p.owner_county):
            raise refuse(RefusalKind.forbidden, rules.ROUND_CLOSED_BY_COUNTY, owner_county=p.owner_county)
        if not act.reason.strip():
            raise refuse(RefusalKind.invalid_input, rules.ACT_TEXT_REQUIRED, field="reason", field_label="理由")
        today = workflow.now().astimezone(SHANGHAI).date()
        if act.published_on and act.published_on > today:
            raise refuse(
                RefusalKind.invalid_input,
                rules.NOTICE_NOT_IN_FUTURE,
                field="published_on",
                published_on=act.published_on.isoformat(),
                today=today.isoformat(),
            )
        if self._phase != RoundPhase.reviewing or self._close is not None:
            raise refuse(
                RefusalKind.act_not_allowed,
                rules.ROUND_NOT_REVIEWING,
                state=self._phase.value,
                phase_label=ROUND_PHASES[self._phase.value],
                closing="（正在结束评审）" if self._close is not None else "",
            )

    @staticmethod
    def _check_publication_day(act: CloseReview) -> None:
        """The selection is today, so its notice is not earlier (validator only: closures recorded before the rule
        still replay)."""
        today = workflow.now().astimezone(SHANGHAI).date()
        if act.published_on and act.published_on < today:
            raise refuse(
                RefusalKind.invalid_input,
                rules.NOTICE_NOT_BEFORE_REVIEW,
                field="published_on",
                published_on=act.published_on.isoformat(),
                reviewed_on=today.isoformat(),
            )


def _message(e: ActivityError) -> str:
    return e.cause.message if isinstance(e.cause, ApplicationError) else str(e)
