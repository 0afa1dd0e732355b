"""Refusals of the engine not provoked elsewhere, each by its rule code with its Chinese text: a county's own
evaluation standards (附件5), 催办 to a party that owes nothing, and a declaration the workflow itself refuses."""

import pytest
from temporalio.client import WorkflowFailureError, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from contracts.application import UrgeAct
from contracts.standards import MAX_CONDITIONS, MAX_TEXT, CountyCondition, SetConditions
from state.domain import Actor, Level, Role
from tests.conftest import RunningWorker, settings_for, unique
from tests.factory import bureau, declaration, reviewer, start
from workflows.application import ApplicationWorkflow
from workflows.standards import conditions_problem

ADMIN = Actor(user_id="admin-1", name="管理员", role=Role.admin)
SUPERVISOR = Actor(user_id="sup-1", name="纪检监督员", role=Role.supervisor)


def refusal_of(county: str, act: SetConditions) -> tuple[str, str]:
    found = conditions_problem(county, act, retired=[])
    assert found is not None
    return found.details[0]["rule"], found.message


def test_a_countys_standards_are_refused_by_rule():
    one = [CountyCondition("local_1", "有固定服务场所")]
    assert refusal_of("不存在区", SetConditions(ADMIN, one, "设定")) == (
        "unknown_county",
        "县区不在本市县区之列：不存在区",
    )
    assert refusal_of("兰山区", SetConditions(bureau("罗庄区"), one, "设定")) == (
        "standards_setter",
        "兰山区的县级评定标准（附件5）只能由系统管理员或兰山区人力资源社会保障局设定",
    )
    many = [CountyCondition(f"local_{n}", "有固定服务场所") for n in range(MAX_CONDITIONS + 1)]
    assert refusal_of("兰山区", SetConditions(ADMIN, many, "设定")) == (
        "too_many_conditions",
        f"一个县区最多设定{MAX_CONDITIONS}项评定条件",
    )
    long = [CountyCondition("local_1", "长" * (MAX_TEXT + 1))]
    assert refusal_of("兰山区", SetConditions(ADMIN, long, "设定")) == (
        "condition_text_too_long",
        f"条件“local_1”的内容不能超过{MAX_TEXT}字",
    )
    reserved = [CountyCondition("basic_1", "有固定服务场所")]
    assert refusal_of("兰山区", SetConditions(ADMIN, reserved, "设定"))[1] == (
        "条件编号“basic_1”不能以 basic_ 或 city_ 开头（为通知所列基本条件和市级条件保留）"
    )
    assert conditions_problem("兰山区", SetConditions(bureau(), one, "设定"), retired=[]) is None


@pytest.fixture
async def worker(dev_env, sqlite_url):
    async with RunningWorker(dev_env.client, settings_for(sqlite_url, unique("q"))) as w:
        yield w


async def refused(call) -> ApplicationError:
    with pytest.raises(WorkflowUpdateFailedError) as e:
        await call
    assert isinstance(e.value.cause, ApplicationError)
    return e.value.cause


async def test_an_urge_names_a_party_that_owes_the_next_act(worker, dev_env):
    h = await start(dev_env.client, worker.settings.task_queue, declaration(Level.city))
    err = await refused(h.execute_update(ApplicationWorkflow.urge, UrgeAct(bureau(), "county", "请尽快审核")))
    assert err.type == "Forbidden" and err.details[0]["rule"] == "urge_not_permitted"
    err = await refused(h.execute_update(ApplicationWorkflow.urge, UrgeAct(reviewer(), "province", "请尽快")))
    assert err.details[0]["rule"] == "urge_to" and err.message == "催办对象须为县区人社局或会签部门"
    err = await refused(h.execute_update(ApplicationWorkflow.urge, UrgeAct(SUPERVISOR, "county", "  ")))
    assert err.details[0]["rule"] == "urge_note_blank" and err.details[0]["field"] == "note"
    err = await refused(h.execute_update(ApplicationWorkflow.urge, UrgeAct(reviewer(), "department", "请会签")))
    assert err.type == "ActNotAllowed" and err.details[0]["rule"] == "nothing_owed"
    assert err.message == "会签部门目前没有待办理的事项，无需催办"
    urged = await h.execute_update(ApplicationWorkflow.urge, UrgeAct(reviewer(), "county", "请尽快审核"))
    assert urged.state.value == "declared"


async def test_a_declaration_the_workflow_refuses_fails_it_with_its_problems(worker, dev_env):
    h = await start(dev_env.client, worker.settings.task_queue, declaration(Level.county, county="不存在区"))
    with pytest.raises(WorkflowFailureError) as e:
        await h.result()
    cause = e.value.cause
    assert isinstance(cause, ApplicationError) and cause.details[0]["rule"] == "declaration_invalid"
    assert [p["code"] for p in cause.details[0]["problems"]] == ["unknown_county"]
    assert cause.message.startswith("申报信息有1处不符合要求：")
