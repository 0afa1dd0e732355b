"""The API against a real dev server, a real worker and a real read model (SQLite and PostgreSQL).

``api`` (one per database, for the whole session) is the app with its lifespan running, an httpx client over
ASGITransport and one token per principal. Helpers drive applications to the state a test needs.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest_asyncio
from fastapi import FastAPI
from sqlmodel import Session, select
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.testing import WorkflowEnvironment

from api.deps import today
from app import create_app
from config import ChannelSettings, LimitSettings
from contracts.application import ReviewAct
from contracts.rounds import RoundPlan
from db.rounds import HistoricTitle
from db.session import get_engine
from services.identity.users import add_user
from state import conditions
from state import materials as checklists
from state.calendar import TZ
from state.domain import InstitutionType, Level
from tests.conftest import RunningWorker, fresh_database, places_queue, settings_for, unique
from tests.factory import COUNTY, OTHER_COUNTY, credit_code, reviewer
from tests.samples import unique_pdf, unique_png
from workflows.application import ApplicationWorkflow, workflow_id_for
from workflows.round import RoundWorkflow, round_workflow_id

DOC_NO = "临人社发〔2026〕1号"

# name -> (role, county, department)
PRINCIPALS: dict[str, tuple[str, str | None, str | None]] = {
    "clerk": ("county_bureau", COUNTY, None),  # declares; "bureau", another account of the bureau, reviews
    "bureau": ("county_bureau", COUNTY, None),
    "other_bureau": ("county_bureau", OTHER_COUNTY, None),
    "reviewer": ("city_reviewer", None, None),
    "hrss": ("department", None, "hrss"),
    "drc": ("department", None, "drc"),
    "civil_affairs": ("department", None, "civil_affairs"),
    "county_hrss": ("department", COUNTY, "hrss"),
    "county_drc": ("department", COUNTY, "drc"),
    "county_civil_affairs": ("department", COUNTY, "civil_affairs"),
    "other_county_hrss": ("department", OTHER_COUNTY, "hrss"),
    "inspector": ("inspector", None, None),
    "supervisor": ("supervisor", None, None),
    "admin": ("admin", None, None),
}
CITY_DEPARTMENTS = ("hrss", "drc", "civil_affairs")
COUNTY_DEPARTMENTS = ("county_hrss", "county_drc", "county_civil_affairs")


@dataclass
class Api:
    http: httpx.AsyncClient
    app: FastAPI
    database_url: str
    client: Client | None = None
    task_queue: str = ""
    env: WorkflowEnvironment | None = None  # the time-skipping server's, where a notice's 5 working days can pass
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # user ids, by the same names
    rounds: set[str] = field(default_factory=set)
    city_round: str = field(default_factory=lambda: unique("RC"))  # where city-level declarations go unless named
    uploaded: dict[tuple[str, str, str], list[dict[str, str]]] = field(default_factory=dict)
    upload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def panel(self, level: str = "city") -> list[str]:
        """A lawful review panel (评审组) of three for a round of ``level`` (of COUNTY)."""
        names = (
            ("reviewer", "drc", "civil_affairs")
            if level == "city"
            else ("bureau", "county_drc", "county_civil_affairs")
        )
        return [self.ids[n] for n in names]

    async def ensure_round(self, round_id: str, level: str = "city", county: str | None = None) -> None:
        """Declarations name an existing round whose window is open: tests tag theirs with a fresh round id (a
        county-level one is the declaring county's own round)."""
        if round_id in self.rounds or self.client is None:
            return
        now = datetime.now(TZ)
        plan = RoundPlan(
            round_id=round_id,
            name=f"测试批次 {round_id}",
            level=Level(level),
            owner_county=county if level == "county" else None,
            period_id=f"standing-{places_queue(self.database_url)}",  # its notices hold places under its quota
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=60),
            weights={"written": 1.0},
            created_by=reviewer(),
        )
        await self.client.start_workflow(
            RoundWorkflow.run,
            plan,
            id=round_workflow_id(round_id),
            task_queue=self.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,  # declarations sent at once share it
        )
        self.rounds.add(round_id)

    def auth(self, who: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}

    async def get(self, who: str | None, path: str, **kw: Any) -> httpx.Response:
        return await self.http.get(path, headers=self.auth(who), **kw)

    async def post(self, who: str | None, path: str, json: Any = None, headers: dict | None = None) -> httpx.Response:
        if (
            path == "/applications"
            and isinstance(json, dict)
            and json.get("level") == "city"
            and not json.get("round_id")
        ):
            json = {**json, "round_id": self.city_round}
        if path == "/applications" and isinstance(json, dict) and json.get("round_id"):
            await self.ensure_round(json["round_id"], json.get("level", "city"), json.get("county") or COUNTY)
        if path == "/applications" and isinstance(json, dict) and json.get("level") == "city":
            seed_county_title(self.database_url, json.get("institution") or {})
        if path == "/applications" and isinstance(json, dict) and "materials" not in json and who in BUREAUS:
            json = await self.with_materials(who, json)
        return await self.http.post(path, json=json, headers={**self.auth(who), **(headers or {})})

    async def upload(self, who: str | None, data: bytes, filename: str = "材料.pdf") -> httpx.Response:
        return await self.http.post("/materials", files={"file": (filename, data)}, headers=self.auth(who))

    async def materials_for(self, who: str, institution_type: str, level: str) -> list[dict[str, str]]:
        """One file per required checklist item, uploaded by ``who`` through the API (once per type and level)."""
        key = (who, institution_type, level)
        async with self.upload_lock:
            if key not in self.uploaded:
                refs = []
                for item in required_items(institution_type, level):
                    data = unique_pdf() if checklists.PDF in item.accepts else unique_png()
                    name = f"{item.title}.pdf" if checklists.PDF in item.accepts else f"{item.title}.png"
                    uploaded = expect(await self.upload(who, data, name), 201)
                    refs.append({"item": item.code, "material_id": uploaded["id"]})
                self.uploaded[key] = refs
        return list(self.uploaded[key])

    async def with_materials(self, who: str, body: dict) -> dict:
        """The declaration with the required materials attached, uploaded by ``who``."""
        institution = body.get("institution") or {}
        kind, level = institution.get("type"), body.get("level")
        if kind not in {t.value for t in InstitutionType} or level not in {lv.value for lv in Level}:
            return body
        return {**body, "materials": await self.materials_for(who, kind, level)}


