"""Benchmark: the worker's memory per cached open application, and what an evicted application costs.

    .venv/bin/python bench/memory.py                  # 1,000 applications, 20 driven at a time
    .venv/bin/python bench/memory.py -n 300 --probes 50

Starts its own Temporal dev server and the production worker as production runs it (``python worker.py`` in a
process of its own, configured through the environment), with a SQLite read model in a temporary directory.

1. Cache on (``BIAOGAN_WORKER_CACHE_SIZE`` above the number of applications): after a warm-up, N city-level
   applications are opened to the publicized state (declare, county review, city review, publicize today: each
   then waits on its 5-working-day notice timer). The worker's RSS (/proc/<pid>/status) is sampled after every
   tenth of them; the slope of RSS over applications is the memory of one cached open application.
2. The worker is restarted with a small cache (``--small-cache``, default 50): every application it touches is
   replayed from its history and later evicted. The CPU time of the worker process (/proc/<pid>/stat) is
   measured over ``--probes`` queries (``view``) and acts (an objection from the public) on evicted applications,
   and over as many on applications still in its cache: the difference is the cost of the replay.

Every workflow start, update and query is checked (a refusal fails the bench). Progress on stderr, figures on
stdout.
"""

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from temporalio.client import Client, WorkflowHandle

from bench.bare import BareWorkflow, Step
from bench.harness import dev_server
from clients.codec import data_converter, new_key_entry
from config import Settings
from contracts.application import ObjectionAct, PublicizeAct, ReviewAct, ViewRequest
from db.schema import upgrade
from state.calendar import TZ
from state.domain import Level, Stage
from tests.conftest import standing_places, standing_places_for
from tests.factory import bureau, declaration, opinions_given, reviewer, selected, start
from workflows.application import ApplicationWorkflow

MIB = 1024 * 1024
TICK = os.sysconf("SC_CLK_TCK")
WARM_UP = 20
TARGET_MIB = 0.2


