"""Separation of duties beyond the county review: the declaring account may not return its own declaration for
correction (县级退回补正) nor score its own candidate in a round (评分). Neither is offered to it, either is refused
403 separation_of_duties and changes nothing; another account of the same bureau may."""

from tests.api.conftest import Driver, expect, required_items
from tests.conftest import unique

CORRECTION = {"reason": "场地照片不清晰，请补充", "items": []}
SCORE = {"opinion": "服务规范", "written": 88}


async def _acts(api, app_id: str) -> list[str]:
    return [a["act"] for a in expect(await api.get("supervisor", f"/applications/{app_id}"), 200)["acts"]]


def _correction() -> dict:
    return {**CORRECTION, "items": [required_items("gig_market", "county")[0].code]}


async def test_the_declarer_may_not_return_its_own_declaration_for_correction(api, driver: Driver):
    app_id = await driver.declare("county")  # by "clerk"
    offered = {
        who: expect(await api.get(who, f"/applications/{app_id}"), 200)["allowed_acts"] for who in ("clerk", "bureau")
    }
    assert "county_request_correction" not in offered["clerk"] and "withdraw" in offered["clerk"]
    assert "county_request_correction" in offered["bureau"]
    body = _correction()
    refused = expect(await api.post("clerk", f"/applications/{app_id}/correction-request", body), 403)["detail"]
    assert (
        refused["rule"] == "separation_of_duties"
        and "职责分离" in refused["message"]
        and "退回补正" in refused["message"]
    )
    assert await _acts(api, app_id) == ["declare"]  # the refusal changed nothing
    expect(await api.post("bureau", f"/applications/{app_id}/correction-request", body), 200)


async def test_the_declarer_may_not_score_its_own_candidate(api, driver: Driver):
    round_id = unique("RK")
    app_id = await driver.declare("county", round_id=round_id)  # a county round: the bureau scores
    offered = {
        who: expect(await api.get(who, f"/applications/{app_id}"), 200)["allowed_acts"] for who in ("clerk", "bureau")
    }
    assert "score" not in offered["clerk"] and "score" in offered["bureau"]
    refused = expect(await api.post("clerk", f"/applications/{app_id}/scores", SCORE), 403)["detail"]
    assert refused["rule"] == "separation_of_duties" and "评分" in refused["message"]
    detail = expect(await api.get("supervisor", f"/applications/{app_id}"), 200)
    assert detail["scores"] == [] and [a["act"] for a in detail["acts"]] == ["declare"]
    expect(await api.post("bureau", f"/applications/{app_id}/scores", SCORE), 200)
