"""Declaring into another program on the page: the Nanchang program (programs/definitions/nanchang-incubator-2024.toml)
published into the pages' database, its region file (tests/region_files/jiangxi.toml) in BIAOGAN_REGIONS_DIR, and a
南昌 county clerk. Nanchang runs one program, so the clerk's form is that program's, derived from its definition;
a refused fact is said beside its field in Chinese and what was typed stays; declared, the application's page shows
its facts with the definition's labels and units. A 临沂 clerk's city runs only Linyi's program: the first form."""

import re
import shutil
from collections.abc import Iterator
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import Session

from db.session import get_engine
from db.users import User
from documents.layout import chinese_date
from programs.load import DEFINITIONS
from regions.catalog import DIRECTORY_VARIABLE
from services.identity import add_login
from services.identity.users import add_user
from services.programs import publish
from state.calendar import WorkingDayCalendar
from tests.api.conftest import expect
from tests.conftest import unique
from tests.factory import credit_code
from tests.samples import unique_pdf
from tests.web.conftest import PASSWORD, Site, shot
from tests.web.test_accessibility import NO_BROWSER_CHECKS, report, severe_violations

PROGRAM = DEFINITIONS / "nanchang-incubator-2024.toml"
REGION = Path(__file__).resolve().parents[1] / "region_files" / "jiangxi.toml"
COUNTY = "东湖区"
ITEMS = ["application_form", "legal_person_certificate", "county_recognition", "premises_proof", "entity_roster"]


@pytest.fixture(scope="module")
def regions(tmp_path_factory) -> Iterator[Path]:
    """jiangxi.toml in a directory of its own, named by BIAOGAN_REGIONS_DIR while this module runs."""
    where = tmp_path_factory.mktemp("regions")
    shutil.copy(REGION, where / "jiangxi.toml")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DIRECTORY_VARIABLE, str(where))
        yield where


@pytest.fixture
def nanchang(site: Site, regions: Path) -> str:
    """The program published into the pages' database and a 南昌 county clerk who may sign in; their login."""
    publish(site.api.database_url, PROGRAM, "测试", "载入南昌市创业孵化基地认定，供页面测试")
    login = f"nanchang-clerk-{unique('')[-8:].lower()}"
    made = add_user(site.api.database_url, "东湖区人社局经办人", "county_bureau", "兰山区")
    with Session(get_engine(site.api.database_url)) as s:
        user = s.get(User, made.id)
        assert user is not None
        user.county, user.city = COUNTY, "南昌市"
        s.add(user)
        s.commit()
    add_login(site.api.database_url, made.id, login, PASSWORD)
    site.api.tokens[login] = made.token  # the same clerk over the API
    return login


