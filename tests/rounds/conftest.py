"""Rounds, quotas and periods on real servers: a worker with the core's workflows and activities plus these."""

import asyncio
from datetime import datetime, timedelta

import httpx
import pytest
from temporalio.client import WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy

from api.deps import API_PREFIX
from api.routes import quotas
from api.routes import rounds as round_routes
from app import create_app
from contracts.quota import DefinePeriod, PeriodStart, QuotaSet, QuotaStart, SetQuota
from contracts.rounds import RoundPlan
from services.identity.users import add_user
from state.calendar import TZ
from state.domain import Actor, Level, Role
from tests.conftest import RunningWorker, settings_for, unique
from tests.factory import reviewer
from workflows.quota import (
    PeriodWorkflow,
    QuotaWorkflow,
    period_workflow_id,
    quota_workflow_id,
)
from workflows.round import RoundWorkflow, round_workflow_id

ROUND_WORKFLOWS = [RoundWorkflow, QuotaWorkflow, PeriodWorkflow]
ADMIN = Actor(user_id="admin-1", name="市人社局管理员", role=Role.admin)
WEIGHTS = {"written": 0.5, "defence": 0.3, "field_inspection": 0.2}


class RoundWorker(RunningWorker):
    """The worker, with helpers to define periods, set quotas and open rounds."""

    # ---- helpers ---------------------------------------------------------------------------------
    async def define_period(self, period_id: str, start_year: int, end_year: int, name: str = "测试期") -> None:
        h = await self.client.start_workflow(
            PeriodWorkflow.run,
            PeriodStart(period_id=period_id),
            id=period_workflow_id(period_id),
            task_queue=self.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
        await h.execute_update(
            PeriodWorkflow.define,
            DefinePeriod(ADMIN, name, start_year, end_year, "测试：设定规划期"),
        )

    def quota(self, period_id: str, level: Level) -> WorkflowHandle:
        return self.client.get_workflow_handle_for(QuotaWorkflow.run, quota_workflow_id(period_id, level))

    async def set_quota(
        self,
        period_id: str,
        level: Level,
        totals: dict[str, int],
        reason: str = "测试：设定名额",
        **details: str,
    ) -> QuotaSet:
        await self.client.start_workflow(
            QuotaWorkflow.run,
            QuotaStart(period_id=period_id, level=level),
            id=quota_workflow_id(period_id, level),
            task_queue=self.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
        return await self.quota(period_id, level).execute_update(
            QuotaWorkflow.set_quota, SetQuota(ADMIN, totals, reason, details)
        )

    async def start_round(self, plan: RoundPlan) -> WorkflowHandle:
        return await self.client.start_workflow(
            RoundWorkflow.run,
            plan,
            id=round_workflow_id(plan.round_id),
            task_queue=self.task_queue,
        )


def city_round(period_id: str, opens_at: datetime, closes_at: datetime, **kw) -> RoundPlan:
    fields = {
        "round_id": unique("R"),
        "name": "2026年度市级标杆机构评定",
        "level": Level.city,
        "period_id": period_id,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "weights": dict(WEIGHTS),
        "created_by": reviewer(),
    }
    fields.update(kw)
    return RoundPlan(**fields)


def past_window() -> tuple[datetime, datetime]:
    """A window that closed an hour ago: the round goes straight to review (declarations are the API's check)."""
    now = datetime.now(TZ)
    return now - timedelta(hours=2), now - timedelta(hours=1)


async def eventually(probe, predicate, tries: int = 200):
    """Poll a query until ``predicate`` holds (the workflow works asynchronously); the last value otherwise."""
    value = await probe()
    for _ in range(tries):
        if predicate(value):
            return value
        await asyncio.sleep(0.05)
        value = await probe()
    return value


PEOPLE = {
    "admin": ("admin", None, None),
    "reviewer": ("city_reviewer", None, None),
    "bureau": ("county_bureau", "兰山区", None),
    "other_bureau": ("county_bureau", "罗庄区", None),
    "supervisor": ("supervisor", None, None),
    "department": ("department", None, None),
}
# The review panels' members (评审组): with ``reviewer`` a city panel; with ``bureau`` 兰山区's panel.
PANEL_PEOPLE = {
    "drc": ("department", None, "drc"),
    "civil": ("department", None, "civil_affairs"),
    "drc_2": ("department", None, "drc"),
    "reviewer_2": ("city_reviewer", None, None),
    "county_drc": ("department", "兰山区", "drc"),
    "county_civil": ("department", "兰山区", "civil_affairs"),
}
NAMES = {
    "reviewer": "王评审",
    "drc": "李发改",
    "civil": "赵民政",
    "drc_2": "郑发改",
    "reviewer_2": "钱评审",
    "bureau": "孙县局",
    "county_drc": "周县发改",
    "county_civil": "吴县民政",
}
CITY_PANEL = ("reviewer", "drc", "civil")
COUNTY_PANEL = ("bureau", "county_drc", "county_civil")


@pytest.fixture
async def http(dev_env, tmp_path):
    db = f"sqlite:///{tmp_path / 'api.db'}"
    target = dev_env.client.service_client.config.target_host
    settings = settings_for(db, unique("rapi"), temporal_address=target)
    async with RoundWorker(dev_env.client, settings) as w:
        app = create_app(settings)
        for module in (round_routes, quotas):
            app.include_router(module.router, prefix=API_PREFIX)
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://t/api/v1", timeout=30) as c,
        ):
            dept = {"department": "hrss"}
            made = {
                who: add_user(db, NAMES.get(who, who), role, county, department or dept.get(who))
                for who, (role, county, department) in {**PEOPLE, **PANEL_PEOPLE}.items()
            }
            c.tokens = {who: u.token for who, u in made.items()}  # type: ignore[attr-defined]
            c.ids = {who: u.id for who, u in made.items()}  # type: ignore[attr-defined]
            c.db = db  # type: ignore[attr-defined]
            c.worker = w  # type: ignore[attr-defined]
            yield c


def as_(c, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {c.tokens[who]}"}


def panel_of(c, level: str = "city") -> list[str]:
    """The user ids of a lawful panel of three for a round of ``level`` made by the ``http`` fixture."""
    return [c.ids[who] for who in (CITY_PANEL if level == "city" else COUNTY_PANEL)]


@pytest.fixture
def fresh_db(tmp_path) -> str:
    """A database of the test's own: counting places and reminders must see only this test's rows."""
    return f"sqlite:///{tmp_path / 'rounds.db'}"


@pytest.fixture
async def rounds(dev_env, fresh_db):
    async with RoundWorker(dev_env.client, settings_for(fresh_db, unique("rq"))) as w:
        yield w


@pytest.fixture
async def late_rounds(skip_env, fresh_db):
    """On the time-skipping server: for tests that go past a notice (tests.conftest.pass_notice)."""
    async with RoundWorker(skip_env.client, settings_for(fresh_db, unique("rq"))) as w:
        yield w
