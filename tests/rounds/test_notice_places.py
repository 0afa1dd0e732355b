"""Every path to the notice holds a place under the period's quota: an application published on its own reserves
one through the period's QuotaWorkflow before its notice starts, and is refused (changing nothing) when no period
covers the day, the period has no quota for its county, or no place is left."""

import asyncio

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from contracts.application import PublicizeAct, ReviewAct, ViewRequest
from contracts.quota import UsageRequest
from state.domain import Level, Stage
from tests.conftest import settings_for, today, unique
from tests.factory import COUNTY, bureau, declaration, opinions_given, start
from tests.rounds.conftest import RoundWorker
from workflows.application import ApplicationWorkflow
from workflows.quota import QuotaWorkflow


async def refused(call) -> ApplicationError:
    with pytest.raises(WorkflowUpdateFailedError) as e:
        await call
    assert isinstance(e.value.cause, ApplicationError)
    return e.value.cause


async def test_a_notice_holds_a_place_and_the_county_quota_is_a_ceiling(dev_env, fresh_db):
    # a database of its own with no standing period: what covers the day is only what this test defines
    async with RoundWorker(dev_env.client, settings_for(fresh_db, unique("pl")), places=False) as w:
        first, second = [await start(w.client, w.task_queue, declaration(Level.county)) for _ in range(2)]
        for h in (first, second):
            await opinions_given(h)
            await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "同意"))

        def publish(h):
            return h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(bureau(), today(), "县人社局网站公示"))

        err = await refused(publish(first))
        assert err.type == "ActNotAllowed" and err.details[0]["rule"] == "no_period_for_notice"
        assert err.message.startswith("尚未设定评定周期和名额，请联系管理员")
        assert f"没有覆盖{today().year}年的评定周期" in err.message

        period_id = unique("P")
        await w.define_period(period_id, today().year, today().year + 4)
        err = await refused(publish(first))
        assert err.details[0]["rule"] == "no_quota_for_notice" and err.details[0]["period_id"] == period_id
        assert (
            err.type == "ActNotAllowed"
            and err.message == f"尚未设定评定周期和名额，请联系管理员（{COUNTY}县级名额尚未设定）"
        )

        await w.set_quota(period_id, Level.county, {COUNTY: 1})
        assert (await publish(first)).state == Stage.publicized
        err = await refused(publish(second))
        assert err.type == "ActNotAllowed" and err.details[0]["rule"] == "quota_full"
        assert (err.details[0]["total"], err.details[0]["used"]) == (1, 1)
        assert "没有剩余名额" in err.message and period_id in err.message

        refused_view = await second.query(ApplicationWorkflow.view, ViewRequest())
        assert refused_view.state == Stage.county_reviewed and refused_view.notice is None  # nothing changed
        usage = await w.quota(period_id, Level.county).query(QuotaWorkflow.usage, UsageRequest())
        assert usage.used[COUNTY] == 1


async def test_publications_at_once_share_reservations_and_the_quota_still_holds(dev_env, fresh_db):
    """More publications at once than the server admits updates in flight on one workflow (10): the worker sends
    those that arrive while a reservation is on its way together, so every one is answered, and the quota is
    still a ceiling (the first ten to arrive get the ten places)."""
    async with RoundWorker(dev_env.client, settings_for(fresh_db, unique("pl")), places=False) as w:
        period_id = unique("P")
        await w.define_period(period_id, today().year, today().year + 4)
        await w.set_quota(period_id, Level.county, {COUNTY: 10})
        apps = [await start(w.client, w.task_queue, declaration(Level.county)) for _ in range(14)]
        for h in apps:
            await opinions_given(h)
            await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "同意"))

        async def publish(h):
            try:
                return await h.execute_update(
                    ApplicationWorkflow.publicize, PublicizeAct(bureau(), today(), "网站公示")
                )
            except WorkflowUpdateFailedError as e:
                return e.cause

        outcomes = await asyncio.gather(*(publish(h) for h in apps))
        published = [o for o in outcomes if not isinstance(o, BaseException)]
        full = [o for o in outcomes if isinstance(o, ApplicationError)]
        assert len(published) == 10 and all(o.state == Stage.publicized for o in published)
        assert len(full) == 4 and {e.details[0]["rule"] for e in full} == {"quota_full"}

        quota = w.quota(period_id, Level.county)
        assert (await quota.query(QuotaWorkflow.usage, UsageRequest())).used[COUNTY] == 10
        history = await quota.fetch_history()
        updates = [e for e in history.events if e.HasField("workflow_execution_update_accepted_event_attributes")]
        reservations = len(updates) - 1  # the set_quota before them
        assert 1 <= reservations < len(apps), f"{reservations} reservations for {len(apps)} publications"
