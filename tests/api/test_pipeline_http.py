"""The whole procedure driven over HTTP by the right roles, on SQLite and PostgreSQL (past the notice on the
time-skipping server)."""

import asyncio
from datetime import timedelta

import pytest

from tests.api.conftest import (
    CITY_DEPARTMENTS,
    DOC_NO,
    declaration_body,
    eventually,
    expect,
    opinions_given,
)
from tests.conftest import unique
from tests.factory import COUNTY


async def _listed(api, who: str, **filters) -> dict:
    return expect(await api.get(who, "/applications", params=filters), 200)


@pytest.mark.parametrize("late_api", ["sqlite", "postgresql"], indirect=True)
async def test_city_level_application_from_declaration_to_revocation(late_api, late_driver):
    api, driver = late_api, late_driver
    round_id = unique("R")
    body = declaration_body("city", round_id=round_id)
    key = {"Idempotency-Key": unique("key")}
    first = await api.post("clerk", "/applications", body, headers=key)
    created = expect(first, 201)
    assert created["state"] == "declared" and first.headers["Location"] == f"/api/v1/applications/{created['id']}"
    replay = expect(await api.post("clerk", "/applications", body, headers=key), 200)
    assert replay["id"] == created["id"]
    app_id = created["id"]
    url = f"/applications/{app_id}"

    seen = expect(await api.get("bureau", url), 200)
    assert seen["state"] == "declared" and seen["county"] == COUNTY
    assert seen["institution"]["credit_code"] == body["institution"]["credit_code"]
    assert {"county_review_fail", "withdraw"} <= set(seen["allowed_acts"])  # the pass waits for the opinions
    assert expect(await api.get("reviewer", url), 200)["allowed_acts"] == []  # nothing for the city yet
    await opinions_given(api, app_id)  # 会商: the county's DRC and civil affairs agree
    assert "county_review_pass" in expect(await api.get("bureau", url), 200)["allowed_acts"]

    outcome = expect(await api.post("bureau", f"{url}/county-review", {"decision": "pass", "opinion": "材料齐全"}), 200)
    assert outcome == {"id": app_id, "state": "county_reviewed", "allowed_acts": ["withdraw"]}
    listed = await _listed(api, "supervisor", round=round_id, state="county_reviewed")
    assert [i["id"] for i in listed["items"]] == [app_id]  # the read model is projected when the act returns

    alone = await api.post("reviewer", f"{url}/city-review", {"decision": "pass", "opinion": "综合评分第一"})
    refused = expect(alone, 409)["detail"]
    assert (refused["rule"], refused["guard"]) == ("act_not_allowed", "selected_in_round")
    assert "竞争性评审择优确定" in refused["message"] and "city_review_pass" not in refused["allowed_acts"]
    await driver.select_in_round(app_id, "综合评分第一")  # the round's selection (tests/rounds run the round)
    assert expect(await api.get("reviewer", url), 200)["allowed_acts"] == ["publicize"]
    back_dated = expect(await api.post("reviewer", f"{url}/notice", {"published_on": "2019-01-02"}), 422)["detail"]
    assert (back_dated["field"], back_dated["rule"]) == ("published_on", "notice_not_before_review")
    assert "公示须在审核通过之后发布" in back_dated["message"]
    outcome = expect(await api.post("reviewer", f"{url}/notice", {}), 200)  # published today
    assert outcome["state"] == "publicized"
    published = expect(await api.get("supervisor", url), 200)["notice"]
    await driver.pass_notice(app_id)  # its 5 working days, on the time-skipping server
    # 批次公布: declared now, it is announced by a batch only; its own co-signature (a typed 文号) is refused, 409
    # co_sign_by_batch_only, before anything reaches its history
    as_hrss = expect(await api.get("hrss", url), 200)
    assert as_hrss["announced_by_batch"] is True and as_hrss["announcement_id"] is None
    assert "co_sign" not in as_hrss["allowed_acts"]
    before = as_hrss["acts"]
    for who in CITY_DEPARTMENTS:
        alone = expect(await api.post(who, f"{url}/co-signatures", {"document_no": DOC_NO}), 409)["detail"]
        assert alone["rule"] == "co_sign_by_batch_only" and alone["state"] == "publicized"
        assert alone["message"] == "本申请须通过公布批次会签：请由市人社局评审将其编入公布批次，各部门在批次中会签一次"
    assert expect(await api.get("supervisor", url), 200)["acts"] == before
    batch = await driver.batch_announced([app_id], "city")  # formed by the city, signed once by each department
    assert batch["state"] == "announced"
    announced = expect(await api.get("supervisor", url), 200)
    assert announced["state"] == "announced" and announced["announcement_id"] == batch["id"]
    announced_on = announced["announced_on"]
    award = {"plaque_no": "LY-2026-001", "awarded_on": announced_on}
    assert expect(await api.post("reviewer", f"{url}/award", award), 200)["state"] == "plaque_awarded"

    seen = expect(await api.get("inspector", url), 200)
    assert seen["allowed_acts"] == ["revoke"]
    assert seen["notice"] == published and published["recorded_on"] is None and published["source_url"] is None
    assert seen["announcement_doc_no"] == batch["document_no"] and seen["plaque_no"] == "LY-2026-001"
    assert sorted(s["department"] for s in batch["signatures"]) == ["civil_affairs", "drc", "hrss"]
    assert [a["act"] for a in seen["acts"]] == [
        "declare",
        "department_opinion",  # 会商: the county's DRC and civil affairs agree first
        "department_opinion",
        "county_review_pass",
        "city_review_pass",
        "publicize",
        "close_notice",
        "announce",  # by its batch's third signature
        "award",
    ]
    review = seen["acts"][4]
    assert review["actor"]["role"] == "city_reviewer" and review["reason"] == "综合评分第一"
    assert review["details"]["round_id"] == round_id

    decided = await driver.revoked(app_id, "deregistered", "机构已注销")  # proposed, then co-signed by three
    assert decided["state"] == "revoked"
    assert (await _listed(api, "supervisor", round=round_id))["items"][0]["state"] == "revoked"

    timeline = expect(await api.get("supervisor", f"{url}/history"), 200)["events"]
    acts = [e for e in timeline if e["kind"] == "act"]
    assert [e["act"] for e in acts] == [a["act"] for a in seen["acts"]] + ["revoke"]
    assert (acts[-1]["actor"]["role"], acts[-1]["reason"], acts[-1]["state_after"]) == (
        "inspector",
        "机构已注销",
        "revoked",
    )
    assert acts[0]["actor"] | {"name": None} == {
        "name": None,
        "role": "county_bureau",
        "department": None,
        "county": COUNTY,
    }
    deadline = next(e for e in timeline if e["kind"] == "deadline_computed")
    assert deadline["notice"]["last_day"] == published["last_day"]
    assert deadline["notice"]["published_on"] == acts[5]["details"]["published_on"] == published["first_day"]
    # revocation is an act like the others (an update), with the decision's 文号
    assert acts[-1]["details"] == {"ground": "deregistered", "document_no": decided["document_no"]}
    assert timeline[-1]["kind"] == "closed" and timeline[-1]["state_after"] == "revoked"
    assert [e["when"] for e in timeline] == sorted(e["when"] for e in timeline)


