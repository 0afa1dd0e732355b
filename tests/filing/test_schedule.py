"""The yearly schedule on the dev server: created idempotently, it opens every county's filing for the year
(at once when created inside the year's window), and a later run leaves the open ones alone."""

import asyncio
from datetime import datetime

from temporalio.client import ScheduleRange, WorkflowExecutionStatus

from clients.filing import ensure_filing_schedule
from config import FilingSettings
from contracts.filing import filing_workflow_id
from state.calendar import TZ
from state.domain import COUNTIES
from tests.conftest import settings_for, unique
from tests.filing.conftest import FilingWorker
from workflows.filing_schedule import FilingYearWorkflow


async def test_the_schedule_opens_each_countys_filing_once(dev_env, sqlite_url):
    client = dev_env.client
    settings = settings_for(sqlite_url, unique("sched"))
    prefix = unique("f")
    # A window covering the whole year: ensure_filing_schedule opens this year at once, whatever today is.
    whole_year = FilingSettings(filing_workflow_prefix=prefix, filing_schedule_start="01-01", filing_deadline="12-31")
    schedule_id = unique("filing-yearly")
    year = datetime.now(TZ).year
    expected = sorted(filing_workflow_id(c, year, prefix) for c in COUNTIES)
    async with FilingWorker(client, settings, whole_year):
        try:
            assert await ensure_filing_schedule(client, settings, whole_year, schedule_id) == schedule_id
            opened = await client.get_workflow_handle_for(FilingYearWorkflow.run, f"{prefix}-year-{year}").result()
            assert (opened.year, sorted(opened.started), opened.already_running) == (year, expected, [])
            for workflow_id in expected:
                described = await client.get_workflow_handle(workflow_id).describe()
                assert (
                    described.status == WorkflowExecutionStatus.RUNNING
                    and described.workflow_type == "FilingDeadlineWorkflow"
                )

            schedule = client.get_schedule_handle(schedule_id)
            spec = (await schedule.describe()).schedule.spec
            assert spec.time_zone_name == "Asia/Shanghai"
            assert (spec.calendars[0].month, spec.calendars[0].day_of_month) == (
                (ScheduleRange(1),),
                (ScheduleRange(1),),
            )

            november = FilingSettings(
                filing_workflow_prefix=prefix, filing_schedule_start="11-01", filing_deadline="12-31"
            )
            await ensure_filing_schedule(client, settings, november, schedule_id)  # again: updated, not duplicated
            spec = (await schedule.describe()).schedule.spec
            assert (spec.calendars[0].month, spec.calendars[0].day_of_month) == (
                (ScheduleRange(11),),
                (ScheduleRange(1),),
            )

            await schedule.trigger()  # the schedule's own run, as on 1 November
            for _ in range(200):
                actions = (await schedule.describe()).info.recent_actions
                if actions:
                    break
                await asyncio.sleep(0.05)
            assert len(actions) == 1
            rerun = await client.get_workflow_handle_for(FilingYearWorkflow.run, actions[0].action.workflow_id).result()
            assert (rerun.year, rerun.started, sorted(rerun.already_running)) == (year, [], expected)
        finally:
            await client.get_schedule_handle(schedule_id).delete()
            for workflow_id in expected:
                try:
                    await client.get_workflow_handle(workflow_id).terminate("test over")
                except Exception:  # noqa: BLE001 - one that never started has nothing to end
                    pass
