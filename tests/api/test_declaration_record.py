"""What a declaration carries is recorded with the application: the county departments' opinions, attestations,
and later each reviewer's score sheet."""

from tests.api.conftest import declaration_body, expect, opinions_given, seed_county_title
from tests.conftest import unique
from tests.factory import OTHER_COUNTY, credit_code


async def test_department_opinions_and_scores_are_on_record(api, driver):
    body = declaration_body("city")
    body["department_opinions"] = {"hrss": "同意推荐", "drc": "同意", "civil_affairs": "同意，社区服务成效突出"}
    body["institution"]["attestations"]["fixed_premises"] = "有固定服务场所，面积820㎡"  # a key of its own is kept too
    app_id = expect(await api.post("clerk", "/applications", body), 201)["id"]
    review = {"decision": "pass", "opinion": "材料齐全"}
    # the text typed with the declaration is kept, but is not the departments' opinion (会商): they give their own
    refused = expect(await api.post("bureau", f"/applications/{app_id}/county-review", review), 409)["detail"]
    assert refused["rule"] == "county_opinions_missing"
    await opinions_given(api, app_id)
    expect(await api.post("bureau", f"/applications/{app_id}/county-review", review), 200)
    detail = expect(await api.get("supervisor", f"/applications/{app_id}"), 200)
    assert detail["department_opinions"] == body["department_opinions"]
    assert detail["institution"]["attestations"] == body["institution"]["attestations"]
    declare = detail["acts"][0]
    assert declare["act"] == "declare" and declare["details"]["opinion_drc"] == "同意"
    bad = declaration_body("city")
    bad["department_opinions"] = {"finance": "同意"}
    refusal = expect(await api.post("clerk", "/applications", bad), 422)
    assert "department_opinions" in str(refusal["detail"])


async def test_a_city_candidate_needs_its_county_title_on_record(api):
    body = declaration_body("city")
    raw = await api.http.post("/applications", json=body, headers=api.auth("bureau"))  # no title seeded
    assert raw.status_code == 422 and raw.json()["detail"]["rule"] == "county_title_not_on_record"
    seeded = declaration_body("city")
    seed_county_title(api.database_url, seeded["institution"])
    seeded["institution"]["county_title_doc_no"] = "兰人社发〔2099〕1号"
    raw = await api.http.post("/applications", json=seeded, headers=api.auth("bureau"))
    assert raw.status_code == 422 and raw.json()["detail"]["rule"] == "county_title_mismatch"
    assert "兰人社发〔2023〕5号" in raw.json()["detail"]["message"]


async def test_a_county_title_announced_here_qualifies_for_the_city_level(late_api, late_driver):
    api, driver = late_api, late_driver
    code = credit_code()
    county_app = await driver.announced("county", credit_code=code)
    detail = expect(await api.get("supervisor", f"/applications/{county_app}"), 200)
    body = declaration_body(
        "city",
        credit_code=code,
        county_title_doc_no=detail["announcement_doc_no"],
        county_title_date=detail["announced_on"],
        round_id=api.city_round,
    )
    await api.ensure_round(api.city_round)
    raw = await api.http.post(
        "/applications", json=await api.with_materials("bureau", body), headers=api.auth("bureau")
    )  # nothing seeded: the record is ours
    assert raw.status_code == 201, raw.text


async def test_a_city_level_declaration_enters_a_round_of_its_level_and_a_county_round_is_its_countys(api):
    """City-level titles are chosen competitively within a round (择优确定): declaring one outside a round, or a
    declaration into a round of another level or another county, is refused naming round_id."""
    alone = declaration_body("city", round_id="")
    seed_county_title(api.database_url, alone["institution"])
    alone = await api.with_materials("bureau", alone)
    raw = await api.http.post("/applications", json=alone, headers=api.auth("bureau"))
    detail = raw.json()["detail"]
    assert raw.status_code == 422 and (detail["field"], detail["rule"]) == ("round_id", "city_level_in_round")
    assert "竞争性评审择优确定" in detail["message"]

    await api.ensure_round(api.city_round)
    county_level = await api.with_materials("bureau", declaration_body("county", round_id=api.city_round))
    raw = await api.http.post("/applications", json=county_level, headers=api.auth("bureau"))
    assert raw.status_code == 422 and "批次等级不符" in raw.json()["detail"]["message"]

    theirs = unique("R")
    await api.ensure_round(theirs, "county", OTHER_COUNTY)
    into_theirs = await api.with_materials("bureau", declaration_body("county", round_id=theirs))
    raw = await api.http.post("/applications", json=into_theirs, headers=api.auth("bureau"))
    assert raw.status_code == 422 and "不是本县区的批次" in raw.json()["detail"]["message"]
    assert (await api.get("supervisor", "/applications", params={"round": theirs})).json()["total"] == 0
