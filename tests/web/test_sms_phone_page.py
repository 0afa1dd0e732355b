"""短信提醒 on the inbox page (通知), in the browser: a number that is not a mainland mobile number is refused beside
its field, in Chinese, changing nothing; a right one is kept and shown back masked (the full number never on the
page); texts can be turned off, and the number forgotten. The refused form passes axe."""

from tests.web.conftest import shot, sign_in
from tests.web.test_accessibility import NO_BROWSER_CHECKS, report, severe_violations


async def test_a_user_keeps_a_mobile_number_for_texts_on_the_inbox_page(page, site):
    await sign_in(page, site, "inspector")
    await page.goto("/notifications")
    box = page.locator("#sms")
    assert "尚未登记手机号码" in await box.inner_text()

    await page.evaluate(NO_BROWSER_CHECKS)
    await page.fill("#f-sms-phone", "1381234567")  # ten digits
    await page.click("text=保存手机号码")
    error = page.locator("#f-sms-phone-error")
    await error.wait_for()
    assert "11位数字" in await error.inner_text()
    assert "尚未登记手机号码" in await page.locator("#sms").inner_text()  # nothing kept
    found = await severe_violations(page)
    assert not found, report(found)
    await shot(page, "sms-phone-refused")

    await page.fill("#f-sms-phone", "138 1234 5678")
    await page.click("text=保存手机号码")
    await page.wait_for_url("**/notifications#sms")
    said = await page.locator("#sms").inner_text()
    assert "已登记手机号码 138****5678" in said and "同时以短信发送" in said
    assert "13812345678" not in await page.content() and "1234 5678" not in await page.content()
    await shot(page, "sms-phone-kept")

    await page.fill("#f-sms-phone", "13812345678")
    await page.uncheck("#f-sms-on")
    await page.click("text=保存手机号码")
    await page.wait_for_url("**/notifications#sms")
    assert "暂不接收短信" in await page.locator("#sms").inner_text()

    await page.click("text=删除手机号码")
    await page.wait_for_url("**/notifications#sms")
    assert "尚未登记手机号码" in await page.locator("#sms").inner_text()
