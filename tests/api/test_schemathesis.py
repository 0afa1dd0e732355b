"""schemathesis against the app's own OpenAPI, all its default checks, with a real dev server and worker.

Among them the three issue 18 names: ``not_a_server_error``, ``positive_data_acceptance`` (data the schema calls
valid is not refused 400/422) and ``status_code_conformance`` (every status answered is documented); the test
fails on any finding. The date ranges are in the schema itself (schemas/fields.py), so the generator draws dates
within them; it is taught only the rules JSON Schema cannot state — the GB 32100 check character, dates not in
the future, and the references a valid body makes (rounds, uploads, attestations), and the admin's cross-field
rules (years in order, weights adding up to 1). Requests go with the county bureau's token, and those that only the
admin may make with the admin's: a body is checked only when its caller may send it.

Schemathesis drives the app from a thread of its own (a sync test), so the worker runs on its own thread and
event loop here too.
"""

import asyncio
import re
import secrets
import threading
from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlmodel import Session

import documents
from api.deps import today
from app import create_app
from clients.connection import connect
from config import Settings
from contracts.rounds import RoundPlan
from db.historic_import import COLUMNS as HISTORIC_COLUMNS
from db.materials import Material, record_upload
from db.rounds import Period
from db.session import get_engine
from schemas.fields import CREDIT_CODE_PATTERN
from services.identity import actor_for_token, create_user
from services.identity.users import add_user
from state import materials
from state.calendar import TZ
from state.credit_code import check_character
from state.domain import COUNTIES, InstitutionType, Level
from storage import file_store
from tests.api.conftest import attestations, required_items, seed_county_title, temporal_address
from tests.conftest import RunningWorker, settings_for, unique
from tests.documents.samples import CERTIFICATE
from tests.factory import COUNTY, reviewer
from tests.samples import pdf, png
from workflows.round import RoundWorkflow, round_workflow_id


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


def _not_future(value: object) -> object:
    """A date the schema admits, moved back to today when it lies ahead (the one date rule it cannot state)."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return min(value, today().isoformat())
    return value


def upload_every_item(settings: Settings, database_url: str) -> None:
    """One file of the token's user for every checklist item, as POST /materials would keep it."""
    with Session(get_engine(database_url)) as s:
        user = actor_for_token(s, TOKEN)
    assert user is not None
    store = file_store(settings.material_store_dir())
    for item in materials.load().items.values():
        data = pdf(item.code) if materials.PDF in item.accepts else png(item.code)
        row = Material(
            id=UPLOADS[item.code],
            sha256=store.put(data),
            size=len(data),
            content_type=materials.sniff(data) or "",
            filename=f"{item.title}.bin",
            owner_user_id=user.user_id,
            owner_name=user.name,
            owner_county=user.county,
            uploaded_at=datetime.now(UTC),
        )
        record_upload(database_url, row)


async def open_city_round(settings: Settings) -> None:
    """The city-level round generated city-level declarations enter (its window open for the run)."""
    now = datetime.now(TZ)
    plan = RoundPlan(
        round_id=CITY_ROUND,
        name="schemathesis 市级批次",
        level=Level.city,
        period_id=PERIOD,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        weights={"written": 1.0},
        created_by=reviewer(),
    )
    client = await connect(settings)
    await client.start_workflow(
        RoundWorkflow.run, plan, id=round_workflow_id(CITY_ROUND), task_queue=settings.task_queue
    )


# The operations that take a declaration's body: declaring, and printing its 申报表 before declaring (judged alike).
DECLARATION_BODIES = ("/applications", "/documents/declaration-draft.pdf")


