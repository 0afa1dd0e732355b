"""The walk: a county-level and a city-level application each taken from declaration to plaque through the pages
only, every role signing in and clicking, on a time-skipping Temporal server of the test's own (the notice's 5
working days are skipped there: ``late_site.driver.pass_notice``).

County level: the clerk declares with the 申报表 and its materials; another account of the bureau county-reviews and
publishes the notice; the public reads /notices and /notices/{id}; the notice's days pass; the bureau forms the batch
and the county's three departments sign it from their 待办; the bureau awards the plaque; an inspector revokes the title; a supervisor reads
the Chinese timeline and the state diagram. City level: the city reviewer opens a round, the clerk declares into it,
the bureau county-reviews, the reviewer scores on the round page and closes the round's review, whose selection
passes the city review and publishes the notice; the city's departments sign the round's batch; the reviewer awards. Each role's
main pages are also opened on a 375 px phone: nothing is wider than the screen."""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from services.identity.users import add_user
from tests.api.conftest import seed_county_title
from tests.conftest import places_queue, unique
from tests.factory import credit_code
from tests.web.conftest import PHONE, Site, new_page, shot, sign_in
from tests.web.test_county_clerk import attest_and_attach
from tests.web.test_rounds_pages import local, reload_until, score, score_by_api


@asynccontextmanager
async def signed_in(browser, site: Site, who: str, **options) -> AsyncIterator:
    """A browser of the user's own (a fresh context), signed in on the workbench."""
    async with new_page(browser, site, **options) as page:
        await sign_in(page, site, who)
        yield page


async def todo(page) -> dict[str, int]:
    """The 待办 on the workbench as the user sees it: task -> count ("1件待会签" -> {"会签": 1})."""
    heads = await page.locator("#todo .todo h3").all_inner_texts()
    found = {}
    for head in heads:
        m = re.fullmatch(r"\s*(\d+)\s*件待(\S+)\s*", head)
        assert m, head
        found[m.group(2)] = int(m.group(1))
    return found


async def open_from_todo(page, task: str, name: str) -> None:
    """The application, opened from the 待办 card of ``task``."""
    await page.goto("/")
    card = page.locator("#todo .todo", has=page.locator("h3", has_text=f"件待{task}"))
    await card.get_by_role("link", name=name).click()
    await page.wait_for_url(re.compile(r"/applications/A[0-9a-f]{20}$"))


async def badge(page) -> str:
    return (await page.locator(".page-head .badge").inner_text()).strip()


async def steps(page) -> list[tuple[str, str]]:
    """The progress bar: (step, status) with status done / current / ended / todo."""
    out = []
    for step in await page.locator("ol.steps .step").all():
        text = (await step.inner_text()).split("（")[0].strip()
        status = re.search(r"is-(\w+)", await step.get_attribute("class") or "")
        out.append((text, status.group(1) if status else ""))
    return out


async def diagram(page) -> tuple[list[str], str]:
    """The state diagram: its states in order, and the one marked current."""
    states = [t.strip() for t in await page.locator("#diagram .diagram__node > strong").all_inner_texts()]
    current = await page.locator("#diagram .diagram__node.is-current > strong").inner_text()
    return states, current.strip()


async def diagram_node(page, state: str) -> str:
    strong = page.locator("strong", has_text=re.compile(f"^{state}$"))
    return await page.locator("#diagram .diagram__node").filter(has=strong).inner_text()


OPINIONS = ["县区部门意见", "县区部门意见"]  # 会商: the county's DRC and civil affairs, before the county review


async def timeline(page) -> list[str]:
    return [t.strip() for t in await page.locator("#timeline li strong").all_inner_texts()]


async def act_done(page, label: str) -> None:
    """After a form's submit: the page says what was done."""
    try:
        await page.wait_for_url(re.compile(r"\?done="))
    except Exception:
        print("DEBUG", page.url, await page.inner_text("#main"))
        raise
    assert f"已办理：{label}" in await page.inner_text("#done")


