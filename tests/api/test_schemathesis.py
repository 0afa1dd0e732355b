"""schemathesis against the app's own OpenAPI, all its default checks, with a real dev server and worker.

Schemathesis drives the app from a thread of its own (a sync test), so the worker runs on its own thread and
event loop here too. The generator is taught the three rules JSON Schema cannot state — the GB 32100 check
character, dates not in the future, the dates' ranges — so that data it calls valid is valid.
"""

import asyncio
import re
import secrets
import threading
from datetime import date, datetime, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlmodel import Session

from api.auth import create_user
from api.fields import CREDIT_CODE_PATTERN, EARLIEST, FOUNDED_EARLIEST
from api.main import create_app
from api.routes.applications import today
from api.routes.calendar import FIRST, LAST
from clients.connection import connect
from config import Settings
from db.rounds import Period
from db.session import get_engine
from state.calendar import TZ
from state.credit_code import check_character
from tests.api.conftest import seed_county_title, temporal_address
from tests.conftest import RunningWorker, settings_for, unique
from tests.factory import COUNTY


class ThreadedWorker:
    """A worker on its own event loop, alive while the (synchronous) schemathesis test runs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.ready = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)
        self.error: BaseException | None = None

    async def _serve(self) -> None:
        try:
            self.loop = asyncio.get_running_loop()
            self.stop = asyncio.Event()
            client = await connect(self.settings)
            async with RunningWorker(client, self.settings):
                self.ready.set()
                await self.stop.wait()
        except BaseException as e:  # surfaced to the test below
            self.error = e
            self.ready.set()

    def __enter__(self) -> "ThreadedWorker":
        self.thread.start()
        self.ready.wait(30)
        if self.error:
            raise self.error
        return self

    def __exit__(self, *exc) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(30)


def _clamp(value: object, low: date, high: date) -> object:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return min(max(value, low.isoformat()), high.isoformat())
    return value


def map_case(context, case):
    """Only for data the generator calls valid: make it valid by the rules the schema cannot express."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return case
    if case.method == "POST" and case.operation.path.endswith("/applications") and isinstance(case.body, dict):
        institution = case.body.get("institution")
        if isinstance(institution, dict):
            code = institution.get("credit_code")
            if isinstance(code, str) and re.fullmatch(CREDIT_CODE_PATTERN, code):
                institution["credit_code"] = code[:17] + check_character(code[:17])
            institution["founded_on"] = _clamp(institution.get("founded_on"), FOUNDED_EARLIEST, today())
            institution["county_title_date"] = _clamp(institution.get("county_title_date"), EARLIEST, today())
        case.body.pop("round_id", None)  # a declaration names an existing round (checked against its window)
    if case.method == "POST" and case.operation.path == "/api/v1/rounds" and isinstance(case.body, dict):
        # a window that closes after it opens, weights adding up to 1, a round of the token's own county
        opens = datetime.now(TZ).replace(microsecond=0)
        case.body.update(
            round_id=unique("R"),
            level="county",
            weights={"written": 1.0},
            period_id=PERIOD,
            opens_at=opens.isoformat(),
            closes_at=(opens + timedelta(days=30)).isoformat(),
        )
    if case.method == "POST" and isinstance(case.body, dict):
        for name in ("published_on", "awarded_on"):  # the procedure's dates: 2000 on, not in the future
            if name in case.body:
                case.body[name] = _clamp(case.body[name], EARLIEST, today())
    if case.query:
        for name in ("start", "published_on"):
            if name in case.query:
                case.query[name] = _clamp(case.query[name], FIRST, LAST)
    return case


@pytest.fixture(scope="module")
def served(dev_env, sqlite_url):
    settings = settings_for(sqlite_url, unique("st"), temporal_address=temporal_address(dev_env))
    with ThreadedWorker(settings):
        app = create_app(settings)
        create_user(sqlite_url, unique("schemathesis"), "county_bureau", COUNTY, token=TOKEN)
        SERVED_DB[:] = [sqlite_url]
        with Session(get_engine(sqlite_url)) as s:  # reference data a round refers to
            s.merge(Period(id=PERIOD, name="十五五", start_year=2026, end_year=2030, updated_at=datetime.now(TZ)))
            s.commit()
        yield app


# The document is the app's own; the app that answers is built (and connected) by the fixture.
schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi())
schema.hook(map_case)


def before_call(context, case, kwargs):
    """Every phase, every mode: a city candidate's county-level title is on record (reference data it refers to)."""
    body = case.body if case.method == "POST" and case.operation.path.endswith("/applications") else None
    if (
        SERVED_DB
        and isinstance(body, dict)
        and body.get("level") == "city"
        and isinstance(body.get("institution"), dict)
    ):
        seed_county_title(SERVED_DB[0], body["institution"])


schemathesis.hook(before_call)  # a call hook is global in schemathesis 4
PERIOD = "15th-fyp"
SERVED_DB: list[str] = []  # the served app's database, for reference data the generated cases refer to
TOKEN = "bg_" + secrets.token_urlsafe(32)  # known when cases are generated, stored when the app is built


@schema.auth()
class CountyBureauToken:
    """Through schemathesis' own auth, so its checks know when a case goes without the token on purpose."""

    def get(self, case, context):
        return TOKEN

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_openapi_promises(case, served):
    case.operation.schema.app = served  # every request, the checks' own probes included, goes to this app
    case.call_and_validate(app=served)
