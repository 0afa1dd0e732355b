"""Benchmark: N applications through the whole lifecycle, against a bare workflow doing the same number of
activities and updates, in one run on one in-process dev server.

    .venv/bin/python bench/pipeline.py                  # n=200, 20 at a time
    .venv/bin/python bench/pipeline.py -n 50 --concurrency 10

Lifecycle per application: declare (start) -> county review -> city review (as its round's selection) ->
publicize (today) -> an objection lodged -> its finding -> a second objection -> its finding. A notice is not
back-dated past its review (since 2026-11-27), so its 5 working days cannot pass within a bench on the dev
server: the old lifecycle (back-dated notice, three co-signatures, award) can no longer be driven, and the bench
took this shape of the same size: 7 updates. The bare baseline (bench/bare.py) runs the same 7 updates with
validators, and activities that do nothing; it has no state machine, read model or search attributes. See
bench/README.md.
"""

import argparse
import asyncio
import itertools
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Worker

from bench.bare import BareWorkflow, Step, noop
from bench.harness import dev_server
from clients.codec import data_converter
from config import Settings
from contracts.application import FindingAct, ObjectionAct, PublicizeAct, ReviewAct
from programs.load import first_program_id
from services.program_declarations import in_force, program_ref
from state.domain import Level
from tests.conftest import standing_places
from tests.factory import bureau, declaration, opinions_given, reviewer, selected, start
from worker import build_worker
from workflows.application import ApplicationWorkflow

WARM_UP = 5  # applications of each kind run first and not counted
READ_PROGRAM: list[str] = []  # the read model's URL, once known: each declaration reads its program (--no-program: not)


# ---- drivers: one application each, the same steps and waits --------------------------------------
async def drive_application(client: Client, queue: str, i: int) -> WorkflowHandle:
    """Declared, both reviews, the notice published today, two objections heard while it runs (a notice is not
    back-dated past its review, so its 5 working days cannot pass within a bench on the dev server)."""
    decl = declaration(Level.city)
    if READ_PROGRAM:  # as the API declares: the program's version in force read, its values in the declaration
        found = await asyncio.to_thread(in_force, READ_PROGRAM[0], first_program_id())
        assert found is not None, "the first program's version 1 is published by the schema's upgrade"
        decl = replace(decl, program=program_ref(found, Level.city.value))
    h = await start(client, queue, decl)
    await opinions_given(h)
    await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "材料齐全"))
    await h.execute_update(ApplicationWorkflow.city_review, selected("评审通过"))  # as the round's selection
    await h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(reviewer(), None))
    for n in (1, 2):
        lodged = await h.execute_update(
            ApplicationWorkflow.lodge_objection, ObjectionAct(f"异议人{n}", f"1380000000{n}", "场所面积不实")
        )
        assert lodged.objection_id
        await h.execute_update(
            ApplicationWorkflow.record_finding, FindingAct(reviewer(), lodged.objection_id, False, "经核查不属实")
        )
    return h


async def drive_bare(client: Client, queue: str, i: int) -> WorkflowHandle:
    h = await client.start_workflow(BareWorkflow.run, f"bare-{i}", id=f"bare-{queue}-{i}", task_queue=queue)
    for name in ("county_review", "city_review", "publicize", "objection-1", "finding-1", "objection-2", "finding-2"):
        await h.execute_update(BareWorkflow.act, Step(name))
    return h


Driver = Callable[[Client, str, int], Awaitable[WorkflowHandle]]


@dataclass
class Kind:
    """One workflow kind under test and what was measured for it."""

    label: str
    driver: Driver
    queue: str
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process: worker, activities and client (not the dev server)
    done: int = 0
    handles: list[WorkflowHandle] = field(default_factory=list)
    rounds: list[float] = field(default_factory=list)
    serial: Iterator[int] = field(default_factory=itertools.count)  # unique workflow numbers, warm-up included


async def run_batch(kind: Kind, client: Client, count: int, concurrency: int, show) -> float:
    """``count`` applications of ``kind``, ``concurrency`` at a time; returns the wall time."""
    gate = asyncio.Semaphore(concurrency)

    async def one() -> WorkflowHandle:
        async with gate:
            h = await kind.driver(client, kind.queue, next(kind.serial))
        kind.done += 1
        show()
        return h

    began, cpu = time.perf_counter(), time.process_time()
    handles = await asyncio.gather(*(one() for _ in range(count)))
    elapsed = time.perf_counter() - began
    kind.cpu_seconds += time.process_time() - cpu
    kind.handles.extend(handles)
    return elapsed


async def history_sizes(handles: list[WorkflowHandle], concurrency: int) -> list[int]:
    gate = asyncio.Semaphore(concurrency)

    async def size(h: WorkflowHandle) -> int:
        async with gate:
            return len((await h.fetch_history()).events)

    return await asyncio.gather(*(size(h) for h in handles))


