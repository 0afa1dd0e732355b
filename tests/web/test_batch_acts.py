"""批量办理 in a real browser: the county bureau ticks three declarations on its 待办, writes the opinion once and
passes them in one go; one of them was passed meanwhile by a colleague, and the result page says so for that item
in Chinese while the other two are done."""

from tests.api.conftest import eventually, expect, opinions_given
from tests.conftest import unique
from tests.web.conftest import shot, sign_in


async def test_the_bureau_passes_several_declarations_from_its_to_do_in_one_go(page, site):
    names = [f"兰山区批量驿站{unique('')[-6:]}{i}" for i in range(3)]
    ids = [await site.driver.declare("county", name=n) for n in names]
    for app_id in ids:
        await opinions_given(site.api, app_id)  # 会商: the county's DRC and civil affairs agree

    async def listed() -> bool:
        tasks = expect(await site.api.get("bureau", "/tasks"), 200)
        return set(ids) <= {t["application_id"] for t in tasks}

    await eventually(listed)
    await sign_in(page, site, "bureau")
    form = page.locator("#batch-county_review_pass")
    for app_id in ids:
        await form.locator(f"input[type=checkbox][value='{app_id}']").check()
    await form.get_by_label("审核意见").fill("材料齐全，同意推荐")
    # Meanwhile a colleague passes the second one on its own page: the batch must say so for that item only.
    expect(
        await site.api.post("bureau", f"/applications/{ids[1]}/county-review", {"decision": "pass", "opinion": "同意"}),
        200,
    )
    await form.get_by_role("button", name="批量办理（县级审核通过）").click()
    await page.wait_for_selector("#batch-results")
    await shot(page, "batch-acts-result")
    assert "共3件，办理成功2件，未办理1件" in await page.inner_text("#batch-summary")
    rows = page.locator("#batch-results tbody tr")
    for i, name in enumerate(names):
        row = rows.nth(i)
        assert name in await row.inner_text()
        said = await row.locator("td").nth(1).inner_text()
        if i == 1:
            assert await row.get_attribute("data-ok") == "no"
            assert "未办理" in said and "当前状态：县级审核通过" in said
        else:
            assert await row.get_attribute("data-ok") == "yes" and "办理成功" in said
    for app_id in ids:
        assert (await site.driver.state(app_id))["state"] == "county_reviewed"
    assert "材料齐全，同意推荐" in str((await site.driver.state(ids[0]))["acts"][-1])


async def test_a_batch_with_nothing_ticked_or_no_opinion_is_refused_in_chinese_and_changes_nothing(page, site):
    app_id = await site.driver.declare("county", name=f"兰山区批量驿站{unique('')[-6:]}")

    async def listed() -> bool:
        return any(t["application_id"] == app_id for t in expect(await site.api.get("bureau", "/tasks"), 200))

    await eventually(listed)
    await sign_in(page, site, "bureau")
    form = page.locator("#batch-county_review_pass")
    await form.locator(f"input[type=checkbox][value='{app_id}']").check()
    await form.get_by_role("button", name="批量办理（县级审核通过）").click()
    await page.wait_for_selector("#batch-error")
    assert await page.inner_text("#batch-error") == "意见必填"
    assert (await site.driver.state(app_id))["state"] == "declared"


async def test_an_opinion_saved_on_one_form_fills_the_batch_form_later(page, site):
    app_id = await site.driver.declare("county", name=f"兰山区常用意见驿站{unique('')[-6:]}")
    text = f"经审核，申报材料齐全真实，同意通过。{unique('')[-4:]}"
    await sign_in(page, site, "bureau")
    await page.goto(f"/applications/{app_id}")
    form = page.locator("#act-county-review")
    await form.locator("textarea[name=opinion]").fill(text)
    await form.get_by_role("button", name="存为常用意见").click()
    await form.get_by_role("status").filter(has_text="已存为常用意见").wait_for()

    async def listed() -> bool:
        return any(t["application_id"] == app_id for t in expect(await site.api.get("bureau", "/tasks"), 200))

    await eventually(listed)
    await page.goto("/")
    batch = page.locator("#batch-county_review_pass")
    await batch.get_by_label("常用意见", exact=True).select_option(label=text)
    assert await batch.get_by_label("审核意见").input_value() == text
    await shot(page, "batch-saved-opinion")
    # Another user has their own list: the bureau's opinion is not theirs.
    listed_for_clerk = expect(await site.api.get("clerk", "/me/opinions"), 200)["opinions"]
    assert text not in [o["text"] for o in listed_for_clerk]
