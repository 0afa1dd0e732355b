"""Benchmark: N applications through the whole lifecycle, against a bare workflow doing the same number of
activities and updates, in one run on one in-process dev server.

    .venv/bin/python bench/pipeline.py                  # n=200, 20 at a time
    .venv/bin/python bench/pipeline.py -n 50 --concurrency 10

Lifecycle per application: declare (start) -> county review -> city review -> publicize (back-dated, so the
notice is already over) -> the workflow closes the notice by itself -> three co-signatures -> award.
That is 7 updates and 19 activities (a projection and a notification for each of the 9 acts, plus the notice
deadline). The bare baseline has the same shape — 7 updates with validators, 19 activities, the same waiting
for the "notice" to close — but its activities do nothing, and it has no state machine, read model or search
attributes. See bench/README.md.
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from temporalio import activity, workflow

# The workflow sandbox re-imports this module for BareWorkflow: everything but the workflow passes through.
with workflow.unsafe.imports_passed_through(), workflow.unsafe.sandbox_unrestricted():
    ROOT = Path(__file__).resolve().parents[1]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))

    from temporalio.client import Client, WorkflowHandle
    from temporalio.contrib.pydantic import pydantic_data_converter
    from temporalio.testing import WorkflowEnvironment
    from temporalio.worker import Worker

    from config import Settings
    from state.domain import Department, Level
    from tests.conftest import binary
    from tests.factory import bureau, declaration, department, reviewer, start
    from worker import build_worker
    from workflows import search_attributes as sa
    from workflows.application import ApplicationWorkflow
    from workflows.messages import AwardAct, CoSignAct, PublicizeAct, ReviewAct, ViewRequest

BACK_DATED = date(2026, 4, 30)  # its notice ended 2026-05-10 00:00 Asia/Shanghai
DOC_NO = "临人社发〔2026〕1号"
POLL = 0.02  # seconds between looks at whether the notice has closed (the same for both workflows)
WARM_UP = 5  # applications of each kind run first and not counted


# ---- the bare baseline -----------------------------------------------------------------------------
@dataclass
class Step:
    name: str


@activity.defn(name="bench_noop")
def noop(step: Step) -> None:
    """Does nothing, in the same thread pool as the real activities."""


@workflow.defn(name="BareWorkflow")
class BareWorkflow:
    """Same updates and activities as ApplicationWorkflow on this path, nothing else."""

    def __init__(self) -> None:
        self.publicized = False
        self.closed = False

    @workflow.run
    async def run(self, application_id: str) -> None:
        await self._act("declare")
        await workflow.wait_condition(lambda: self.publicized)
        await self._act("close_notice")
        self.closed = True
        await workflow.wait_condition(lambda: False)  # stays open, as an awarded application does

    async def _act(self, name: str) -> str:  # one projection and one notification per act
        await asyncio.gather(*(self._noop(f"{name}-{i}") for i in range(2)))
        return name

    async def _noop(self, name: str) -> None:
        await workflow.execute_activity(noop, Step(name), start_to_close_timeout=timedelta(seconds=30))

    @workflow.update
    async def act(self, step: Step) -> str:
        if step.name == "publicize":
            await self._noop("deadline")
            self.publicized = True
        return await self._act(step.name)

    @act.validator
    def _validate(self, step: Step) -> None:
        if step.name.startswith("co_sign") and not self.closed:
            raise ValueError("notice not closed")

    @workflow.query
    def notice_closed(self) -> bool:
        return self.closed


# ---- drivers: one application each, the same steps and waits --------------------------------------
async def drive_application(client: Client, queue: str, i: int) -> WorkflowHandle:
    h = await start(client, queue, declaration(Level.city))
    await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "材料齐全"))
    await h.execute_update(ApplicationWorkflow.city_review, ReviewAct(reviewer(), True, "评审通过"))
    await h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(reviewer(), BACK_DATED))
    while not (await h.query(ApplicationWorkflow.view, ViewRequest())).notice_closed:
        await asyncio.sleep(POLL)
    for dept in (Department.hrss, Department.drc, Department.civil_affairs):
        await h.execute_update(ApplicationWorkflow.co_sign, CoSignAct(department(dept), DOC_NO))
    await h.execute_update(ApplicationWorkflow.award, AwardAct(reviewer(), f"LY-{i:04d}", date.today()))
    return h


async def drive_bare(client: Client, queue: str, i: int) -> WorkflowHandle:
    h = await client.start_workflow(BareWorkflow.run, f"bare-{i}", id=f"bare-{queue}-{i}", task_queue=queue)
    for name in ("county_review", "city_review", "publicize"):
        await h.execute_update(BareWorkflow.act, Step(name))
    while not await h.query(BareWorkflow.notice_closed):
        await asyncio.sleep(POLL)
    for name in ("co_sign-hrss", "co_sign-drc", "co_sign-civil_affairs", "award"):
        await h.execute_update(BareWorkflow.act, Step(name))
    return h


Driver = Callable[[Client, str, int], Awaitable[WorkflowHandle]]


async def run_many(label: str, driver: Driver, client: Client, queue: str, n: int, concurrency: int, first: int = 0):
    gate = asyncio.Semaphore(concurrency)
    done = 0

    async def one(i: int) -> WorkflowHandle:
        nonlocal done
        async with gate:
            h = await driver(client, queue, first + i)
        done += 1
        if done == n or done % max(1, n // 20) == 0:
            print(f"\r  {label}: {done}/{n}", end="" if done < n else "\n", file=sys.stderr, flush=True)
        return h

    began = time.perf_counter()
    handles = await asyncio.gather(*(one(i) for i in range(n)))
    return time.perf_counter() - began, handles


async def history_sizes(handles: list[WorkflowHandle], concurrency: int) -> list[int]:
    gate = asyncio.Semaphore(concurrency)

    async def size(h: WorkflowHandle) -> int:
        async with gate:
            return len((await h.fetch_history()).events)

    return await asyncio.gather(*(size(h) for h in handles))


async def bench(n: int, concurrency: int) -> None:
    print(f"starting the dev server and workers (n={n}, concurrency={concurrency})", file=sys.stderr)
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        data_converter=pydantic_data_converter,
        search_attributes=list(sa.ALL),
        dev_server_log_level="error",
    )
    try:
        with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(16) as pool, ThreadPoolExecutor(16) as bare_pool:
            settings = Settings(database_url=f"sqlite:///{Path(tmp) / 'bench.db'}", task_queue="bench-pipeline")
            real = build_worker(env.client, settings, pool)
            bare = Worker(
                env.client,
                task_queue="bench-bare",
                workflows=[BareWorkflow],
                activities=[noop],
                activity_executor=bare_pool,
                max_concurrent_activities=16,  # as build_worker
            )
            async with real, bare:
                await run_many("warm-up pipeline", drive_application, env.client, real.task_queue, WARM_UP, concurrency, n)
                await run_many("warm-up bare", drive_bare, env.client, bare.task_queue, WARM_UP, concurrency, n)
                t_real, real_handles = await run_many("pipeline", drive_application, env.client, real.task_queue, n, concurrency)
                t_bare, bare_handles = await run_many("bare", drive_bare, env.client, bare.task_queue, n, concurrency)
                print("  fetching histories", file=sys.stderr)
                real_sizes = await history_sizes(real_handles, concurrency)
                bare_sizes = await history_sizes(bare_handles, concurrency)
    finally:
        await env.shutdown()
    report(n, concurrency, t_real, t_bare, real_sizes, bare_sizes)


def report(n: int, concurrency: int, t_real: float, t_bare: float, real_sizes: list[int], bare_sizes: list[int]) -> None:
    ratio = t_real / t_bare
    print(f"\n{n} applications, {concurrency} at a time, one dev server, worker in this process")
    print(f"  pipeline (ApplicationWorkflow) : {t_real:8.2f} s   {n / t_real:7.1f} applications/s")
    print(f"  bare baseline (same shape)     : {t_bare:8.2f} s   {n / t_bare:7.1f} applications/s")
    print(f"  ratio pipeline / bare          : {ratio:8.2f}     (target <= 1.3: {'met' if ratio <= 1.3 else 'NOT met'})")
    mean, top = statistics.mean(real_sizes), max(real_sizes)
    print(f"  history events per application: mean {mean:.1f}, max {top}   (target <= 300: {'met' if top <= 300 else 'NOT met'})")
    print(f"  history events per bare run   : mean {statistics.mean(bare_sizes):.1f}, max {max(bare_sizes)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="applications per workflow kind (default 200)")
    parser.add_argument("--concurrency", type=int, default=20, help="applications driven at once (default 20)")
    args = parser.parse_args()
    asyncio.run(bench(args.n, args.concurrency))


if __name__ == "__main__":
    main()