def map_case(context, case):
    """Only for data the generator calls valid: make it valid by the rules the schema cannot express."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return case
    if case.method == "POST" and case.operation.path.endswith(DECLARATION_BODIES) and isinstance(case.body, dict):
        institution = case.body.get("institution")
        if isinstance(institution, dict) and "facts" not in institution:  # another program's facts: not these
            code = institution.get("credit_code")
            if isinstance(code, str) and re.fullmatch(CREDIT_CODE_PATTERN, code):
                institution["credit_code"] = code[:17] + check_character(code[:17])
            institution["founded_on"] = _not_future(institution.get("founded_on"))
            institution["county_title_date"] = _not_future(institution.get("county_title_date"))
        kind, level = (institution or {}).get("type"), case.body.get("level")
        # a declaration names an existing round (checked against its window): a city-level one must, in the city round
        case.body.pop("round_id", None)
        if level == "city":
            case.body["round_id"] = CITY_ROUND
        if isinstance(institution, dict) and kind in TYPES and level in LEVELS:
            # every applicable condition attested, every required item attached (uploads of the token's user)
            institution["attestations"] = attestations(kind, level, case.body.get("county") or COUNTY)
            case.body["materials"] = [
                {"item": i.code, "material_id": UPLOADS[i.code]} for i in required_items(kind, level)
            ]
    if case.method == "POST" and case.operation.path.endswith("/resubmission") and isinstance(case.body, dict):
        institution = case.body.get("institution")
        if isinstance(institution, dict) and "facts" not in institution:  # the same date rule as at declaration
            institution["founded_on"] = _not_future(institution.get("founded_on"))
            institution["county_title_date"] = _not_future(institution.get("county_title_date"))
    if case.method == "POST" and case.operation.path == "/api/v1/materials" and isinstance(case.body, dict):
        case.body["file"] = png(secrets.token_hex(4))  # a file's type is told by its bytes
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
    if case.method == "PUT" and case.operation.path.endswith("/conditions") and isinstance(case.body, dict):
        # a county's own conditions bind its later declarations in this shared database: set none (nothing recorded)
        case.body["conditions"] = []
    if case.method == "POST" and isinstance(case.body, dict):
        for name in ("published_on", "awarded_on"):  # the procedure's acts are not dated ahead
            if name in case.body:
                case.body[name] = _not_future(case.body[name])
    return case


def _admin_case(case) -> None:
    """What the admin's bodies must be beyond their schema: a period that ends no earlier than it starts, a quota
    keyed by its level's places, an apportionment of distinct counties whose weights add up to 1 and whose
    weighted figures are not all zero, adjustments within the split (none here), a CSV import's rows (none)."""
    body = case.body
    if case.operation.path.startswith("/api/v1/periods/") and isinstance(body, dict):
        years = sorted(y for y in (body.get("start_year"), body.get("end_year")) if isinstance(y, (int, float)))
        if len(years) == 2:
            body["start_year"], body["end_year"] = years
    elif case.method == "PUT" and case.operation.path.startswith("/api/v1/quotas/") and isinstance(body, dict):
        totals = body.get("totals")
        if isinstance(totals, dict) and totals:
            places = list(totals.values())
            keys = ["city"] if (case.path_parameters or {}).get("level") == "city" else list(COUNTIES)
            body["totals"] = dict(zip(keys, places, strict=False))
    elif case.operation.path.endswith(("/apportionment", "/adoption")) and isinstance(body, dict):
        if isinstance(body.get("weight_population"), (int, float)):  # quarters: sums that are exactly 1
            body["weight_population"] = round(body["weight_population"] * 4) / 4
            body["weight_performance"] = 1 - body["weight_population"]
        counties = body.get("counties")
        if isinstance(counties, list):
            distinct = {c["county"]: c for c in counties if isinstance(c, dict) and "county" in c}
            body["counties"] = [{**c, "population": 1.0, "performance": 1.0} for c in distinct.values()]
        if "adjustments" in body:
            body["adjustments"] = {}
    elif case.operation.path == "/api/v1/historic-titles/import":
        case.body = ",".join(HISTORIC_COLUMNS) + "\n"


@pytest.fixture(scope="module")
def served(dev_env, sqlite_url):
    settings = settings_for(sqlite_url, unique("st"), temporal_address=temporal_address(dev_env))
    with ThreadedWorker(settings):
        app = create_app(settings)
        bureau = add_user(sqlite_url, unique("schemathesis"), "county_bureau", COUNTY, token=TOKEN)
        # a lawful review panel for the county's rounds: the bureau itself and the county's DRC and civil affairs
        PANEL[:] = [bureau.id] + [
            add_user(sqlite_url, unique(f"panel-{d}"), "department", COUNTY, d).id for d in ("drc", "civil_affairs")
        ]
        for role, (token, department) in OTHER_CALLERS.items():
            create_user(sqlite_url, unique(f"schemathesis-{role}"), role, department=department, token=token)
        SERVED_DB[:] = [sqlite_url]
        with Session(get_engine(sqlite_url)) as s:  # reference data a round refers to
            s.merge(Period(id=PERIOD, name="十五五", start_year=2026, end_year=2030, updated_at=datetime.now(TZ)))
            s.commit()
        upload_every_item(settings, sqlite_url)
        asyncio.run(open_city_round(settings))
        yield app


# The document is the app's own; the app that answers is built (and connected) by the fixture.
schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi())
schema.hook(map_case)


