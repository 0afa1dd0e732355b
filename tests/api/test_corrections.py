"""退回补正 over HTTP: the review that has a declaration returns it to the declaring county with its reasons and the
items to correct; the county resubmits it corrected (both versions stay on record, the replaced files too) and it goes
back to that same review. Refusals change nothing."""

import hashlib
from datetime import date, timedelta

from api.deps import today
from state.calendar import WorkingDayCalendar
from tests.api.conftest import expect, opinions_given
from tests.samples import unique_pdf, unique_png

RETURN = {"reason": "服务场所照片不清晰，面积证明未加盖公章", "items": ["premises_photos", "gig_market_area_proof"]}


async def _resubmission(api, app_id: str, who: str = "bureau", **changes) -> dict:
    """The declaration as it stands, amended by ``changes``, with fresh files for the items returned."""
    detail = expect(await api.get("supervisor", f"/applications/{app_id}"), 200)
    institution = {**detail["institution"], **changes}
    files = {
        "premises_photos": (unique_png(), "新照片.png"),
        "gig_market_area_proof": (unique_pdf(), "面积证明（盖章）.pdf"),
    }
    materials = []
    for item, (data, name) in files.items():
        uploaded = expect(await api.upload(who, data, name), 201)
        materials.append({"item": item, "material_id": uploaded["id"], "_sha256": hashlib.sha256(data).hexdigest()})
    return {"reason": "已按要求补正", "institution": institution, "materials": materials}


def _body(resubmission: dict, **kw) -> dict:
    out = {**resubmission, **kw}
    out["materials"] = [{k: v for k, v in m.items() if not k.startswith("_")} for m in out["materials"]]
    return out


async def test_the_county_returns_a_declaration_and_gets_it_back_corrected(api, driver):
    app_id = await driver.declare("county")
    url = f"/applications/{app_id}"
    before = expect(await api.get("supervisor", url), 200)
    expect(await api.post("other_bureau", f"{url}/correction-request", RETURN), 404)
    expect(await api.post("reviewer", f"{url}/correction-request", RETURN), 403)  # the county reviews it now
    expect(await api.post("inspector", f"{url}/correction-request", RETURN), 403)
    unknown = expect(await api.post("bureau", f"{url}/correction-request", {**RETURN, "items": ["bakery"]}), 422)
    assert unknown["detail"]["rule"] == "correction_item_unknown"
    expect(await api.post("bureau", f"{url}/correction-request", {**RETURN, "reason": "  "}), 422)
    expect(await api.post("bureau", f"{url}/resubmission", _body(await _resubmission(api, app_id))), 409)
    assert expect(await api.get("supervisor", url), 200)["acts"] == before["acts"]  # refusals changed nothing

    returned = expect(await api.post("bureau", f"{url}/correction-request", RETURN), 200)
    assert returned["state"] == "returned" and set(returned["allowed_acts"]) == {"resubmit", "withdraw"}
    detail = expect(await api.get("bureau", url), 200)
    correction = detail["correction"]
    assert correction["act"] == "county_request_correction" and correction["items"] == RETURN["items"]
    last_day = date.fromisoformat(correction["last_day"])
    assert WorkingDayCalendar().working_days_between(today(), last_day) == 10  # BIAOGAN_CORRECTION_WORKING_DAYS
    assert correction["ends_at"] == f"{last_day + timedelta(days=1)}T00:00:00+08:00"  # at the end of the last day
    assert detail["acts"][-1]["details"]["items"] == "premises_photos、gig_market_area_proof"

    resubmission = await _resubmission(api, app_id, premises_area_m2=920)
    owed = _body(resubmission)
    owed["materials"] = owed["materials"][:1]  # the area proof was asked for again and is missing
    refused = expect(await api.post("bureau", f"{url}/resubmission", owed), 422)["detail"]
    assert refused["rule"] == "correction_item_not_resupplied" and "零工市场场地面积证明" in refused["message"]
    other = {**resubmission["institution"], "credit_code": "91371302MA3C4XY818"}
    refused = expect(await api.post("bureau", f"{url}/resubmission", _body(resubmission, institution=other)), 422)
    assert refused["detail"]["rule"] == "identity_changed"
    unattested = {**resubmission["institution"], "attestations": {}}
    refused = expect(await api.post("bureau", f"{url}/resubmission", _body(resubmission, institution=unattested)), 422)
    assert refused["detail"]["rule"] == "attestation_missing"
    expect(await api.post("other_bureau", f"{url}/resubmission", _body(resubmission)), 404)

    back = expect(await api.post("bureau", f"{url}/resubmission", _body(resubmission)), 200)
    assert back["state"] == "declared" and "county_review_fail" in back["allowed_acts"]
    detail = expect(await api.get("supervisor", url), 200)
    assert detail["correction"] is None
    assert detail["institution"]["premises_area_m2"] == 920
    assert [v["premises_area_m2"] for v in detail["institution_versions"]] == [800]  # the version declared first
    assert [a["act"] for a in detail["acts"]] == ["declare", "county_request_correction", "resubmit"]
    resubmit = detail["acts"][-1]
    assert "premises_area_m2: 800.0 → 920" in resubmit["details"]["changed"] and resubmit["details"]["version"] == "2"
    assert {m["sha256"] for m in resubmit["materials"]} == {m["_sha256"] for m in resubmission["materials"]}

    listed = expect(await api.get("bureau", f"{url}/materials"), 200)["items"]
    by_item = {}
    for m in listed:
        by_item.setdefault(m["item"], []).append((m["act"]["act"], m["current"]))
    assert by_item["premises_photos"] == [("declare", False), ("resubmit", True)]  # both versions kept
    assert by_item["declaration_form"] == [("declare", True)]  # not returned: it stands
    history = expect(await api.get("supervisor", f"{url}/history"), 200)["events"]
    told = [e for e in history if e["kind"] == "act" and e["act"] == "resubmit"]
    assert told and {m["sha256"] for m in told[0]["materials"]} == {m["_sha256"] for m in resubmission["materials"]}

    review = {"decision": "pass", "opinion": "补正后材料齐全"}
    await opinions_given(api, app_id)
    assert expect(await api.post("bureau", f"{url}/county-review", review), 200)["state"] == "county_reviewed"


