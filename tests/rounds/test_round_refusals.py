"""What a round's workflow and its activities refuse, each by its rule code with its Chinese text: who closes a
round's review and when, a plan that cannot run, and a reservation for a quota that was never set."""

from datetime import datetime, timedelta

import pytest
from temporalio.client import WorkflowFailureError, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.rounds import RoundActivities
from contracts.quota import Reserve
from contracts.rounds import CloseReview, Decision, RoundPhase, RoundReserve, WindowRequest
from state.calendar import TZ
from state.domain import Level
from tests.conftest import unique
from tests.factory import OTHER_COUNTY, bureau, declaration, reviewer, start
from tests.rounds.conftest import city_round, eventually, past_window


def county_round(period_id: str):
    later = datetime.now(TZ) + timedelta(days=30)
    return city_round(
        period_id, later, later + timedelta(days=5), level=Level.county, owner_county="兰山区", created_by=bureau()
    )


async def refused(handle, act: CloseReview) -> ApplicationError:
    from workflows.round import RoundWorkflow

    with pytest.raises(WorkflowUpdateFailedError) as e:
        await handle.execute_update(RoundWorkflow.close_review, act)
    assert isinstance(e.value.cause, ApplicationError)
    return e.value.cause


async def test_a_county_rounds_review_is_closed_by_its_own_bureau_while_it_reviews(rounds):
    h = await rounds.start_round(county_round(unique("P")))
    err = await refused(h, CloseReview(bureau("罗庄区"), "结束"))
    assert err.type == "Forbidden" and err.details[0]["rule"] == "round_closed_by_county"
    assert err.message == "本县级评定批次的评审由兰山区人社局结束"
    err = await refused(h, CloseReview(bureau(), "  "))
    assert err.details[0]["rule"] == "act_text_required" and err.message == "请填写理由，不能为空"
    future = datetime.now(TZ).date() + timedelta(days=3)
    err = await refused(h, CloseReview(bureau(), "结束", future))
    assert err.details[0]["rule"] == "notice_not_in_future" and err.details[0]["field"] == "published_on"
    err = await refused(h, CloseReview(bureau(), "结束"))
    assert err.type == "ActNotAllowed" and err.details[0]["rule"] == "round_not_reviewing"
    assert err.message == "评定批次只能在评审中结束评审，当前为“未开始”"


async def test_a_plan_that_cannot_run_fails_the_round_with_its_problems(rounds):
    plan = county_round(unique("P"))
    plan.owner_county = None
    h = await rounds.start_round(plan)
    with pytest.raises(WorkflowFailureError) as e:
        await h.result()
    cause = e.value.cause
    assert isinstance(cause, ApplicationError) and cause.details[0]["rule"] == "round_plan_invalid"
    assert cause.message.startswith("评定批次设置有误：") and cause.details[0]["problems"]


async def test_a_reservation_for_a_quota_never_set_is_refused(rounds):
    activities = RoundActivities(rounds.settings.database_url, rounds.client)
    period_id = unique("P")
    ask = RoundReserve(period_id, Level.city, "R-1", Reserve(bureau(), "R-1", "city", ["A-1"]))
    with pytest.raises(ApplicationError) as e:
        await ActivityEnvironment().run(activities.reserve_for_round, ask)
    assert e.value.details[0]["rule"] == "round_no_quota" and e.value.non_retryable
    assert e.value.message == f"评定周期{period_id}尚未设定市级名额"


async def test_a_selection_that_cannot_reserve_places_is_refused_and_the_round_reviews_on(rounds):
    from workflows.round import RoundWorkflow

    opens, closes = past_window()
    h = await rounds.start_round(city_round(unique("P"), opens, closes))
    window = await eventually(
        lambda: h.query(RoundWorkflow.window, WindowRequest()), lambda w: w.phase == RoundPhase.reviewing
    )
    assert window.phase == RoundPhase.reviewing
    err = await refused(h, CloseReview(reviewer(), "评审结束"))
    assert err.details[0]["rule"] == "selection_failed" and err.message.startswith("无法确定择优结果：")
    assert "尚未设定市级名额" in err.message


async def test_a_decision_the_application_refuses_stops_the_selection(rounds):
    decl = declaration(Level.county)
    await start(rounds.client, rounds.task_queue, decl)
    activities = RoundActivities(rounds.settings.database_url, rounds.client)
    today = datetime.now(TZ).date()
    decision = Decision("R-1", decl.application_id, Level.county, True, "择优", today, bureau(OTHER_COUNTY))
    with pytest.raises(ApplicationError) as e:
        await ActivityEnvironment().run(activities.apply_decision, decision)
    said = e.value.details[0]
    assert said["rule"] == "round_decision_refused" and said["cause_rule"] == "act_for_county"
    assert e.value.message.startswith("一项申报未能按择优结果办理：“县级审核通过”由兰山区人社局办理")
    assert decl.application_id not in e.value.message and said["application_id"] == decl.application_id


async def test_a_plan_started_past_the_api_is_refused_by_the_workflow_rule_by_rule(rounds):
    """The API's schema refuses these first; a round started by any other client meets the same rules in its
    workflow, each problem by its code and field."""
    plan = county_round(unique("P"))
    plan.name = "  "
    plan.opens_at = plan.opens_at.replace(tzinfo=None)
    plan.weights = {"written": 0.5, "oral": 0.5}
    plan.created_by = reviewer()
    plan.reminder_working_days = 0
    plan.reviewers_required = 0
    h = await rounds.start_round(plan)
    with pytest.raises(WorkflowFailureError) as e:
        await h.result()
    cause = e.value.cause
    assert isinstance(cause, ApplicationError)
    problems = {(p["rule"], p["field"]) for p in cause.details[0]["problems"]}
    assert problems == {
        ("round_name_required", "round_id"),
        ("window_time_zone", "opens_at"),
        ("unknown_review_method", "weights"),
        ("round_creator", "level"),
        ("reminder_days", "reminder_working_days"),
        ("reviewers_required", "reviewers_required"),
    }
    assert "批次编号和名称必填" in cause.message and not any(c.isascii() and c.isalpha() for c in cause.message)
