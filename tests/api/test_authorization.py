"""Every endpoint × every role × own county / another county: only the authorized get a 2xx.

Each act is tried on an application in the very state where the act is allowed, so a refusal can only come
from authorization. Expected refusals: 401 without (or with a forged) token; 404 for a county-scoped caller
on another county's application (answered exactly like an unknown id); 403 for every other wrong caller.
Refused calls must leave the application as it was.
"""

import asyncio
from dataclasses import dataclass, field

import httpx
import pytest

from tests.api.conftest import PRINCIPALS, Driver, declaration_body, eventually, expect
from tests.conftest import unique
from tests.samples import unique_png

ANONYMOUS, FORGED = "anonymous", "forged"
# "clerk" is a second account of the same bureau (it declares, "bureau" reviews): the same role and county as
# "bureau", so the matrix of roles leaves it out; separation of duties has its own test.
EVERYONE = [*(p for p in PRINCIPALS if p != "clerk"), ANONYMOUS, FORGED]
READERS = {p for p, (role, _, _) in PRINCIPALS.items() if role != "admin" and p != "clerk"}
OTHER_COUNTY = {"other_bureau", "other_county_hrss"}
CITY_DEPARTMENTS = {"hrss", "drc", "civil_affairs"}
COUNTY_DEPARTMENTS = {"county_hrss", "county_drc", "county_civil_affairs"}


@dataclass
class Endpoint:
    name: str
    method: str
    path: str
    body: dict | None
    allowed: set[str]
    hidden: set[str] = field(default_factory=set)  # outside their county: 404
    application_id: str | None = None
    absent: str = "/applications/Anonexistent"  # answered like this unknown one when hidden (404)

    def expected(self, who: str) -> int | None:
        """None: a 2xx is due; otherwise the refusal."""
        if who in self.allowed:
            return None
        if who in (ANONYMOUS, FORGED):
            return 401
        return 404 if who in self.hidden else 403