async def test_the_city_returns_a_city_level_declaration_to_its_county(api, driver):
    app_id = await driver.county_reviewed("city")
    url = f"/applications/{app_id}"
    expect(await api.post("bureau", f"{url}/correction-request", RETURN), 403)  # the city reviews it now
    items = {"reason": "县级标杆机构评定文件不清晰", "items": ["county_title_document", "city_5_gig_market"]}
    returned = expect(await api.post("reviewer", f"{url}/correction-request", items), 200)
    assert returned["state"] == "returned" and returned["allowed_acts"] == []  # the county's turn
    detail = expect(await api.get("bureau", url), 200)
    assert detail["correction"]["act"] == "city_request_correction" and "resubmit" in detail["allowed_acts"]
    document = expect(await api.upload("bureau", unique_pdf(), "县级标杆评定文件.pdf"), 201)["id"]
    body = {
        "reason": "已重新扫描评定文件",
        "institution": detail["institution"],
        "materials": [{"item": "county_title_document", "material_id": document}],
    }
    back = expect(await api.post("bureau", f"{url}/resubmission", body), 200)
    assert back["state"] == "county_reviewed"  # back to the city's review
    seen = expect(await api.get("reviewer", url), 200)
    assert "city_review_fail" in seen["allowed_acts"] and seen["institution_versions"] == [detail["institution"]]
    assert "city_review_pass" not in seen["allowed_acts"]  # passed only by the round's selection


async def test_a_returned_declaration_can_be_withdrawn(api, driver):
    app_id = await driver.declare("county")
    expect(await api.post("bureau", f"/applications/{app_id}/correction-request", RETURN), 200)
    gone = expect(await api.post("bureau", f"/applications/{app_id}/withdrawal", {"reason": "机构决定不再申报"}), 200)
    assert gone["state"] == "withdrawn"