async def declare(page, name: str, code: str, level: str, round_id: str = "") -> str:
    """The clerk's 申报表 for a gig market, every condition attested and every required file attached."""
    await page.click("nav >> text=新建申报")
    await page.wait_for_url("**/applications/new")
    for _ in range(60 if round_id else 0):  # the open round is offered once its workflow has projected it
        if await page.locator(f"#f-round_id option[value='{round_id}']").count():
            break
        await page.wait_for_timeout(250)
        await page.reload()
    await page.select_option("#f-level", level)
    await page.select_option("#f-type", "gig_market")
    await page.locator("#requirements").get_by_text("零工市场场地面积证明").wait_for()
    await page.wait_for_load_state("networkidle")
    if round_id:
        await page.select_option("#f-round_id", round_id)
    await page.fill("#f-name", name)
    await page.fill("#f-credit_code", code)
    await page.fill("#f-address", "临沂市兰山区金雀山路10号")
    await page.fill("#f-person_in_charge", "王五")
    await page.fill("#f-phone", "13912345678")
    await page.fill("#f-premises_area_m2", "820")
    await page.fill("#f-staff_count", "9")
    await page.fill("#f-founded_on", "2019-05-01")
    if level == "city":
        await page.fill("#f-county_title_doc_no", "兰人社发〔2023〕3号")
        await page.fill("#f-county_title_date", "2023-01-16")
    await page.fill("#f-reason", "县人社局会同县发改、民政部门申报")
    await attest_and_attach(page)
    await shot(page, f"walk-{level}-declaration-form")
    await page.click("text=提交申报")
    await page.wait_for_url(re.compile(r"/applications/A[0-9a-f]{20}\?done=declare$"))
    assert "已办理：申报" in await page.inner_text("#done")
    assert await badge(page) == "已申报"
    assert await timeline(page) == ["申报"]
    assert name in await page.inner_text("h1")
    return page.url.split("/applications/")[1].split("?")[0]


async def department_opinions(browser, site: Site, name: str) -> None:
    """会商: the county's DRC and civil affairs each find it in their 待办 and record their opinion on its page."""
    for who, said in (
        ("county_drc", "符合产业发展方向，同意申报"),
        ("county_civil_affairs", "社区服务成效突出，同意申报"),
    ):
        async with signed_in(browser, site, who) as page:
            assert (await todo(page)).get("出具部门意见") == 1
            await open_from_todo(page, "出具部门意见", name)
            await page.select_option("#f-department-opinion-opinion", "agree")
            await page.fill("#f-department-opinion-text", said)
            await page.click("text=提交意见")
            await act_done(page, "县区部门意见")
            assert said in await page.inner_text("#county-opinions")
            assert f"意见：同意——{said}" in await page.inner_text("#timeline")
            assert await todo_after(page) == {}


async def county_review(browser, site: Site, app_id: str, name: str) -> None:
    """The county's departments agree; another account of the bureau finds it in its 待办 and passes it."""
    await department_opinions(browser, site, name)
    async with signed_in(browser, site, "bureau") as page:
        assert (await todo(page)).get("县级审核") == 1
        await open_from_todo(page, "县级审核", name)
        await page.check("#f-county-review-decision >> input[value=pass]")
        await page.fill("#f-county-review-opinion", "材料齐全，同意上报")
        await page.click("text=提交县级审核")
        await act_done(page, "县级审核通过")
        assert await badge(page) == "县级审核通过"
        assert await timeline(page) == ["申报", *OPINIONS, "县级审核通过"]
        assert "材料齐全，同意上报" in await page.inner_text("#timeline")


