"""The yearly filing Schedule, created or updated idempotently by ``biaogan up``."""

from datetime import datetime, timedelta

from temporalio.client import (
    Client,
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
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from config import FilingSettings, Settings
from contracts.filing import FilingYearStart
from state.calendar import TZ
from workflows.filing_schedule import SCHEDULE_ID, FilingYearWorkflow


async def ensure_filing_schedule(
    client: Client, settings: Settings, filing: FilingSettings | None = None, schedule_id: str = SCHEDULE_ID
) -> str:
    """Create or update the yearly schedule (idempotent), and open the current year if it is in its window.
    ``settings``: config.Settings (task queue); ``filing``: activities.filing.FilingSettings (else from the
    environment). Returns the schedule id."""
    filing = filing or settings.filing
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
