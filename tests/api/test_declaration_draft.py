"""POST /documents/declaration-draft.pdf: the 申报表 printed before declaring, from the declaration's own body, to be
sealed and uploaded as the checklist's 申报表. A county bureau's; judged as declaring the same body would be (the
same refusal, rule for rule); no files needed; nothing declared and nothing stored."""

import re
from io import BytesIO

import httpx
from pypdf import PdfReader
from sqlmodel import Session, func, select

from db.materials import Material
from db.session import get_engine
from tests.api.conftest import Api, declaration_body, expect, seed_county_title
from tests.factory import COUNTY

DRAFT = "/documents/declaration-draft.pdf"
AN_ID = re.compile(r"A[0-9a-f]{20}")


def pdf_text(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    return "".join("".join(page.extract_text().split()) for page in PdfReader(BytesIO(response.content)).pages)


async def applications_seen(api: Api) -> int:
    return expect(await api.get("clerk", "/applications", params={"limit": 1}), 200)["total"]


def uploads(database_url: str) -> int:
    with Session(get_engine(database_url)) as s:
        return s.exec(select(func.count()).select_from(Material)).one()


async def test_a_county_bureau_prints_the_draft_and_nothing_is_declared_or_stored(api: Api):
    before, stored = await applications_seen(api), uploads(api.database_url)
    body = declaration_body("county", services="零工信息发布、供需对接", highlights="“15分钟零工服务圈”")
    name, code = body["institution"]["name"], body["institution"]["credit_code"]
    assert "materials" not in body  # none needed
    text = pdf_text(await api.http.post(DRAFT, json=body, headers=api.auth("clerk")))
    assert "县级就业服务质量标杆机构申报表" in text and "草稿（待盖章）" in text
    assert "申报编号：（申报后由系统生成）" in text and not AN_ID.search(text)
    assert name in text and code in text and "13912345678" in text and "15分钟零工服务圈" in text
    assert "四、分类评定指标（零工市场）" in text and "服务场所面积（㎡）800" in text
    assert "经县区人社局会同发改、民政部门核实，符合" in text  # the county's statements, under 五、评定条件说明
    pledge = text[text.index("七、诚信承诺") : text.index("八、县区部门意见")]
    assert "如有虚假，自愿承担相应责任、接受撤销评定结果" in pledge and "负责人（签字）" in pledge
    opinions = text[text.index("八、县区部门意见") :]
    for department in ("兰山区人力资源社会保障局意见", "兰山区发展改革局意见", "兰山区民政局意见"):
        assert department in opinions
    checklist = text[text.index("六、申报材料清单") : text.index("七、诚信承诺")]
    assert "诚信承诺书（申报单位盖章、负责人签字）必需" in checklist and "零工市场场地面积证明必需" in checklist

    assert await applications_seen(api) == before and uploads(api.database_url) == stored
    again = await api.http.post(DRAFT, json=body, headers=api.auth("clerk"))
    assert again.status_code == 200 and await applications_seen(api) == before  # as often as wanted


async def test_a_city_level_draft_names_the_county_title(api: Api):
    body = declaration_body("city")
    seed_county_title(api.database_url, body["institution"])
    text = pdf_text(await api.http.post(DRAFT, json=body, headers=api.auth("clerk")))
    assert "市级就业服务质量标杆机构申报表" in text and "兰人社发〔2023〕5号" in text
    assert "县级标杆机构评定文件必需" in text  # the city level's checklist


async def test_only_a_county_bureau_of_that_county_prints_it(sqlite_api: Api):
    api = sqlite_api
    body = declaration_body("county")
    assert (await api.http.post(DRAFT, json=body)).status_code == 401
    for who in ("reviewer", "county_hrss", "hrss", "inspector", "supervisor", "admin"):
        refused = expect(await api.http.post(DRAFT, json=body, headers=api.auth(who)), 403)["detail"]
        assert refused["rule"] and re.search(r"[\u4e00-\u9fff]", refused["message"]), who
    other = expect(await api.http.post(DRAFT, json=body, headers=api.auth("other_bureau")), 403)["detail"]
    declaring = expect(await api.http.post("/applications", json=body, headers=api.auth("other_bureau")), 403)
    assert other["rule"] == declaring["detail"]["rule"]  # another county's bureau: refused as its declaring is


def bad_bodies() -> list[tuple[str, dict]]:
    """(the rule a declaration of it is refused by, the body)."""
    wrong = declaration_body("county")
    code = wrong["institution"]["credit_code"]
    wrong["institution"]["credit_code"] = code[:-1] + ("0" if code[-1] != "0" else "1")
    unattested = declaration_body("county")
    unattested["institution"]["attestations"].pop("basic_5_standard_management")
    several = declaration_body("county", founded_on="2090-01-01")
    several["institution"]["attestations"].pop("basic_5_standard_management")
    return [
        ("credit_code_check_character", wrong),
        ("string_pattern_mismatch", declaration_body("county", phone="12345")),
        ("future_date", declaration_body("county", founded_on="2090-01-01")),
        ("attestation_missing", unattested),
        ("gig_market_area_min_500", declaration_body("city", premises_area_m2=300)),
        ("county_title_not_on_record", declaration_body("city")),  # its county title was never imported
        ("enum", declaration_body("county", type="bakery")),
        ("future_date", several),
    ]


async def test_a_bad_body_is_refused_as_declaring_it_would_be(sqlite_api: Api):
    api = sqlite_api
    before = await applications_seen(api)
    for rule, body in bad_bodies():
        draft = await api.http.post(DRAFT, json=body, headers=api.auth("clerk"))
        declared = await api.http.post("/applications", json=body, headers=api.auth("clerk"))
        assert draft.status_code == declared.status_code == 422, (rule, draft.text, declared.text)
        said, told = draft.json()["detail"], declared.json()["detail"]
        assert (said["rule"], said.get("field"), said["message"]) == (told["rule"], told.get("field"), told["message"])
        assert said["rule"] == rule and said.get("problems") == told.get("problems")
        assert re.search(r"[\u4e00-\u9fff]", said["message"]) and not AN_ID.search(said["message"])
    several = expect(await api.http.post(DRAFT, json=bad_bodies()[-1][1], headers=api.auth("clerk")), 422)
    fields = [p["field"] for p in several["detail"]["problems"]]
    assert fields == ["institution.founded_on", "institution.attestations.basic_5_standard_management"]
    assert await applications_seen(api) == before


async def test_the_county_is_the_callers_unless_named(sqlite_api: Api):
    api = sqlite_api
    body = declaration_body("county", county=None)
    text = pdf_text(await api.http.post(DRAFT, json=body, headers=api.auth("clerk")))
    assert f"{COUNTY}人力资源社会保障局意见" in text
