"""FilingDeadlineWorkflow: one county's yearly filing (备案) of its county-level results with the province and the city
(评定结果报省、市备案): each recorded version is delivered to both, and each delivery recorded.

Reminders to the county bureau on durable timers at working-day offsets before the deadline; after the
deadline, unfiled, escalations to the city every N working days until the county files. The county files
the content generated from the records (update ``file``, once); a correction is a new recorded version
(update ``correct``). The workflow stays open for corrections until ``FilingPlan.corrections_until``.
"""

import asyncio
from datetime import date, datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from contracts.refusals import RefusalKind, refuse
from state.clock import SHANGHAI

with workflow.unsafe.imports_passed_through():
    from activities.filing import FilingActivities
    from activities.filing_delivery import FilingDeliveryActivities
    from activities.notify import NotifyActivities
    from contracts.filing import (
        FILED,
        CorrectAct,
        DeliveryRequest,
        FileAct,
        FilingOutcome,
        FilingPlan,
        FilingResult,
        FilingStart,
        FilingState,
        FilingStatusView,
        PlanRequest,
        RecordRequest,
        ReminderSlot,
        ReplanRequest,
        SentNotice,
        StatusProjection,
        StatusRequest,
        VersionSummary,
    )
    from contracts.notify import Message, NotifyRequest, Recipient
    from contracts.rules import engine as rules
    from state.domain import COUNTIES, Actor, Role

ACTIVITY_TIMEOUT = timedelta(seconds=60)
# A recorded version goes to the province and the city (评定结果报省、市备案) through one activity that records each
# addressee's delivery; workflows that recorded a version before this told only the county and the city.
FILED_WITH_PROVINCE_AND_CITY = "filing-to-province-and-city"
RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), backoff_coefficient=2.0, maximum_interval=timedelta(minutes=2)
)


