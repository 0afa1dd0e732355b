"""文件验真 in a real browser (Chromium), no account: the public navigation links it; a sealed 公示名单 downloaded from
the site passes (验证通过, the organ that sealed it and when, what the document is); the same file with one byte
altered does not (验证未通过); a file that is not a PDF is refused in Chinese beside the field; a 文号 alone is
answered; axe finds nothing serious on any of these."""

from pathlib import Path

from seals.provider import seal_provider
from state.domain import Level
from state.labels import issuing_organs
from tests.web.conftest import Site, shot
from tests.web.test_accessibility import report, severe_violations


async def checked_file(page, path: Path) -> None:
    await page.goto("/verify")
    await page.set_input_files("#f-file", str(path))
    await page.click("button:has-text('验真')")
    await page.wait_for_load_state("networkidle")


async def test_the_verify_page_checks_a_downloaded_document_and_refuses_what_it_cannot(page, site: Site, tmp_path):
    await site.driver.publicized("city")
    downloaded = await site.api.get(None, "/public/notices.pdf")
    assert downloaded.status_code == 200
    sealed = tmp_path / "公示名单.pdf"
    sealed.write_bytes(downloaded.content)
    organ = issuing_organs(Level.city)[0]
    assert seal_provider(site.api.app.state.settings).trust_roots()  # the site's own test root

    await page.goto("/notices")
    link = page.locator("nav a[href='/verify']")
    assert await link.inner_text() == "文件验真"
    await link.click()
    await page.wait_for_url("**/verify")
    found = await severe_violations(page)

    await checked_file(page, sealed)
    result = page.locator("#result")
    assert "验证通过" in await result.inner_text()
    assert "验证未通过" not in await result.inner_text()
    row = page.locator("#result tbody tr").first
    assert organ in await row.inner_text() and "年" in await row.inner_text()
    assert "公示名单" in await result.inner_text() and "测试印章，非法定电子印章" in await result.inner_text()
    await shot(page, "verify-valid")
    found += await severe_violations(page)

    altered = bytearray(downloaded.content)
    altered[len(altered) // 3] ^= 0x01
    tampered = tmp_path / "改过的.pdf"
    tampered.write_bytes(bytes(altered))
    await checked_file(page, tampered)
    assert "验证未通过" in await page.locator("#result").inner_text()
    assert await page.locator("[data-verdict=invalid]").count() == 1
    found += await severe_violations(page)

    image = tmp_path / "照片.pdf"
    image.write_bytes(b"\xff\xd8\xff\xe0" + b"0" * 100)
    await checked_file(page, image)
    error = page.locator("#f-file-error")
    assert "不是PDF文件" in await error.inner_text()
    assert await page.locator("#f-file").get_attribute("aria-invalid") == "true"
    found += await severe_violations(page)

    await page.goto("/verify")
    await page.fill("#f-number", "临人社字〔1999〕999号")
    await page.click("button:has-text('验真')")
    await page.wait_for_load_state("networkidle")
    assert "未出具过该文号的文件" in await page.locator("[data-number=unknown]").inner_text()
    found += await severe_violations(page)
    body = await page.locator("body").inner_text()
    assert "verify" not in body and "sha256" not in body.lower()
    assert not found, report(found)