async def public_reads_the_notice(browser, site: Site, app_id: str, name: str, level: str) -> None:
    """No account: the board lists it, its page has the objection form; both fit a phone."""
    async with new_page(browser, site) as page:
        await page.goto("/notices")
        link = page.get_by_role("link", name=name)
        await link.wait_for()
        await link.click()
        await page.wait_for_url(f"**/notices/{app_id}")
        assert name in await page.inner_text("main")
        assert await page.locator("#objection form").count() == 1
        await shot(page, f"walk-{level}-public-notice")
    await on_phone(browser, site, None, {"notices": "/notices", "notice": f"/notices/{app_id}"}, f"walk-{level}")


async def batch_signed(browser, site: Site, app_id: str, name: str, signers: tuple[str, ...], owner: str = "") -> str:
    """批次公布: the level's ``owner`` (when given: the county bureau; a round's selection forms the city's batch by
    itself) ticks it in its 待办 and forms the batch; each department finds the batch (not the application) in its
    待办 and signs it once on the batch's page; the third signature announces. The batch's 文号 (the register's)."""
    batch = re.compile(r"/announcements/[^/#?]+$")  # a round's batch is named after it (<round>-selection)
    if owner:
        async with signed_in(browser, site, owner) as page:
            assert (await todo(page)).get("编入公布批次") == 1, owner
            card = page.locator("[data-act=form_announcement]")
            assert name in await card.inner_text()
            await card.locator("button:has-text('组成公布批次')").click()
            await page.wait_for_url(batch)
            assert name in await page.inner_text("main")
    for who in signers:
        async with signed_in(browser, site, who) as page:
            assert (await todo(page)) == {"会签公布批次": 1}, who
            await page.goto(f"/applications/{app_id}")
            assert await page.locator("input[name=document_no]").count() == 0  # never signed by itself
            await page.goto("/")
            card = page.locator("[data-act=announcement]")
            await card.get_by_role("link").first.click()
            await page.wait_for_url(batch)
            assert name in await page.inner_text("main")
            await page.click("#batch-sign button")
            await page.wait_for_url(batch)
            assert await todo_after(page) == {}, who
    announced = await site.driver.state(app_id)
    assert announced["state"] == "announced"
    return announced["announcement_doc_no"]


async def todo_after(page) -> dict[str, int]:
    await page.goto("/")
    return await todo(page)


async def award(browser, site: Site, owner: str, app_id: str, name: str, level: str) -> str:
    async with signed_in(browser, site, owner) as page:
        assert (await todo(page)).get("授牌") == 1
        await open_from_todo(page, "授牌", name)
        assert await badge(page) == "已公布"
        announced_on = (await site.driver.state(app_id))["announced_on"]  # the server's day: days were skipped
        plaque = f"LY-{unique('P')[-6:]}"
        await page.fill("#f-award-plaque_no", plaque)
        await page.fill("#f-award-awarded_on", announced_on)
        await page.click("button:has-text('授牌')")
        await act_done(page, "授牌")
        assert await badge(page) == "已授牌"
        assert all(status == "done" for _, status in await steps(page)), await steps(page)
        assert plaque in await page.inner_text("main")
        assert "授牌" not in await todo_after(page)
        return plaque


async def on_phone(browser, site: Site, who: str | None, paths: dict[str, str], prefix: str) -> None:
    """Each page on a 375 px phone: nothing wider than the screen; a screenshot of each."""
    async with new_page(browser, site, **PHONE) as page:
        if who:
            await sign_in(page, site, who)
        for key, path in paths.items():
            await page.goto(path)
            await page.wait_for_load_state("networkidle")
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, f"{path} is {width}px wide on a 375px phone ({who or 'the public'})"
            await shot(page, f"{prefix}-phone-{key}")