async def _endpoints(driver: Driver) -> list[Endpoint]:
    # first the applications past their notice, one at a time (the time-skipping server skips for each), then those
    # under it
    closed = await driver.notice_closed("city")
    county_closed = await driver.notice_closed("county")
    city_batch = await driver.batch_formed([closed], "city")
    county_batch = await driver.batch_formed([county_closed], "county")
    announced = await driver.announced("city")
    county_announced = await driver.announced("county")
    awarded = await driver.awarded("city")
    (
        declared,
        to_withdraw,
        county_reviewed,
        city_reviewed,
        county_level_reviewed,
        (objected, objection),
        (county_objected, county_objection),
        publicized,
    ) = await asyncio.gather(
        driver.declare("city"),
        driver.declare("county"),
        driver.county_reviewed("city"),
        driver.city_reviewed(),
        driver.county_reviewed("county"),
        driver.objected("city"),
        driver.objected("county"),
        driver.publicized("county"),
    )
    review = {"decision": "pass", "opinion": "同意"}
    unfit = {"decision": "fail", "opinion": "不符合条件"}  # a city-level pass is the round's selection alone
    finding = {"upheld": False, "finding": "经核查不成立"}
    api = driver.api
    to_return, city_to_return, returned, to_opine = await asyncio.gather(
        driver.declare("county"), driver.county_reviewed("city"), driver.declare("county"), driver.declare("city")
    )
    await driver.opinions_given(declared)  # 会商: its county review may pass
    correction = {"reason": "服务场所照片不清晰", "items": ["premises_photos"]}
    expect(await api.post("bureau", f"/applications/{returned}/correction-request", correction), 200)
    photo = expect(await api.upload("bureau", unique_png(), "新照片.png"), 201)["id"]
    returned_detail = expect(await api.get("supervisor", f"/applications/{returned}"), 200)
    resubmission = {
        "reason": "已补正",
        "institution": returned_detail["institution"],
        "materials": [{"item": "premises_photos", "material_id": photo}],
    }
    declared_file = expect(await api.get("supervisor", f"/applications/{declared}"), 200)["acts"][0]["materials"][0]
    days = [(await driver.state(a))["announced_on"] for a in (announced, county_announced)]
    award = {"plaque_no": "LY-1", "awarded_on": max(days)}  # not before either announcement
    objection_body = {"name": "李四", "contact": "li@example.com", "content": "该机构服务场所面积不实"}
    a = "/applications"
    return [
        Endpoint(
            "declare", "POST", a, await driver.api.with_materials("bureau", declaration_body("county")), {"bureau"}
        ),
        Endpoint("list", "GET", a, None, READERS),
        Endpoint("read", "GET", f"{a}/{declared}", None, READERS - OTHER_COUNTY, OTHER_COUNTY, declared),
        Endpoint("history", "GET", f"{a}/{declared}/history", None, READERS - OTHER_COUNTY, OTHER_COUNTY, declared),
        Endpoint(
            "county review", "POST", f"{a}/{declared}/county-review", review, {"bureau"}, {"other_bureau"}, declared
        ),
        Endpoint(
            "city review", "POST", f"{a}/{county_reviewed}/city-review", unfit, {"reviewer"}, set(), county_reviewed
        ),
        Endpoint(
            "city notice", "POST", f"{a}/{city_reviewed}/notice", {}, {"reviewer"}, {"other_bureau"}, city_reviewed
        ),
        Endpoint(
            "county notice",
            "POST",
            f"{a}/{county_level_reviewed}/notice",
            {},
            {"bureau"},
            {"other_bureau"},
            county_level_reviewed,
        ),
        Endpoint(
            "city finding",
            "POST",
            f"{a}/{objected}/objections/{objection}/finding",
            finding,
            {"reviewer"},
            {"other_bureau"},
            objected,
        ),
        Endpoint(
            "county finding",
            "POST",
            f"{a}/{county_objected}/objections/{county_objection}/finding",
            finding,
            {"bureau"},
            {"other_bureau"},
            county_objected,
        ),
        # 批次公布: each department signs the batch once (the per-application co-signature is refused for
        # applications declared now: test_pipeline_http.py); another county's department is answered 404
        Endpoint(
            "city batch co-signature",
            "POST",
            f"/announcements/{city_batch['id']}/co-signatures",
            None,
            CITY_DEPARTMENTS,
            set(),
            closed,
            absent="/announcements/Bnonexistent",
        ),
        Endpoint(
            "county batch co-signature",
            "POST",
            f"/announcements/{county_batch['id']}/co-signatures",
            None,
            COUNTY_DEPARTMENTS,
            {"other_county_hrss"},
            county_closed,
            absent="/announcements/Bnonexistent",
        ),
        Endpoint("city award", "POST", f"{a}/{announced}/award", award, {"reviewer"}, {"other_bureau"}, announced),
        Endpoint(
            "county award",
            "POST",
            f"{a}/{county_announced}/award",
            award,
            {"bureau"},
            {"other_bureau"},
            county_announced,
        ),
        Endpoint(
            "revocation",
            "POST",
            f"{a}/{awarded}/revocation",
            {"reason": "violation", "evidence": "查实违规"},
            {"inspector"},
            set(),
            awarded,
        ),
        Endpoint(
            "withdrawal",
            "POST",
            f"{a}/{to_withdraw}/withdrawal",
            {"reason": "撤回"},
            {"bureau"},
            {"other_bureau"},
            to_withdraw,
        ),
        Endpoint(
            "county correction request",
            "POST",
            f"{a}/{to_return}/correction-request",
            correction,
            {"bureau"},
            {"other_bureau"},
            to_return,
        ),
        Endpoint(
            "city correction request",
            "POST",
            f"{a}/{city_to_return}/correction-request",
            correction,
            {"reviewer"},
            {"other_bureau"},
            city_to_return,
        ),
        Endpoint(
            "resubmission", "POST", f"{a}/{returned}/resubmission", resubmission, {"bureau"}, {"other_bureau"}, returned
        ),
        Endpoint(
            "materials",
            "GET",
            f"{a}/{declared}/materials",
            None,
            READERS - OTHER_COUNTY,
            OTHER_COUNTY,
            declared,
        ),
        Endpoint(
            "material file",
            "GET",
            f"{a}/{declared}/materials/{declared_file['material_id']}",
            None,
            READERS - OTHER_COUNTY,
            OTHER_COUNTY,
            declared,
        ),
        Endpoint(
            "department opinion",
            "POST",
            f"{a}/{to_opine}/department-opinions",
            {"opinion": "agree", "text": "经会商，同意申报"},
            {"county_drc", "county_civil_affairs"},
            {"other_county_hrss"},  # another county's bureau is no department: refused (403) before any look
            to_opine,
        ),
        Endpoint("checklist", "GET", "/materials/checklist?type=training&level=city", None, set(EVERYONE)),
        Endpoint("conditions", "GET", "/conditions?type=training&level=county&county=兰山区", None, set(EVERYONE)),
        Endpoint("notice board", "GET", "/public/notices", None, set(EVERYONE)),
        Endpoint("objection", "POST", f"/public/applications/{publicized}/objections", objection_body, set(EVERYONE)),
        Endpoint("working days", "GET", "/calendar/working-days?start=2026-02-13&count=1", None, set(EVERYONE)),
        Endpoint("notice period", "GET", "/calendar/notice-period?published_on=2026-04-30", None, set(EVERYONE)),
    ]


