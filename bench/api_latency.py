"""Benchmark: API latency at 20 concurrent clients, against the bare call underneath, in one run.

    .venv/bin/python bench/api_latency.py                      # SQLite read model in a temp dir
    .venv/bin/python bench/api_latency.py -n 500 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Starts its own Temporal dev server, the production worker in this process (on a thread and event loop of its
own) and the API as deployed: uvicorn in a process of its own on a free loopback port; the clients (here) speak
HTTP to it. Measured, each with its baseline called from this process too:

- declare: POST /applications            vs  client.start_workflow of the same declaration
- act:     POST .../county-review          vs  handle.execute_update(county_review) (the API also queries the
                                               view first, to check scope and authority)
- list:    GET /applications?state=…      vs  the same SELECT through SQLModel, over 10,000 applications
           (as a county bureau)               seeded directly into the read model

Prints p50/p99 and every non-2xx status; asserts nothing. Targets (issue 3): p99 ≤ 80 ms declare,
≤ 150 ms act, ≤ 20 ms list; zero 5xx. Server, worker, API and clients share the machine's CPUs.
"""

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session, func, select  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402

from api.auth import create_user  # noqa: E402
from clients.codec import data_converter  # noqa: E402
from clients.connection import connect  # noqa: E402
from config import Settings  # noqa: E402
from contracts.application import ReviewAct
from db.models import Application  # noqa: E402
from db.schema import upgrade  # noqa: E402
from db.session import get_engine  # noqa: E402
from state.domain import COUNTIES, InstitutionType, Level, Stage  # noqa: E402
from tests.conftest import binary  # noqa: E402
from tests.factory import COUNTY, bureau, credit_code, declaration, start  # noqa: E402
from worker import build_worker  # noqa: E402
from workflows import search_attributes as sa  # noqa: E402
from workflows.application import ApplicationWorkflow  # noqa: E402

LIST_ROWS = 10_000
LIST_ROUND = f"bench-list-{random.randrange(16**6):06x}"  # fresh rows on every run, also in a kept PostgreSQL
WARM_UP = 20


@dataclass
class Run:
    name: str
    latencies: list[float] = field(default_factory=list)  # seconds
    statuses: Counter = field(default_factory=Counter)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies) or [float("nan")]
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000

    def line(self, target_ms: float | None = None) -> str:
        target = f"  (target p99 ≤ {target_ms:g} ms)" if target_ms else ""
        odd = {s: c for s, c in self.statuses.items() if not 200 <= s < 300}
        return (
            f"{self.name:<44} n={len(self.latencies):<5} p50={self.percentile(50):7.1f} ms  "
            f"p99={self.percentile(99):7.1f} ms  non-2xx={dict(odd) or 0}{target}"
        )


async def measure(name: str, n: int, concurrency: int, op: Callable[[int], Awaitable[int]]) -> Run:
    run, jobs = Run(name), iter(range(n))

    async def client() -> None:
        for i in jobs:
            began = time.perf_counter()
            run.statuses[await op(i)] += 1
            run.latencies.append(time.perf_counter() - began)

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return run


def declaration_body(i: int) -> dict:
    return {
        "level": "city",
        "round_id": "bench",
        "institution": {
            "name": f"基准测试机构{i}",
            "type": "gig_market",
            "credit_code": credit_code(),
            "phone": "13912345678",
            "premises_area_m2": 800,
            "county_title_doc_no": "兰人社发〔2023〕5号",
            "county_title_date": "2023-01-10",
        },
    }


def seed_read_model(database_url: str) -> None:
    """10,000 applications straight into the read model (bench setup, not the system under test)."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    states = [Stage.declared, Stage.county_reviewed, Stage.city_reviewed, Stage.publicized, Stage.plaque_awarded]
    rows = [
        {
            "id": f"{LIST_ROUND}-{i:06d}",
            "workflow_id": f"application-{LIST_ROUND}-{i:06d}",
            "level": rng.choice(list(Level)),
            "county": rng.choice(COUNTIES),
            "round_id": LIST_ROUND,
            "institution_name": f"列表基准机构{i}",
            "institution_type": rng.choice(list(InstitutionType)),
            "credit_code": credit_code(),
            "state": rng.choice(states),
            "flagged": False,
            "institution": {},
            "version": 1,
            "declared_at": now - timedelta(minutes=i),
            "updated_at": now,
        }
        for i in range(LIST_ROWS)
    ]
    with Session(get_engine(database_url)) as s:
        s.execute(insert(Application), rows)
        s.commit()


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class WorkerThread:
    """The production worker on a thread and event loop of its own, so that workflow tasks and API requests
    do not queue behind each other on one loop (they still share the interpreter)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.ready = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)

    async def _serve(self) -> None:
        self.loop, self.stop = asyncio.get_running_loop(), asyncio.Event()
        client = await connect(self.settings)
        with ThreadPoolExecutor(max_workers=16) as executor:
            async with build_worker(client, self.settings, executor):
                self.ready.set()
                await self.stop.wait()

    def __enter__(self) -> "WorkerThread":
        self.thread.start()
        if not self.ready.wait(60):
            raise RuntimeError("the worker did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(60)


class ApiProcess:
    """The API as it is deployed: uvicorn in a process of its own (its own interpreter, so its latency is not
    the worker's), on a free loopback port, configured through the environment like production."""

    def __init__(self, settings: Settings) -> None:
        with free_socket() as sock:
            self.port = sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}/api/v1"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": settings.database_url,
            "BIAOGAN_TEMPORAL_ADDRESS": settings.temporal_address,
            "BIAOGAN_TASK_QUEUE": settings.task_queue,
        }

    def __enter__(self) -> "ApiProcess":
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "api.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        self.process = subprocess.Popen(command, env=self.env, cwd=ROOT)
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the API did not start") from None
                time.sleep(0.1)

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(30)