async def measure(client: Client, kinds: tuple[Kind, Kind], n: int, concurrency: int, rounds: int) -> None:
    """Warm up, then alternate the kinds in rounds (A B, B A, ...) so that a change in the machine's load
    during the run weighs on both alike."""
    for kind in kinds:
        await run_batch(kind, client, WARM_UP, concurrency, lambda: None)
        kind.done, kind.handles, kind.cpu_seconds = 0, [], 0.0
    sizes = [n // rounds + (1 if r < n % rounds else 0) for r in range(rounds)]
    state = {"round": 0}

    def show() -> None:
        a, b = kinds
        print(
            f"\r  round {state['round']}/{rounds}   {a.label} {a.done}/{n}   {b.label} {b.done}/{n}  ",
            end="",
            file=sys.stderr,
            flush=True,
        )

    for r, size in enumerate(sizes):
        state["round"] = r + 1
        for kind in kinds if r % 2 == 0 else kinds[::-1]:
            elapsed = await run_batch(kind, client, size, concurrency, show)
            kind.seconds += elapsed
            kind.rounds.append(elapsed)
    print(file=sys.stderr)


async def bench(n: int, concurrency: int, rounds: int, database_url: str | None, read_program: bool = True) -> None:
    print(f"starting the dev server and workers (n={n}, concurrency={concurrency})", file=sys.stderr)
    env = await dev_server(data_converter(Settings()))
    try:
        with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(16) as pool, ThreadPoolExecutor(16) as bare_pool:
            url = database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
            settings = Settings(database_url=url, task_queue="bench-pipeline")
            if read_program:
                READ_PROGRAM.append(url)
            real_worker = build_worker(env.client, settings, pool)
            bare_worker = Worker(
                env.client,
                task_queue="bench-bare",
                workflows=[BareWorkflow],
                activities=[noop],
                activity_executor=bare_pool,
                max_concurrent_activities=16,  # as build_worker
            )
            real = Kind("pipeline", drive_application, "bench-pipeline")
            bare = Kind("bare", drive_bare, "bench-bare")
            async with real_worker, bare_worker:
                await standing_places(
                    env.client, "bench-pipeline"
                )  # the period and quota every notice holds a place in
                await measure(env.client, (real, bare), n, concurrency, rounds)
                print("  fetching histories", file=sys.stderr)
                real_sizes = await history_sizes(real.handles, concurrency)
                bare_sizes = await history_sizes(bare.handles, concurrency)
    finally:
        await env.shutdown()
    report(n, concurrency, real, bare, real_sizes, bare_sizes)


def report(n: int, concurrency: int, real: Kind, bare: Kind, real_sizes: list[int], bare_sizes: list[int]) -> None:
    ratio = real.seconds / bare.seconds
    per_round = [a / b for a, b in zip(real.rounds, bare.rounds, strict=True)]
    print(f"\n{n} applications of each kind, {concurrency} at a time, {len(per_round)} alternating rounds")
    print(f"  pipeline (ApplicationWorkflow) : {real.seconds:8.2f} s   {n / real.seconds:7.1f} applications/s")
    print(f"  bare baseline (same shape)     : {bare.seconds:8.2f} s   {n / bare.seconds:7.1f} applications/s")
    verdict = "met" if ratio <= 1.2 else "NOT met"
    print(f"  ratio pipeline / bare          : {ratio:8.2f}     (target <= 1.2: {verdict})")
    print(f"  ratio per round                : {', '.join(f'{x:.2f}' for x in per_round)}")
    print(f"  seconds per round, pipeline    : {', '.join(f'{x:.1f}' for x in real.rounds)}")
    print(f"  seconds per round, bare        : {', '.join(f'{x:.1f}' for x in bare.rounds)}")
    cpu = real.cpu_seconds / bare.cpu_seconds
    print(f"  CPU of this process (worker)   : {real.cpu_seconds:.1f} s vs {bare.cpu_seconds:.1f} s, ratio {cpu:.2f}")
    mean, top = statistics.mean(real_sizes), max(real_sizes)
    verdict = "met" if top <= 300 else "NOT met"
    print(f"  history events per application: mean {mean:.1f}, max {top}   (target <= 300: {verdict})")
    print(f"  history events per bare run   : mean {statistics.mean(bare_sizes):.1f}, max {max(bare_sizes)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="applications per workflow kind (default 200)")
    parser.add_argument("--concurrency", type=int, default=20, help="applications driven at once (default 20)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds the n are split into (default 5)")
    parser.add_argument("--database-url", help="read model (default: a SQLite file in a temporary directory)")
    parser.add_argument(
        "--no-program", action="store_true", help="declare without reading the program's version (as before programs)"
    )
    args = parser.parse_args()
    asyncio.run(
        bench(args.n, args.concurrency, max(1, min(args.rounds, args.n)), args.database_url, not args.no_program)
    )


if __name__ == "__main__":
    main()