async def _call(api, who: str, endpoint: Endpoint):
    if who == ANONYMOUS:
        headers = {}
    elif who == FORGED:
        headers = {"Authorization": "Bearer bg_not-a-real-token"}
    else:
        headers = api.auth(who)
    body = endpoint.body
    if endpoint.name == "objection":
        # each caller a different objector, from a network of its own (pending ones are capped per contact and
        # per network)
        body = {**body, "contact": f"{who}@example.com"}
        address = f"10.{EVERYONE.index(who)}.0.1"
        transport = httpx.ASGITransport(app=api.app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url=api.http.base_url) as http:
            return await http.request(endpoint.method, endpoint.path, json=body, headers=headers)
    return await api.http.request(endpoint.method, endpoint.path, json=body, headers=headers)


def _unnamed(body: dict) -> dict:
    """A 404's answer without the id asked for (a batch's names it: the one asked, never whether it exists)."""
    detail = body.get("detail")
    if isinstance(detail, dict):
        return {**body, "detail": {k: v for k, v in detail.items() if k != "announcement_id"}}
    return body


async def _acts(api, application_id: str) -> list:
    return expect(await api.get("supervisor", f"/applications/{application_id}"), 200)["acts"]


@pytest.fixture(scope="module")
def matrix_driver(sqlite_api) -> Driver:
    return Driver(sqlite_api)


async def test_only_the_authorized_get_a_2xx(late_api, late_driver):
    """On the time-skipping server: applications past their notice are among the endpoints' subjects."""
    api = late_api
    endpoints = await _endpoints(late_driver)
    unknowns: dict[str, dict] = {}
    unauthorized_2xx, wrong_refusals = [], []
    for endpoint in endpoints:
        before = await _acts(api, endpoint.application_id) if endpoint.application_id else None
        refused = [who for who in EVERYONE if endpoint.expected(who) is not None]
        for who in refused:
            response = await _call(api, who, endpoint)
            due = endpoint.expected(who)
            if response.is_success:
                unauthorized_2xx.append((endpoint.name, who, response.status_code))
            elif response.status_code != due:
                wrong_refusals.append((endpoint.name, who, due, response.status_code, response.text))
            elif due == 404:  # indistinguishable from an application (or a batch) that does not exist
                if endpoint.absent not in unknowns:
                    unknowns[endpoint.absent] = _unnamed(expect(await api.get("supervisor", endpoint.absent), 404))
                assert _unnamed(response.json()) == unknowns[endpoint.absent]  # the same words and rule
            elif due == 401:
                assert response.headers["WWW-Authenticate"] == "Bearer"
        if endpoint.application_id:
            after = await _acts(api, endpoint.application_id)
            assert after == before, f"{endpoint.name}: a refused call changed the application"
        for who in endpoint.allowed:
            response = await _call(api, who, endpoint)
            assert response.is_success, f"{endpoint.name} as {who}: {response.status_code} {response.text}"
    assert unauthorized_2xx == []
    assert wrong_refusals == []


