"""Rounds, quotas and periods on real servers: a worker with the core's workflows and activities plus these."""

import asyncio
from datetime import datetime, timedelta

import pytest
from temporalio.client import WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy

from contracts.quota import DefinePeriod, PeriodStart, QuotaSet, QuotaStart, SetQuota
from contracts.rounds import RoundPlan
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
