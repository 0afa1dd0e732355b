"""Ctrl-C stops the worker (and the API) cleanly: their Temporal client is dropped inside the event loop. Left to
the interpreter's shutdown, its native half was dropped outside the loop and, one stop in a few, aborted the
process after "worker stopped": ``Fatal Python error: PyGILState_Release: thread state … must be current when
releasing``."""

import os
import signal
import subprocess
import sys
import textwrap
import time
import weakref

from app import create_app
from config import ROOT
from tests.api.conftest import temporal_address
from tests.conftest import settings_for, unique

RUNS = 6


def worker_env(dev_env, tmp_path, name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BIAOGAN_") and k != "DATABASE_URL"}
    return env | {
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
        "BIAOGAN_DATA_DIR": str(tmp_path / name),
        "BIAOGAN_TEMPORAL_ADDRESS": temporal_address(dev_env),
        "BIAOGAN_TEMPORAL_NAMESPACE": dev_env.client.namespace,
        "BIAOGAN_TASK_QUEUE": unique(name),
    }


def wait_until_polling(logs, processes) -> None:
    deadline = time.monotonic() + 120
    while not all("worker on" in log.read_text() for log in logs):
        assert time.monotonic() < deadline and all(p.poll() is None for p in processes), _text(logs)
        time.sleep(0.2)
    time.sleep(1)


def _text(logs) -> str:
    return "\n".join(f"--- {log.name}\n{log.read_text()}" for log in logs)


def test_nothing_of_temporal_is_left_for_the_interpreters_shutdown(dev_env, tmp_path):
    """Deterministic: once worker.main has returned, no Temporal client or worker object is alive (before,
    both were, in reference cycles, until a collection at interpreter shutdown)."""
    probe = textwrap.dedent(
        """
        import asyncio, gc, sys, temporalio.client, temporalio.worker, worker
        asyncio.run(worker.main())
        alive = [o for o in gc.get_objects() if isinstance(o, (temporalio.client.Client, temporalio.worker.Worker))]
        print("ALIVE", len(alive), flush=True)
        """
    )
    log = tmp_path / "probe.log"
    with log.open("w") as out:
        p = subprocess.Popen(
            [sys.executable, "-c", probe], cwd=ROOT, env=worker_env(dev_env, tmp_path, "probe"), stdout=out, stderr=out
        )
    wait_until_polling([log], [p])
    p.send_signal(signal.SIGINT)
    assert p.wait(60) == 0, log.read_text()
    assert "ALIVE 0" in log.read_text(), log.read_text()


def test_the_worker_stops_on_ctrl_c_without_a_fatal_python_error(dev_env, tmp_path):
    """As under ``./run.sh``: Ctrl-C reaches every process of the group (SIGINT) and ``biaogan up`` sends SIGTERM."""
    logs = [tmp_path / f"worker-{i}.log" for i in range(RUNS)]
    workers = []
    for i, log in enumerate(logs):  # several at once: the crash came about one stop in ten
        with log.open("w") as out:
            workers.append(
                subprocess.Popen(
                    [sys.executable, str(ROOT / "worker.py")],
                    cwd=ROOT,
                    env=worker_env(dev_env, tmp_path, f"stop{i}"),
                    stdout=out,
                    stderr=out,
                )
            )
    wait_until_polling(logs, workers)
    for w in workers:
        w.send_signal(signal.SIGINT)
        w.send_signal(signal.SIGTERM)
    codes = [w.wait(60) for w in workers]
    text = _text(logs)
    assert "Fatal Python error" not in text and "PyGILState" not in text, text
    assert codes == [0] * RUNS and text.count("worker stopped") == RUNS, text


async def test_the_api_drops_its_temporal_client_when_it_stops(dev_env, sqlite_url):
    app = create_app(settings_for(sqlite_url, unique("stop"), temporal_address=temporal_address(dev_env)))
    async with app.router.lifespan_context(app):
        client = weakref.ref(app.state.temporal)
    assert client() is None
