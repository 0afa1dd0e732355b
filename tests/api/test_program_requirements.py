"""What a declaration into another program asks, over HTTP: the checklist and the conditions with ``program`` answer
from its definition (same shape as the first program's), an unknown program is refused 404 ``program_unknown``,
a level or county it has not 422; and GET /programs/{id}/declaration-schema gives its institution part as a JSON
Schema an example declaration meets and a wrong one does not."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from programs.load import DEFINITIONS
from regions.catalog import DIRECTORY_VARIABLE
from services.programs import publish
from tests.api.conftest import expect
from tests.programs.test_runnable_program import GOOD

PROGRAM_ID = "nanchang-incubator-2024"
PROGRAM = DEFINITIONS / f"{PROGRAM_ID}.toml"
REGION = Path(__file__).resolve().parents[1] / "region_files" / "jiangxi.toml"
ITEMS = ["application_form", "legal_person_certificate", "county_recognition", "premises_proof", "entity_roster"]


@pytest.fixture
def nanchang(api, tmp_path) -> Iterator[None]:
    (tmp_path / "regions").mkdir()
    shutil.copy(REGION, tmp_path / "regions" / "jiangxi.toml")
    publish(api.database_url, PROGRAM, "测试", "载入南昌市创业孵化基地认定，供接口测试")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DIRECTORY_VARIABLE, str(tmp_path / "regions"))
        yield


async def test_the_checklist_and_conditions_of_another_program(api, nanchang):
    query = {"type": "student_base", "level": "city", "program": PROGRAM_ID}
    checklist = expect(await api.get(None, "/materials/checklist", params=query), 200)
    assert (checklist["type"], checklist["level"]) == ("student_base", "city")
    assert [i["code"] for i in checklist["items"]] == ITEMS
    assert all(i["required"] for i in checklist["items"])
    assert checklist["items"][0] == {
        "code": "application_form",
        "title": "市级创业孵化基地申报表",
        "required": True,
        "accepts": ["application/pdf"],
    }
    conditions = expect(await api.get(None, "/conditions", params=query | {"county": "东湖区"}), 200)
    assert conditions["county"] == "东湖区"
    assert [c["code"] for c in conditions["items"]] == [
        "nc_1_county_title",
        "nc_2_legal_person",
        "nc_3_premises",
        "nc_4_entities_and_jobs",
        "nc_5_incubation_effect",
    ]
    assert {c["kind"] for c in conditions["items"]} == {"basic"}
    assert conditions["items"][0]["text"] == "经县（区）人社部门认定为县区级创业孵化基地。"


async def test_another_program_s_unknown_level_type_county_and_an_unknown_program_are_refused(api, nanchang):
    base = {"type": "social_base", "level": "city", "program": PROGRAM_ID}
    unknown = await api.get(None, "/materials/checklist", params=base | {"program": "no-such-program"})
    assert expect(unknown, 404)["detail"]["rule"] == "program_unknown"
    unknown = await api.get(None, "/conditions", params=base | {"program": "no-such-program"})
    assert expect(unknown, 404)["detail"]["rule"] == "program_unknown"
    county_level = await api.get(None, "/materials/checklist", params=base | {"level": "county"})
    assert expect(county_level, 422)["detail"]["rule"] == "program_level_unknown"
    expect(await api.get(None, "/materials/checklist", params=base | {"type": "gig_market"}), 422)
    linyi_county = await api.get(None, "/conditions", params=base | {"county": "兰山区"})
    assert expect(linyi_county, 422)["detail"]["rule"] == "program_county_unknown"


async def test_the_first_program_named_or_not_answers_as_before(api):
    plain = {"type": "gig_market", "level": "city"}
    before = expect(await api.get(None, "/materials/checklist", params=plain), 200)
    named = expect(await api.get(None, "/materials/checklist", params=plain | {"program": "linyi-2026"}), 200)
    assert named == before and before["items"]
    expect(await api.get(None, "/materials/checklist", params={"type": "social_base", "level": "city"}), 422)
    expect(await api.get(None, "/conditions", params=plain | {"county": "东湖区"}), 422)  # not a county of 临沂


async def test_the_declaration_schema_of_another_program(api, nanchang):
    schema = expect(await api.get("clerk", f"/programs/{PROGRAM_ID}/declaration-schema"), 200)
    jsonschema.Draft202012Validator.check_schema(schema)
    props = schema["properties"]
    assert props["type"]["enum"] == ["social_base", "student_base"]
    assert props["type"]["x-labels"]["student_base"] == "大学生创业孵化基地"
    facts = props["facts"]["properties"]
    assert facts["incubation_area_m2"] == {
        "title": "孵化场地面积",
        "x-unit": "㎡",
        "type": "number",
        "minimum": 0,
        "maximum": 10000000,
    }
    assert facts["years_operating"]["type"] == "integer" and facts["years_operating"]["maximum"] == 200
    assert facts["legal_person"]["type"] == "boolean"
    assert facts["address"] == {"title": "地址", "type": "string", "maxLength": 500}
    assert facts["credit_code"]["pattern"].startswith("^") and facts["credit_code"]["maxLength"] == 5000
    assert "incubation_area_m2" in schema["x-required-facts"]["social_base"]["city"]
    assert schema["x-program"]["id"] == PROGRAM_ID and schema["x-program"]["levels"] == ["city"]

    good = {"type": "social_base", "facts": GOOD, "attestations": {"nc_1_county_title": "已核实"}}
    jsonschema.validate(good, schema)
    for wrong in (
        good | {"type": "gig_market"},
        good | {"facts": GOOD | {"incubation_area_m2": -1}},
        good | {"facts": GOOD | {"credit_code": "not-a-code"}},
        good | {"facts": GOOD | {"unknown_fact": 1}},
        good | {"facts": GOOD | {"years_operating": 2.5}},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(wrong, schema)

    missing = await api.get("clerk", "/programs/no-such-program/declaration-schema")
    assert expect(missing, 404)["detail"]["rule"] == "program_unknown"
    expect(await api.get(None, f"/programs/{PROGRAM_ID}/declaration-schema"), 401)