def before_call(context, case, kwargs):
    """Every phase, every mode: a city candidate's county-level title is on record (reference data it refers to).
    Every phase, data the generator calls valid: the admin's and the inspector's bodies made valid beyond their
    schema (the coverage phase applies no map_case hook; schemathesis revalidates a case edited here)."""
    if case.meta is not None and case.meta.generation.mode.is_positive:
        if case.method == "POST" and case.operation.path == "/api/v1/public/verify":
            # 验真 needs something to check, a PDF told by its bytes (sealed by nobody: valid false), and a 文号 of
            # at most 64 characters (services/verification.py: more is refused, 422 verify_number_too_long)
            case.body = case.body if isinstance(case.body, dict) else {}
            case.body["file"] = documents.plaque_certificate(CERTIFICATE)
            if isinstance(case.body.get("number"), str):
                case.body["number"] = case.body["number"][:64]
        if case.method == "POST" and case.operation.path == "/api/v1/rounds" and isinstance(case.body, dict):
            # a lawful panel (its accounts are made by the fixture, after the examples are drawn)
            case.body.update(panel=list(PANEL), panel_min=3)
        if case.operation.path.startswith(ADMIN_PATHS):
            _admin_case(case)
        if case.operation.path.endswith("/revocation") and isinstance(case.body, dict):
            case.body["files"] = []  # the inspector's uploads are references, as a declaration's materials
        if case.operation.path in REQUIREMENT_PATHS:
            # type, level and county are the program's keys: with no program named, the first program's (the
            # schema cannot say so; another program's are tested in tests/api/test_program_requirements.py)
            query = case.query if isinstance(case.query, dict) else {}
            if not query.get("program"):
                query["type"] = query.get("type") if query.get("type") in TYPES else sorted(TYPES)[0]
                query["level"] = query.get("level") if query.get("level") in LEVELS else Level.county.value
                if query.get("county") is not None and query["county"] not in COUNTIES:
                    query["county"] = COUNTY
            case.query = query
    body = case.body if case.method == "POST" and case.operation.path.endswith(DECLARATION_BODIES) else None
    if (
        SERVED_DB
        and isinstance(body, dict)
        and body.get("level") == "city"
        and isinstance(body.get("institution"), dict)
    ):
        seed_county_title(SERVED_DB[0], body["institution"])


schemathesis.hook(before_call)  # a call hook is global in schemathesis 4
PERIOD = "15th-fyp"
CITY_ROUND = unique("R-city")
SERVED_DB: list[str] = []
PANEL: list[str] = []  # user ids of a lawful county panel, made by the fixture
# checklist item -> an upload of the token's user (ids known when cases are generated, rows made with the app)
UPLOADS = {code: f"M{secrets.token_hex(4)}-{code}"[:64] for code in materials.load().items}
TYPES = {t.value for t in InstitutionType}
LEVELS = {lv.value for lv in Level}  # the served app's database, for reference data the generated cases refer to
TOKEN = "bg_" + secrets.token_urlsafe(32)  # known when cases are generated, stored when the app is built
# role -> (token, department): the callers of what the county bureau may not do, so that those bodies are checked too
OTHER_CALLERS = {
    role: ("bg_" + secrets.token_urlsafe(32), "hrss" if role == "department" else None)
    for role in ("admin", "city_reviewer", "department", "inspector")
}
ACTS_OF = {"city_reviewer": ("/city-review",), "department": ("/co-signatures",), "inspector": ("/revocation",)}
ADMIN_PATHS = ("/api/v1/periods", "/api/v1/quotas", "/api/v1/historic-titles")
REQUIREMENT_PATHS = ("/api/v1/materials/checklist", "/api/v1/conditions")
EXAMPLES = 15  # per operation and phase: 63 operations, 3.5 minutes on two idle cores


def caller(case, context=None) -> str:
    """Who sends ``case``: the admin what only the admin may change (periods, quotas, historic titles), the city
    reviewer, a city department and the inspector their own acts, the county bureau the rest; a body is checked
    only when its caller may send it, not refused 403 for who sends it."""
    acting = next((r for r, ends in ACTS_OF.items() if case.operation.path.endswith(ends)), None)
    if acting is not None:  # a historic title's revocation too: the inspector's, not the admin's
        return acting
    if case.method != "GET" and case.operation.path.startswith(ADMIN_PATHS):
        return "admin"
    return "county_bureau"


@schema.auth(cache_by_key=caller)  # one token per caller: schemathesis caches what get returns
class Tokens:
    """Through schemathesis' own auth, so its checks know when a case goes without a token on purpose."""

    def get(self, case, context):
        return TOKEN if caller(case) == "county_bureau" else OTHER_CALLERS[caller(case)][0]

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


ISSUE_CHECKS = ("not_a_server_error", "positive_data_acceptance", "status_code_conformance")


def test_the_checks_issue_18_names_are_run():
    checks = schema.config.checks_config_for(operation=None, phase=None)
    assert all(checks.get_by_name(name=name).enabled for name in ISSUE_CHECKS)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_openapi_promises(case, served):
    case.operation.schema.app = served  # every request, the checks' own probes included, goes to this app
    case.call_and_validate(app=served)