async def sign_in_as(page, login: str) -> None:
    await page.goto("/login")
    await page.fill("#f-login", login)
    await page.fill("#f-password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(re.compile(r"/$"))


async def fill_good(page, name: str, code: str) -> None:
    await page.fill("#f-fact__name", name)
    await page.fill("#f-fact__credit_code", code)
    await page.fill("#f-fact__base_name", f"{name}孵化园")
    await page.fill("#f-fact__address", "南昌市东湖区某路1号\n2栋")
    await page.fill("#f-fact__county_title_doc_no", "东湖人社字〔2023〕12号")
    await page.check("#f-fact__legal_person-true")
    await page.check("#f-fact__incubation_main_business-true")
    for fact, value in {
        "years_operating": "3",
        "incubation_area_m2": "1600",
        "area_in_use_pct": "75",
        "incubated_entities": "20",
        "jobs_created": "150",
        "success_rate_pct": "60",
        "exit_rate_pct": "70",
    }.items():
        await page.fill(f"#f-fact__{fact}", value)
    for area in await page.locator("#conditions textarea").all():
        await area.fill("经区人社局实地核实，符合该项条件")
    for n, item in enumerate(ITEMS, 1):
        pdf = {"name": f"申报材料{n}.pdf", "mimeType": "application/pdf", "buffer": unique_pdf()}
        await page.set_input_files(f"#f-file__{item}", [pdf])


async def test_a_nanchang_clerk_declares_into_its_program_through_the_derived_form(page, site, nanchang):
    await sign_in_as(page, nanchang)
    await page.goto("/applications/new")
    # One program for 南昌: no first step, the program's form directly.
    assert await page.locator("#program-choices").count() == 0
    assert await page.inner_text("h1") == "南昌市市级创业孵化基地认定申报表"
    facts = await page.inner_text("#facts")
    for label in ("基地名称", "孵化场地面积（㎡）", "运营本基地年限（年）", "入孵创业实体到期出园率（%）"):
        assert label in facts
    assert "服务场所面积" not in facts  # not Linyi's form
    assert await page.get_attribute("#f-fact__incubation_area_m2", "min") == "0"
    assert await page.get_attribute("#f-fact__incubation_area_m2", "max") == "10000000"
    assert await page.get_attribute("#f-fact__address", "maxlength") == "500"
    assert await page.locator("#f-fact__address").evaluate("e => e.tagName") == "TEXTAREA"
    assert await page.locator("#f-fact__legal_person-true").get_attribute("type") == "radio"
    assert await page.locator("#conditions textarea").count() == 5
    assert "县区级创业孵化基地认定文件（必需）" in await page.inner_text("#materials")
    assert COUNTY in await page.inner_text("#declaring-county")
    on_screen = re.sub(r"PDF|JPEG|PNG", "", await page.inner_text("main"))  # file types, as the first form says
    assert not re.search(r"[A-Za-z]{3,}", on_screen)  # no key or code on screen
    found = await severe_violations(page)
    assert found == [], report(found)

    digits = re.sub(r"\D", "", unique(""))[-6:]
    name = f"东湖区页面测试孵化基地{digits}"
    code = credit_code()
    await fill_good(page, name, code)
    await page.fill("#f-fact__incubation_area_m2", "1400")  # below the social base's 1500
    await page.click("text=提交申报")
    error = page.locator("#f-fact__incubation_area_m2-error")
    await error.wait_for()
    assert await error.inner_text() == "社会化基地孵化场地面积不低于1500平方米：填报值为1400"
    assert await page.input_value("#f-fact__incubation_area_m2") == "1400"  # what was typed stays
    assert await page.input_value("#f-fact__name") == name
    assert await page.is_checked("#f-fact__legal_person-true")
    assert await page.locator("#kept-files").count() == 1  # the files are kept, not chosen again
    found = await severe_violations(page)
    assert found == [], report(found)
    await shot(page, "program-declaration-refused")
    await shot(page, "program-declaration-form", until="#f-fact__area_in_use_pct")  # the docs' picture: the refusal

    await page.fill("#f-fact__incubation_area_m2", "1600")
    await page.click("text=提交申报")
    await page.wait_for_url(re.compile(r"/applications/A[0-9a-f]{20}\?done=declare$"))
    shown = await page.inner_text("main")
    assert name in shown and "社会化创业孵化基地" in shown
    assert "市级创业孵化基地" in shown and "市级标杆机构" not in shown  # the program's own words for its level
    assert await page.inner_text("#program-title") == "南昌市市级创业孵化基地认定"
    assert "孵化场地面积" in shown and "1600㎡" in shown and "在孵创业实体带动就业人数" in shown and "150人" in shown
    assert "运营机构依法设立并具备法人资格" in shown and "东湖人社字〔2023〕12号" in shown
    assert not re.search(r"[A-Za-z]{3,}", re.sub(r"\.pdf|PDF", "", shown))
    application_id = page.url.split("/applications/")[1].split("?")[0]
    detail = expect(await site.api.get(nanchang, f"/applications/{application_id}"), 200)
    assert detail["institution"]["type"] == "social_base" and detail["institution"]["name"] == name
    assert detail["institution"]["facts"]["incubation_area_m2"] == 1600
    assert detail["institution"]["facts"]["legal_person"] is True
    assert detail["county"] == COUNTY

    sheet = await page.request.get(f"/applications/{application_id}/documents/approval-sheet.pdf")
    assert sheet.status == 200  # 审批单: the program's facts with its labels
    printed = "".join("".join(p.extract_text().split()) for p in PdfReader(BytesIO(await sheet.body())).pages)
    assert name in printed and "市级创业孵化基地" in printed and "孵化场地面积" in printed and "1600㎡" in printed
    home = await page.goto("/")  # the clerk's workbench with it on
    assert home is not None and home.status == 200
    await page.goto("/applications")  # the clerk's list names it with its type in Chinese
    row = page.locator("tr", has_text=name)
    assert "社会化创业孵化基地" in await row.inner_text()
    await shot(page, "program-declaration-declared")


async def test_the_form_follows_the_type_chosen_and_refuses_a_missing_fact_in_chinese(page, site, nanchang):
    await sign_in_as(page, nanchang)
    await page.goto("/applications/new?program=nanchang-incubator-2024&type=student_base")
    assert await page.input_value("#f-type") == "student_base"
    await page.evaluate(NO_BROWSER_CHECKS)  # the server's refusal, not the browser's
    await page.click("text=提交申报")
    error = page.locator("#f-fact__base_name-error")
    await error.wait_for()
    assert await error.inner_text() == "请填写基地名称"
    assert "缺少评定条件的核实说明" in await page.inner_text("#conditions")


async def test_a_linyi_clerk_sees_the_first_form_and_another_city_s_program_is_not_there(page, site, nanchang):
    from tests.web.conftest import sign_in

    await sign_in(page, site, "clerk")
    await page.goto("/applications/new")
    assert await page.inner_text("h1") == "就业服务质量标杆机构申报表"  # one program in force for 临沂: no first step
    assert await page.locator("#program-choices").count() == 0
    refused = await page.goto("/applications/new?program=nanchang-incubator-2024")
    assert refused is not None and refused.status == 404


async def test_a_nanchang_application_under_notice_is_on_its_city_s_board_for_seven_working_days(page, site, nanchang):
    """The public board of 南昌 (``/notices?city=南昌市``) lists an application of its program under notice, titled by
    the program's level and with its 7-working-day window, in none of the first program's words; 临沂's board does
    not list it."""
    from tests.api.test_second_program import declaration

    api = site.api
    api.tokens["nc_clerk"] = api.tokens[nanchang]
    for name, role, county in (("nc_bureau", "county_bureau", COUNTY), ("nc_reviewer", "city_reviewer", None)):
        made = add_user(api.database_url, f"{name}-{unique('')[-8:]}", role, county, None, city="南昌市")
        api.tokens[name] = made.token
    body = await declaration(api)
    name = f"东湖区公示孵化基地{re.sub(r'[^0-9]', '', unique(''))[-6:]}"
    body["institution"]["facts"]["name"] = name
    app_id = expect(await api.http.post("/applications", json=body, headers=api.auth("nc_clerk")), 201)["id"]
    review = {"decision": "pass", "opinion": "材料齐全，符合认定条件"}
    for who, act in (("nc_bureau", "county-review"), ("nc_reviewer", "city-review"), ("nc_reviewer", "notice")):
        expect(
            await api.http.post(
                f"/applications/{app_id}/{act}", json=review if act != "notice" else {}, headers=api.auth(who)
            ),
            200,
        )
    notice = expect(await api.get("nc_reviewer", f"/applications/{app_id}"), 200)["notice"]
    first_day, last_day = date.fromisoformat(notice["first_day"]), date.fromisoformat(notice["last_day"])
    assert WorkingDayCalendar.from_file(None).working_days_between(first_day, last_day) + 1 == 7

    async def board(city: str) -> str:
        for _ in range(50):  # the read model follows the workflow
            await page.goto(f"/notices?city={city}")
            if name in await page.inner_text("main"):
                break
            await page.wait_for_timeout(200)
        return await page.inner_text("main")

    shown = await board("南昌市")
    row = await page.locator("tr", has_text=name).inner_text()
    window = f"{chinese_date(first_day)}至{chinese_date(last_day)}"
    assert window in "".join(row.split()), row
    assert "社会化创业孵化基地" in row and COUNTY in row
    assert "南昌市人力资源和社会保障局" in shown
    assert await page.inner_text("h1") == "南昌市拟评定名单公示"
    group = page.locator(".notice-group", has_text=name)
    assert await group.locator("h2").inner_text() == "南昌市市级创业孵化基地拟评定名单公示"
    assert await group.locator(".notice-window").inner_text() == f"公示时间：{window}（7个工作日）"
    assert "临沂" not in shown and "标杆" not in shown and "5个工作日" not in shown  # not the first program's words
    await shot(page, "program-notices")
    assert not re.search(r"[A-Za-z]{3,}", shown.replace("PDF", ""))
    pdf = await page.get_attribute("#notice-list-pdf", "href")  # its own city's list, not the deployment's
    assert pdf is not None and pdf.endswith("?city=%E5%8D%97%E6%98%8C%E5%B8%82")
    assert await page.locator("#feed-link").count() == 0  # the feed is the deployment's city's
    await page.goto("/notices")  # the deployment's city: 临沂's board
    assert name not in await page.inner_text("main")


async def test_a_city_running_two_programs_starts_with_choosing_one(page, site, nanchang, tmp_path):
    """Last in this module: the second 南昌 program stays in force in the pages' database."""
    title = f"南昌市测试评定项目{re.sub(r'[^0-9]', '', unique(''))[-6:]}"  # shown on the programs page: no letters
    program_id = f"nanchang-t-{unique('')[-6:].lower()}"
    text = PROGRAM.read_text("utf-8").replace('id = "nanchang-incubator-2024"', f'id = "{program_id}"', 1)
    text = text.replace('title = "南昌市市级创业孵化基地认定"', f'title = "{title}"', 1)
    copy = tmp_path / "copy.toml"
    copy.write_text(text, encoding="utf-8")
    publish(site.api.database_url, copy, "测试", "南昌市的第二个评定项目")

    await sign_in_as(page, nanchang)
    await page.goto("/applications/new")
    assert await page.inner_text("h1") == "选择评定项目"
    choices = await page.inner_text("#program-choices")
    assert "南昌市市级创业孵化基地认定" in choices and title in choices
    assert "洪人社规〔2024〕1号，2024年1月15日" in choices and "申报级别：市级" in choices
    assert "临沂" not in choices  # another city's program is not there
    found = await severe_violations(page)
    assert found == [], report(found)
    await page.click(f"text={title}")
    await page.wait_for_url(f"**/applications/new?program={program_id}")
    assert await page.inner_text("h1") == f"{title}申报表"
    assert await page.input_value("#declaration input[name=program]") == program_id
    await page.fill("#f-fact__base_name", "已填的基地名称")
    async with page.expect_response(lambda r: "type=student_base" in r.url):
        await page.select_option("#f-type", "student_base")  # the parts are redrawn for the type chosen (htmx)
    await page.wait_for_load_state("networkidle")
    assert await page.input_value("#f-fact__base_name") == "已填的基地名称"  # what was typed stays


async def test_an_admin_makes_a_clerk_of_another_city_who_declares_into_its_program(page, site, nanchang, browser):
    """用户管理 offers each city of the region files: an account of 南昌's 东湖区 is made there, belongs to 南昌市, and
    signed in sees 南昌's program's form; a county of another city than the one chosen is refused beside its field."""
    from tests.web.conftest import sign_in

    login = f"donghu-{unique('')[-8:].lower()}"
    await sign_in(page, site, "admin")
    await page.goto("/admin/users")
    form = page.locator("#create-user form")
    await form.locator("#f-new-login").fill(login)
    await form.locator("#f-new-name").fill("东湖区人社局申报经办人")
    await form.locator("#f-new-role").select_option("county_bureau")
    await form.locator("#f-new-scope").select_option("city:南昌市")
    await form.locator("#f-new-county").select_option("兰山区")  # 临沂's county for a 南昌 account
    await form.locator("#f-new-password").fill(PASSWORD)
    await form.locator("button[type=submit]").click()
    await page.locator("#f-new-county-error").wait_for()
    assert await page.locator("#user-table", has_text=login).count() == 0  # nothing was made
    form = page.locator("#create-user form")
    await form.locator("#f-new-county").select_option(COUNTY)
    await form.locator("#f-new-password").fill(PASSWORD)
    await form.locator("button[type=submit]").click()
    row = page.locator(f"#user-table tr[data-user='{login}']")
    await row.wait_for()
    assert (await row.locator("td[data-label='城市']").inner_text()).strip() == "南昌市"

    theirs = await browser.new_context(base_url=site.url)
    them = await theirs.new_page()
    await sign_in_as(them, login)
    await them.goto("/applications/new?program=nanchang-incubator-2024")  # other tests may add a 南昌 program
    assert await them.inner_text("h1") == "南昌市市级创业孵化基地认定申报表"
    await theirs.close()
