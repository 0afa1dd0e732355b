"""The 审批单 over HTTP: every act with its actor, its name in Chinese and its opinion, the notice and the objection
with its finding; no enum value on the page; 404 outside the application's scope as the detail is."""

from io import BytesIO

from pypdf import PdfReader

from state.domain import Act, Role, Stage
from tests.api.conftest import Driver, expect, required_items

SHEET = "/applications/{}/documents/approval-sheet.pdf"


def text(response) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    pages = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    return "".join(pages.split())  # table cells wrap where they like: compare without the breaks


async def test_the_approval_sheet_prints_every_act_with_its_actor_and_opinion(api, driver: Driver):
    app_id, objection = await driver.objected("county")
    finding = {"upheld": False, "finding": "经实地核查场地面积与申报一致异议不成立"}
    expect(await api.post("bureau", f"/applications/{app_id}/objections/{objection}/finding", finding), 200)
    detail = await driver.state(app_id)

    sheet = text(await api.get("bureau", SHEET.format(app_id)))

    assert "县级就业服务质量标杆机构评定审批单" in sheet
    assert detail["institution"]["name"] in sheet and detail["institution"]["credit_code"] in sheet
    for name in ("申报", "县级审核通过", "发布公示", "提出异议", "异议调查核实（不属实）"):
        assert name in sheet, name
    for act in detail["acts"]:
        if act["actor"]["name"]:  # the bureau sees who declared and reviewed; an objector's name is not shown
            assert act["actor"]["name"] in sheet, act
    assert "县人社局会同发改、民政部门申报" in sheet and "材料齐全" in sheet  # the declaration's and review's words
    assert "县区人社局" in sheet or "县区人社部门" in sheet or "县区人力资源社会保障局" in sheet  # role and unit
    assert "公示时间：" in sheet and "该机构场地面积不实" in sheet
    for department in ("县区发展改革局意见", "县区民政局意见"):  # 会商: as the departments recorded them
        assert f"{department}同意。经会商，同意申报（" in sheet, department
    assert "兰山区发展改革局意见：同意——经会商，同意申报" in sheet  # and in the acts, in Chinese
    assert "不属实：经实地核查场地面积与申报一致异议不成立" in sheet
    assert objection not in sheet and app_id not in sheet  # no ids
    enums = [*(a.value for a in Act), *(s.value for s in Stage), *(r.value for r in Role), "gig_market", "county"]
    shown = sheet.replace(detail["institution"]["credit_code"], "")
    for name in {a["actor"]["name"] for a in detail["acts"] if a["actor"]["name"]}:
        shown = shown.replace(name, "")  # the test's account names (county_drc-…) are theirs, not enum values
    assert not [e for e in enums if e in shown]


async def test_a_return_for_correction_is_printed_with_its_items_titles_and_deadline(api, driver: Driver):
    app_id = await driver.declare("county")
    item = required_items("gig_market", "county")[0]
    body = {"reason": "请补充清晰的材料", "items": [item.code]}
    expect(await api.post("bureau", f"/applications/{app_id}/correction-request", body), 200)

    sheet = text(await api.get("bureau", SHEET.format(app_id)))

    assert "县级退回补正" in sheet and "请补充清晰的材料" in sheet
    assert f"补正事项：{''.join(item.title.split())}" in sheet and "补正期限：" in sheet
    assert item.code not in sheet and "其他：" not in sheet


async def test_the_approval_sheet_is_404_outside_the_scope_and_needs_a_token(api, driver: Driver):
    app_id = await driver.declare("county")
    assert (await api.get("other_bureau", SHEET.format(app_id))).status_code == 404
    assert (await api.get("other_county_hrss", SHEET.format(app_id))).status_code == 404
    assert (await api.get(None, SHEET.format(app_id))).status_code == 401
    assert "申报" in text(await api.get("reviewer", SHEET.format(app_id)))
