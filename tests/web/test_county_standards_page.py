"""县区评定标准 in the browser: a county's bureau sets its own conditions (附件5) on its page, a bad code is refused
beside its field in Chinese, a condition is removed (its code retired) and another added, every version is listed
with who set it, the declaration form then asks the county's declarations to attest the condition, and another
county's bureau cannot see the page."""

import re
import secrets

from temporalio.service import RPCError

from services.identity import add_login, create_user
from tests.web.conftest import PASSWORD, shot, sign_in, user_id_for
from workflows.standards import standards_workflow_id

COUNTY = "莒南县"  # no other test declares here


async def test_a_county_bureau_sets_retires_and_adds_its_own_conditions(page, site):
    login = f"junan-{secrets.token_hex(3)}"
    token = create_user(site.api.database_url, f"莒南县人社局-{login}", "county_bureau", COUNTY)
    add_login(site.api.database_url, user_id_for(site.api.database_url, token), login, PASSWORD)
    site.logins["junan"] = login
    brand, hall = f"jn_brand_{secrets.token_hex(3)}", f"jn_hall_{secrets.token_hex(3)}"
    try:
        await sign_in(page, site, "junan")
        await page.click("nav >> text=县区评定标准")
        await page.wait_for_url(re.compile(r"/standards/"))
        assert "尚未设定本县区的评定条件" in await page.inner_text("#current")

        await page.fill("#f-code_0", "Bad Code")
        await page.fill("#f-text_0", "具有县级就业服务特色品牌")
        await page.fill("#f-reason", "莒南县评定标准（附件5）")
        await page.click("#standards-form button[type=submit]")
        error = page.locator("#f-code_0-error")
        await error.wait_for()
        assert "须为1至64个小写字母、数字或下划线" in await error.inner_text()
        assert "尚未设定本县区的评定条件" in await page.inner_text("#current")  # nothing was set
        await shot(page, "county-standards-refused")

        await page.fill("#f-code_0", brand)
        await page.fill("#f-code_1", hall)
        await page.fill("#f-text_1", "零工市场设有县级零工服务大厅")
        for checkbox in await page.locator("#row-1 input[name=types_1]").all():
            if await checkbox.get_attribute("value") != "gig_market":
                await checkbox.uncheck()
        await page.fill("#f-reason", "莒南县评定标准（附件5）")
        await page.click("#standards-form button[type=submit]")
        await page.wait_for_url("**done=1*")
        current = await page.inner_text("#current-table")
        assert brand in current and "具有县级就业服务特色品牌" in current and "全部类型" in current
        assert hall in current and "零工市场" in current

        await page.goto("/applications/new?type=gig_market&level=county")
        assert "零工市场设有县级零工服务大厅" in await page.inner_text("body")  # to be attested on declaring

        await page.goto("/standards")
        await page.wait_for_url(re.compile(r"/standards/"))
        await page.check("#row-1 input[name=retire_1]")
        new_row = page.locator("fieldset", has=page.locator("legend", has_text="新增条件")).first
        await new_row.locator("input[name^=code_]").fill(f"jn_staff_{secrets.token_hex(3)}")
        await new_row.locator("textarea").fill("配备不少于3名专职就业服务人员")
        await page.fill("#f-reason", "修订：零工服务大厅条件并入市级标准")
        await page.click("#standards-form button[type=submit]")
        await page.wait_for_url("**done=1*")
        assert hall not in await page.inner_text("#current-table")
        assert hall in await page.inner_text("#retired")
        versions = await page.inner_text("#versions-table")
        assert "第2版" in versions and "第1版" in versions and "修订：零工服务大厅条件并入市级标准" in versions
        assert "莒南县人社局" in versions and "县区人社局" in versions
        await shot(page, "county-standards")

        await page.context.clear_cookies()
        await sign_in(page, site, "clerk")  # 兰山区's bureau
        response = await page.goto(f"/standards/{COUNTY}")
        assert response is not None and response.status == 404
        assert "未找到，或不在您的查看范围内" in await page.inner_text("main")
    finally:
        try:
            await site.api.client.get_workflow_handle(standards_workflow_id(COUNTY)).terminate("test over")
        except RPCError:
            pass