async def test_county_level_application_is_run_by_the_county(late_api, late_driver):
    api, driver = late_api, late_driver
    app_id = await driver.declare("county", round_id=unique("R"))
    url = f"/applications/{app_id}"
    await opinions_given(api, app_id)
    reviewed = expect(await api.post("bureau", f"{url}/county-review", {"decision": "pass", "opinion": "同意"}), 200)
    assert reviewed["allowed_acts"] == ["publicize", "withdraw"]
    reviewed_on = expect(await api.get("bureau", url), 200)["acts"][-1]["at"][:10]
    await late_api.env.sleep(timedelta(days=3))  # the notice went up on the review's day; it is recorded now
    late = {"published_on": reviewed_on}
    refused = expect(await api.post("bureau", f"{url}/notice", late), 422)["detail"]
    assert (refused["field"], refused["rule"]) == ("source_url", "late_notice_needs_source_url")
    not_a_page = expect(await api.post("bureau", f"{url}/notice", {**late, "source_url": "ftp://x/1"}), 422)["detail"]
    assert (not_a_page["field"], not_a_page["rule"]) == ("source_url", "source_url_http")
    page = "https://hrss.linyi.gov.cn/gs/2026/1.html"
    expect(await api.post("bureau", f"{url}/notice", {**late, "source_url": page}), 200)
    seen = expect(await api.get("bureau", url), 200)
    assert seen["notice"]["first_day"] == reviewed_on and seen["notice"]["source_url"] == page
    assert seen["notice"]["recorded_on"] > reviewed_on  # marked as recorded late, here and on the board
    assert seen["acts"][-1]["details"] == {
        "published_on": reviewed_on,
        "source_url": page,
        **{"recorded_on": seen["notice"]["recorded_on"]},
    }
    await driver.pass_notice(app_id)
    refused = await api.post("hrss", f"{url}/co-signatures", {"document_no": DOC_NO})  # a city department
    assert expect(refused, 403)["detail"]["message"] == "县级申请的公布文件由兰山区的三个部门会签"
    alone = await api.post("county_hrss", f"{url}/co-signatures", {"document_no": "兰人社发〔2026〕9号"})
    refused = expect(alone, 409)["detail"]
    assert refused["rule"] == "co_sign_by_batch_only" and "请由兰山区人社局将其编入公布批次" in refused["message"]
    batch = await driver.batch_announced([app_id], "county")
    assert batch["state"] == "announced" and expect(await api.get("bureau", url), 200)["state"] == "announced"
    award = {"plaque_no": "LS-2026-01", "awarded_on": expect(await api.get("bureau", url), 200)["announced_on"]}
    assert expect(await api.post("bureau", f"{url}/award", award), 200)["state"] == "plaque_awarded"


