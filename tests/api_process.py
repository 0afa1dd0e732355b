"""The API and the worker as production runs them, each in a process of its own (uvicorn as ``biaogan api``
starts it; ``python worker.py``), configured by the environment alone."""

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from cli import api_command
from config import ROOT, Settings
from tests.test_migrations import free_port, stop


def environment(settings: Settings, **extra: str) -> dict[str, str]:
    """The variables that make ``settings`` in a fresh process (none of the test process's own BIAOGAN_*)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BIAOGAN_") and k != "DATABASE_URL"}
    return env | {
        "PYTHONPATH": str(ROOT),
        "BIAOGAN_PAYLOAD_KEYS": os.environ["BIAOGAN_PAYLOAD_KEYS"],
        "DATABASE_URL": settings.database_url,
        "BIAOGAN_DATA_DIR": str(settings.data_dir),
        "BIAOGAN_TASK_QUEUE": settings.task_queue,
        "BIAOGAN_TEMPORAL_ADDRESS": settings.temporal_address,
        **extra,
    }


class ApiProcess:
    def __init__(self, settings: Settings, log: Path, **extra: str) -> None:
        self.port = free_port()
        self.settings = settings.model_copy(update={"api_port": self.port})
        self.env = environment(self.settings, BIAOGAN_API_PORT=str(self.port), **extra)
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"http://127.0.0.1:{self.port}/api/v1"

    async def start(self) -> "ApiProcess":
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                api_command(self.settings), cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient(timeout=5) as http:
            while True:
                try:
                    await http.get(f"http://127.0.0.1:{self.port}/healthz")
                    return self
                except httpx.TransportError:
                    assert self.process.poll() is None and time.monotonic() < deadline, self.log.read_text()
                    await asyncio.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)


class WorkerProcess:
    def __init__(self, settings: Settings, log: Path, **extra: str) -> None:
        self.env = environment(settings, **extra)
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "WorkerProcess":
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "worker.py")], cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
