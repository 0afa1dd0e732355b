"""``biaogan up`` (what ``./run.sh`` runs) keeps the stack running: a worker that dies (here by SIGKILL) is
restarted, with backoff, and the restart is logged; Ctrl-C still stops everything."""

import asyncio
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from cli import worker_envs
from config import ROOT, Settings
from tests.test_migrations import free_port


def up_env(data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BIAOGAN_") and k != "DATABASE_URL"}
    return env | {
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
        "BIAOGAN_DATA_DIR": str(data),
        "BIAOGAN_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "BIAOGAN_TEMPORAL_UI_PORT": str(free_port()),
        "BIAOGAN_API_PORT": str(free_port()),
        **extra,
    }


async def wait_for(probe, seconds: float, what: str, log: Path):
    deadline = time.monotonic() + seconds
    while True:
        try:
            found = await probe()
        except Exception:  # the service is still starting
            found = None
        if found:
            return found
        assert time.monotonic() < deadline, f"{what} not within {seconds}s\n{log.read_text()}"
        await asyncio.sleep(0.3)


async def test_a_killed_worker_is_restarted_and_the_stack_keeps_running(tmp_path):
    env = up_env(tmp_path / "data")
    log = tmp_path / "up.log"
    with log.open("w") as out:
        up = subprocess.Popen(
            [sys.executable, str(ROOT / "cli.py"), "up"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        client = await wait_for(lambda: Client.connect(env["BIAOGAN_TEMPORAL_ADDRESS"]), 60, "the dev server", log)
        first = await wait_for(lambda: live_worker_pids(client, "biaogan"), 60, "a polling worker", log)
        data = Path(env["BIAOGAN_DATA_DIR"])  # personal data and the payload key: the user's alone
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
        for name in ("temporal.db", "biaogan.db", "payload-keys.json"):
            assert stat.S_IMODE((data / name).stat().st_mode) & 0o077 == 0, name
        (pid,) = first
        os.kill(pid, signal.SIGKILL)
        restarted = await wait_for(lambda: _other_live_worker(client, pid), 60, "a restarted worker polling", log)
        assert up.poll() is None, log.read_text()
        assert restarted != {pid}
        text = log.read_text()
        assert f"worker (pid {pid}) exited with code -9; restarting in" in text, text
        assert "• worker restarted (pid" in text, text
    finally:
        if up.poll() is None:
            up.send_signal(signal.SIGINT)
            up.wait(60)
    assert up.returncode == 0, log.read_text()


async def live_worker_pids(client: Client, task_queue: str) -> set[int]:
    """The pids of the workers polling ``task_queue`` (a worker's identity is ``<pid>@<host>``)."""
    answer = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=client.namespace,
            task_queue=TaskQueue(name=task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
    )
    return {int(p.identity.split("@")[0]) for p in answer.pollers if p.identity.split("@")[0].isdigit()}


async def _other_live_worker(client: Client, dead: int) -> set[int]:
    pids = await live_worker_pids(client, "biaogan")
    return {p for p in pids if p != dead and _alive(p)}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


async def test_run_sh_workers_starts_that_many_workers_each_restarted_on_its_own(tmp_path):
    """``./run.sh --workers 2``: two worker processes poll the same task queue; one killed, the other keeps
    polling meanwhile and the dead one (and only it) is restarted."""
    env = up_env(tmp_path / "data")
    log = tmp_path / "up.log"
    with log.open("w") as out:
        up = subprocess.Popen(
            [str(ROOT / "run.sh"), "--workers", "2", "--no-api"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        client = await wait_for(lambda: Client.connect(env["BIAOGAN_TEMPORAL_ADDRESS"]), 60, "the dev server", log)

        async def two_workers() -> set[int] | None:
            pids = {p for p in await live_worker_pids(client, "biaogan") if _alive(p)}
            return pids if len(pids) == 2 else None

        first = await wait_for(two_workers, 60, "two polling workers", log)
        text = log.read_text()
        assert "• worker 1 on task queue 'biaogan'" in text and "• worker 2 on task queue 'biaogan'" in text, text
        victim, survivor = sorted(first)
        os.kill(victim, signal.SIGKILL)
        after = await wait_for(
            lambda: _replaced(client, victim, survivor), 60, "the survivor polling beside a restarted worker", log
        )
        assert up.poll() is None, log.read_text()
        assert survivor in after and victim not in after
        text = log.read_text()
        assert text.count("exited with code -9; restarting in 1s (restart 1)") == 1, text
        assert f"(pid {victim}) exited with code -9" in text, text
    finally:
        if up.poll() is None:
            up.send_signal(signal.SIGINT)
            up.wait(60)
    assert up.returncode == 0, log.read_text()


async def _replaced(client: Client, dead: int, survivor: int) -> set[int] | None:
    pids = {p for p in await live_worker_pids(client, "biaogan") if p != dead and _alive(p)}
    return pids if len(pids) == 2 and survivor in pids else None


def test_several_workers_get_ports_of_their_own():
    """Health and metrics ports, when configured, are offset per worker (one port each); one worker keeps them."""
    base = {"PATH": "/usr/bin"}
    settings = Settings(worker_health_port=9100, worker_metrics_port=9200)
    assert worker_envs(1, settings, base) == [("worker", base)]
    three = worker_envs(3, settings, base)
    assert [name for name, _ in three] == ["worker 1", "worker 2", "worker 3"]
    assert [e["BIAOGAN_WORKER_HEALTH_PORT"] for _, e in three] == ["9100", "9101", "9102"]
    assert [e["BIAOGAN_WORKER_METRICS_PORT"] for _, e in three] == ["9200", "9201", "9202"]
    assert all(e["PATH"] == "/usr/bin" for _, e in three) and base == {"PATH": "/usr/bin"}
    unset = worker_envs(2, Settings(worker_health_port=None, worker_metrics_port=None), base)
    assert all("BIAOGAN_WORKER_HEALTH_PORT" not in e and "BIAOGAN_WORKER_METRICS_PORT" not in e for _, e in unset)