async def test_objections_under_notice_are_heard_and_investigated(api, driver):
    app_id = await driver.publicized("city")  # published today: the notice runs for five working days
    url = f"/applications/{app_id}"
    board = expect(await api.get(None, "/public/notices"), 200)
    listing = next(i for i in board["items"] if i["id"] == app_id)
    assert (
        listing["county"] == COUNTY and listing["level"] == "city" and listing["notice"]["ends_at"].endswith("+08:00")
    )

    objection = {"name": "张三", "contact": "13800000000", "content": "该机构场地面积不实"}
    objection_id = expect(await api.post(None, f"/public/applications/{app_id}/objections", objection), 201)["id"]

    as_reviewer = expect(await api.get("reviewer", url), 200)
    assert (
        as_reviewer["objections"][0]["name"] == "张三" and as_reviewer["objections"][0]["contact"] == "+8613800000000"
    )
    assert set(as_reviewer["allowed_acts"]) >= {"dismiss_objection", "uphold_objection"}
    as_bureau = expect(await api.get("bureau", url), 200)  # the declaring county does not learn who objected
    assert as_bureau["objections"][0]["name"] is None and as_bureau["objections"][0]["contact"] is None
    assert as_bureau["acts"][-1]["act"] == "lodge_objection" and as_bureau["acts"][-1]["actor"]["name"] is None

    early = expect(await api.post("hrss", f"{url}/co-signatures", {"document_no": DOC_NO}), 409)["detail"]
    assert early["state"] == "publicized" and early["allowed_acts"] == []
    assert early["rule"] == "co_sign_by_batch_only"  # 批次公布: never by itself, under notice or after
    unknown = await api.post("reviewer", f"{url}/objections/{app_id}-O9/finding", {"upheld": False, "finding": "x"})
    expect(unknown, 404)
    finding = {"upheld": False, "finding": "经实地核查，场地面积属实"}
    assert (
        expect(await api.post("reviewer", f"{url}/objections/{objection_id}/finding", finding), 200)["state"]
        == "publicized"
    )
    again = expect(await api.post("reviewer", f"{url}/objections/{objection_id}/finding", finding), 409)["detail"]
    assert again["state"] == "publicized"
    seen = expect(await api.get("supervisor", url), 200)["objections"][0]
    assert seen["upheld"] is False and seen["finding"] == finding["finding"] and seen["name"] == "张三"

    expect(await api.post("bureau", f"{url}/withdrawal", {"reason": "机构主动撤回"}), 200)
    assert app_id not in [i["id"] for i in expect(await api.get(None, "/public/notices"), 200)["items"]]
    gone = await api.post(None, f"/public/applications/{app_id}/objections", objection)
    expect(gone, 404)  # no longer under notice

    kinds = [e["kind"] for e in expect(await api.get("supervisor", f"{url}/history"), 200)["events"]]
    assert {"deadline_computed", "timer_started", "timer_canceled", "closed"} <= set(kinds)
    assert kinds.index("deadline_computed") < kinds.index("timer_started") < kinds.index("timer_canceled")