class WorkerProcess:
    """``python worker.py`` against the bench's dev server, configured through the environment as in production."""

    def __init__(self, env: dict[str, str], cache_size: int, log: Path, script: str = "worker.py") -> None:
        self.env = {**env, "BIAOGAN_WORKER_CACHE_SIZE": str(cache_size)}
        self.log = log
        self.script = script
        self.process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> "WorkerProcess":
        with self.log.open("ab") as out:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, str(ROOT / self.script), cwd=ROOT, env=self.env, stdout=out, stderr=out
            )
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()

    @property
    def pid(self) -> int:
        assert self.process is not None
        if self.process.returncode is not None:
            raise RuntimeError(f"the worker exited with {self.process.returncode}; see {self.log}")
        return self.process.pid

    def rss(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS")

    def cpu(self) -> float:
        """User + system seconds of the worker process, all its threads."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK


async def open_application(client: Client, queue: str) -> WorkflowHandle:
    """Declared to publicized today: the application then waits on its notice timer. Each step is checked."""
    h = await start(client, queue, declaration(Level.city))
    await opinions_given(h)  # 会商: the county's DRC and civil affairs agree before the county review
    for update, act in (
        (ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "材料齐全")),
        (ApplicationWorkflow.city_review, selected("评审通过")),  # as the round's selection
        (ApplicationWorkflow.publicize, PublicizeAct(reviewer(), datetime.now(TZ).date())),
    ):
        result = await h.execute_update(update, act)
        if result.application_id != h.id.removeprefix("application-"):
            raise RuntimeError(f"{h.id}: unexpected answer {result}")
    await check_open(h)
    return h


async def open_bare(client: Client, queue: str) -> WorkflowHandle:
    """The bare floor's workflow (bench/bare.py) through the same steps: started, three acts, the last
    "publicize" (its notice closes at once; it then waits for ever, as an open application waits on its timer)."""
    h = await client.start_workflow(
        BareWorkflow.run, f"bare-{uuid.uuid4().hex}", id=f"bare-{uuid.uuid4().hex}", task_queue=queue
    )
    for name in ("county_review", "city_review", "publicize"):
        if await h.execute_update(BareWorkflow.act, Step(name)) != name:
            raise RuntimeError(f"{h.id}: unexpected answer to {name}")
    return h


async def check_open(h: WorkflowHandle) -> None:
    view = await h.query(ApplicationWorkflow.view, ViewRequest())
    if view.state != Stage.publicized or view.notice_closed:
        raise RuntimeError(f"{h.id} is {view.state} (notice closed: {view.notice_closed}), not an open notice")


async def in_parallel(items: list, concurrency: int, job: Callable[..., Awaitable]) -> list:
    gate = asyncio.Semaphore(concurrency)

    async def one(item):
        async with gate:
            return await job(item)

    return await asyncio.gather(*(one(i) for i in items))


async def settle(worker: WorkerProcess, seconds: float = 2.0) -> int:
    """The worker's RSS once it has been idle a moment (the lowest of a few samples)."""
    samples = []
    for _ in range(4):
        await asyncio.sleep(seconds / 4)
        samples.append(worker.rss())
    return min(samples)


def slope(xs: list[float], ys: list[float]) -> float:
    mx, my = statistics.mean(xs), statistics.mean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


async def cpu_ms_per_call(worker: WorkerProcess, calls: list[Callable[[], Awaitable]]) -> tuple[float, float]:
    """Worker CPU ms per call and wall ms per call, the calls made one after another."""
    cpu, began = worker.cpu(), time.perf_counter()
    for call in calls:
        await call()
    return (worker.cpu() - cpu) * 1000 / len(calls), (time.perf_counter() - began) * 1000 / len(calls)


async def phase_cache(
    client: Client, env: dict, tmp: Path, n: int, concurrency: int, places_apart: bool, bare: bool = False
) -> tuple[list, dict]:
    queue = env["BIAOGAN_TASK_QUEUE"]
    script, log = ("bench/bare_worker.py", "worker-bare.log") if bare else ("worker.py", "worker-1.log")
    opener = open_bare if bare else open_application
    async with WorkerProcess(env, n + WARM_UP + 100, tmp / log, script) as worker, AsyncExitStack() as stack:
        if bare:
            pass  # nothing to reserve
        elif places_apart:  # the quota's workflow (one reservation per application) on a worker in this process
            await stack.enter_async_context(standing_places_for(client, env["DATABASE_URL"]))
        else:  # the period and quota every notice holds a place in, served by the measured worker
            await standing_places(client, queue)
        await in_parallel(list(range(WARM_UP)), concurrency, lambda _: opener(client, queue))
        points = [(0, await settle(worker))]
        handles: list[WorkflowHandle] = []
        began, cpu = time.perf_counter(), worker.cpu()
        step = max(1, n // 10)
        while len(handles) < n:
            batch = min(step, n - len(handles))
            handles += await in_parallel(list(range(batch)), concurrency, lambda _: opener(client, queue))
            points.append((len(handles), await settle(worker)))
            print(f"\r  open {len(handles)}/{n}  RSS {points[-1][1] / MIB:.1f} MiB ", end="", file=sys.stderr)
        print(file=sys.stderr)
        opened = {"seconds": time.perf_counter() - began, "cpu": worker.cpu() - cpu, "points": points}
    return handles, opened


async def phase_evicted(client: Client, env: dict, tmp: Path, handles: list, probes: int, small: int) -> dict:
    """A worker with a small cache: the first touch of an application replays it; touching it again right away
    finds it cached."""
    figures: dict[str, float] = {}
    async with WorkerProcess(env, small, tmp / "worker-2.log") as worker:
        figures["rss_start"] = await settle(worker)
        stride = max(1, len(handles) // probes)
        evicted = handles[::stride][:probes]  # never touched by this worker: each needs a replay
        view = ApplicationWorkflow.view

        def query(h: WorkflowHandle) -> Callable[[], Awaitable]:
            async def call() -> None:
                v = await h.query(view, ViewRequest())
                if v.state != Stage.publicized:
                    raise RuntimeError(f"{h.id}: {v.state}")

            return call

        def objection(h: WorkflowHandle, k: int) -> Callable[[], Awaitable]:
            async def call() -> None:
                act = ObjectionAct(name="张三", contact=f"1380000{k:04d}", content="该机构场地面积不实")
                result = await h.execute_update(ApplicationWorkflow.lodge_objection, act)
                if not result.objection_id:
                    raise RuntimeError(f"{h.id}: objection not recorded: {result}")

            return call

        # Queries: the first on each application replays it; the second finds it in the cache.
        cold, warm = [], []
        for h in evicted:
            cold.append(await cpu_ms_per_call(worker, [query(h)]))
            warm.append(await cpu_ms_per_call(worker, [query(h)]))
        figures["query_evicted_cpu"] = statistics.mean(c for c, _ in cold)
        figures["query_evicted_wall"] = statistics.median(w for _, w in cold)
        figures["query_cached_cpu"] = statistics.mean(c for c, _ in warm)
        figures["query_cached_wall"] = statistics.median(w for _, w in warm)
        # Acts: evict what the queries loaded (touch more than the cache holds), then one objection on each.
        flush = [h for h in handles if h not in evicted][: small + 10]
        for h in flush:
            await query(h)()
        cold, warm = [], []
        for k, h in enumerate(evicted):
            cold.append(await cpu_ms_per_call(worker, [objection(h, 2 * k)]))
            warm.append(await cpu_ms_per_call(worker, [objection(h, 2 * k + 1)]))
        figures["act_evicted_cpu"] = statistics.mean(c for c, _ in cold)
        figures["act_evicted_wall"] = statistics.median(w for _, w in cold)
        figures["act_cached_cpu"] = statistics.mean(c for c, _ in warm)
        figures["act_cached_wall"] = statistics.median(w for _, w in warm)
        figures["rss_end"] = await settle(worker)
        figures["touched"] = len(evicted) + len(flush)
    return figures


def report(n: int, concurrency: int, opened: dict, evicted: dict, small: int, probes: int, places_apart: bool) -> None:
    points = opened["points"]
    per_app = slope([x for x, _ in points], [y for _, y in points]) / MIB
    total = (points[-1][1] - points[0][1]) / MIB
    verdict = "met" if per_app <= TARGET_MIB else "NOT met"
    print(f"\nWorker memory, {n} open applications (publicized, waiting on the notice timer), {concurrency} at a time")
    where = "on a worker of the bench's own process" if places_apart else "on the measured worker, as in production"
    print(f"  the quota's workflow (one reservation per application): {where}")
    print(f"  opened in {opened['seconds']:.1f} s ({n / opened['seconds']:.1f} applications/s)")
    print(f"  worker RSS after warm-up ({WARM_UP} open) : {points[0][1] / MIB:8.1f} MiB")
    print(f"  worker RSS with {n} more cached        : {points[-1][1] / MIB:8.1f} MiB  (+{total:.1f} MiB)")
    print(f"  RSS per cached open application (slope): {per_app:8.3f} MiB   (target <= {TARGET_MIB}: {verdict})")
    print("  RSS samples (applications: MiB)       : " + ", ".join(f"{x}: {y / MIB:.0f}" for x, y in points))
    print(
        f"\nEvicted applications: a worker with a {small}-workflow cache, {probes} probes of each kind, one at a time"
    )
    print(
        f"  worker RSS at start / after {evicted['touched']} touched : {evicted['rss_start'] / MIB:.1f} / "
        f"{evicted['rss_end'] / MIB:.1f} MiB"
    )
    for kind, label in (("query", "query view"), ("act", "act (objection)")):
        ev, ca = evicted[f"{kind}_evicted_cpu"], evicted[f"{kind}_cached_cpu"]
        print(
            f"  {label:<16} evicted: {ev:6.1f} ms CPU, {evicted[f'{kind}_evicted_wall']:6.1f} ms wall   "
            f"cached: {ca:6.1f} ms CPU, {evicted[f'{kind}_cached_wall']:6.1f} ms wall   "
            f"replay costs {ev - ca:+.1f} ms CPU"
        )


async def main(n: int, concurrency: int, probes: int, small: int, places_apart: bool, bare: bool) -> None:
    keys = json.dumps([new_key_entry()])
    converter = data_converter(Settings(payload_keys=keys))
    print(f"• dev server; worker processes (python worker.py); n={n}", file=sys.stderr)
    env = await dev_server(converter)
    try:
        with tempfile.TemporaryDirectory(prefix="biaogan-memory-") as name:
            tmp = Path(name)
            database_url = f"sqlite:///{tmp / 'readmodel.db'}"
            upgrade(database_url)
            worker_env = {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "BIAOGAN_TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
                "BIAOGAN_TASK_QUEUE": "bench-memory",
                "BIAOGAN_DATA_DIR": str(tmp),
                "BIAOGAN_PAYLOAD_KEYS": keys,
                "DATABASE_URL": database_url,
            }
            if bare:
                bare_env = {**worker_env, "BIAOGAN_TASK_QUEUE": "bench-memory-bare"}
                _, floor = await phase_cache(env.client, bare_env, tmp, n, concurrency, False, bare=True)
            handles, opened = await phase_cache(env.client, worker_env, tmp, n, concurrency, places_apart)
            print(f"• restarting the worker with a {small}-workflow cache", file=sys.stderr)
            evicted = await phase_evicted(env.client, worker_env, tmp, handles, min(probes, n), small)
    finally:
        await env.shutdown()
    report(n, concurrency, opened, evicted, small, min(probes, n), places_apart)
    if bare:
        points = floor["points"]
        per_app = slope([x for x, _ in points], [y for _, y in points]) / MIB
        print(f"\nThe bare floor (bench/bare.py, default sandbox, same converter), {n} open, same steps")
        print(f"  worker RSS after warm-up / with {n} more : {points[0][1] / MIB:.1f} / {points[-1][1] / MIB:.1f} MiB")
        print(f"  RSS per cached open bare workflow (slope): {per_app:8.3f} MiB")
        print("  RSS samples (workflows: MiB)           : " + ", ".join(f"{x}: {y / MIB:.0f}" for x, y in points))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="open applications (default 1000)")
    parser.add_argument("--concurrency", type=int, default=8, help="applications opened at once (default 8)")
    parser.add_argument("--probes", type=int, default=50, help="queries and acts on evicted applications (default 50)")
    parser.add_argument("--small-cache", type=int, default=50, help="the second worker's cache size (default 50)")
    parser.add_argument(
        "--places-apart",
        action="store_true",
        help="run the quota's workflow on a worker of this process, so the measured worker holds applications only",
    )
    parser.add_argument("--bare", action="store_true", help="first measure the bare floor's worker the same way")
    args = parser.parse_args()
    asyncio.run(main(args.n, args.concurrency, args.probes, args.small_cache, args.places_apart, args.bare))
