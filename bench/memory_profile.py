"""Where a cached open application's memory goes: tracemalloc over the production worker, in this process.

    .venv/bin/python bench/memory_profile.py               # 100 applications after a warm-up of 20
    .venv/bin/python bench/memory_profile.py -n 200 --top 30

Starts its own Temporal dev server and runs the production worker (``worker.build_worker``: the same workflows,
activities and sandbox) on a thread of this process with a SQLite read model in a temporary directory. After a
warm-up, it takes a tracemalloc snapshot, opens N applications to the publicized state (each then waits on its
notice timer, cached by the worker) as bench/memory.py does, takes a second snapshot and prints the Python heap
that grew, per application: by file (where the memory was allocated) and by area (our workflow modules, the state
machine, the Temporal SDK and its sandbox, …). RSS also holds what tracemalloc does not see (the SDK core's own
state per run, the allocator's slack): bench/memory.py measures that.
"""

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import tracemalloc
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


from bench.harness import dev_server
from bench.memory import WARM_UP, in_parallel, open_application
from clients.codec import data_converter, new_key_entry
from config import Settings
from tests.conftest import standing_places
from worker import build_worker

AREAS = (  # first match wins: (area, a fragment of the file's path)
    ("python-statemachine", "/statemachine/"),
    ("temporalio sandbox", "/workflow_sandbox/"),
    ("temporalio (SDK, converter)", "/temporalio/"),
    ("pydantic", "/pydantic"),
    ("other packages", "/site-packages/"),
    ("our workflow modules", f"{ROOT}/workflows/"),
    ("our domain, contracts, clients", str(ROOT)),
    ("importlib / marshal (module loading)", "<frozen importlib"),
    ("standard library", "/lib/python3"),
)


def area_of(filename: str) -> str:
    for area, fragment in AREAS:
        if fragment in filename:
            return area
    return "other"


def snapshot() -> tracemalloc.Snapshot:
    gc.collect()
    return tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])


async def main(n: int, concurrency: int, top: int) -> None:
    keys = __import__("json").dumps([new_key_entry()])
    print(f"• dev server; the production worker in this process; n={n}", file=sys.stderr)
    env = await dev_server(data_converter(Settings(payload_keys=keys)))
    try:
        with tempfile.TemporaryDirectory(prefix="biaogan-memprof-") as name:
            settings = Settings(
                temporal_address=env.client.service_client.config.target_host,
                task_queue="bench-memprof",
                data_dir=Path(name),
                payload_keys=keys,
                database_url=f"sqlite:///{Path(name) / 'readmodel.db'}",
                worker_cache_size=n + WARM_UP + 100,
            )
            client = env.client
            queue = settings.task_queue
            with ThreadPoolExecutor(max_workers=16) as executor:
                async with build_worker(client, settings, executor):
                    await standing_places(client, queue)
                    await in_parallel(list(range(WARM_UP)), concurrency, lambda _: open_application(client, queue))
                    await asyncio.sleep(2)
                    tracemalloc.start(1)
                    before = snapshot()
                    await in_parallel(list(range(n)), concurrency, lambda _: open_application(client, queue))
                    await asyncio.sleep(2)
                    after = snapshot()
                    tracemalloc.stop()
    finally:
        await env.shutdown()

    stats = after.compare_to(before, "filename")
    total = sum(s.size_diff for s in stats)
    by_area: dict[str, int] = defaultdict(int)
    for s in stats:
        by_area[area_of(s.traceback[0].filename)] += s.size_diff
    print(f"\nPython heap grown by {n} cached open applications: {total / n / 1024:.1f} KiB per application")
    print("\nBy area (KiB per application):")
    for area, size in sorted(by_area.items(), key=lambda kv: -kv[1]):
        print(f"  {size / n / 1024:7.1f}  {area}")
    print(f"\nTop {top} files (KiB per application, allocation blocks per application):")
    for s in stats[:top]:
        where = s.traceback[0].filename.replace(str(ROOT) + "/", "").replace(sys.prefix + "/", "")
        print(f"  {s.size_diff / n / 1024:7.1f}  {s.count_diff / n:7.1f}  {where}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=100, help="open applications measured (default 100)")
    parser.add_argument("--concurrency", type=int, default=10, help="applications opened at once (default 10)")
    parser.add_argument("--top", type=int, default=25, help="files listed (default 25)")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    asyncio.run(main(args.n, args.concurrency, args.top))
