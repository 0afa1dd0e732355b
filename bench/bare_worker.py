"""The bare floor's worker as a process of its own, for bench/memory.py --bare: ``BareWorkflow`` and its no-op
activity on ``BIAOGAN_TASK_QUEUE``, the default sandbox, the service's data converter, the same activity pool and
``BIAOGAN_WORKER_CACHE_SIZE`` as ``worker.py``. Stops on SIGTERM."""

import asyncio
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from temporalio.worker import Worker

from bench.bare import BareWorkflow, noop
from clients.connection import connect
from config import get_settings


async def main() -> None:
    settings = get_settings()
    client = await connect(settings)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    with ThreadPoolExecutor(max_workers=16) as executor:
        worker = Worker(
            client,
            task_queue=settings.task_queue,
            workflows=[BareWorkflow],
            activities=[noop],
            activity_executor=executor,
            max_concurrent_activities=16,
            max_cached_workflows=settings.worker_cache_size,
        )
        async with worker:
            await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