def seed_county_title(database_url: str, institution: dict) -> None:
    """The county-level title a city-level candidate must hold, as an imported historic title (reference data)."""
    code, doc_no, awarded = (institution.get(k) for k in ("credit_code", "county_title_doc_no", "county_title_date"))
    if not (isinstance(code, str) and isinstance(doc_no, str) and isinstance(awarded, str)):
        return
    try:
        awarded_on = date.fromisoformat(awarded)
    except ValueError:
        return
    with Session(get_engine(database_url)) as s:
        for old in s.exec(select(HistoricTitle).where(HistoricTitle.credit_code == code.upper())).all():
            s.delete(old)  # the title this declaration names is the one on record
        s.flush()
        s.add(
            HistoricTitle(
                institution_name=str(institution.get("name", "")),
                institution_type=str(institution.get("type", "")),
                county=COUNTY,
                credit_code=code.upper(),
                level="county",
                document_no=doc_no,
                awarded_on=awarded_on,
                source="test",
                imported_at=datetime.now(TZ),
            )
        )
        s.commit()


BUREAUS = {name for name, (role, _, _) in PRINCIPALS.items() if role == "county_bureau"}


def required_items(institution_type: str, level: str) -> list[checklists.Item]:
    book = checklists.load()
    return [i for i in book.checklist(InstitutionType(institution_type), Level(level)) if i.required]


def attestations(institution_type: str, level: str, county: str | None = COUNTY) -> dict[str, str]:
    """The declaring county's statement for every applicable condition."""
    found = conditions.load().applicable(InstitutionType(institution_type), Level(level), county)
    return {c.code: f"经县区人社局会同发改、民政部门核实，符合：{c.text[:20]}" for c in found}


UNLIMITED = LimitSettings(objection_limit=10_000)  # the limit itself has its own test


def temporal_address(env) -> str:
    return env.client.service_client.config.target_host


@asynccontextmanager
async def serve(
    dev_env, database_url: str, limits: LimitSettings = UNLIMITED, channels: ChannelSettings | None = None
) -> AsyncIterator[Api]:
    sections = {"limits": limits, **({"channels": channels} if channels else {})}
    settings = settings_for(database_url, unique("api"), temporal_address=temporal_address(dev_env), **sections)
    async with RunningWorker(dev_env.client, settings):
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver/api/v1", timeout=30) as http:
                suffix = unique("u")
                made = {
                    name: add_user(database_url, f"{name}-{suffix}", role, county, department)
                    for name, (role, county, department) in PRINCIPALS.items()
                }
                tokens = {name: u.token for name, u in made.items()}
                yield Api(
                    http=http,
                    app=app,
                    database_url=database_url,
                    client=dev_env.client,
                    task_queue=settings.task_queue,
                    tokens=tokens,
                    ids={name: u.id for name, u in made.items()},
                )


@pytest_asyncio.fixture(scope="session")
async def api(dev_env, database_url):
    async with serve(dev_env, database_url) as served:
        yield served


