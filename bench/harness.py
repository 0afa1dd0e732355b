"""What bench/api_latency.py runs on: the worker on a thread of its own (with the bare floor's worker beside it),
the API as deployed (uvicorn in a process of its own), and timed runs that count every status they get."""

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from bench.bare import BareWorkflow, noop
from clients.connection import connect
from config import Settings, venv_binary
from state import materials
from state.calendar import TZ
from state.domain import InstitutionType, Level
from worker import build_worker
from workflows import search_attributes as sa

ROOT = Path(__file__).resolve().parents[1]
BARE_QUEUE_SUFFIX = "-bare"


@dataclass
class Run:
    """One measured phase: latencies, and the count of every status it got (``expected`` is the only good one)."""

    name: str
    clients: int
    expected: int
    latencies: list[float] = field(default_factory=list)  # seconds
    statuses: Counter = field(default_factory=Counter)
    seconds: float = 0.0  # wall time of the whole phase
    first_unexpected: str = ""  # the first unexpected answer, to say why

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies) or [float("nan")]
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000

    @property
    def unexpected(self) -> int:
        return sum(c for s, c in self.statuses.items() if s != self.expected)

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds and self.latencies else float("nan")

    def line(self) -> str:
        counts = " ".join(f"{s}×{c}" for s, c in sorted(self.statuses.items()))
        return (
            f"  {self.name:<38} p50 {self.percentile(50):7.1f} ms  p99 {self.percentile(99):7.1f} ms  "
            f"{self.per_second:7.1f}/s  statuses: {counts}"
        )


@dataclass
class Answer:
    status: int
    text: str = ""


async def measure(run: Run, n: int, op: Callable[[int], Awaitable[Answer]]) -> Run:
    """``n`` calls of ``op``, ``run.clients`` at a time; each answer's status counted."""
    jobs = iter(range(n))

    async def client() -> None:
        for i in jobs:
            began = time.perf_counter()
            answer = await op(i)
            run.latencies.append(time.perf_counter() - began)
            run.statuses[answer.status] += 1
            if answer.status != run.expected and not run.first_unexpected:
                run.first_unexpected = f"{answer.status} {answer.text[:500]}"

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(run.clients)))
    run.seconds = time.perf_counter() - began
    return run


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def dev_server(converter: DataConverter) -> WorkflowEnvironment:
    """The benches' own Temporal dev server (in memory, the service's search attributes), its client using
    ``converter`` as the service's clients do."""
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=venv_binary("temporal"),
        data_converter=converter,
        search_attributes=list(sa.ALL),
        dev_server_log_level="error",
    )


class WorkerThread:
    """The production worker (``build_worker``) and the bare floor's worker (same size) on one thread and event
    loop of their own, so that workflow tasks and the bench's clients do not queue behind each other on one loop
    (they still share the interpreter). The bare worker polls ``<task queue>-bare``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.ready = threading.Event()
        self.failed: BaseException | None = None
        self.thread = threading.Thread(target=self._main, daemon=True)

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as e:  # reported by __enter__
            self.failed = e
            self.ready.set()

    async def _serve(self) -> None:
        self.loop, self.stop = asyncio.get_running_loop(), asyncio.Event()
        client = await connect(self.settings)
        with ThreadPoolExecutor(max_workers=16) as executor, ThreadPoolExecutor(max_workers=16) as bare_executor:
            bare = Worker(
                client,
                task_queue=self.settings.task_queue + BARE_QUEUE_SUFFIX,
                workflows=[BareWorkflow],
                activities=[noop],
                activity_executor=bare_executor,
                max_concurrent_activities=16,  # as build_worker
            )
            async with build_worker(client, self.settings, executor), bare:
                self.ready.set()
                await self.stop.wait()

    def __enter__(self) -> "WorkerThread":
        self.thread.start()
        if not self.ready.wait(60) or self.failed:
            raise RuntimeError(f"the worker did not start: {self.failed!r}")
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(60)


class ApiProcess:
    """The API as it is deployed: uvicorn in a process of its own (its own interpreter, so its latency is not
    the worker's), on a free loopback port, configured through the environment like production."""

    def __init__(self, settings: Settings, payload_keys: str) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/api/v1"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": settings.database_url,
            "BIAOGAN_DATA_DIR": str(settings.data_dir),
            "BIAOGAN_PAYLOAD_KEYS": payload_keys,
            "BIAOGAN_TEMPORAL_ADDRESS": settings.temporal_address,
            "BIAOGAN_TASK_QUEUE": settings.task_queue,
            "BIAOGAN_MATERIALS_DIR": str(settings.material_store_dir()),
        }

    def __enter__(self) -> "ApiProcess":
        command = [sys.executable, "-m", "uvicorn", "app:create_app", "--factory", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--log-level", "warning", "--no-access-log"]
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


Setup = Callable[..., Awaitable[dict[str, Any]]]


def panel_for(database_url: str, owner_token: str, county: str | None, tag: str) -> list[str]:
    """A lawful review panel (评审组) for a bench round: the owner's own account (found by its token) and a DRC and
    a civil-affairs member made here, of the owner's county for a county round."""
    from sqlmodel import Session, select

    from db.session import get_engine
    from db.users import User
    from services.identity import hash_token
    from services.identity.users import add_user

    with Session(get_engine(database_url)) as s:
        owner = s.exec(select(User.id).where(User.token_hash == hash_token(owner_token))).one()
    made = [
        add_user(database_url, f"基准{word}{tag}", "department", county, department).id
        for word, department in (("发改", "drc"), ("民政", "civil_affairs"))
    ]
    return [owner, *made]


def round_plan(
    round_id: str, name: str, level: str, period_id: str, closes_in: timedelta, panel: list[str] | None = None
) -> dict[str, Any]:
    """A round whose declaration window opened yesterday, scored on written review alone, by ``panel``."""
    now = datetime.now(TZ)
    return {
        "panel": panel or [],
        "round_id": round_id,
        "name": name,
        "level": level,
        "period_id": period_id,
        "opens_at": (now - timedelta(days=1)).isoformat(),
        "closes_at": (now + closes_in).isoformat(),
        "weights": {"written": 1.0},
    }


async def upload_checklist(setup: Setup, level: Level) -> list[dict[str, str]]:
    """Upload (as the clerk) one sample file for every required item of a gig market's checklist at ``level``;
    the declaration's ``materials``."""
    from tests.samples import pdf, png

    chosen = []
    for item in materials.load().checklist(InstitutionType.gig_market, level):
        if item.required:
            data, name = (pdf(item.code), "f.pdf") if materials.PDF in item.accepts else (png(item.code), "f.png")
            up = await setup("clerk", "POST", "/materials", 201, files={"file": (name, data)})
            chosen.append({"item": item.code, "material_id": up["id"]})
    return chosen
