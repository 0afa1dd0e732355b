"""Another program's documents are drawn from its definition, never from the first program's fields: 南昌's 申报表
names its title and level, prints each fact of the type's fact table (label, value, unit; 是/否), each condition with
the county's attestation, the checklist with 已提交, the pledge and 东湖区's bureau's opinion box; its draft is judged
as declaring would be (the same refusal, rule for rule) and stores nothing; its 审批单 and certificate name its title,
its level's title and 南昌's organ. Nothing of 临沂 or 标杆, no English word, no enum value, no id."""

import io
import json
import re
import zipfile

from sqlmodel import Session, func, select

from db.materials import Material
from db.session import get_engine
from programs.evaluate import conditions
from programs.load import read
from tests.api.conftest import Api, Driver, eventually, expect
from tests.api.test_second_program import (
    COUNTY,
    SOURCE,
    declaration,
    facts,
    pdf_text,
    post,
    published,  # noqa: F401  (the fixture)
)
from tests.conftest import unique
from tests.factory import credit_code

DRAFT = "/documents/declaration-draft.pdf"
ATTESTED = "经县区人社局实地核实，符合"
ENGLISH = re.compile(r"[A-Za-z]{3,}")  # a word, an enum value (social_base), a file name, an id's hex
ACCOUNT = re.compile(r"nc_[a-z]+-?nc-?[0-9a-f]+")  # the test's account names (who acted), a wrap's hyphen dropped
NOT_OURS = ("临沂", "标杆", "发展和改革", "民政局", "social_base", "legal_person")


def flat(text: str) -> str:
    """The PDF's text without spaces and line breaks (a cell's text wraps)."""
    return "".join(text.split())


def clean(text: str) -> None:
    for word in NOT_OURS:
        assert word not in text, word
    assert not ENGLISH.search(text), ENGLISH.search(text)


def uploads(database_url: str) -> int:
    with Session(get_engine(database_url)) as s:
        return s.exec(select(func.count()).select_from(Material)).one()


async def test_another_programs_declaration_sheet_and_certificate_are_its_own(published: Api):  # noqa: F811
    api = published
    program = read(SOURCE).program
    body = await declaration(api)
    code = body["institution"]["facts"]["credit_code"]
    app_id = expect(await api.http.post("/applications", json=body, headers=api.auth("nc_clerk")), 201)["id"]

    form = await api.get("nc_clerk", f"/applications/{app_id}/documents/declaration.pdf")
    assert form.status_code == 200 and form.headers["content-type"] == "application/pdf"
    text = flat(pdf_text(form.content))
    assert "南昌市市级创业孵化基地申报表" in text and "评定项目：南昌市市级创业孵化基地认定" in text
    for section in (
        "一、基本情况",
        "二、评定条件核实说明",
        "三、申报材料",
        "四、诚信承诺",
        "五、县区人力资源社会保障部门意见",
        "东湖区人力资源和社会保障局意见",
    ):
        assert section in text, section
    assert "所在县区东湖区" in text and "机构类型社会化创业孵化基地" in text and "申报级别市级" in text
    assert "基地名称东湖青年创业孵化基地" in text and "县区级创业孵化基地认定文号东湖人社字〔2023〕12号" in text
    assert "孵化场地面积1600㎡" in text and "孵化场所利用率80%" in text and "运营本基地年限3年" in text
    assert "运营机构依法设立并具备法人资格是" in text and "在孵创业实体带动就业人数150人" in text
    assert "地址" in text  # a fact not stated keeps its row
    for c in conditions(program, "social_base", "city"):
        assert flat(c.text)[:20] in text
    assert text.count(ATTESTED) == len(conditions(program, "social_base", "city"))
    for item in program.materials.items:
        assert flat(item.title) in text
    assert text.count("已提交") == len(program.materials.items) and "未提交" not in text
    assert "如有虚假，自愿承担相应责任" in text and "申报单位（盖章）" in text
    clean(text.replace(code, ""))
    assert "申报编号：" in text and app_id not in text

    for who in ("nc_bureau", "nc_reviewer"):
        path = "county-review" if who == "nc_bureau" else "city-review"
        review = {"decision": "pass", "opinion": "材料齐全，符合认定条件"}
        expect(await api.http.post(f"/applications/{app_id}/{path}", json=review, headers=api.auth(who)), 200)
    expect(await api.http.post(f"/applications/{app_id}/notice", json={}, headers=api.auth("nc_reviewer")), 200)
    await Driver(api).pass_notice(app_id, who="nc_reviewer")
    batch = expect(
        await api.http.post("/announcements", json={"applications": [app_id]}, headers=api.auth("nc_reviewer")), 201
    )
    expect(await api.http.post(f"/announcements/{batch['id']}/co-signatures", headers=api.auth("nc_hrss")), 200)

    async def announced() -> bool:
        return (await api.get("nc_reviewer", f"/applications/{app_id}")).json()["state"] == "announced"

    await eventually(announced)
    on = expect(await api.get("nc_reviewer", f"/applications/{app_id}"), 200)["announced_on"]
    plaque = f"洪-{unique('P')[-6:]}"
    award = {"plaque_no": plaque, "awarded_on": on}
    expect(await api.http.post(f"/applications/{app_id}/award", json=award, headers=api.auth("nc_reviewer")), 200)

    sheet = await api.get("nc_reviewer", f"/applications/{app_id}/documents/approval-sheet.pdf")
    assert sheet.status_code == 200
    text = flat(pdf_text(sheet.content))
    assert "南昌市市级创业孵化基地认定审批单" in text and "评定项目南昌市市级创业孵化基地认定" in text
    assert "机构类型社会化创业孵化基地" in text and "基地名称东湖青年创业孵化基地" in text
    assert "孵化场地面积1600㎡" in text and "认定机关" in text and "南昌市人力资源和社会保障局" in text
    assert (
        "材料齐全，符合认定条件" in text and "洪人社字〔" in text and "南昌市人力资源和社会保障局公布（洪人社字" in text
    )
    assert "联合" not in text and "三部门" not in text  # one department announces: not jointly
    clean(ACCOUNT.sub("", text.replace(code, "").replace(plaque, "")))

    certificate = await api.get("nc_reviewer", f"/applications/{app_id}/documents/certificate.pdf")
    assert certificate.status_code == 200
    text = flat(pdf_text(certificate.content))
    assert "南昌市市级创业孵化基地" in text and "南昌市市级创业孵化基地认定" in text
    assert "南昌市人力资源和社会保障局" in text and "市级" in text
    clean(text.replace(plaque, ""))

    archive = await api.get("nc_reviewer", f"/applications/{app_id}/archive.zip")  # 南昌's lead organ signs it
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as package:
        about = json.loads(package.read("归档信息.json"))
    assert about["签名机关"] == "南昌市人力资源和社会保障局"