async def main(n: int, concurrency: int, database_url: str | None) -> None:
    tmp = tempfile.TemporaryDirectory(prefix="biaogan-bench-")
    database_url = database_url or f"sqlite:///{Path(tmp.name) / 'readmodel.db'}"
    print(f"• dev server, worker (this process), API (uvicorn process); read model {database_url}", file=sys.stderr)
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        data_converter=data_converter(Settings()),  # the key the API process reads (environment or key file)
        search_attributes=list(sa.ALL),
    )
    settings = Settings(
        database_url=database_url,
        task_queue=f"bench-{random.randrange(10**9)}",
        temporal_address=env.client.service_client.config.target_host,
    )
    upgrade(database_url)
    token = create_user(database_url, "bench-bureau", "county_bureau", COUNTY)
    with WorkerThread(settings), ApiProcess(settings) as api:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=api.base_url, headers=headers, limits=limits, timeout=60) as http:
            runs = await _runs(http, env.client, settings, n, concurrency, database_url)
    await env.shutdown()
    tmp.cleanup()
    print(f"\nAPI latency, {concurrency} concurrent clients (read model: {database_url.split(':')[0]})")
    for run, target in runs:
        print(run.line(target))


async def quiesce(database_url: str, round_id: str, expected: int, timeout: float = 120) -> None:
    """Wait until every declaration is projected, so that one measurement does not pay for the last."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(get_engine(database_url)) as s:
            done = s.exec(select(func.count()).select_from(Application).where(Application.round_id == round_id)).one()
        if done >= expected:
            return
        await asyncio.sleep(0.2)


async def _runs(http, client, settings, n, concurrency, database_url) -> list[tuple[Run, float | None]]:
    declared: list[str] = []

    async def declare(i: int) -> int:
        r = await http.post("/applications", json=declaration_body(i))
        if r.status_code == 201:
            declared.append(r.json()["id"])
        return r.status_code

    handles = []

    async def bare_start(i: int) -> int:
        decl = declaration()
        decl.round_id = "bench"
        handles.append(await start(client, settings.task_queue, decl))
        return 200

    review = {"decision": "pass", "opinion": "材料齐全"}

    async def act(i: int) -> int:
        return (await http.post(f"/applications/{declared[i]}/county-review", json=review)).status_code

    async def bare_act(i: int) -> int:
        await handles[i].execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "材料齐全"))
        return 200

    params = {"state": "publicized", "round": LIST_ROUND, "limit": 50}

    async def list_page(i: int) -> int:
        return (await http.get("/applications", params=params)).status_code

    def bare_query() -> int:
        where = [
            Application.county == COUNTY,
            Application.state == Stage.publicized,
            Application.round_id == LIST_ROUND,
        ]
        with Session(get_engine(database_url)) as s:
            s.exec(select(func.count()).select_from(Application).where(*where)).one()
            s.exec(select(Application).where(*where).order_by(Application.declared_at.desc()).limit(50)).all()
        return 200

    async def bare_list(i: int) -> int:
        return await asyncio.to_thread(bare_query)

    print("• warming up", file=sys.stderr)
    await measure("warm-up", WARM_UP, concurrency, declare)
    await measure("warm-up", WARM_UP, concurrency, bare_start)
    declared.clear()
    handles.clear()
    print(f"• declare ×{n}, act ×{n} (API and bare)", file=sys.stderr)
    runs = [
        (await measure("declare  POST /applications", n, concurrency, declare), 80),
        (await measure("declare  bare start_workflow", n, concurrency, bare_start), None),
    ]
    await quiesce(database_url, "bench", len(declared) + len(handles) + 2 * WARM_UP)
    runs += [
        (await measure("act      POST …/county-review", len(declared), concurrency, act), 150),
        (await measure("act      bare execute_update", len(handles), concurrency, bare_act), None),
    ]
    print(f"• seeding {LIST_ROWS} applications into the read model; list ×{n * 2}", file=sys.stderr)
    seed_read_model(database_url)
    await measure("warm-up", WARM_UP, concurrency, list_page)
    runs += [
        (await measure("list     GET /applications?state=…", n * 2, concurrency, list_page), 20),
        (await measure("list     bare SELECT (count + page)", n * 2, concurrency, bare_list), None),
    ]
    return runs


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=300, help="requests per measurement (default 300)")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--database-url", default=None, help="read model (default: SQLite in a temp dir)")
    args = parser.parse_args()
    asyncio.run(main(args.n, args.concurrency, args.database_url))
