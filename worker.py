"""The worker: runs every workflow and activity of biaogan. ``python worker.py`` (config from the environment)."""

import asyncio
import logging
import signal
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker

from activities.calendar import CalendarActivities
from activities.filing import FilingActivities
from activities.notify import NotifyActivities
from activities.read_model import ReadModelActivities
from activities.rounds import round_activities_for
from clients.connection import connect
from config import Settings, get_settings
from db.schema import upgrade
from workflows.application import ApplicationWorkflow
from workflows.filing import FilingDeadlineWorkflow
from workflows.filing_schedule import FilingYearWorkflow
from workflows.quota import PeriodWorkflow, QuotaWorkflow
from workflows.round import RoundWorkflow

WORKFLOWS = [
    ApplicationWorkflow,
    FilingDeadlineWorkflow,
    FilingYearWorkflow,
    RoundWorkflow,
    QuotaWorkflow,
    PeriodWorkflow,
]
log = logging.getLogger("biaogan.worker")


def activities_for(client: Client, settings: Settings) -> list[Callable[..., Any]]:
    """Every activity of biaogan, bound to ``settings`` (the client: rounds reserve places through quotas)."""
    read_model = ReadModelActivities(settings.database_url)
    calendar = CalendarActivities(settings.calendar_overrides, settings.notice_working_days, settings.notice_end_hour)
    notify = NotifyActivities(settings.database_url, settings.channels)
    filing = FilingActivities(settings.database_url, settings.filing)
    return [
        read_model.project,
        read_model.register_objection,
        read_model.find_related_applications,
        calendar.compute_notice_period,
        notify.notify,
        filing.compute_filing_plan,
        filing.record_filing_version,
        filing.project_filing_status,
        *round_activities_for(settings.database_url, client, settings.calendar_overrides),
    ]


def build_worker(client: Client, settings: Settings, executor: ThreadPoolExecutor, **options: Any) -> Worker:
    """The one assembly of the worker, used by ``main`` below, the tests and the benches alike."""
    upgrade(settings.database_url)  # before the first activity runs
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=WORKFLOWS,
        activities=activities_for(client, settings),
        activity_executor=executor,
        **{"max_concurrent_activities": 16, **options},
    )


async def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    client = await connect(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    with ThreadPoolExecutor(max_workers=16) as executor:
        worker = build_worker(client, settings, executor)
        log.info(
            "worker on %s/%s queue %s", settings.temporal_address, settings.temporal_namespace, settings.task_queue
        )
        async with worker:
            await stop.wait()
            log.info("shutting down: finishing running tasks")
    log.info("worker stopped")


if __name__ == "__main__":
    asyncio.run(main())