def on_skipping_server(api: Api, env: WorkflowEnvironment) -> Api:
    """The API served against the time-skipping server ``env``: its today is the server's (whose clock runs ahead
    of the wall clock once time is skipped), and ``Driver.pass_notice`` skips time there."""

    async def server_day() -> date:
        return (await env.get_current_time()).astimezone(TZ).date()

    api.env = env
    api.app.dependency_overrides[today] = server_day
    return api


@pytest_asyncio.fixture
async def late_api(request, skip_env, tmp_path):
    """The API on a time-skipping server of the test's own, with a read model of its own (SQLite; PostgreSQL too
    where a test parametrizes ``late_api`` indirectly): for tests that go past a public notice, whose 5 working days
    pass there (``Driver.pass_notice``) as they do on the clock."""
    with fresh_database(getattr(request, "param", "sqlite"), tmp_path) as url:
        async with serve(skip_env, url) as served:
            yield on_skipping_server(served, skip_env)


@pytest_asyncio.fixture
async def late_driver(late_api) -> "Driver":
    return Driver(late_api)


@pytest_asyncio.fixture(scope="session")
async def sqlite_api(dev_env, sqlite_url):
    """For tests whose subject does not depend on the database (authorization)."""
    async with serve(dev_env, sqlite_url) as served:
        yield served


def declaration_body(level: str = "city", county: str | None = COUNTY, round_id: str = "", **institution: Any) -> dict:
    inst: dict[str, Any] = {
        "name": "兰山区人力资源市场零工驿站",
        "type": "gig_market",
        "credit_code": credit_code(),
        "phone": "13912345678",
        "premises_area_m2": 800,
        "staff_count": 6,
        "founded_on": "2015-03-01",
    }
    if level == "city":
        inst.update(county_title_doc_no="兰人社发〔2023〕5号", county_title_date="2023-01-10")
    inst.update(institution)
    known = inst.get("type") in {t.value for t in InstitutionType} and level in {lv.value for lv in Level}
    if "attestations" not in institution and known:
        inst["attestations"] = attestations(inst["type"], level, county or COUNTY)
    body: dict[str, Any] = {
        "level": level,
        "institution": inst,
        "round_id": round_id,
        "reason": "县人社局会同发改、民政部门申报",
    }
    if county is not None:
        body["county"] = county
    return body


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


def expect(response: httpx.Response, status: int) -> dict:
    request = response.request
    assert response.status_code == status, f"{request.method} {request.url}: {response.status_code} {response.text}"
    return response.json()


COUNTY_CONSULTED = ("county_drc", "county_civil_affairs")  # 会商: the county departments that give opinions


async def opinions_given(api: Api, app_id: str, opinion: str = "agree", text: str = "经会商，同意申报") -> None:
    """会商: the county's DRC and civil affairs (of COUNTY) each record ``opinion`` on the declaration; both must
    agree before the county review passes."""
    body = {"opinion": opinion, "text": text}
    for who in COUNTY_CONSULTED:
        expect(await api.post(who, f"/applications/{app_id}/department-opinions", body), 200)


