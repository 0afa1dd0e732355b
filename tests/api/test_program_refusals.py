"""What declaring into another program refuses, each with its code, nothing started: a level the program does not
have, a county outside its city, a program the engine cannot run; a batch of two programs; a signature or a
revocation decision by a department the program does not issue with; an account of a city no region file has."""

import shutil

import pytest

from programs.load import DEFINITIONS
from services import programs
from services.identity.errors import UserError
from services.identity.users import add_user
from tests.api.conftest import Api, Driver, expect
from tests.api.test_second_program import CITY, SOURCE, declaration, post, published  # noqa: F401 (a fixture)
from tests.conftest import unique
from tests.samples import unique_pdf

NATIONAL = next(p for p in DEFINITIONS.glob("*.toml") if "工信部企业〔2016〕194号" in p.read_text("utf-8"))


async def test_a_declaration_outside_the_program_is_refused_by_its_code(published: Api, tmp_path):  # noqa: F811
    api = published
    body = await declaration(api)
    county_level = await post(api, "nc_clerk", "/applications", {**body, "level": "county"})
    assert county_level["status"] == 422 and county_level["rule"] == "program_level_unknown"
    assert county_level["field"] == "level" and "市级" in county_level["message"]
    elsewhere = await post(api, "nc_clerk", "/applications", {**body, "county": "兰山区"})
    assert elsewhere["status"] == 422 and elsewhere["rule"] == "program_county_unknown"
    assert "东湖区" in elsewhere["message"]  # the program's city's counties are named

    shutil.copy(NATIONAL, tmp_path / "national.toml")  # a national program: its level is not one the engine runs
    national = programs.publish(api.database_url, tmp_path / "national.toml", "系统管理员", "发布国家级示范基地")
    linyi = await post(api, "clerk", "/applications", {**body, "program": national.program.id, "county": "兰山区"})
    assert linyi["status"] == 422 and linyi["rule"] == "program_not_runnable"
    assert "县级" in linyi["message"] and "市级" in linyi["message"]

    with pytest.raises(UserError) as unknown_city:
        add_user(api.database_url, f"x-{unique()}", "county_bureau", "东湖区", city="没有这个市")
    assert unknown_city.value.rule == "user_city_unknown"


async def test_a_batch_and_a_revocation_are_signed_by_the_programs_departments_only(published: Api, tmp_path):  # noqa: F811
    api = published
    for name, department in (("nc_drc", "drc"),):
        made = add_user(api.database_url, f"{name}-{unique()}", "department", None, department, city=CITY)
        api.tokens[name], api.ids[name] = made.token, made.id
    twin = tmp_path / "twin.toml"  # the same program under another id: a second program of 南昌
    twin.write_text(SOURCE.read_text("utf-8").replace('id = "nanchang-incubator-2024"', 'id = "twin-2024"'), "utf-8")
    programs.publish(api.database_url, twin, "系统管理员", "第二个项目")

    ids = []
    for program in ("nanchang-incubator-2024", "twin-2024"):
        body = {**(await declaration(api)), "program": program}
        ids.append(expect(await api.http.post("/applications", json=body, headers=api.auth("nc_clerk")), 201)["id"])
    review = {"decision": "pass", "opinion": "符合"}
    for app_id in ids:
        for path, who in (("county-review", "nc_bureau"), ("city-review", "nc_reviewer"), ("notice", "nc_reviewer")):
            answer = await api.http.post(
                f"/applications/{app_id}/{path}", json={} if path == "notice" else review, headers=api.auth(who)
            )
            expect(answer, 200)
    await Driver(api).pass_notice(*ids, who="nc_reviewer")
    mixed = await post(api, "nc_reviewer", "/announcements", {"applications": ids})
    assert mixed["status"] == 422 and mixed["rule"] == "announcement_mixed_programs"

    batch = expect(
        await api.http.post("/announcements", json={"applications": ids[:1]}, headers=api.auth("nc_reviewer")), 201
    )
    not_a_signer = await post(api, "nc_drc", f"/announcements/{batch['id']}/co-signatures")
    assert not_a_signer["status"] == 403 and not_a_signer["rule"] == "announcement_not_a_signer"
    assert "人力资源" in not_a_signer["message"]
    expect(await api.http.post(f"/announcements/{batch['id']}/co-signatures", headers=api.auth("nc_hrss")), 200)

    proposal = {"reason": "deregistered", "evidence": "运营机构已注销"}
    app_id = ids[0]
    on = expect(await api.get("nc_reviewer", f"/applications/{app_id}"), 200)["announced_on"]
    award = {"plaque_no": f"NC-{unique('P')}", "awarded_on": on}
    expect(await api.http.post(f"/applications/{app_id}/award", json=award, headers=api.auth("nc_reviewer")), 200)
    expect(
        await api.http.post(f"/applications/{app_id}/revocation", json=proposal, headers=api.auth("nc_inspector")), 202
    )
    signatures = f"/applications/{app_id}/revocation/co-signatures"
    not_a_decider = await post(api, "nc_drc", signatures, {"decision": "sign"})
    assert not_a_decider["status"] == 403 and not_a_decider["rule"] == "revocation_not_a_decider"


async def test_another_programs_declaration_is_returned_and_resubmitted_by_its_own_version(published: Api):  # noqa: F811
    api = published
    body = await declaration(api)
    app_id = expect(await api.http.post("/applications", json=body, headers=api.auth("nc_clerk")), 201)["id"]
    unknown = await post(
        api, "nc_bureau", f"/applications/{app_id}/correction-request", {"reason": "补正", "items": ["premises_photos"]}
    )
    assert unknown["status"] == 422 and unknown["rule"] == "correction_item_unknown"  # the first program's item
    returned = {"reason": "场地证明不清晰", "items": ["premises_proof"]}
    expect(
        await api.http.post(f"/applications/{app_id}/correction-request", json=returned, headers=api.auth("nc_bureau")),
        200,
    )

    amended = {**body["institution"], "facts": {**body["institution"]["facts"], "incubation_area_m2": 1400}}
    too_small = await post(
        api, "nc_clerk", f"/applications/{app_id}/resubmission", {"reason": "补正", "institution": amended}
    )
    assert too_small["status"] == 422 and too_small["rule"] == "social_area_min_1500"
    fixed = {**body["institution"], "facts": {**body["institution"]["facts"], "incubation_area_m2": 1800}}
    owed = await post(api, "nc_clerk", f"/applications/{app_id}/resubmission", {"reason": "补正", "institution": fixed})
    assert owed["status"] == 422 and owed["rule"] == "correction_item_not_resupplied"
    new_file = expect(await api.upload("nc_clerk", unique_pdf(), "场地证明.pdf"), 201)["id"]
    resubmitted = {
        "reason": "已补充场地证明",
        "institution": fixed,
        "materials": [{"item": "premises_proof", "material_id": new_file}],
    }
    expect(
        await api.http.post(f"/applications/{app_id}/resubmission", json=resubmitted, headers=api.auth("nc_clerk")), 200
    )
    view = expect(await api.get("nc_clerk", f"/applications/{app_id}"), 200)
    assert view["state"] == "declared" and view["institution"]["facts"]["incubation_area_m2"] == 1800
