"""The schema is made only by the migrations in db/migrations: on an empty database they make exactly the models'
tables, indexes and constraints (SQLite and PostgreSQL), and processes that migrate at once (the worker and the API
on a fresh clone) all succeed."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from config import ROOT
from db.schema import BASELINE, _config, at_head, upgrade
from db.session import get_engine
from db.tables import metadata
from tests.conftest import scratch_postgres, unique


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.db'}"
        yield url
        get_engine(url).dispose()
        return
    with scratch_postgres("mig") as url:
        yield url


def differences(url: str) -> list:
    with get_engine(url).connect() as connection:
        return compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), metadata)


def test_an_empty_database_is_migrated_to_exactly_the_models(empty_url):
    assert not at_head(empty_url)
    upgrade(empty_url)
    assert at_head(empty_url)
    assert differences(empty_url) == []
    active = {
        ix["name"]: ix
        for ix in inspect(get_engine(empty_url)).get_indexes("quota_place")
        if ix["name"].startswith("uq_")
    }
    for name in ("uq_quota_place_active_slot", "uq_quota_place_active_application"):  # the quota's own guard
        options = active[name]["dialect_options"]  # compare_metadata does not compare the condition
        where = options.get("sqlite_where", options.get("postgresql_where"))
        assert active[name]["unique"] and str(where).replace('"', "").strip("()") == "released_at IS NULL"


def test_upgrading_again_changes_nothing_and_the_baseline_goes_back_to_empty(empty_url):
    upgrade(empty_url)
    upgrade(empty_url)
    assert at_head(empty_url) and differences(empty_url) == []
    with get_engine(empty_url).begin() as connection:
        command.downgrade(_config(connection), "base")
    emptied = inspect(get_engine(empty_url))
    assert set(emptied.get_table_names()) <= {"alembic_version"}
    assert get_engine(empty_url).dialect.name != "postgresql" or emptied.get_enums() == []  # types too
    upgrade(empty_url)
    assert at_head(empty_url) and differences(empty_url) == []


def test_a_database_made_before_migrations_is_taken_as_the_baseline(tmp_path):
    url = f"sqlite:///{tmp_path / 'made-by-create-all.db'}"
    with get_engine(url).begin() as connection:  # the tables as they were then, with no migration history
        command.upgrade(_config(connection), BASELINE)
        connection.exec_driver_sql("DROP TABLE alembic_version")
    assert not at_head(url)
    upgrade(url)
    assert at_head(url) and differences(url) == []


def test_a_database_with_only_some_of_the_tables_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'partial.db'}"
    metadata.create_all(get_engine(url), tables=[metadata.tables["period"]])
    with pytest.raises(RuntimeError, match="lacks api_user, application"):
        upgrade(url)
    assert not at_head(url)


MIGRATE_AT = """
import sys, time
from db.schema import upgrade
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
upgrade(sys.argv[1])
"""


def test_processes_migrating_an_empty_database_at_once_all_succeed(empty_url):
    start = time.time() + 3  # every process has imported everything by then, and they start together
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE_AT, empty_url, str(start)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], "\n".join(outputs)
    assert at_head(empty_url) and differences(empty_url) == []


# ---- the worker and the API started at once on a fresh clone ----------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process: subprocess.Popen) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait()


async def test_worker_and_api_started_at_once_on_an_empty_data_dir_both_stay_up(dev_env, tmp_path):
    data = tmp_path / "data"  # does not exist yet: a fresh clone
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "BIAOGAN_DATABASE_URL")}
    env |= {
        "PYTHONPATH": str(ROOT),
        "BIAOGAN_DATA_DIR": str(data),
        "BIAOGAN_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "BIAOGAN_TEMPORAL_NAMESPACE": dev_env.client.namespace,
        "BIAOGAN_TASK_QUEUE": unique("fresh"),
        "BIAOGAN_API_PORT": str(port),
    }
    api_command = [
        sys.executable,
        "-m",
        "uvicorn",
        "app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    logs = {name: (tmp_path / f"{name}.log").open("w+") for name in ("worker", "api")}
    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "worker.py")], cwd=ROOT, env=env, stdout=logs["worker"], stderr=subprocess.STDOUT
    )
    api = subprocess.Popen(api_command, cwd=ROOT, env=env, stdout=logs["api"], stderr=subprocess.STDOUT)

    def log() -> str:
        return "\n".join(f"--- {name}\n{Path(f.name).read_text()}" for name, f in logs.items())

    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            notices = await answered(http, "/api/v1/public/notices", [worker, api])  # reads the application table
            assert notices is not None and notices.status_code == 200, log()
            assert notices.json() == {"items": [], "total": 0}
            assert (await http.get("/openapi.json")).status_code == 200
            await asyncio.sleep(2)  # a worker that failed at start would have exited by now
        assert worker.poll() is None and api.poll() is None, log()
        assert at_head(f"sqlite:///{data / 'biaogan.db'}")
    finally:
        codes = stop(worker), stop(api)
        for f in logs.values():
            f.close()
    assert codes in ((0, 0), (0, -signal.SIGTERM)), log()  # uvicorn ends by the signal once it has shut down
    assert "already exists" not in log() and "Traceback" not in log(), log()


async def answered(http: httpx.AsyncClient, path: str, processes: list[subprocess.Popen]) -> httpx.Response | None:
    """The first answer to ``path``, once the API listens; None as soon as one of ``processes`` has exited."""
    deadline = time.monotonic() + 60
    while True:
        if any(p.poll() is not None for p in processes):
            return None
        try:
            return await http.get(path)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)
