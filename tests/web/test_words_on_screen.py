"""No code, id or English where a person reads: a return for correction names its items by their titles and its
deadline as a date; an objection is 第1条异议, not its id; the application's page and its notices do not show the
hex 申报编号; a notice names the county once when the institution's name starts with it; the header shows a
user's name and role once when they are the same; a refusal the API says in Chinese is said so, and a refusal that
is no typing mistake is not titled 填写有误."""

import re

from services.identity import add_login, create_user
from services.narration import chinese_deadline
from services.refusals import Refusal
from services.rounds import plan_refusal
from state.domain import Role
from tests.api.conftest import eventually, expect
from tests.conftest import unique
from tests.factory import COUNTY
from tests.web.conftest import PASSWORD, new_page, shot, sign_in, user_id_for
from web.page_calls import said
from web.refusals import explain
from web.routes.rounds import _plan_body, percent_words, share

RETURN = {"reason": "服务场所照片不清晰", "items": ["premises_photos"]}


async def test_the_timeline_names_correction_items_and_objections_and_shows_no_ids(page, site):
    name = f"{COUNTY}人力资源市场{unique('')[-6:]}"  # its name starts with its county
    app_id = await site.driver.declare("county", name=name)
    expect(await site.api.post("bureau", f"/applications/{app_id}/correction-request", RETURN), 200)

    await sign_in(page, site, "bureau")
    await page.goto(f"/applications/{app_id}")
    timeline = await page.inner_text("#timeline")
    assert "补正事项：服务场所照片" in timeline, timeline
    assert re.search(r"补正期限：\d{4}年\d{1,2}月\d{1,2}日24:00", timeline), timeline  # the end of the last day
    assert "premises_photos" not in timeline and "T00:00:00" not in timeline and "其他：" not in timeline
    assert app_id not in await page.inner_text("body")  # the hex 申报编号 is in the address only
    await shot(page, "timeline-correction-in-words")

    async def notified() -> bool:
        await page.goto("/notifications")
        return name in await page.inner_text("main")

    await eventually(notified)
    said = await page.inner_text("main")
    assert f"{COUNTY} {COUNTY}" not in said and f"{name}（县级标杆机构评定）" in said
    assert app_id not in said


async def test_an_objection_is_named_by_its_number(page, site):
    app_id, objection_id = await site.driver.objected("county")
    finding = {"upheld": False, "finding": "经实地核查，场地面积与申报一致"}
    expect(await site.api.post("bureau", f"/applications/{app_id}/objections/{objection_id}/finding", finding), 200)
    await sign_in(page, site, "bureau")
    await page.goto(f"/applications/{app_id}")
    timeline = await page.inner_text("#timeline")
    assert "第1条异议" in timeline and objection_id not in timeline and "-O1" not in timeline


async def test_the_header_shows_a_name_that_is_the_role_once(browser, site):
    database_url = site.api.database_url
    token = create_user(database_url, "市人社局评审", Role.city_reviewer)
    login = f"words-{unique('')[-8:].lower()}"
    add_login(database_url, user_id_for(database_url, token), login, PASSWORD)
    async with new_page(browser, site) as page:
        await page.goto("/login")
        await page.fill("#f-login", login)
        await page.fill("#f-password", PASSWORD)
        await page.click("button[type=submit]")
        await page.wait_for_url(re.compile(r"/$"))
        header = await page.inner_text(".site-user")
        assert header.count("市人社局评审") == 1, header
    async with new_page(browser, site) as page:  # a name of its own: name and role both shown
        await sign_in(page, site, "reviewer")
        header = await page.inner_text(".site-user")
        assert site.logins["reviewer"] != "" and "市人社局评审" in header


async def test_a_refusal_said_in_chinese_by_the_api_is_shown_as_said(page, site):
    await sign_in(page, site, "hrss")  # a department reads no rounds: the API says so in Chinese
    answer = await page.goto("/rounds")
    assert answer is not None and answer.status == 403
    main = await page.inner_text("main")
    assert "无权办理" in main and "评定批次仅供" in main and "填写有误" not in main
    assert "接口原文" not in main


def test_a_refusal_that_is_no_typing_mistake_is_not_titled_as_one():
    outside = Refusal(422, "不在该批次的申报时间内", field="round_id", rule="declaration_window")
    assert explain(outside).kind == "不在申报时间内"
    assert explain(Refusal(409, "尚未公布：三个部门会签后才有公布文件", rule="not_announced")).kind != "填写有误"
    assert (
        "尚未公布：三个部门会签后才有公布文件"
        in explain(Refusal(409, "尚未公布：三个部门会签后才有公布文件", rule="not_announced")).lines
    )
    assert explain(Refusal(422, "the file is larger", field="body", rule="too_large")).kind == "填写有误"


def test_weights_are_typed_and_refused_in_percent():
    assert [share(text) for text in ("40", "30%", "３０％", "33.4")] == [0.4, 0.3, 0.3, 0.334]
    body, errors = _plan_body({"weight_written": "六十"})
    assert body is None and errors == {"weight_written": "应填写数字（百分比）"}
    refused = percent_words(said(plan_refusal([("weights_sum", "weights")])))  # the plan check's, by rule
    assert refused.status == 422 and refused.lines == ["各评审方式的权重之和须为100%"]
    assert refused.fields == {"weights": "各评审方式的权重之和须为100%"}


def test_a_deadline_at_midnight_is_the_end_of_the_day_before():
    assert chinese_deadline("2026-12-22T00:00:00+08:00") == "2026年12月21日24:00"
    assert chinese_deadline("2026-12-22T17:30:00+08:00") == "2026年12月22日17:30"