async def test_a_county_level_application_from_declaration_to_plaque_and_revocation_through_the_pages(
    late_page, late_site, browser
):
    page, site = late_page, late_site
    name = f"兰山区走查零工市场{unique('')[-6:]}"

    # The clerk declares.
    await sign_in(page, site, "clerk")
    assert await todo(page) == {}
    app_id = await declare(page, name, credit_code(), "county")
    assert await steps(page) == [
        ("申报", "done"),
        ("县级审核", "current"),
        ("公示", "todo"),
        ("公布", "todo"),
        ("授牌", "todo"),
    ]
    assert await page.locator("#act-county-review").count() == 0  # not their own review
    assert await todo_after(page) == {}

    # Another account of the bureau reviews it, then publishes the notice from the application page.
    await county_review(browser, site, app_id, name)
    async with signed_in(browser, site, "bureau") as bureau:
        assert await todo(bureau) == {"发布公示": 1}
        await open_from_todo(bureau, "发布公示", name)
        await bureau.click("#act-notice button[type=submit]")  # no date: published today
        await bureau.click("#confirm-dialog-accept")  # the act said what it will do: confirmed
        await act_done(bureau, "发布公示")
        assert await badge(bureau) == "公示中"
        assert ("公示", "current") in await steps(bureau)
        assert "公示中" in await bureau.inner_text("main")
        assert await timeline(bureau) == ["申报", *OPINIONS, "县级审核通过", "发布公示"]
        await shot(bureau, "walk-county-under-notice")
        assert await todo_after(bureau) == {}  # nothing for the bureau while the notice runs

    await public_reads_the_notice(browser, site, app_id, name, "county")

    # The notice's 5 working days pass; the workflow closes it by itself.
    await site.driver.pass_notice(app_id)
    county_doc_no = await batch_signed(
        browser, site, app_id, name, ("county_hrss", "county_drc", "county_civil_affairs"), owner="bureau"
    )
    await award(browser, site, "bureau", app_id, name, "county")

    # An inspector revokes the title.
    async with signed_in(browser, site, "inspector") as inspector:
        assert await todo(inspector) == {}  # revoking is nobody's to-do
        await inspector.goto(f"/applications/{app_id}")
        await inspector.select_option("#f-revocation-reason", "deregistered")
        await inspector.fill("#f-revocation-evidence", "经核查，该机构已办理注销登记")
        await inspector.click("button:has-text('撤销称号')")
        await inspector.click("#confirm-dialog-accept")  # the act said what it will do: confirmed
        await act_done(inspector, "撤销提议（待三部门会签）")
        assert await badge(inspector) != "已撤销"  # a proposal revokes nothing yet
    # The county's three departments sign the proposal on its page; the third signature revokes.
    for who in ("county_hrss", "county_drc", "county_civil_affairs"):
        async with signed_in(browser, site, who) as department:
            await department.goto(f"/applications/{app_id}")
            await department.click("#revocation-link")
            await department.click("#revocation-co-sign button[type=submit]")
            await department.wait_for_url(re.compile(r"/revocation\?done=sign"))
    async with signed_in(browser, site, "inspector") as inspector:
        await inspector.goto(f"/applications/{app_id}")
        assert await badge(inspector) == "已撤销"
        assert (await steps(inspector))[-1] == ("撤销", "ended")
        assert await inspector.locator("#acts form").count() == 0
        await inspector.goto("/titles")
        row = await inspector.locator("tr", has_text=name).inner_text()
        assert re.search(r"已撤销（\d{4}年\d{1,2}月\d{1,2}日，兰山人社字〔\d{4}〕\d+号）", row), row
        await inspector.goto("/revocations")
        assert "兰山人社字〔" in await inspector.locator("#revocation-table tr", has_text=name).inner_text()

    # A supervisor reads the whole story in Chinese, and may change nothing.
    async with signed_in(browser, site, "supervisor") as supervisor:
        await supervisor.goto(f"/applications/{app_id}")
        assert await timeline(supervisor) == [
            "申报",
            *OPINIONS,
            "县级审核通过",
            "发布公示",
            "公示期满",
            "联合公布",
            "授牌",
            "撤销",
        ]
        story = await supervisor.inner_text("#timeline")
        for said in (
            "（县区人社局·兰山区）",
            "（督查）",
            "（系统）",
            county_doc_no,
            "经核查，该机构已办理注销登记",
        ):
            assert said in story, said
        assert not re.search(r"\b(declared|publicized|county_bureau|co_sign|revoke)\b", story)
        assert await supervisor.locator("#no-acts").count() == 1
        states, current = await diagram(supervisor)
        assert current == "已撤销"
        assert "公示中" in states and "市级评审通过" not in states  # drawn for a county-level application
        node = await diagram_node(supervisor, "县级审核通过")
        assert "发布公示 → 公示中" in node and "市级评审" not in node
        await shot(supervisor, "walk-county-supervisor-timeline")