def _local(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


@workflow.defn
class FilingDeadlineWorkflow:
    """Updates: file, correct (county bureau of the county). Signal: replan. Query: status."""

    @workflow.init
    def __init__(self, start: FilingStart) -> None:
        self._start = start
        self._plan: FilingPlan | None = None
        self._state = FilingState.open
        self._versions: list[VersionSummary] = []
        self._notices: list[SentNotice] = []
        self._done_offsets: set[int] = set()
        self._escalations = 0
        self._last_escalation: date | None = None
        self._replan = False
        self._lock = asyncio.Lock()
        self._seq = 0

    # ---- run -------------------------------------------------------------------------------------
    @workflow.run
    async def run(self, start: FilingStart) -> FilingOutcome:
        if start.county not in COUNTIES:
            raise refuse(RefusalKind.invalid_input, rules.UNKNOWN_COUNTY, field="county", county=start.county)
        self._plan = await self._compute_plan()
        async with self._lock:
            await self._project()
        await self._remind()
        async with self._lock:
            if not self._filed():
                self._state = FilingState.overdue
                await self._project()
        await self._escalate()
        remaining = self._plan.corrections_until - workflow.now()
        if remaining > timedelta(0):
            await workflow.sleep(remaining)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return FilingOutcome(county=start.county, year=start.year, state=self._state, versions=len(self._versions))

    async def _remind(self) -> None:
        """Until filed or the deadline: at each reminder's time, remind the county bureau."""
        while not self._filed():
            plan = self._current_plan()
            now = workflow.now()
            if now >= plan.deadline_at:
                return
            due = [r for r in plan.reminders if r.offset not in self._done_offsets and r.at <= now]
            if due:
                if not plan.confirmed and await self._refresh_plan():
                    continue  # the dates rested on an unconfirmed calendar and moved: look again
                async with self._lock:
                    if self._filed():
                        return
                    await self._send_reminders(due)
                continue
            upcoming = [r.at for r in plan.reminders if r.offset not in self._done_offsets and r.at > now]
            await self._sleep_until(min([*upcoming, plan.deadline_at]))

    async def _escalate(self) -> None:
        """Until filed: at each escalation's time, tell the city (and the county) the filing is overdue."""
        while not self._filed():
            plan = self._current_plan()
            if plan.next_escalation_at > workflow.now():
                await self._sleep_until(plan.next_escalation_at)
                continue
            if not plan.confirmed and await self._refresh_plan():
                continue
            async with self._lock:
                if self._filed():
                    return
                self._escalations += 1
                self._last_escalation = self._today()
                self._notices.append(
                    SentNotice("escalation", self._escalations, plan.next_escalation_at, workflow.now())
                )
                await self._notify(
                    "filing_escalation",
                    f"escalation:{self._escalations}",
                    [Recipient(Role.city_reviewer, None), Recipient(Role.county_bureau, self._start.county)],
                    days_late=str(plan.next_escalation_days_late),
                    count=str(self._escalations),
                )
                await self._project()
            self._plan = await self._compute_plan()

    async def _sleep_until(self, moment: datetime) -> None:
        """A durable timer that a filing or a replan request cuts short."""
        remaining = moment - workflow.now()
        if remaining > timedelta(0):
            try:
                await workflow.wait_condition(lambda: self._filed() or self._replan, timeout=remaining)
            except TimeoutError:
                pass
        if self._replan and not self._filed():
            self._replan = False
            await self._refresh_plan()

    async def _refresh_plan(self) -> bool:
        """Recompute the plan on the calendar as loaded now; True when any date moved."""
        old, new = self._current_plan(), await self._compute_plan()
        self._plan = new
        moved = (old.reminders, old.next_escalation_at) != (new.reminders, new.next_escalation_at)
        if moved or old.confirmed != new.confirmed:
            workflow.logger.info("filing plan recomputed (confirmed=%s, moved=%s)", new.confirmed, moved)
            async with self._lock:
                await self._project()
        return moved

    async def _send_reminders(self, due: list[ReminderSlot]) -> None:
        """Several due at once (started late, or two offsets on one day): only the nearest the deadline."""
        latest = min(due, key=lambda r: r.offset)
        for r in due:
            self._done_offsets.add(r.offset)
            self._notices.append(SentNotice("reminder", r.offset, r.at, workflow.now(), skipped=r is not latest))
        remaining = "今天是截止前最后一个工作日。" if latest.offset == 0 else f"距截止还有{latest.offset}个工作日。"
        await self._notify(
            "filing_reminder",
            f"reminder:{latest.offset}",
            [Recipient(Role.county_bureau, self._start.county)],
            remaining=remaining,
        )
        await self._project()

    # ---- updates ---------------------------------------------------------------------------------
    @workflow.update
    async def file(self, act: FileAct) -> FilingResult:
        filed_at = workflow.now()
        await workflow.wait_condition(lambda: self._plan is not None)
        async with self._lock:
            self._check_file(act)
            return await self._record("filing", act.actor, act.digest, filed_at, "", act.note)

    @file.validator
    def _validate_file(self, act: FileAct) -> None:
        self._check_file(act)

    @workflow.update
    async def correct(self, act: CorrectAct) -> FilingResult:
        filed_at = workflow.now()
        await workflow.wait_condition(lambda: self._plan is not None)
        async with self._lock:
            self._check_correct(act)
            return await self._record("correction", act.actor, act.digest, filed_at, act.reason.strip(), act.note)

    @correct.validator
    def _validate_correct(self, act: CorrectAct) -> None:
        self._check_correct(act)

    # ---- signal and query ------------------------------------------------------------------------
    @workflow.signal
    def replan(self, request: ReplanRequest) -> None:
        if not self._filed():
            self._replan = True

    @workflow.query
    def status(self, request: StatusRequest) -> FilingStatusView:
        plan, last = self._plan, self._versions[0] if self._versions else None
        return FilingStatusView(
            county=self._start.county,
            year=self._start.year,
            state=self._state,
            deadline_day=plan.deadline_day if plan else None,
            deadline_at=plan.deadline_at if plan else None,
            plan_confirmed=plan.confirmed if plan else False,
            reminders=list(plan.reminders) if plan else [],
            next_escalation_at=plan.next_escalation_at if plan and self._state == FilingState.overdue else None,
            notices=list(self._notices),
            versions=list(self._versions),
            filed_at=last.filed_at if last else None,
            working_days_late=last.working_days_late if last else None,
        )

    # ---- rules -----------------------------------------------------------------------------------
    def _check_actor(self, actor: Actor) -> None:
        county = self._start.county
        if actor.role != Role.county_bureau or actor.county != county:
            raise refuse(RefusalKind.forbidden, rules.FILING_BY_OWN_COUNTY, county=county)

    def _check_file(self, act: FileAct) -> None:
        self._check_actor(act.actor)
        if self._versions:
            first = self._versions[0]
            raise refuse(
                RefusalKind.act_not_allowed,
                rules.FILING_ALREADY_FILED,
                state=self._state.value,
                county=self._start.county,
                year=self._start.year,
                filed_at=_local(first.filed_at),
                version=len(self._versions),
            )
        if not act.digest.strip():
            raise refuse(RefusalKind.invalid_input, rules.FILING_DIGEST_REQUIRED, field="digest")

    def _check_correct(self, act: CorrectAct) -> None:
        self._check_actor(act.actor)
        if not self._versions:
            raise refuse(RefusalKind.act_not_allowed, rules.FILING_NOTHING_FILED, state=self._state.value)
        if not act.reason.strip():
            raise refuse(RefusalKind.invalid_input, rules.FILING_CORRECTION_REASON, field="reason")
        if not act.digest.strip():
            raise refuse(RefusalKind.invalid_input, rules.FILING_DIGEST_REQUIRED, field="digest")

    # ---- effects ---------------------------------------------------------------------------------
    async def _record(
        self, kind: str, actor: Actor, digest: str, filed_at: datetime, reason: str, note: str
    ) -> FilingResult:
        plan = self._current_plan()
        recorded = await workflow.execute_activity_method(
            FilingActivities.record_filing_version,
            RecordRequest(
                county=self._start.county,
                year=self._start.year,
                version=len(self._versions) + 1,
                kind=kind,
                actor=actor,
                filed_at=filed_at,
                deadline_day=plan.deadline_day,
                deadline_at=plan.deadline_at,
                expected_digest=digest.strip(),
                reason=reason,
                note=note,
            ),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
        if recorded.digest_mismatch:
            raise refuse(
                RefusalKind.act_not_allowed,
                rules.FILING_DRAFT_CHANGED,
                digest=recorded.digest,
            )
        self._versions.append(
            VersionSummary(
                version=recorded.version,
                kind=kind,
                filed_at=recorded.filed_at,
                actor=actor,
                reason=reason,
                on_time=recorded.on_time,
                working_days_late=recorded.working_days_late,
                digest=recorded.digest,
                entries=len(recorded.entries),
            )
        )
        first = self._versions[0]
        self._state = FilingState.filed_on_time if first.on_time else FilingState.filed_late
        timeliness = "按时报送" if first.on_time else f"逾期{first.working_days_late}个工作日"
        if workflow.patched(FILED_WITH_PROVINCE_AND_CITY):
            delivered = await workflow.execute_activity_method(
                FilingDeliveryActivities.deliver_filing,
                DeliveryRequest(
                    county=self._start.county,
                    year=self._start.year,
                    version=recorded.version,
                    kind=kind,
                    workflow_id=workflow.info().workflow_id,
                    filed_at=recorded.filed_at,
                    deadline_day=plan.deadline_day,
                    deadline_at=plan.deadline_at,
                    timeliness=timeliness,
                    reason=reason,
                ),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=RETRY,
            )
            self._versions[-1].deliveries = delivered.addressees
        else:  # recorded before the province was an addressee: the county and the city were told, as here
            await self._notify(
                "filing_recorded" if kind == "filing" else "filing_corrected",
                f"version:{recorded.version}",
                [Recipient(Role.county_bureau, self._start.county), Recipient(Role.city_reviewer, None)],
                filed_at=_local(recorded.filed_at),
                version=str(recorded.version),
                entries=str(len(recorded.entries)),
                timeliness=timeliness,
                reason=reason,
            )
        await self._project()
        return FilingResult(
            county=self._start.county,
            year=self._start.year,
            version=recorded.version,
            state=self._state,
            on_time=recorded.on_time,
            working_days_late=recorded.working_days_late,
            digest=recorded.digest,
            entries=len(recorded.entries),
        )

    async def _notify(self, template: str, suffix: str, to: list[Recipient], **params: str) -> None:
        plan, start = self._current_plan(), self._start
        message = Message(
            key=f"{workflow.info().workflow_id}:{suffix}",  # unique per filing: its workflow id
            template=template,
            recipients=to,
            params={
                "county": start.county,
                "year": str(start.year),
                "deadline": f"{plan.deadline_day:%Y年%m月%d日}24时",
                **params,
            },
            link_path=f"/filings/{start.county}/{start.year}",  # the county's filing page
            subject_id=workflow.info().workflow_id,
            deadline=plan.deadline_at,
        )
        await workflow.execute_activity_method(
            NotifyActivities.notify,
            NotifyRequest(message=message),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )

    async def _project(self) -> None:
        plan, first = self._current_plan(), self._versions[0] if self._versions else None
        self._seq += 1
        await workflow.execute_activity_method(
            FilingActivities.project_filing_status,
            StatusProjection(
                county=self._start.county,
                year=self._start.year,
                workflow_id=workflow.info().workflow_id,
                deadline_day=plan.deadline_day,
                deadline_at=plan.deadline_at,
                state=self._state,
                filed_at=first.filed_at if first else None,
                working_days_late=first.working_days_late if first else None,
                current_version=len(self._versions),
                reminders_sent=sum(1 for n in self._notices if n.kind == "reminder" and not n.skipped),
                escalations_sent=self._escalations,
                plan_confirmed=plan.confirmed,
                seq=self._seq,
                at=workflow.now(),
            ),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )

    async def _compute_plan(self) -> FilingPlan:
        return await workflow.execute_activity_method(
            FilingActivities.compute_filing_plan,
            PlanRequest(county=self._start.county, year=self._start.year, escalation_after=self._last_escalation),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )

    def _current_plan(self) -> FilingPlan:
        assert self._plan is not None
        return self._plan

    def _filed(self) -> bool:
        return self._state in FILED

    def _today(self) -> date:
        return workflow.now().astimezone(SHANGHAI).date()