class Driver:
    """Moves an application through the procedure over HTTP, as the right roles."""

    def __init__(self, api: Api) -> None:
        self.api = api

    async def declare(self, level: str = "city", who: str = "clerk", county: str = COUNTY, **kw: Any) -> str:
        body = declaration_body(level, county, **kw)
        return expect(await self.api.post(who, "/applications", body), 201)["id"]

    async def state(self, application_id: str, who: str = "supervisor") -> dict:
        return expect(await self.api.get(who, f"/applications/{application_id}"), 200)

    async def opinions_given(self, app_id: str, opinion: str = "agree") -> None:
        await opinions_given(self.api, app_id, opinion)

    async def county_reviewed(self, level: str = "city", **kw: Any) -> str:
        app_id = await self.declare(level, **kw)
        await self.opinions_given(app_id)
        review = {"decision": "pass", "opinion": "材料齐全"}
        expect(await self.api.post("bureau", f"/applications/{app_id}/county-review", review), 200)
        return app_id

    async def city_reviewed(self, **kw: Any) -> str:
        """Passed by its round's competitive selection: the round's part is played here (tests/rounds and
        tests/api/test_pipeline_http.py run the round itself)."""
        app_id = await self.county_reviewed("city", **kw)
        await self.select_in_round(app_id)
        return app_id

    async def select_in_round(self, app_id: str, opinion: str = "批次择优") -> None:
        """The city review as the round's selection sends it (activities/rounds.py ``apply_decision``)."""
        assert self.api.client is not None
        round_id = (await self.state(app_id))["round_id"]
        handle = self.api.client.get_workflow_handle(workflow_id_for(app_id))
        await handle.execute_update(ApplicationWorkflow.city_review, ReviewAct(reviewer(), True, opinion, round_id))

    async def reviewed(self, level: str, **kw: Any) -> str:
        return await (self.city_reviewed(**kw) if level == "city" else self.county_reviewed("county", **kw))

    async def publicized(self, level: str = "city", published_on: date | None = None, **kw: Any) -> str:
        app_id = await self.reviewed(level, **kw)
        owner = "reviewer" if level == "city" else "bureau"
        body = {"published_on": published_on.isoformat()} if published_on else {}
        expect(await self.api.post(owner, f"/applications/{app_id}/notice", body), 200)
        return app_id

    async def objected(self, level: str = "city", **kw: Any) -> tuple[str, str]:
        app_id = await self.publicized(level, **kw)
        body = {"name": "张三", "contact": "13800000000", "content": "该机构场地面积不实"}
        objection = expect(await self.api.post(None, f"/public/applications/{app_id}/objections", body), 201)
        return app_id, objection["id"]

    async def notice_closed(self, level: str = "city", **kw: Any) -> str:
        app_id = await self.publicized(level, **kw)
        await self.pass_notice(app_id)
        return app_id

    async def pass_notice(self, *app_ids: str, who: str = "supervisor") -> None:
        """Let the notices' 5 working days pass (time skipped on the time-skipping server) and wait until the
        workflows have closed them (read by ``who``: another city's applications by an account of that city)."""
        env = self.api.env
        if env is None:
            raise AssertionError("a notice's 5 working days pass only on the time-skipping server: use late_api")
        ends = max([datetime.fromisoformat((await self.state(a, who))["notice"]["ends_at"]) for a in app_ids])
        now = await env.get_current_time()
        if ends > now:
            await env.sleep(ends - now + timedelta(minutes=1))

        async def closed() -> bool:
            return all([(await self.state(a, who))["notice_closed"] for a in app_ids])

        await eventually(closed)

    async def announced(self, level: str = "city", **kw: Any) -> str:
        """Announced by a batch (批次公布): the level's owner forms a batch of it, each of the level's three
        departments signs the batch once; the third signature announces it (its 文号 from the register)."""
        app_id = await self.notice_closed(level, **kw)
        await self.batch_announced([app_id], level)
        return app_id

    async def batch_formed(self, app_ids: list[str], level: str = "city") -> dict:
        """The batch of ``app_ids`` (notices closed), formed by the level's owner (the city's reviewer, the county's
        bureau)."""
        owner = "reviewer" if level == "city" else "bureau"
        return expect(await self.api.post(owner, "/announcements", {"applications": app_ids}), 201)

    async def batch_announced(self, app_ids: list[str], level: str = "city") -> dict:
        """Formed, then signed by the level's three departments: the batch as the third signature leaves it."""
        batch = await self.batch_formed(app_ids, level)
        done: dict = {}
        for who in CITY_DEPARTMENTS if level == "city" else COUNTY_DEPARTMENTS:
            done = expect(await self.api.post(who, f"/announcements/{batch['id']}/co-signatures"), 200)
        return done

    async def awarded(self, level: str = "city", **kw: Any) -> str:
        app_id = await self.announced(level, **kw)
        owner = "reviewer" if level == "city" else "bureau"
        announced_on = (await self.state(app_id))["announced_on"]  # the server's day, later than today off the clock
        body = {"plaque_no": f"LY-{unique('P')}", "awarded_on": announced_on}
        expect(await self.api.post(owner, f"/applications/{app_id}/award", body), 200)
        return app_id

    async def revoked(
        self, app_id: str, reason: str = "deregistered", evidence: str = "机构已注销", level: str | None = None
    ) -> dict:
        """Revocation as the issuing organs decide it: an inspector proposes (202), the three departments of the
        title's level co-sign; the third signature revokes. The proposal as it ends (its 文号 and document)."""
        url = f"/applications/{app_id}/revocation"
        expect(await self.api.post("inspector", url, {"reason": reason, "evidence": evidence}), 202)
        return await self.revocation_signed(app_id, level)

    async def revocation_signed(self, app_id: str, level: str | None = None) -> dict:
        """The three departments of the title's level sign its open revocation proposal: the third revokes."""
        level = level or (await self.state(app_id))["level"]
        decided: dict = {}
        for who in CITY_DEPARTMENTS if level == "city" else COUNTY_DEPARTMENTS:
            signatures = f"/applications/{app_id}/revocation/co-signatures"
            decided = expect(await self.api.post(who, signatures, {"decision": "sign"}), 200)
        return decided


@pytest_asyncio.fixture(scope="session")
async def driver(api) -> Driver:
    return Driver(api)