async def test_a_city_level_application_through_its_round_from_declaration_to_plaque_through_the_pages(
    late_page, late_site, browser
):
    page, site = late_page, late_site
    assert site.api.env is not None
    suffix = unique("")[-6:]
    name = f"兰山区走查市级零工市场{suffix}"
    round_id = f"WALK-{suffix}"
    code = credit_code()
    # Reference data: the county-level title the candidate names is on record (an imported historic title).
    seed_county_title(
        site.api.database_url,
        {
            "name": name,
            "type": "gig_market",
            "credit_code": code,
            "county_title_doc_no": "兰人社发〔2023〕3号",
            "county_title_date": "2023-01-16",
        },
    )

    # The city reviewer opens a round whose declaration window closes in a few minutes of the server's clock.
    second = add_user(site.api.database_url, f"第二评审员{suffix}", "city_reviewer").id
    panel = [site.api.ids["reviewer"], second, site.api.ids["drc"], site.api.ids["civil_affairs"]]
    now = await site.api.env.get_current_time()
    closes_at = (now + timedelta(minutes=5)).replace(second=0, microsecond=0)
    async with signed_in(browser, site, "reviewer") as reviewer:
        await reviewer.click("nav >> text=评定批次")
        await reviewer.wait_for_url("**/rounds")
        form = reviewer.locator("#open-round form")
        await form.locator("#f-round_id").fill(round_id)
        await form.locator("#f-name").fill("2026年度市级标杆机构评定（走查）")
        await form.locator("#f-level").select_option("city")
        await form.locator("#f-period_id").select_option(f"standing-{places_queue(site.api.database_url)}")
        await form.locator("#f-opens_at").fill(local(now - timedelta(hours=1)))
        await form.locator("#f-closes_at").fill(local(closes_at))
        await form.locator("#f-weight_written").fill("60")
        await form.locator("#f-weight_defence").fill("40")
        await form.locator("#f-weight_field_inspection").fill("")
        # The review panel (评审组): the city's two reviewers, DRC and civil affairs; three sheets of four are its
        # minimum, so the fourth member's missing score leaves the closure to the round's owner.
        for member in panel:
            await form.locator(f"input[name=panel][value='{member}']").check()
        await form.locator("button[type=submit]").click()
        await reviewer.wait_for_url(f"**/rounds/{round_id}?done=opened")
        await reload_until(reviewer, "#phase", "申报中")

    # The clerk declares into it.
    await sign_in(page, site, "clerk")
    app_id = await declare(page, name, code, "city", round_id)
    assert [s for s, _ in await steps(page)] == ["申报", "县级审核", "市级评审", "公示", "公布", "授牌"]

    await county_review(browser, site, app_id, name)

    # The reviewer scores it on the round page; the window closes; the reviewer closes the review.
    async with signed_in(browser, site, "reviewer") as reviewer:
        assert await todo(reviewer) == {"评分": 1}
        await reviewer.goto(f"/rounds/{round_id}")
        await reload_until(reviewer, "#candidates", name)
        shown = await reviewer.inner_text("main")
        assert "测试常设期（2000—2100年）" in shown and "standing-" not in shown  # the period by its name
        await score(reviewer, app_id, "92", "90")  # 0.6 × 92 + 0.4 × 90 = 91.2
        await reviewer.wait_for_url("**done=score*")
        assert "我的评分" in await reviewer.inner_text(f"#candidate-{app_id}")
        for member in ("drc", "civil_affairs"):  # the departments' members score alike (by the API here)
            await score_by_api(site, member, app_id, 92, 90)

        now = await site.api.env.get_current_time()
        await site.api.env.sleep(closes_at - now + timedelta(minutes=1))  # the window closes on the server's clock
        await reload_until(reviewer, "#phase", "评审中")
        await reload_until(reviewer, "#ranking-table", "91.20")
        assert "名额内" in await reviewer.inner_text("#ranking-table")
        await shot(reviewer, "walk-city-round-ranking")
        await reviewer.fill("#closure #f-reason", "评审结束，按加权得分择优确定")
        await reviewer.click("#closure button[type=submit]")
        await reviewer.click("#confirm-dialog-accept")  # the act said what it will do: confirmed
        await reviewer.wait_for_url("**done=closed*")
        assert "已确定拟评定名单" in await reviewer.inner_text("#phase")
        await reload_until(reviewer, "#ranking-table", "入选（公示中）")
        await shot(reviewer, "walk-city-round-selected")

        await reviewer.goto(f"/applications/{app_id}")
        assert await badge(reviewer) == "公示中"
        assert await reviewer.get_attribute("#round-link", "href") == f"/rounds/{round_id}"  # the round it is in
        assert await timeline(reviewer) == [
            "申报",
            *OPINIONS,
            "县级审核通过",
            "评分",
            "评分",
            "评分",
            "市级评审通过",
            "发布公示",
        ]
        assert [st for _, st in await steps(reviewer)] == ["done", "done", "done", "current", "todo", "todo"]
        await shot(reviewer, "walk-city-under-notice")
        await on_phone(
            browser,
            site,
            "reviewer",
            {"workbench": "/", "round": f"/rounds/{round_id}", "application": f"/applications/{app_id}"},
            "walk-city",
        )

    await public_reads_the_notice(browser, site, app_id, name, "city")

    await site.driver.pass_notice(app_id)
    city_doc_no = await batch_signed(browser, site, app_id, name, ("hrss", "drc", "civil_affairs"))
    await award(browser, site, "reviewer", app_id, name, "city")

    async with signed_in(browser, site, "supervisor") as supervisor:
        await supervisor.goto(f"/applications/{app_id}")
        assert await badge(supervisor) == "已授牌"
        assert await timeline(supervisor) == [
            "申报",
            *OPINIONS,
            "县级审核通过",
            "评分",
            "评分",
            "评分",
            "市级评审通过",
            "发布公示",
            "公示期满",
            "联合公布",
            "授牌",
        ]
        story = await supervisor.inner_text("#timeline")
        assert "评审结束，按加权得分择优确定" in story  # the round's closure, as the city review's reason
        assert "加权得分91.20（书面评审 92.00，现场答辩 90.00）" in story
        assert f"评定批次：{round_id}" in story
        assert not re.search(r"\b(rank|quota|written|defence)\b", story) and "其他：" not in story
        assert city_doc_no in story
        states, current = await diagram(supervisor)
        assert current == "已授牌" and "市级评审通过" in states
        node = await diagram_node(supervisor, "县级审核通过")
        assert "市级评审通过 → 市级评审通过" in node and "发布公示" not in node
        await shot(supervisor, "walk-city-supervisor-timeline")

    await on_phone(
        browser,
        site,
        "clerk",
        {"workbench": "/", "applications": "/applications", "application": f"/applications/{app_id}"},
        "walk-clerk",
    )
    await on_phone(browser, site, None, {"titles": "/titles"}, "walk-public")