async def test_a_refused_call_changes_nothing(api, driver):
    app_id = await driver.declare("county")
    url = f"/applications/{app_id}"
    before = expect(await api.get("supervisor", url), 200)
    conflict = expect(await api.post("reviewer", f"{url}/city-review", {"decision": "pass", "opinion": "x"}), 409)[
        "detail"
    ]
    assert (
        conflict["state"] == "declared"
        and conflict["allowed_acts"] == []
        and conflict["message"].endswith("不能办理“市级评审通过”；现在可以办理：无")
    )
    as_bureau = expect(await api.post("bureau", f"{url}/notice", {}), 409)["detail"]
    assert {"county_review_fail", "withdraw"} <= set(as_bureau["allowed_acts"])
    blank = expect(await api.post("bureau", f"{url}/county-review", {"decision": "pass", "opinion": "   "}), 422)[
        "detail"
    ]
    assert blank["field"] == "opinion"
    bad = expect(await api.post("bureau", f"{url}/county-review", {"decision": "maybe", "opinion": "x"}), 422)["detail"]
    assert bad["field"] == "decision" and bad["rule"] == "literal_error"
    expect(await api.post("supervisor", f"{url}/county-review", {"decision": "pass", "opinion": "x"}), 403)
    expect(await api.post("other_bureau", f"{url}/county-review", {"decision": "pass", "opinion": "x"}), 404)
    assert expect(await api.get("supervisor", url), 200) == before

    expect(await api.post("bureau", f"{url}/withdrawal", {"reason": "撤回"}), 200)
    ended = expect(await api.post("bureau", f"{url}/county-review", {"decision": "pass", "opinion": "x"}), 409)[
        "detail"
    ]
    assert (ended["rule"], ended["state"], ended["allowed_acts"]) == ("act_not_allowed", "withdrawn", [])
    assert ended["message"] == "当前状态为“已撤回”，不能办理“县级审核通过”；现在可以办理：无"


async def test_declarations_are_validated_before_anything_starts(api):
    round_id = unique("R")
    cases = {
        "institution.credit_code": declaration_body(round_id=round_id, credit_code="91371302MA3C4XYZ1A"),
        "institution.founded_on": declaration_body(round_id=round_id, founded_on="2999-01-01"),
        "institution.county_title_doc_no": declaration_body("city", round_id=round_id, county_title_doc_no=None),
        "institution.phone": declaration_body(round_id=round_id, phone="12345"),
        "county": declaration_body(round_id=round_id, county="火星区"),
        "institution.name": declaration_body(round_id=round_id, name="  "),
        "institution.premises_area_m2": declaration_body(
            round_id=round_id, premises_area_m2=300
        ),  # gig market < 500 m²
        "institution.assessments_last_3_years": declaration_body(
            round_id=round_id,
            type="training",
            training_pass_rate=98,
            trainee_satisfaction=97,
            assessments_last_3_years=["优秀", "良好", "优秀"],
        ),
    }
    for field, body in cases.items():
        detail = expect(await api.post("clerk", "/applications", body), 422)["detail"]
        assert detail["field"].startswith(field), detail
        assert detail["rule"] and detail["problems"][0]["field"].startswith(field)
    other = expect(await api.post("clerk", "/applications", declaration_body(county="罗庄区", round_id=round_id)), 403)
    assert other["detail"]["message"] == "“申报”由罗庄区人社局办理，当前账号属于兰山区人社局"
    expect(await api.post("reviewer", "/applications", declaration_body(round_id=round_id)), 403)
    assert (await _listed(api, "supervisor", round=round_id))["total"] == 0


