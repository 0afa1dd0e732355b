"""Errors no retry can cure are not retried: a value the database cannot store fails its activity at once
(a non-retryable InvalidInput refusal, rule ``unstorable_value``), so the workflow that asked gets an answer and
stays usable. The inputs here go straight to the workflows, past the API's bounds."""

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from temporalio.client import WorkflowFailureError, WorkflowUpdateFailedError
from temporalio.exceptions import ActivityError, ApplicationError

from activities.permanent import is_permanent
from contracts.quota import Reserve, SetQuota
from state.calendar import TZ
from state.domain import Level
from tests.conftest import settings_for, unique
from tests.factory import reviewer
from tests.rounds.conftest import ADMIN, RoundWorker, city_round
from workflows.quota import QuotaWorkflow


@pytest.fixture
async def worker(dev_env, database_url):
    async with RoundWorker(dev_env.client, settings_for(database_url, unique("pe"))) as w:
        yield w


async def test_a_poisoned_quota_change_is_refused_at_once_and_the_workflow_stays_usable(worker):
    """10^30 places: SQLite raises OverflowError, PostgreSQL 'integer out of range'. Before, the activity retried
    for ever holding the QuotaWorkflow's lock, and every later change and reservation of the period waited."""
    pid = unique("P")
    await worker.define_period(pid, 2081, 2085)
    await worker.set_quota(pid, Level.city, {"city": 2})
    handle = worker.quota(pid, Level.city)
    poison = SetQuota(ADMIN, {"city": 10**30}, "溢出")
    with pytest.raises(WorkflowUpdateFailedError) as e:
        await asyncio.wait_for(handle.execute_update(QuotaWorkflow.set_quota, poison), 20)
    cause = e.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == "InvalidInput" and cause.non_retryable
    assert cause.details[0]["rule"] == "unstorable_value" and "无法记录" in cause.message
    later = await asyncio.wait_for(worker.set_quota(pid, Level.city, {"city": 3}, "改为3家"), 20)
    assert later.totals == {"city": 3} and later.changed == {"city": [2, 3]}
    grant = await asyncio.wait_for(
        handle.execute_update(QuotaWorkflow.reserve, Reserve(reviewer(), "R-p", "city", [f"{pid}-A"])), 20
    )
    assert grant.granted == [f"{pid}-A"] and grant.total == 3


async def test_a_round_that_cannot_be_recorded_fails_instead_of_retrying_for_ever(worker):
    """A window opening at 0001-01-01T00:00+08:00 (year 0 in UTC) cannot be stored ('date value out of range'):
    the round fails at once."""
    pid = unique("P")
    await worker.define_period(pid, 2081, 2085)
    plan = city_round(pid, datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=8))), datetime(2081, 1, 1, tzinfo=TZ))
    handle = await worker.start_round(plan)
    with pytest.raises(WorkflowFailureError) as e:
        await asyncio.wait_for(handle.result(), 20)
    assert isinstance(e.value.cause, ActivityError)
    refusal = e.value.cause.cause
    assert isinstance(refusal, ApplicationError) and refusal.type == "InvalidInput" and refusal.non_retryable


def test_what_counts_as_permanent():
    from sqlalchemy.exc import DataError, IntegrityError, OperationalError, StatementError

    assert is_permanent(OverflowError("Python int too large to convert to SQLite INTEGER"))
    assert is_permanent(StatementError("bind", "select 1", {}, OverflowError("date value out of range")))
    assert is_permanent(DataError("insert", {}, Exception("integer out of range")))
    assert is_permanent(ValueError("year 0 is out of range"))
    assert not is_permanent(IntegrityError("insert", {}, Exception("duplicate key")))  # a race: a retry resolves it
    assert not is_permanent(OperationalError("connect", {}, Exception("connection refused")))
    assert not is_permanent(ConnectionError("refused"))
    assert not is_permanent(ApplicationError("the activity decided", non_retryable=False))
