"""The administration area's refusals the API answers, each provoked through the running API: the answer's status,
its ``rule`` and the rule's own Chinese words (contracts/rules/administration.py). Rounds, periods and quotas, the
county split, county standards, the yearly filing and the inbox. A role refused on a page is refused as the API
refuses it (``role_not_permitted``): tests/web/test_administration_refusal_codes.py."""

import json
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from contracts.rules import RULES
from state import conditions
from state.calendar import TZ
from tests.api.conftest import Api, expect
from tests.conftest import unique
from tests.factory import COUNTY, OTHER_COUNTY

FAR_YEAR = 2099  # a year no other test opens a filing for


def refused(response: httpx.Response, status: int, code: str, /, **facts: object) -> dict:
    """The answer's detail, after checking its status, its rule and that its message is the rule's text."""
    detail = expect(response, status)["detail"]
    assert detail["rule"] == code
    assert detail["message"] == RULES[code].say(**facts)
    return detail


async def define_period(api: Api) -> str:
    period_id = unique("P")
    body = {"name": "十四五", "start_year": 2021, "end_year": 2025, "reason": "测试设定"}
    expect(await api.http.put(f"/periods/{period_id}", json=body, headers=api.auth("admin")), 200)
    return period_id


def round_body(period_id: str, **changed: object) -> dict:
    opens = datetime.now(TZ).replace(microsecond=0) + timedelta(days=1)
    body = {
        "round_id": unique("R"),
        "name": "2027年度市级就业服务质量标杆机构评定",
        "level": "city",
        "period_id": period_id,
        "opens_at": opens.isoformat(),
        "closes_at": (opens + timedelta(days=30)).isoformat(),
        "weights": {"written": 0.6, "defence": 0.4},
    }
    return {**body, **changed}


# ---- who may ----------------------------------------------------------------------------------------------------


async def test_closing_a_county_round_by_the_city_is_county_round_owner(sqlite_api: Api):
    round_id = unique("RK")
    await sqlite_api.ensure_round(round_id, "county", COUNTY)
    answer = await sqlite_api.post("reviewer", f"/rounds/{round_id}/review-closure", {"reason": "结束评审"})
    refused(answer, 403, "county_round_owner", county=COUNTY)


# ---- rounds -----------------------------------------------------------------------------------------------------


async def test_a_round_planned_wrongly_is_round_plan_with_each_problems_rule(sqlite_api: Api):
    period_id = await define_period(sqlite_api)
    cases = {
        "window_order": {"closes_at": round_body(period_id)["opens_at"]},
        "unknown_review_method": {"weights": {"written": 0.5, "interview": 0.5}},
        "review_method_required": {"weights": {}},
        "weight_positive": {"weights": {"written": 1.0, "defence": 0}},
        "weights_sum": {"weights": {"written": 0.5, "defence": 0.3}},
    }
    for code, changed in cases.items():
        answer = await sqlite_api.post("reviewer", "/rounds", round_body(period_id, **changed))
        said = RULES[code].say()
        detail = refused(answer, 422, "round_plan", listed=said)
        assert detail["problems"] == [{"field": detail["field"], "rule": code, "message": said}], code


async def test_a_round_of_a_period_not_defined_is_unknown_period(sqlite_api: Api):
    answer = await sqlite_api.post("reviewer", "/rounds", round_body("no-such-period"))
    detail = refused(answer, 422, "unknown_period", period_id="no-such-period")
    assert detail["field"] == "period_id"


async def test_a_round_id_used_twice_is_round_exists(sqlite_api: Api):
    body = round_body(await define_period(sqlite_api), panel=sqlite_api.panel())
    expect(await sqlite_api.post("reviewer", "/rounds", body), 201)
    detail = refused(await sqlite_api.post("reviewer", "/rounds", body), 409, "round_exists", round_id=body["round_id"])
    assert detail["field"] == "round_id"


# ---- periods and quotas, the county split -------------------------------------------------------------------------


async def test_a_quota_for_a_period_not_defined_is_period_not_defined(sqlite_api: Api):
    body = {"totals": {"city": 3}, "reason": "测试设定"}
    answer = await sqlite_api.http.put("/quotas/no-such-period/city", json=body, headers=sqlite_api.auth("admin"))
    refused(answer, 404, "period_not_defined", period_id="no-such-period")


def split(**changed: object) -> dict:
    body = {
        "total": 10,
        "weight_population": 0.5,
        "weight_performance": 0.5,
        "counties": [
            {"county": COUNTY, "population": 1000, "performance": 80},
            {"county": OTHER_COUNTY, "population": 800, "performance": 90},
        ],
    }
    return {**body, **changed}