async def test_idempotency_keys_are_per_user_and_per_declaration(api):
    key = {"Idempotency-Key": unique("key")}
    body = declaration_body("county")
    mine = expect(await api.post("clerk", "/applications", body, headers=key), 201)["id"]
    theirs_body = declaration_body("county", county="罗庄区")  # one institution is declared once (at a time)
    theirs = expect(await api.post("other_bureau", "/applications", theirs_body, headers=key), 201)["id"]
    assert mine != theirs
    changed = declaration_body("county")  # another institution under the same key
    clash = expect(await api.post("clerk", "/applications", changed, headers=key), 409)["detail"]
    assert clash["field"] == "Idempotency-Key" and clash["id"] == mine
    no_key = [expect(await api.post("clerk", "/applications", declaration_body("county")), 201)["id"] for _ in range(2)]
    assert len(set(no_key)) == 2

    racing = {"Idempotency-Key": unique("key")}  # a client retrying before its first answer came back
    body = declaration_body("county")
    answers = await asyncio.gather(*(api.post("clerk", "/applications", body, headers=racing) for _ in range(5)))
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 200, 201]
    assert len({a.json()["id"] for a in answers}) == 1


async def test_lists_are_filtered_paginated_and_scoped_to_the_county(api, driver):
    round_id = unique("R")  # one city-level round, declarations from two counties
    city = await driver.declare("city", round_id=round_id)
    county = await driver.declare("city", round_id=round_id, type="hr_agency")
    other = await driver.declare("city", who="other_bureau", county="罗庄区", round_id=round_id)

    async def all_projected() -> bool:
        return (await _listed(api, "supervisor", round=round_id))["total"] == 3

    await eventually(all_projected)  # a declaration is projected just after it is accepted
    assert {i["id"] for i in (await _listed(api, "supervisor", round=round_id))["items"]} == {city, county, other}
    assert {i["id"] for i in (await _listed(api, "bureau", round=round_id))["items"]} == {city, county}
    assert {i["id"] for i in (await _listed(api, "other_bureau", round=round_id))["items"]} == {other}
    assert (await _listed(api, "bureau", round=round_id, county="罗庄区"))["total"] == 0
    assert {i["id"] for i in (await _listed(api, "county_hrss", round=round_id))["items"]} == {city, county}
    assert (await _listed(api, "reviewer", round=round_id, level="city"))["total"] == 3
    assert (await _listed(api, "reviewer", round=round_id, level="county"))["total"] == 0
    assert [
        i["id"] for i in (await _listed(api, "reviewer", round=round_id, institution_type="hr_agency"))["items"]
    ] == [county]
    assert (await _listed(api, "reviewer", round=round_id, state="declared", county=COUNTY))["total"] == 2
    page = await _listed(api, "supervisor", round=round_id, limit=2, offset=2)
    assert page["total"] == 3 and page["limit"] == 2 and page["offset"] == 2 and len(page["items"]) == 1
    item = page["items"][0]
    assert item["state"] == "declared" and item["notice"] is None and item["declared_at"].endswith("+08:00")
    expect(await api.get("admin", "/applications"), 403)
    expect(await api.get(None, "/applications"), 401)
    expect(await api.get("supervisor", "/applications", params={"limit": 0}), 422)
