"""修改评分 on the dev server: a reviewer amends their own sheet with a reason while the review is open; the act
on record keeps the old and new marks and the reason, the read model has it, and every wrong amendment is refused
with its rule and leaves the sheets as they were."""

import asyncio
import re

import pytest
from sqlmodel import select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from contracts.application import ReviewAct, ScoreAct, ViewRequest
from contracts.scores import AmendScoreAct
from db import models
from db.session import session_for
from state.domain import Act, Actor, Level, Role, Stage
from tests.conftest import RunningWorker, settings_for, unique
from tests.factory import bureau, declaration, opinions_given, reviewer, selected, start
from workflows.application import ApplicationWorkflow

SECOND = Actor(user_id="reviewer-2", name="市人社局评审员二", role=Role.city_reviewer)


@pytest.fixture
async def worker(dev_env, sqlite_url):
    async with RunningWorker(dev_env.client, settings_for(sqlite_url, unique("q"))) as w:
        yield w


async def refused(call) -> ApplicationError:
    with pytest.raises(WorkflowUpdateFailedError) as e:
        await call
    assert isinstance(e.value.cause, ApplicationError)
    return e.value.cause


def rule_of(err: ApplicationError) -> str:
    return err.details[0]["rule"]


async def scored(dev_env, worker):
    h = await start(dev_env.client, worker.settings.task_queue, declaration(Level.city))
    await opinions_given(h)
    await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "同意"))
    await h.execute_update(ApplicationWorkflow.score, ScoreAct(reviewer(), "材料扎实", written=80, defence=85))
    return h


async def test_a_reviewer_amends_their_own_sheet_with_a_reason_and_the_history_keeps_both(worker, dev_env):
    h = await scored(dev_env, worker)
    amend = AmendScoreAct(reviewer(), "复核书面材料后上调", written=90, defence=85)
    result = await h.execute_update(ApplicationWorkflow.amend_score, amend)
    assert result.state == Stage.county_reviewed
    v = await h.query(ApplicationWorkflow.view, ViewRequest())
    assert [(s.reviewer.user_id, s.written, s.defence, s.opinion) for s in v.scores] == [
        ("reviewer-1", 90, 85, "材料扎实")
    ]
    last = v.acts[-1]
    assert (last.act, last.actor.user_id, last.reason) == (Act.amend_score, "reviewer-1", "复核书面材料后上调")
    assert last.details == {
        "old_written": "80",
        "written": "90",
        "old_defence": "85",
        "defence": "85",
        "old_field_inspection": "",
        "field_inspection": "",
    }
    assert [a.act for a in v.acts].count(Act.score) == 1  # one sheet, amended; not a second score
    for _ in range(100):  # projected by the recording activity
        with session_for(worker.settings.database_url) as s:
            events = s.exec(
                select(models.ApplicationEvent).where(models.ApplicationEvent.application_id == v.application_id)
            ).all()
            number = s.get(models.Application, v.application_id)
        if any(e.act == Act.amend_score for e in events):
            break
        await asyncio.sleep(0.1)
    amended = [e for e in events if e.act == Act.amend_score]
    assert len(amended) == 1 and amended[0].details["old_written"] == "80" and amended[0].reason == "复核书面材料后上调"
    assert number is not None and re.fullmatch(r"兰山-\d{4}-\d{4}", number.number or "")


async def test_wrong_amendments_are_refused_by_rule_and_change_nothing(worker, dev_env):
    h = await scored(dev_env, worker)
    err = await refused(h.execute_update(ApplicationWorkflow.amend_score, AmendScoreAct(SECOND, "想改", written=70)))
    assert err.type == "ActNotAllowed" and rule_of(err) == "score_not_found" and "尚未" in err.message
    err = await refused(h.execute_update(ApplicationWorkflow.amend_score, AmendScoreAct(reviewer(), "  ", written=70)))
    assert err.type == "InvalidInput" and rule_of(err) == "score_amend_reason"
    err = await refused(h.execute_update(ApplicationWorkflow.amend_score, AmendScoreAct(reviewer(), "改", written=101)))
    assert err.type == "InvalidInput" and rule_of(err) == "score_amend_range" and "书面评审" in err.message
    err = await refused(h.execute_update(ApplicationWorkflow.amend_score, AmendScoreAct(reviewer(), "改")))
    assert err.type == "InvalidInput" and rule_of(err) == "score_amend_empty"
    same = AmendScoreAct(reviewer(), "不变", written=80, defence=85)
    err = await refused(h.execute_update(ApplicationWorkflow.amend_score, same))
    assert rule_of(err) == "score_amend_unchanged"
    err = await refused(h.execute_update(ApplicationWorkflow.amend_score, AmendScoreAct(bureau(), "县里", written=60)))
    assert err.type == "Forbidden" and rule_of(err) == "score_amend_not_permitted"
    assert not re.search(r"[A-Za-z]{3,}", err.message)  # said in Chinese
    v = await h.query(ApplicationWorkflow.view, ViewRequest())
    assert [(s.written, s.defence) for s in v.scores] == [(80, 85)]
    assert Act.amend_score not in [a.act for a in v.acts]


async def test_the_review_decided_closes_the_amendments(worker, dev_env):
    h = await scored(dev_env, worker)
    await h.execute_update(ApplicationWorkflow.city_review, selected("择优确定"))
    err = await refused(
        h.execute_update(ApplicationWorkflow.amend_score, AmendScoreAct(reviewer(), "晚了", written=95, defence=85))
    )
    assert err.type == "ActNotAllowed" and rule_of(err) == "score_amend_closed"
    assert err.details[0]["state"] == Stage.city_reviewed.value
    v = await h.query(ApplicationWorkflow.view, ViewRequest())
    assert [(s.written, s.defence) for s in v.scores] == [(80, 85)]


async def test_a_county_level_sheet_is_amended_by_another_clerk_of_the_owning_bureau_before_its_review(worker, dev_env):
    h = await start(dev_env.client, worker.settings.task_queue, declaration(Level.county, round_id="R-county"))
    await h.execute_update(ApplicationWorkflow.score, ScoreAct(bureau(), "现场答辩表现好", defence=70))
    await h.execute_update(ApplicationWorkflow.amend_score, AmendScoreAct(bureau(), "计分有误", defence=75))
    await opinions_given(h)
    await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "同意"))
    err = await refused(h.execute_update(ApplicationWorkflow.amend_score, AmendScoreAct(bureau(), "再改", defence=80)))
    assert rule_of(err) == "score_amend_closed"
    v = await h.query(ApplicationWorkflow.view, ViewRequest())
    assert [s.defence for s in v.scores] == [75]
