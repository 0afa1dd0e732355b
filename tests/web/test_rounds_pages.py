"""评定批次 in the browser: a city reviewer opens a round (a window that closes before it opens is refused in Chinese),
scores its candidates on the scoring sheet (a score over 100 is refused beside its field), sees the ranking within
the remaining quota, and closes the review: the best within the quota are chosen, the others not."""

import re
from datetime import datetime, timedelta

import httpx

from clients import quota as quota_client
from contracts.application import ReviewAct
from contracts.quota import DefinePeriod, SetQuota
from contracts.rules.administration import ADJUSTED_TOTAL, CITY_ROUND_OWNER
from state.calendar import TZ
from state.domain import COUNTIES, Actor, Level, Role
from tests.conftest import unique
from tests.factory import bureau, declaration, opinions_given, start
from tests.web.conftest import shot, sign_in
from workflows.application import ApplicationWorkflow

ADMIN = Actor(user_id="admin-web-rounds", name="市人社局管理员", role=Role.admin)


async def period_with_city_quota(site, places: int) -> str:
    period_id = unique("P")
    client, queue = site.api.client, site.api.task_queue
    await quota_client.define_period(
        client, queue, period_id, DefinePeriod(ADMIN, "十六五", 2031, 2035, "测试：规划期")
    )  # years of its own: its small quota is not the one other tests' notices of 2026 reserve under
    await quota_client.set_quota(client, queue, period_id, Level.city, SetQuota(ADMIN, {"city": places}, "测试：名额"))
    return period_id


async def candidate(site, round_id: str, name: str) -> str:
    """A city-level candidate of the round, declared and passed on by its county."""
    decl = declaration(Level.city, name=name)
    decl.round_id = round_id
    handle = await start(site.api.client, site.api.task_queue, decl)
    await opinions_given(handle)
    await handle.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "县级审核通过，推荐参评"))
    return decl.application_id


def local(moment: datetime) -> str:
    return moment.astimezone(TZ).strftime("%Y-%m-%dT%H:%M")


async def reload_until(page, selector: str, text: str, tries: int = 60) -> None:
    for _ in range(tries):
        if text in await page.locator(selector).inner_text():
            return
        await page.wait_for_timeout(250)
        await page.reload()
    raise AssertionError(f"{selector} never said {text!r}: {await page.locator(selector).inner_text()}")


async def score(page, application_id: str, written: str, defence: str) -> None:
    form = page.locator(f"#candidate-{application_id} form.score-form")
    await form.locator("[name=written]").fill(written)
    await form.locator("[name=defence]").fill(defence)
    if await form.locator("[name=defence_place]").count():  # a panel's round: when and where the defence was
        await form.locator("[name=defence_on]").fill("2026-03-02")
        await form.locator("[name=defence_place]").fill("市人社局三楼会议室")
    await form.locator("[name=opinion]").fill("材料翔实，答辩清楚")
    await form.locator("button[type=submit]").click()


async def score_by_api(site, who: str, application_id: str, written: float, defence: float) -> None:
    body = {"opinion": "同意", "written": written, "defence": defence}
    body |= {"defence_on": "2026-03-02", "defence_place": "市人社局三楼会议室"}
    answer = await site.api.post(who, f"/applications/{application_id}/scores", body)
    assert answer.status_code == 200, answer.text