async def test_a_county_scoped_list_never_shows_another_county(sqlite_api, matrix_driver):
    round_id = unique("R")
    mine = await matrix_driver.declare("city", round_id=round_id)  # one city-level round, two counties
    theirs = await matrix_driver.declare("city", who="other_bureau", county="罗庄区", round_id=round_id)

    async def both_projected() -> bool:
        page = expect(await sqlite_api.get("supervisor", "/applications", params={"round": round_id}), 200)
        return page["total"] == 2

    await eventually(both_projected)
    seen = {
        who: {
            i["id"]
            for i in expect(await sqlite_api.get(who, "/applications", params={"round": round_id}), 200)["items"]
        }
        for who in READERS
    }
    assert seen["bureau"] == seen["county_hrss"] == {mine}
    assert seen["other_bureau"] == seen["other_county_hrss"] == {theirs}
    assert seen["supervisor"] == seen["reviewer"] == seen["inspector"] == seen["hrss"] == {mine, theirs}


BOTH = ("clerk", "bureau")  # two accounts of 兰山区's bureau


async def test_separation_of_duties(sqlite_api, matrix_driver):
    """The account that declared cannot county-review it, nor find on an objection to it; another account of the
    same bureau can."""
    api = sqlite_api
    declared = await matrix_driver.declare("county")  # by "clerk"
    offered = {who: expect(await api.get(who, f"/applications/{declared}"), 200)["allowed_acts"] for who in BOTH}
    assert "county_review_pass" not in offered["clerk"] and "withdraw" in offered["clerk"]  # not offered to them
    assert {"county_review_fail"} <= set(offered["bureau"])  # the pass waits for the departments' opinions
    review = {"decision": "pass", "opinion": "材料齐全"}
    await matrix_driver.opinions_given(declared)
    refused = expect(await api.post("clerk", f"/applications/{declared}/county-review", review), 403)["detail"]
    assert refused["rule"] == "separation_of_duties" and "职责分离" in refused["message"]
    acts = [a["act"] for a in await _acts(api, declared)]
    assert acts == ["declare", "department_opinion", "department_opinion"]  # the refusal changed nothing
    expect(await api.post("bureau", f"/applications/{declared}/county-review", review), 200)

    own = await matrix_driver.declare("county", who="bureau")
    await matrix_driver.opinions_given(own)
    expect(await api.post("clerk", f"/applications/{own}/county-review", review), 200)
    expect(await api.post("clerk", f"/applications/{own}/notice", {}), 200)
    body = {"name": "张三", "contact": "13800000000", "content": "该机构场地面积不实"}
    objection = expect(await api.post(None, f"/public/applications/{own}/objections", body), 201)["id"]
    finding, url = {"upheld": False, "finding": "经核实不属实"}, f"/applications/{own}/objections/{objection}/finding"
    seen = expect(await api.get("bureau", f"/applications/{own}"), 200)["allowed_acts"]
    assert "dismiss_objection" not in seen and "uphold_objection" not in seen
    refused = expect(await api.post("bureau", url, finding), 403)["detail"]
    assert refused["rule"] == "separation_of_duties"
    expect(await api.post("clerk", url, finding), 200)
