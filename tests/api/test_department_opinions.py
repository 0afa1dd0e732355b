"""会商 over HTTP: the county's DRC and civil affairs record their opinions on a declaration from their own accounts
(POST …/department-opinions); the county review passes only when both agree, and is refused (409) naming whose
opinion is missing or who disagreed; only those two departments of the application's county may give one, only while
it is declared; a department may change its opinion (the latest counts); the detail and the to-do show them."""

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from contracts.opinions import DepartmentOpinionAct
from state.domain import Department
from tests.api.conftest import eventually, expect, opinions_given
from tests.factory import bureau, department
from workflows.application import ApplicationWorkflow, workflow_id_for

PASS = {"decision": "pass", "opinion": "材料齐全，同意"}
AGREE = {"opinion": "agree", "text": "符合产业发展方向，同意申报"}
DISAGREE = {"opinion": "disagree", "text": "该机构近一年有投诉未办结，不同意申报"}


def opinions_url(app_id: str) -> str:
    return f"/applications/{app_id}/department-opinions"


async def test_a_county_review_passes_only_when_both_departments_agree(api, driver):
    app_id = await driver.declare("county")
    url = f"/applications/{app_id}"
    assert "county_review_pass" not in expect(await api.get("bureau", url), 200)["allowed_acts"]

    missing = expect(await api.post("bureau", f"{url}/county-review", PASS), 409)["detail"]
    assert missing["rule"] == "county_opinions_missing" and missing["missing"] == ["drc", "civil_affairs"]
    assert missing["message"] == (
        "县级审核通过须有兰山区发展改革局、民政局的同意意见：兰山区发展改革局、兰山区民政局尚未出具意见；"
        "可以退回补正或审核不通过"
    )
    assert missing["guard"] == "county_departments_agree" and missing["state"] == "declared"
    assert {"county_review_fail", "county_request_correction"} <= set(missing["allowed_acts"])

    expect(await api.post("county_drc", opinions_url(app_id), AGREE), 200)
    one = expect(await api.post("bureau", f"{url}/county-review", PASS), 409)["detail"]
    assert one["rule"] == "county_opinions_missing" and one["missing"] == ["civil_affairs"]
    assert "兰山区民政局尚未出具意见" in one["message"] and "发展改革局尚未" not in one["message"]

    said = expect(await api.post("county_civil_affairs", opinions_url(app_id), DISAGREE), 200)
    assert said["state"] == "declared"
    disagreed = expect(await api.post("bureau", f"{url}/county-review", PASS), 409)["detail"]
    assert disagreed["rule"] == "county_opinion_disagreed" and disagreed["disagreed"] == ["civil_affairs"]
    assert disagreed["message"] == "兰山区民政局的意见为不同意，县级审核不能通过；可以退回补正或审核不通过"
    assert expect(await api.get("supervisor", url), 200)["state"] == "declared"  # refused: nothing moved

    # the civil affairs bureau changes its opinion: the latest counts, and the review passes
    expect(await api.post("county_civil_affairs", opinions_url(app_id), AGREE), 200)
    assert expect(await api.post("bureau", f"{url}/county-review", PASS), 200)["state"] == "county_reviewed"

    detail = expect(await api.get("supervisor", url), 200)
    assert detail["opinions_required"] is True
    opinions = {o["department"]: o for o in detail["county_opinions"]}
    assert list(opinions) == ["drc", "civil_affairs"]
    assert opinions["civil_affairs"]["opinion"] == "agree" and opinions["civil_affairs"]["text"] == AGREE["text"]
    assert opinions["drc"]["by"] and opinions["drc"]["at"]
    acts = [a["act"] for a in detail["acts"]]
    assert acts == ["declare", "department_opinion", "department_opinion", "department_opinion", "county_review_pass"]

    # passed: no department may give or change an opinion any more
    late = expect(await api.post("county_drc", opinions_url(app_id), AGREE), 409)["detail"]
    assert late["rule"] == "opinion_not_now" and late["state"] == "county_reviewed"
    assert late["message"] == "县区部门意见只能在“已申报”状态下出具或修改，当前状态为“县级审核通过”"