async def test_a_city_reviewer_opens_a_round_scores_its_candidates_and_closes_the_review(page, site):
    period_id = await period_with_city_quota(site, 2)
    round_id = unique("R")
    now = datetime.now(TZ)
    await sign_in(page, site, "reviewer")
    await page.click("nav >> text=评定批次")
    await page.wait_for_url("**/rounds")

    form = page.locator("#open-round form")
    await form.locator("#f-round_id").fill(round_id)
    await form.locator("#f-name").fill("2026年度市级标杆机构评定（页面测试）")
    await form.locator("#f-level").select_option("city")
    await form.locator("#f-period_id").select_option(period_id)
    await form.locator("#f-opens_at").fill(local(now - timedelta(hours=1)))
    await form.locator("#f-closes_at").fill(local(now - timedelta(days=1)))  # closes before it opens
    await form.locator("#f-weight_written").fill("60")  # percentages: the API gets 0.6 and 0.4
    await form.locator("#f-weight_defence").fill("40%")
    await form.locator("#f-weight_field_inspection").fill("")
    for member in ("reviewer", "drc", "civil_affairs"):  # the review panel (评审组): the bureau, DRC, civil affairs
        await form.locator(f"input[name=panel][value='{site.api.ids[member]}']").check()
    await form.locator("button[type=submit]").click()
    refusal = page.locator("#open-round [data-refusal]")
    await refusal.wait_for()
    assert "申报截止时间须晚于开始时间" in await refusal.inner_text()
    await shot(page, "round-open-refused")

    await page.locator("#open-round #f-opens_at").fill(local(now - timedelta(days=2)))
    await page.locator("#open-round #f-closes_at").fill(local(now - timedelta(minutes=5)))  # closed: under review
    await page.locator("#open-round button[type=submit]").click()
    await page.wait_for_url(f"**/rounds/{round_id}?done=opened")
    assert "批次已创建" in await page.inner_text("#done")
    await reload_until(page, "#phase", "评审中")
    assert await page.inner_text("#weights") == "书面评审 60%、现场答辩 40%，之和为100%"

    suffix = unique("")[-6:]
    names = {key: f"{key}号零工市场{suffix}" for key in ("甲", "乙", "丙")}
    ids = {key: await candidate(site, round_id, name) for key, name in names.items()}
    await reload_until(page, "#candidates", names["丙"])
    assert "共2个，剩余2个" in await page.inner_text("#quota")
    ranking = await page.inner_text("#ranking-table")  # the candidates in review, ranked or still to be scored
    assert "尚无候选机构进入评审" not in ranking and all(name in ranking for name in names.values())

    await score(page, ids["甲"], "120", "80")  # over 100: the API's own bound, said beside the field
    error = page.locator(f"#f-{ids['甲']}-written-error")
    await error.wait_for()
    assert "不能大于100" in await error.inner_text()
    await shot(page, "round-score-refused")

    await score(page, ids["甲"], "90", "80")  # 0.6 × 90 + 0.4 × 80 = 86
    await page.wait_for_url("**done=score*")
    given = page.locator(f"#mine-{ids['甲']}")  # the reviewer's own scores, as a table: when, each method, opinion
    assert re.search(r"90\s+80\s+材料翔实，答辩清楚", await given.inner_text())
    assert "不能修改" in await page.inner_text(f"#final-{ids['甲']}")
    assert await page.locator(f"#candidate-{ids['甲']} form").count() == 0  # no empty form again: scored once
    ranking = await page.inner_text("#ranking-table")
    assert "尚无候选机构进入评审" not in ranking and all(name in ranking for name in names.values())
    await shot(page, "round-scored")
    await score(page, ids["乙"], "70", "70")  # 70
    await page.wait_for_url("**done=score*")
    await score(page, ids["丙"], "95", "95")  # 95
    await page.wait_for_url("**done=score*")
    assert "我的评分" in await page.inner_text(f"#candidate-{ids['丙']}")
    # the other members score by the API; civil affairs leaves 乙 unscored: the owner closes, 乙 not selectable
    for key, (w, d) in {"甲": (90, 80), "乙": (70, 70), "丙": (95, 95)}.items():
        await score_by_api(site, "drc", ids[key], w, d)
        if key != "乙":
            await score_by_api(site, "civil_affairs", ids[key], w, d)
    await reload_until(page, "#panel-table", "2/3")  # civil affairs' progress; the others 3/3
    assert (await page.inner_text("#panel-table")).count("3/3") == 2 and names["乙"] in await page.inner_text(
        "#missing"
    )
    pdf = await page.request.get(f"/rounds/{round_id}/documents/review-summary.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"

    expected = [ids["丙"], ids["甲"], ids["乙"]]
    order: list[str] = []
    for _ in range(60):  # the round ranks again after each score: the page shows it once it has
        order = await page.locator("#ranking-table tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.application)"
        )
        if order == expected:
            break
        await page.wait_for_timeout(250)
        await page.reload()
    assert order == expected
    rows = page.locator("#ranking-table tbody tr")
    assert "86.00" in await rows.nth(1).inner_text()
    assert "名额内" in await rows.nth(1).inner_text() and "名额外" in await rows.nth(2).inner_text()
    await shot(page, "round-ranking-provisional")

    await page.fill("#closure #f-reason", "评审结束，按加权得分择优")
    await page.click("#closure button[type=submit]")
    await page.click("#confirm-dialog-accept")  # the act said what it will do: confirmed
    await page.wait_for_url("**done=closed*")
    assert "已确定拟评定名单" in await page.inner_text("#phase")
    rows = page.locator("#ranking-table tbody tr")
    first, second, third = [await rows.nth(i).inner_text() for i in range(3)]
    assert "入选（公示中）" in first and "入选（公示中）" in second
    assert "未入选（未通过）" in third and names["乙"] in third
    assert "（最终）" in await page.inner_text("#ranking h2")
    assert await page.locator("#closure").count() == 0  # the review is over: no second closure
    assert await page.locator(f"#candidate-{ids['甲']} form").count() == 0  # scores no longer change
    assert "90" in await page.inner_text(f"#mine-{ids['甲']}")  # the given scores stay shown
    await shot(page, "round-selected")


async def test_a_county_bureau_may_not_close_a_city_round(page, site):
    """The closure is the API's decision: a county bureau posting it is refused in Chinese, nothing changes."""
    round_id = unique("R")
    await site.api.ensure_round(round_id)  # a city round whose window is open
    await sign_in(page, site, "bureau")
    await page.goto(f"/rounds/{round_id}")
    assert "申报中" in await page.inner_text("#phase")
    assert await page.locator("#closure").count() == 0
    token = await page.get_attribute("meta[name=csrf-token]", "content")
    answer = await page.request.post(
        f"/rounds/{round_id}/review-closure", form={"csrf_token": token or "", "reason": "越权结束"}
    )
    assert answer.status == 403
    text = await answer.text()
    assert "无权办理" in text and "该批次只能由其主办单位办理" in text
    assert "city_reviewer" not in text  # the API's own English message is in the log, not on the page


async def test_a_round_refusal_says_the_same_chinese_words_on_the_api_and_the_page(page, site):
    """One rule, one text: the API's message and the page's words are both the rule's (contracts/rules)."""
    round_id = unique("R")
    await site.api.ensure_round(round_id)  # a city round: only the city's reviewers run it
    said = CITY_ROUND_OWNER.say()
    async with httpx.AsyncClient(base_url=f"{site.url}/api/v1") as http:
        answer = await http.post(
            f"/rounds/{round_id}/review-closure",
            json={"reason": "越权结束"},
            headers={"Authorization": f"Bearer {site.api.tokens['bureau']}"},
        )
    assert answer.status_code == 403
    assert answer.json()["detail"] == {"message": said, "rule": "city_round_owner"}
    await sign_in(page, site, "bureau")
    await page.goto(f"/rounds/{round_id}")
    token = await page.get_attribute("meta[name=csrf-token]", "content")
    shown = await page.request.post(
        f"/rounds/{round_id}/review-closure", form={"csrf_token": token or "", "reason": "越权结束"}
    )
    assert shown.status == 403 and said in await shown.text()


async def test_a_quota_refusal_says_the_same_chinese_words_on_the_api_and_the_page(page, site):
    """An adjusted split that does not add up to the total: the same words from the API and beside the form."""
    period_id = await period_with_city_quota(site, 1)
    figures = {"total": 3, "weight_population": 0.5, "weight_performance": 0.5}
    counties = [{"county": c, "population": 100, "performance": 10} for c in COUNTIES[:3]]
    body = {**figures, "counties": counties, "adjustments": {COUNTIES[0]: 3}, "reason": "测试：调整"}
    async with httpx.AsyncClient(base_url=f"{site.url}/api/v1") as http:
        answer = await http.post(
            f"/quotas/{period_id}/county/apportionment/adoption",
            json=body,
            headers={"Authorization": f"Bearer {site.api.tokens['admin']}"},
        )
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert detail["rule"] == "total" and detail["message"] == ADJUSTED_TOTAL.say(adjusted=5, total=3)
    await sign_in(page, site, "admin")
    await page.goto(f"/quotas?period={period_id}")
    token = await page.get_attribute("meta[name=csrf-token]", "content")
    form = {
        "csrf_token": token or "",
        "action": "adopt",
        "reason": "测试：调整",
        **{k: str(v) for k, v in figures.items()},
    }
    form |= {f"pop_{c}": "100" for c in COUNTIES[:3]} | {f"perf_{c}": "10" for c in COUNTIES[:3]}
    form[f"adjust_{COUNTIES[0]}"] = "3"
    shown = await page.request.post(f"/quotas/{period_id}/county/apportionment", form=form)
    assert shown.status == 422 and detail["message"] in await shown.text()
