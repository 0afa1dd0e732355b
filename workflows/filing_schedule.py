"""The yearly Temporal Schedule that opens every county's filing, and the small workflow it starts.

``ensure_filing_schedule`` (called by ``biaogan up``) creates the schedule, or brings an existing one in
line with the configuration; it also opens the current year at once when it runs between the start date
and the deadline (a service deployed on 26 November still chases this year's filings).
"""

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

from state.clock import SHANGHAI

with workflow.unsafe.imports_passed_through():
    from contracts.filing import FilingStart, FilingYearOutcome, FilingYearStart, filing_workflow_id
    from state.domain import COUNTIES
    from workflows.filing import FilingDeadlineWorkflow

SCHEDULE_ID = "filing-yearly"


@workflow.defn
class FilingYearWorkflow:
    """Starts ``FilingDeadlineWorkflow`` for every county of the year; one already started (on demand, or
    by an earlier run) is left as it is. The children outlive this workflow (ParentClosePolicy.ABANDON)."""

    @workflow.run
    async def run(self, start: FilingYearStart) -> FilingYearOutcome:
        year = start.year or workflow.now().astimezone(SHANGHAI).year
        started: list[str] = []
        existing: list[str] = []
        for county in COUNTIES:
            workflow_id = filing_workflow_id(county, year, start.prefix)
            try:
                await workflow.start_child_workflow(
                    FilingDeadlineWorkflow.run,
                    FilingStart(county=county, year=year, started_by=workflow.info().workflow_id),
                    id=workflow_id,
                    parent_close_policy=ParentClosePolicy.ABANDON,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                )
                started.append(workflow_id)
            except WorkflowAlreadyStartedError:
                existing.append(workflow_id)
        return FilingYearOutcome(year=year, started=started, already_running=existing)


async def ensure_filing_schedule(client, settings, filing=None, schedule_id: str = SCHEDULE_ID) -> str:
    """Create or update the yearly schedule (idempotent), and open the current year if it is in its window.
    ``settings``: config.Settings (task queue); ``filing``: activities.filing.FilingSettings (else from the
    environment). Returns the schedule id."""
    from temporalio.client import (
        Schedule,
        ScheduleActionStartWorkflow,
        ScheduleAlreadyRunningError,
        ScheduleCalendarSpec,
        ScheduleOverlapPolicy,
        SchedulePolicy,
        ScheduleRange,
        ScheduleSpec,
        ScheduleState,
        ScheduleUpdate,
    )

    from activities.filing import FilingSettings
    from state.calendar import TZ

    filing = filing or FilingSettings()
    month, day = filing.schedule_start()
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            FilingYearWorkflow.run,
            FilingYearStart(prefix=filing.filing_workflow_prefix),
            id=f"{filing.filing_workflow_prefix}-year",
            task_queue=settings.task_queue,
        ),
        spec=ScheduleSpec(
            calendars=[
                ScheduleCalendarSpec(
                    month=[ScheduleRange(month)],
                    day_of_month=[ScheduleRange(day)],
                    hour=[ScheduleRange(0)],
                    minute=[ScheduleRange(0)],
                    second=[ScheduleRange(0)],
                    comment=f"{month:02d}-{day:02d} 00:00 Asia/Shanghai: open the year's filing",
                )
            ],
            time_zone_name="Asia/Shanghai",
        ),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=timedelta(days=7)),
        state=ScheduleState(note="县级标杆机构评定结果年度备案：每年开启各县区备案流程"),
    )
    try:
        await client.create_schedule(schedule_id, schedule)
    except ScheduleAlreadyRunningError:
        await client.get_schedule_handle(schedule_id).update(lambda _: ScheduleUpdate(schedule=schedule))
    today = datetime.now(TZ).date()
    if today.replace(month=month, day=day) <= today <= filing.deadline_day(today.year):
        try:
            await client.start_workflow(
                FilingYearWorkflow.run,
                FilingYearStart(year=today.year, prefix=filing.filing_workflow_prefix),
                id=f"{filing.filing_workflow_prefix}-year-{today.year}",
                task_queue=settings.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            )
        except WorkflowAlreadyStartedError:
            pass  # this year was opened before
    return schedule_id
