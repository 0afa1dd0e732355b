"""A declaration refused for a mistake keeps the files already chosen: the redrawn form names each one, and the
corrected form is sent without choosing them again (or with one replaced)."""

import re

from tests.conftest import unique
from tests.factory import credit_code
from tests.samples import unique_pdf
from tests.web.conftest import shot, sign_in
from tests.web.test_county_clerk import attest_and_attach


async def test_files_chosen_before_a_refused_declaration_are_kept(page, site):
    name = f"兰山区保留材料测试零工市场{unique('')[-6:]}"
    code = credit_code()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")

    await sign_in(page, site, "clerk")
    await page.goto("/applications/new?type=gig_market&level=county")
    await page.fill("#f-name", name)
    await page.fill("#f-credit_code", wrong)
    await page.fill("#f-premises_area_m2", "800")
    await page.fill("#f-staff_count", "6")
    await attest_and_attach(page)
    chosen = {
        (await f.get_attribute("name") or "").removeprefix("file__")
        for f in await page.locator("#requirements input[type=file]").all()
        if await f.evaluate("input => input.files.length") > 0
    }
    assert chosen
    await page.click("text=提交申报")
    await page.locator("#f-credit_code-error").wait_for()

    assert "无需重新选择" in await page.inner_text("#kept-files")
    for item in chosen:  # each kept file named, its reference carried by the form
        assert "已保存：" in await page.inner_text(f"#f-kept__{item}")
        assert await page.locator(f"input[type=hidden][name=kept__{item}]").get_attribute("value")
    await shot(page, "declare-refused-files-kept")

    replaced = sorted(chosen)[0]
    accepts = await page.get_attribute(f"#f-file__{replaced}", "accept") or ""
    if "application/pdf" in accepts:  # one file replaced by a new one, the others kept
        new = {"name": "更换后的材料.pdf", "mimeType": "application/pdf", "buffer": unique_pdf()}
        await page.set_input_files(f"#f-file__{replaced}", new)
    await page.fill("#f-credit_code", code)
    await page.click("text=提交申报")  # no file chosen again
    await page.wait_for_url(re.compile(r"/applications/A[0-9a-f]{20}\?done=declare$"))

    app_id = page.url.split("/applications/")[1].split("?")[0]
    detail = await site.driver.state(app_id)
    declared = {m["item"] for m in detail["acts"][0]["materials"]}
    assert chosen <= declared
    names = {m["item"]: m["filename"] for m in detail["acts"][0]["materials"]}
    if "application/pdf" in accepts:
        assert names[replaced] == "更换后的材料.pdf"
    assert len(await page.locator("#materials tbody tr").all()) == len(declared)
