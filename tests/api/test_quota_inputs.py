"""A quota's places are whole JSON numbers (true is not 1, "1" is not 1), and a total is never set below the
places its county (or the city) already uses: 409 quota_below_used naming the scope, the total asked and the
places used, and nothing is recorded."""

from tests.api.conftest import expect
from tests.conftest import unique
from tests.factory import credit_code

COUNTY = "兰山区"


async def _period(api) -> str:
    pid = unique("qp")
    body = {"name": "十五", "start_year": 2001, "end_year": 2005, "reason": "规划期"}  # years no other test uses
    expect(await api.http.put(f"/periods/{pid}", json=body, headers=api.auth("admin")), 200)
    return pid


async def _put(api, pid: str, totals: dict, level: str = "county"):
    body = {"totals": totals, "reason": "设定名额"}
    return await api.http.put(f"/quotas/{pid}/{level}", json=body, headers=api.auth("admin"))


async def test_places_are_whole_json_numbers(api):
    pid = await _period(api)
    for given in (True, False, "1", 1.5, None):
        detail = expect(await _put(api, pid, {COUNTY: given}), 422)["detail"]
        assert detail["field"] == f"totals.{COUNTY}", detail
    expect(await _put(api, pid, {COUNTY: 2.0}), 200)  # 2.0 is the JSON number 2
    quota = expect(await api.get("admin", f"/quotas/{pid}/county"), 200)
    assert quota["totals"] == {COUNTY: 2}


async def test_a_total_below_the_places_used_is_refused_409_naming_them(api):
    pid = await _period(api)
    rows = [
        f"{COUNTY}{unique('甲')},gig_market,{COUNTY},{credit_code()},county,兰人社发〔2002〕{n}号,2002-12-15,"
        for n in range(2)
    ]
    csv = "\n".join(["institution_name,type,county,credit_code,level,document_no,date,plaque_no", *rows]) + "\n"
    headers = {**api.auth("admin"), "Content-Type": "text/csv"}
    expect(await api.http.post("/historic-titles/import", content=csv.encode(), headers=headers), 200)
    expect(await _put(api, pid, {COUNTY: 50, "罗庄区": 5}), 200)
    used = expect(await api.get("admin", f"/quotas/{pid}/county"), 200)["used"][COUNTY]
    assert used >= 2  # the titles imported for the period's years hold places

    detail = expect(await _put(api, pid, {COUNTY: used - 1, "罗庄区": 3}), 409)["detail"]
    assert detail["rule"] == "quota_below_used" and detail["level"] == "county"
    assert detail["below"] == [{"scope": COUNTY, "total": used - 1, "used": used}]
    assert f"{COUNTY}县级名额不能设为{used - 1}个" in detail["message"] and f"已使用{used}个" in detail["message"]
    quota = expect(await api.get("admin", f"/quotas/{pid}/county"), 200)
    assert quota["totals"] == {COUNTY: 50, "罗庄区": 5}  # nothing recorded, the other county's change neither

    expect(await _put(api, pid, {COUNTY: used}), 200)  # down to the places used is allowed