async def test_a_split_that_cannot_be_computed_is_apportionment(sqlite_api: Api):
    path = f"/quotas/{unique('P')}/county/apportionment"
    answer = await sqlite_api.http.post(path, json=split(weight_performance=0.4), headers=sqlite_api.auth("admin"))
    detail = refused(answer, 422, "apportionment", problem="人口与绩效两项权重须不小于0且之和为1")
    assert detail["field"] == "weights"


async def test_adjusting_a_county_not_in_the_split_is_adjustment_not_in_split(sqlite_api: Api):
    path = f"/quotas/{await define_period(sqlite_api)}/county/apportionment/adoption"
    body = split(adjustments={"费县": 1}, reason="测试分配")
    answer = await sqlite_api.http.post(path, json=body, headers=sqlite_api.auth("admin"))
    detail = refused(answer, 422, "adjustment_not_in_split", county="费县")
    assert detail["field"] == "adjustments"


# ---- county standards -------------------------------------------------------------------------------------------


async def test_another_countys_standards_are_standards_out_of_scope(sqlite_api: Api):
    answer = await sqlite_api.get("bureau", f"/counties/{OTHER_COUNTY}/conditions")
    refused(answer, 404, "standards_out_of_scope", county=OTHER_COUNTY)


async def test_a_county_condition_with_a_notice_conditions_code_is_condition_code_taken(
    sqlite_api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The shipped notice's codes all begin with basic_ or city_, which the county's own codes may not
    (``condition_code_reserved`` says so first): a deployment's conditions file may name its notice's conditions
    otherwise, and a county's code that is one of those is refused."""
    materials = sqlite_api.app.state.settings.materials
    raw = json.loads(Path(materials.conditions_file).read_text(encoding="utf-8"))
    notice_code = "local_1_brand"
    raw["levels"]["county"] = [*raw["levels"].get("county", []), {"code": notice_code, "text": "具有就业服务特色品牌"}]
    own_file = tmp_path / "conditions.json"
    own_file.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert notice_code in {c.code for cs in conditions.load(own_file).by_level.values() for c in cs}
    monkeypatch.setattr(materials, "conditions_file", own_file)

    body = {"conditions": [{"code": notice_code, "text": "具有县级就业服务特色品牌"}], "reason": "评定标准（附件5）"}
    answer = await sqlite_api.http.put(f"/counties/{COUNTY}/conditions", json=body, headers=sqlite_api.auth("bureau"))
    detail = refused(answer, 422, "condition_code_taken", code=notice_code)
    assert detail["field"] == "conditions[0].code"


# ---- the yearly filing ------------------------------------------------------------------------------------------


async def test_another_countys_filing_is_filing_out_of_scope(sqlite_api: Api):
    answer = await sqlite_api.get("bureau", f"/filings/{OTHER_COUNTY}/{FAR_YEAR}")
    refused(answer, 404, "filing_out_of_scope", county=OTHER_COUNTY)


async def test_a_version_never_filed_is_filing_version_unknown(sqlite_api: Api):
    answer = await sqlite_api.get("reviewer", f"/filings/{COUNTY}/{FAR_YEAR}/form.csv", params={"version": 9})
    refused(answer, 404, "filing_version_unknown", county=COUNTY, year=FAR_YEAR, version=9)


async def test_correcting_a_filing_never_opened_is_filing_not_open(sqlite_api: Api):
    body = {"digest": "0" * 64, "reason": "补报奖牌编号"}
    answer = await sqlite_api.post("bureau", f"/filings/{COUNTY}/{FAR_YEAR}/corrections", body)
    refused(answer, 409, "filing_not_open", county=COUNTY, year=FAR_YEAR)


async def test_replanning_a_filing_never_opened_is_filing_not_started(sqlite_api: Api):
    answer = await sqlite_api.post("reviewer", f"/filings/{COUNTY}/{FAR_YEAR}/replan")
    refused(answer, 404, "filing_not_started", county=COUNTY, year=FAR_YEAR)


async def test_opening_a_filing_that_has_closed_is_filing_closed(sqlite_api: Api):
    """A filing's workflow ends when its correction period is over; it is ended here at once (terminated through
    the Temporal client), and opening that county's year again is refused."""
    year = FAR_YEAR - 1
    started = expect(await sqlite_api.post("reviewer", f"/filings/{OTHER_COUNTY}/{year}/start"), 202)
    assert sqlite_api.client is not None
    await sqlite_api.client.get_workflow_handle(started["workflow_id"]).terminate("更正期已结束（测试）")
    answer = await sqlite_api.post("reviewer", f"/filings/{OTHER_COUNTY}/{year}/start")
    refused(answer, 409, "filing_closed", county=OTHER_COUNTY, year=year)


# ---- the inbox --------------------------------------------------------------------------------------------------


async def test_marking_a_notification_not_addressed_to_the_caller_is_notification_not_found(sqlite_api: Api):
    answer = await sqlite_api.post("bureau", "/notifications/987654321/read")
    refused(answer, 404, "notification_not_found", notification_id=987654321)
