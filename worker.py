"""The worker: runs every workflow and activity of biaogan. ``python worker.py`` (config from the environment)."""

import asyncio
import gc
import logging
import signal
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

import logs
from activities.announcement import AnnouncementActivities
from activities.calendar import CalendarActivities
from activities.corrections import CorrectionActivities
from activities.filing import FilingActivities
from activities.filing_delivery import FilingDeliveryActivities
from activities.notify import NotifyActivities
from activities.permanent import PermanentErrors
from activities.places import NoticeActivities, PlaceActivities
from activities.read_model import ReadModelActivities
from activities.record import RecordActivities
from activities.register import RegisterActivities
from activities.revocation import RevocationActivities
from activities.rounds import round_activities_for
from activities.sms import SmsActivities
from activities.standards import StandardsActivities
from activities.uploads import sweep_periodically
from clients.connection import connect, metrics_runtime
from clients.health import workflow_pollers
from config import Settings, get_settings
from db.programs import learn_type_labels
from db.schema import upgrade
from workflows.announcement import AnnouncementWorkflow
from workflows.application import ApplicationWorkflow
from workflows.filing import FilingDeadlineWorkflow
from workflows.filing_schedule import FilingYearWorkflow
from workflows.institution_claim import InstitutionClaimWorkflow
from workflows.quota import PeriodWorkflow, QuotaWorkflow
from workflows.receipt_text import ReceiptTextWorkflow
from workflows.revocation import RevocationWorkflow
from workflows.round import RoundWorkflow
from workflows.standards import CountyStandardsWorkflow

WORKFLOWS = [
    ApplicationWorkflow,
    FilingDeadlineWorkflow,
    FilingYearWorkflow,
    RoundWorkflow,
    QuotaWorkflow,
    PeriodWorkflow,
    CountyStandardsWorkflow,
    InstitutionClaimWorkflow,
    RevocationWorkflow,
    AnnouncementWorkflow,
    ReceiptTextWorkflow,
]
log = logging.getLogger("biaogan.worker")
# Modules imported once per worker and shared by every workflow instance, instead of imported again inside the
# sandbox for each instance. The domain, the contracts and the rules are deterministic and free of module state.
# So are the workflow modules themselves (constants only at module level): imported per instance they cost ~80 KiB
# of every cached workflow (fresh code, functions and classes). Passed through, the sandbox no longer checks
# their own calls (no clock, randomness or I/O outside ``workflow.*``); the golden-history replays
# (tests/test_replay.py) run them under the full default sandbox, nothing passed through, so such a call on any
# recorded branch still fails a test. README, Benchmarks (worker memory).
SANDBOX = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules(
        "state",
        "regions",
        "contracts",
        "activities",
        "db",
        "config",
        "logs",
        "clients",
        "workflows",
        "statemachine",
        "holidays",
        "pydantic",
        "sqlmodel",
        "sqlalchemy",
    )
)


def activities_for(client: Client, settings: Settings) -> list[Callable[..., Any]]:
    """Every activity of biaogan, bound to ``settings`` (the client: rounds reserve places through quotas)."""
    read_model = ReadModelActivities(settings.database_url)
    calendar = CalendarActivities(settings.calendar_overrides, settings.notice_working_days, settings.notice_end_hour)
    places = PlaceActivities(settings.database_url, client)
    notify = NotifyActivities(settings.database_url, settings.channels)
    record = RecordActivities(settings.database_url, settings.channels)
    filing = FilingActivities(settings.database_url, settings.filing)
    return [
        record.record_act,
        read_model.project,
        read_model.register_objection,
        read_model.find_related_applications,
        calendar.compute_notice_period,
        notify.notify,
        SmsActivities(settings.database_url, settings.channels).text_receipt,
        filing.compute_filing_plan,
        filing.record_filing_version,
        filing.project_filing_status,
        FilingDeliveryActivities(settings.database_url, settings.channels).deliver_filing,
        *round_activities_for(settings.database_url, client, settings.calendar_overrides),
        places.reserve_notice_place,
        NoticeActivities(places, calendar).open_notice,
        CorrectionActivities(settings.calendar_overrides, settings.corrections).compute_correction_window,
        StandardsActivities(settings.database_url).record_county_conditions,
        RegisterActivities(settings.database_url).draw_document_number,
        *revocation_activities(settings, client),
        *_announcement_activities(client, settings),
    ]


