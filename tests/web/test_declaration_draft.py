"""「打印申报表（草稿）」 on the declaration page: the form's data as it stands comes back as the draft 申报表 to download
(the page stays as filled in, nothing declared), under the page's CSP; a mistake is said beside its field in the
same Chinese words as declaring says it."""

from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from tests.conftest import unique
from tests.factory import credit_code
from tests.web.conftest import new_page, shot, sign_in
from tests.web.test_security_headers import WATCH, _violations

BUTTON = "#print-draft"  # 打印申报表（草稿）


async def fill(page, name: str, code: str) -> None:
    await page.goto("/applications/new?type=gig_market&level=county")
    await page.fill("#f-name", name)
    await page.fill("#f-credit_code", code)
    await page.fill("#f-phone", "13912345678")
    await page.fill("#f-premises_area_m2", "800")
    await page.fill("#f-staff_count", "6")
    await page.fill("#f-founded_on", "2015-03-01")
    await page.fill("#f-services", "零工信息发布、供需对接")
    for area in await page.locator("#requirements textarea").all():
        await area.fill("经县区人社、发改、民政部门核实，符合该项条件")


async def listed(site) -> int:
    answer = await site.api.get("clerk", "/applications", params={"limit": 1})
    return answer.json()["total"]


async def test_the_draft_button_downloads_the_forms_draft_and_declares_nothing(browser, site):
    name = f"兰山区草稿测试零工市场{unique('')[-6:]}"
    code = credit_code()
    before = await listed(site)
    async with new_page(browser, site) as page:
        await page.context.add_init_script(WATCH)
        console: list[str] = []
        page.on("console", lambda m: console.append(m.text))
        await sign_in(page, site, "clerk")
        await fill(page, name, code)
        assert "诚信承诺书（申报单位盖章、负责人签字）（必需）" in await page.inner_text("#requirements")
        assert await page.inner_text(BUTTON) == "打印申报表（草稿）"
        async with page.expect_download() as downloading:
            await page.click(BUTTON)
        download = await downloading.value
        pdf = Path(await download.path()).read_bytes()
        text = "".join("".join(p.extract_text().split()) for p in PdfReader(BytesIO(pdf)).pages)
        assert "草稿（待盖章）" in text and "申报编号：（申报后由系统生成）" in text
        assert name in text and code in text and "零工信息发布、供需对接" in text and "七、诚信承诺" in text
        assert "经县区人社、发改、民政部门核实，符合该项条件" in text

        assert page.url.endswith("/applications/new?type=gig_market&level=county")  # the form stays as filled in
        assert await page.input_value("#f-name") == name
        assert await _violations(page) == [] and not [m for m in console if "Content Security Policy" in m]
        assert await listed(site) == before


async def test_a_mistake_is_said_beside_its_field_as_declaring_says_it(page, site):
    code = credit_code()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    await sign_in(page, site, "clerk")
    await fill(page, f"兰山区草稿校验测试{unique('')[-6:]}", wrong)
    await page.click(BUTTON)
    error = page.locator("#f-credit_code-error")
    await error.wait_for()
    drafted = await error.inner_text()
    assert "校验位错误" in drafted and "填写有误" in await page.inner_text("[data-refusal]")
    assert await page.input_value("#f-credit_code") == wrong  # the form again, as it was filled in
    await shot(page, "declare-draft-refused-field")

    await page.click("text=提交申报")  # declaring the same says the same
    await page.locator("#f-credit_code-error").wait_for()
    assert await page.locator("#f-credit_code-error").inner_text() == drafted