async def test_another_programs_draft_is_judged_as_declaring_and_stores_nothing(published: Api):  # noqa: F811
    api = published
    program = read(SOURCE).program
    attested = {c.code: ATTESTED for c in conditions(program, "social_base", "city")}
    body = {
        "program": program.id,
        "level": "city",
        "county": COUNTY,
        "institution": {"type": "social_base", "facts": facts(credit_code()), "attestations": attested},
    }
    before = expect(await api.get("nc_clerk", "/applications", params={"limit": 1}), 200)["total"]
    stored = uploads(api.database_url)

    draft = await api.http.post(DRAFT, json=body, headers=api.auth("nc_clerk"))
    assert draft.status_code == 200 and draft.content.startswith(b"%PDF-"), draft.text
    text = flat(pdf_text(draft.content))
    assert "草稿（待盖章）" in text and "申报编号：（申报后由系统生成）" in text
    assert (
        "南昌市市级创业孵化基地申报表" in text
        and "孵化场地面积1600㎡" in text
        and text.count(ATTESTED) == len(attested)
    )
    assert text.count("未提交") == len(program.materials.items) and "已提交" not in text
    clean(text.replace(body["institution"]["facts"]["credit_code"], ""))

    too_small = {**body, "institution": {**body["institution"], "facts": {**body["institution"]["facts"]}}}
    too_small["institution"]["facts"]["incubation_area_m2"] = 1400
    refused = await post(api, "nc_clerk", DRAFT, too_small)
    declared = await post(api, "nc_clerk", "/applications", too_small)  # declaring it is refused the same way
    assert refused["status"] == declared["status"] == 422, refused["body"]
    assert refused["rule"] == declared["rule"] == "social_area_min_1500"
    assert refused["field"] == "institution.facts.incubation_area_m2"

    unattested = {**body, "institution": {**body["institution"], "attestations": {}}}
    refused = await post(api, "nc_clerk", DRAFT, unattested)
    assert refused["status"] == 422 and refused["rule"] == "attestation_missing", refused["body"]
    linyi = await post(api, "bureau", DRAFT, body)  # another city's bureau: the program is not theirs
    assert linyi["status"] == 404 and linyi["rule"] == "program_unknown"

    after = expect(await api.get("nc_clerk", "/applications", params={"limit": 1}), 200)["total"]
    assert after == before and uploads(api.database_url) == stored  # nothing declared, nothing stored

    full = await declaration(api)  # files uploaded for it: the draft names them not, and claims none of them
    drafted = await api.http.post(DRAFT, json=full, headers=api.auth("nc_clerk"))
    assert drafted.status_code == 200 and "已提交" not in flat(pdf_text(drafted.content))
    expect(await api.http.post("/applications", json=full, headers=api.auth("nc_clerk")), 201)
