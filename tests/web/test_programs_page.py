"""评定项目定义 in the browser: the admin (and supervisors) find it in the navigation; it lists each program in force
with its source document, levels and types, and every version with who published it, why and what it changed, all in
Chinese (no key, code or hex id on screen), with no serious accessibility finding; a county's clerk is refused."""

import re
import secrets

from programs.load import SEED
from services.programs import publish
from tests.web.conftest import new_page, shot, sign_in
from tests.web.test_accessibility import report, severe_violations


async def test_the_admin_reads_the_programs_and_what_each_version_changed(browser, site, tmp_path):
    title = f"测试评定项目{secrets.randbelow(10**6)}"
    program_id = f"t-{secrets.token_hex(4)}"
    text = SEED.read_text("utf-8").replace('id = "linyi-2026"', f'id = "{program_id}"', 1)
    text = text.replace('title = "临沂市就业服务质量标杆机构评定"', f'title = "{title}"', 1)
    # Run by no city the pages know: 临沂's clerks keep one program to declare into (no 「选择评定项目」 step).
    text = text.replace('region = "shandong/临沂市"', 'region = "shandong/测试市"', 1)
    first, second = tmp_path / "first.toml", tmp_path / "second.toml"
    first.write_text(text, encoding="utf-8")
    second.write_text(
        text.replace("working_days = 5", "working_days = 7").replace(
            "totals = { city = 9, county = 90 }", "totals = { city = 10, county = 90 }"
        ),
        encoding="utf-8",
    )
    publish(site.api.database_url, first, "系统管理员", "测试项目首次发布")
    publish(site.api.database_url, second, "系统管理员", "公示期延长为7个工作日")

    async with new_page(browser, site) as page:
        await sign_in(page, site, "admin")
        await page.click("nav >> text=评定项目定义")
        await page.wait_for_url(re.compile(r"/programs$"))
        main = await page.inner_text("main")
        assert "临沂市就业服务质量标杆机构评定" in main and "临沂市人力资源和社会保障局" in main
        assert "县级标杆机构、市级标杆机构" in main and "零工市场" in main and "5个工作日" in main
        section = page.locator("section", has=page.locator("h2", has_text=title))
        said = await section.inner_text()
        assert "第2版" in said and "7个工作日" in said and "公示期延长为7个工作日" in said
        assert "修改 公示 › 工作日数：5 → 7" in said
        assert "修改 评定名额 › 名额数 › 市级：9 → 10" in said
        assert "首次发布" in said and "十四五（2021—2025年），县级标杆机构90家，市级标杆机构10家" in said
        assert not re.search(r"[A-Za-z]{2,}", main), re.findall(r"[A-Za-z]{2,}", main)
        assert program_id not in main
        found = await severe_violations(page)
        assert not found, report(found)
        await shot(page, "programs")

    async with new_page(browser, site) as page:
        await sign_in(page, site, "supervisor")
        response = await page.goto("/programs")
        assert response is not None and response.status == 200

    async with new_page(browser, site) as page:
        await sign_in(page, site, "clerk")
        assert "评定项目定义" not in await page.inner_text("nav")
        response = await page.goto("/programs")
        assert response is not None and response.status == 403