async def test_a_failed_review_or_a_return_needs_no_opinions(api, driver):
    returned = await driver.declare("county")
    body = {"reason": "服务场所照片不清晰", "items": ["premises_photos"]}
    expect(await api.post("bureau", f"/applications/{returned}/correction-request", body), 200)
    failed = await driver.declare("county")
    fail = {"decision": "fail", "opinion": "不符合条件"}
    assert expect(await api.post("bureau", f"/applications/{failed}/county-review", fail), 200)["state"] == "rejected"


async def test_only_the_countys_drc_and_civil_affairs_may_give_an_opinion(api, driver):
    app_id = await driver.declare("city")  # a city-level declaration too is the county's to declare with them
    url = opinions_url(app_id)
    hrss = expect(await api.post("county_hrss", url, AGREE), 403)["detail"]
    assert hrss["rule"] == "opinion_by_consulted_department" and "人力资源社会保障局负责申报" in hrss["message"]
    city = expect(await api.post("drc", url, AGREE), 403)["detail"]  # the city's DRC is not the county's
    assert city["rule"] == "opinion_by_own_county" and "市级部门" in city["message"]
    assert expect(await api.post("other_county_hrss", url, AGREE), 404)["detail"]["rule"] == "application_not_found"
    assert expect(await api.post("bureau", url, AGREE), 403)["detail"]["rule"] == "role_not_permitted"
    blank = expect(await api.post("county_drc", url, {"opinion": "agree", "text": "   "}), 422)["detail"]
    assert blank["field"] == "text"
    maybe = expect(await api.post("county_drc", url, {"opinion": "maybe", "text": "再议"}), 422)["detail"]
    assert maybe["field"] == "opinion"
    assert [a["act"] for a in expect(await api.get("supervisor", f"/applications/{app_id}"), 200)["acts"]] == [
        "declare"
    ]  # every refusal changed nothing

    # the workflow's own rules, for callers that do not come through the API
    assert api.client is not None
    handle = api.client.get_workflow_handle(workflow_id_for(app_id))

    async def refused(act: DepartmentOpinionAct) -> ApplicationError:
        with pytest.raises(WorkflowUpdateFailedError) as e:
            await handle.execute_update(ApplicationWorkflow.give_department_opinion, act)
        assert isinstance(e.value.cause, ApplicationError)
        return e.value.cause

    err = await refused(DepartmentOpinionAct(bureau(), "agree", "同意"))
    assert err.type == "Forbidden" and err.details[0]["rule"] == "opinion_by_department"
    assert err.message == "县区部门意见由兰山区发展改革局、民政局的账号出具，当前账号为县区人社局"
    drc = department(Department.drc, "兰山区")
    err = await refused(DepartmentOpinionAct(drc, "perhaps", "再议"))
    assert err.type == "InvalidInput" and err.details[0]["rule"] == "opinion_choice"
    err = await refused(DepartmentOpinionAct(drc, "agree", "  "))
    assert err.details[0]["rule"] == "opinion_text_required" and err.details[0]["field"] == "text"


async def test_the_departments_to_do_lists_declarations_still_without_their_opinion(api, driver):
    app_id = await driver.declare("county")

    def mine(tasks: list[dict]) -> list[dict]:
        return [t for t in tasks if t["application_id"] == app_id]

    async def listed(who: str) -> list[dict]:
        return mine(expect(await api.get(who, "/tasks"), 200))

    async def projected() -> bool:
        return bool(await listed("county_drc"))

    await eventually(projected)
    for who in ("county_drc", "county_civil_affairs"):
        [item] = await listed(who)
        assert item["act"] == "department_opinion" and item["title"].startswith("出具部门意见：")
    assert await listed("county_hrss") == [] and await listed("drc") == []
    await opinions_given(api, app_id, "disagree", "场所不符合要求，不同意")
    assert await listed("county_drc") == [] and await listed("county_civil_affairs") == []
    assert [t["act"] for t in await listed("bureau")] == ["county_review_pass"]  # the review is still owed
