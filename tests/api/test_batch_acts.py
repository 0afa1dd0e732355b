"""Batch acts (POST /api/v1/batch-acts) over HTTP against a real worker and read model: each application's act is
the single act's own update, each item answered on its own; a refused item (another county's, one already passed)
does not stop the others and changes nothing; a wrong request is refused as a whole and changes nothing."""

from tests.api.conftest import DOC_NO, expect
from tests.conftest import unique
from tests.factory import OTHER_COUNTY


async def test_a_county_passes_several_declarations_in_one_go_and_a_refused_one_does_not_stop_the_others(api, driver):
    first, second = await driver.declare("county"), await driver.declare("county")
    await driver.opinions_given(first)
    await driver.opinions_given(second)
    unagreed = await driver.declare("county")  # the county's departments have not agreed: refused (409)
    passed = await driver.county_reviewed("county")  # already passed: refused (409)
    elsewhere = await driver.declare("county", who="other_bureau", county=OTHER_COUNTY)  # not in scope: 404
    body = {
        "act": "county_review_pass",
        "applications": [first, passed, elsewhere, second, unagreed],
        "opinion": "材料齐全，同意",
    }
    results = expect(await api.post("bureau", "/batch-acts", body), 200)["results"]
    by_id = {r["application_id"]: r for r in results}
    assert [r["application_id"] for r in results] == [first, passed, elsewhere, second, unagreed]
    for done in (first, second):
        assert by_id[done] == {
            "application_id": done, "ok": True, "status": "county_reviewed", "message": "办理成功", "rule": None,
        }  # fmt: skip
        view = await driver.state(done)
        assert view["state"] == "county_reviewed"
        assert "材料齐全，同意" in str(view["acts"][-1])  # the single act's own record
    assert by_id[passed]["ok"] is False and by_id[passed]["rule"] == "act_not_allowed"
    assert by_id[passed]["status"] == "county_reviewed" and "当前状态" in by_id[passed]["message"]
    assert by_id[elsewhere] == {
        "application_id": elsewhere, "ok": False, "status": None, "message": "未找到该申报，或不在您的查看范围内",
        "rule": "application_not_found",
    }  # fmt: skip
    assert (await driver.state(elsewhere))["state"] == "declared"  # refused: nothing changed
    assert by_id[unagreed]["ok"] is False and by_id[unagreed]["rule"] == "county_opinions_missing"
    assert (await driver.state(unagreed))["state"] == "declared"
    passed_acts = (await driver.state(passed))["acts"]
    assert len(passed_acts) == 4  # declared, two opinions, passed once: the refused repeat recorded nothing


async def test_the_declarer_is_refused_per_item_by_separation_of_duties(api, driver):
    mine = await driver.declare("county")  # declared by "clerk"
    theirs = await driver.declare("county", who="bureau")
    await driver.opinions_given(theirs)
    body = {"act": "county_review_pass", "applications": [mine, theirs], "opinion": "同意"}
    results = expect(await api.post("clerk", "/batch-acts", body), 200)["results"]
    assert [(r["ok"], r["rule"]) for r in results] == [(False, "separation_of_duties"), (True, None)]
    assert "职责分离" in results[0]["message"]
    assert (await driver.state(mine))["state"] == "declared"


async def test_a_wrong_batch_or_item_is_refused_and_changes_nothing(api, driver):
    app_id = await driver.declare("county")
    no_opinion = {"act": "county_review_pass", "applications": [app_id]}  # each item refused, nothing done
    [item] = expect(await api.post("bureau", "/batch-acts", no_opinion), 200)["results"]
    assert item == {"application_id": app_id, "ok": False, "status": None, "message": "意见必填", "rule": "required"}
    blank = {"act": "county_review_pass", "applications": [app_id], "opinion": " "}
    assert "opinion" in expect(await api.post("bureau", "/batch-acts", blank), 422)["detail"]["field"]
    wrong_role = {"act": "co_sign", "applications": [app_id], "document_no": DOC_NO}
    refused = expect(await api.post("bureau", "/batch-acts", wrong_role), 403)["detail"]
    assert refused["rule"] == "batch_not_for_role" and "会签" in refused["message"]
    too_many = {"act": "county_review_pass", "applications": [f"A{i}" for i in range(101)], "opinion": "同意"}
    expect(await api.post("bureau", "/batch-acts", too_many), 422)
    assert (await driver.state(app_id))["state"] == "declared"
    assert (await driver.state(app_id))["state"] == "declared"
    award = {"act": "award", "applications": [app_id], "awarded_on": "2026-01-05"}  # no plaque number for it
    [item] = expect(await api.post("bureau", "/batch-acts", award), 200)["results"]
    assert item == {
        "application_id": app_id,
        "ok": False,
        "status": None,
        "message": "牌匾编号必填",
        "rule": "required",
    }


async def test_batch_acts_do_not_co_sign_applications_announced_by_batch_and_the_city_awards_them(
    late_api, late_driver
):
    first = await late_driver.publicized("city")
    second = await late_driver.publicized("city")
    declared = await late_driver.declare("city")
    await late_driver.pass_notice(first, second)
    before = {a: (await late_driver.state(a))["acts"] for a in (first, second)}
    # 批次公布: no co-signature one application at a time, with a typed 文号: each item refused, nothing recorded
    body = {"act": "co_sign", "applications": [first, declared, second], "document_no": DOC_NO}
    results = expect(await late_api.post("hrss", "/batch-acts", body), 200)["results"]
    assert [(r["ok"], r["rule"]) for r in results] == [(False, "co_sign_by_batch_only")] * 3
    assert "公布批次" in results[0]["message"]
    assert {a: (await late_driver.state(a))["acts"] for a in (first, second)} == before
    await late_driver.batch_announced([first, second], "city")  # formed once, signed once by each department
    for app_id in (first, second):
        assert (await late_driver.state(app_id))["state"] == "announced"
    assert (await late_driver.state(declared))["state"] == "declared"

    announced_on = (await late_driver.state(first))["announced_on"]
    plaques = {first: f"LY-{unique('P')}", second: f"LY-{unique('P')}"}
    body = {"act": "award", "applications": [first, second], "awarded_on": announced_on, "plaque_nos": plaques}
    results = expect(await late_api.post("reviewer", "/batch-acts", body), 200)["results"]
    assert [(r["ok"], r["status"]) for r in results] == [(True, "plaque_awarded"), (True, "plaque_awarded")]
    for app_id in (first, second):
        assert (await late_driver.state(app_id))["plaque_no"] == plaques[app_id]


async def test_saved_opinions_are_each_users_own_and_a_blank_one_is_refused(api):
    text = f"材料齐全，符合申报条件，同意推荐。{unique('')[-6:]}"
    mine = expect(await api.post("bureau", "/me/opinions", {"text": f"  {text}\n"}), 200)["opinions"]
    assert mine[0]["text"] == text
    again = expect(await api.post("bureau", "/me/opinions", {"text": text}), 200)["opinions"]
    assert [o["text"] for o in again].count(text) == 1  # kept once
    assert text in [o["text"] for o in expect(await api.get("bureau", "/me/opinions"), 200)["opinions"]]
    assert text not in [o["text"] for o in expect(await api.get("clerk", "/me/opinions"), 200)["opinions"]]
    blank = expect(await api.post("bureau", "/me/opinions", {"text": " \u3000 "}), 422)["detail"]
    assert blank["field"].endswith("text")
    assert len(expect(await api.get("bureau", "/me/opinions"), 200)["opinions"]) == len(again)
    expect(await api.get(None, "/me/opinions"), 401)