def revocation_activities(settings: Settings, client: Client) -> list[Callable[..., Any]]:
    revocation = RevocationActivities(settings, client)
    return [
        revocation.record_revocation,
        revocation.issue_decision,
        revocation.revoke_application,
        revocation.notify_institution,
    ]


def _announcement_activities(client: Client, settings: Settings) -> list[Callable[..., Any]]:
    batch = AnnouncementActivities(client, settings)
    return [
        batch.join_batch,
        batch.members,
        batch.announce_members,
        batch.render_announcement,
        batch.project_announcement,
    ]


def build_worker(client: Client, settings: Settings, executor: ThreadPoolExecutor, **options: Any) -> Worker:
    """The one assembly of the worker, used by ``main`` below, the tests and the benches alike. It keeps up to
    ``settings.worker_cache_size`` workflows in memory (``BIAOGAN_WORKER_CACHE_SIZE``; its cost: README, Operations)."""
    upgrade(settings.database_url)  # before the first activity runs
    learn_type_labels(settings.database_url)  # other programs' institution types (their documents name them)
    logs.quiet_refusals()  # a refusal is logged in one line, without the SDK's traceback
    interceptors = [PermanentErrors(), *options.pop("interceptors", ())]  # data errors are not retried
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=WORKFLOWS,
        activities=activities_for(client, settings),
        activity_executor=executor,
        workflow_runner=SANDBOX,
        interceptors=interceptors,
        **{"max_concurrent_activities": 16, "max_cached_workflows": settings.worker_cache_size, **options},
    )


async def serve_health(client: Client, settings: Settings, port: int) -> asyncio.Server:
    """The worker's own ``/healthz`` (the process answers) and ``/readyz`` (Temporal reachable, this task queue
    polled) on ``port``: a few lines of HTTP/1.0, no web framework in the worker."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = (await asyncio.wait_for(reader.readline(), 5)).decode("latin-1").split()
            path = request[1] if len(request) > 1 else "/"
            status, body = 404, "not found"
            if path == "/healthz":
                status, body = 200, "ok"
            elif path == "/readyz":
                try:
                    ready = await workflow_pollers(client, settings.task_queue) > 0
                    status, body = (200, "ready") if ready else (503, "no worker polls the task queue")
                except Exception as e:  # Temporal unreachable
                    status, body = 503, f"temporal unreachable: {type(e).__name__}"
            writer.write(f"HTTP/1.0 {status} X\r\nContent-Type: text/plain\r\n\r\n{body}\n".encode())
            await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(answer, settings.api_host, port)


async def main() -> None:
    settings = get_settings()
    logs.configure(settings.log_format)
    await _serve(settings)
    # The Temporal client and worker live in reference cycles (activities and handlers hold the client), so
    # _serve's return does not free them. Collected later, at interpreter shutdown, their native half is dropped
    # outside the event loop and can abort the process ("Fatal Python error: PyGILState_Release: thread state …
    # must be current when releasing", one Ctrl-C in a few). Collect them here, inside the loop.
    gc.collect()
    log.info("worker stopped")


async def _serve(settings: Settings) -> None:
    runtime = metrics_runtime(settings.worker_metrics_port) if settings.worker_metrics_port else None
    client = await connect(settings, runtime)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    health = await serve_health(client, settings, settings.worker_health_port) if settings.worker_health_port else None
    try:
        with ThreadPoolExecutor(max_workers=16) as executor:
            worker = build_worker(client, settings, executor)
            log.info(
                "worker on %s/%s queue %s", settings.temporal_address, settings.temporal_namespace, settings.task_queue
            )
            async with worker:
                sweep = asyncio.create_task(sweep_periodically(settings, stop))  # uploads: off the request path
                await stop.wait()
                log.info("shutting down: finishing running tasks")
                await sweep
    finally:
        if health is not None:
            health.close()
            await health.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())
