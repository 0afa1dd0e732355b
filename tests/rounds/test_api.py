"""The rounds and quotas routers over HTTP (routers included on the app here; api/main.py wires them later)."""

import json
from datetime import datetime, timedelta

from contracts.application import ReviewAct, ViewRequest
from contracts.rules.administration import ROUND_NOT_FOUND
from state.calendar import TZ
from state.domain import COUNTIES, Level
from tests.conftest import unique
from tests.factory import bureau, credit_code, declaration, opinions_given, start
from tests.rounds.conftest import as_, eventually, panel_of
from workflows.application import ApplicationWorkflow


async def test_a_city_round_end_to_end_over_the_api(http):
    pid = unique("p")
    r = await http.put(
        f"/periods/{pid}",
        json={
            "name": "十五五",
            "start_year": 2026,
            "end_year": 2030,
            "reason": "市政府规划",
        },
        headers=as_(http, "reviewer"),
    )
    assert r.status_code == 403
    r = await http.put(
        f"/periods/{pid}",
        json={
            "name": "十五五",
            "start_year": 2026,
            "end_year": 2030,
            "reason": "市政府规划",
        },
        headers=as_(http, "admin"),
    )
    assert r.status_code == 200, r.text
    figures = [{"county": c, "population": 100 + i, "performance": 10} for i, c in enumerate(COUNTIES)]
    body = {
        "total": 90,
        "weight_population": 0.5,
        "weight_performance": 0.5,
        "counties": figures,
    }
    preview = await http.post(f"/quotas/{pid}/county/apportionment", json=body, headers=as_(http, "admin"))
    assert preview.status_code == 200 and sum(preview.json()["seats"].values()) == 90 and preview.json()["working"]
    bad = await http.post(
        f"/quotas/{pid}/county/apportionment/adoption",
        json={**body, "adjustments": {"兰山区": 99}, "reason": "调整"},
        headers=as_(http, "admin"),
    )
    assert bad.status_code == 422 and bad.json()["detail"]["rule"] == "total"
    adopted = await http.post(
        f"/quotas/{pid}/county/apportionment/adoption",
        json={**body, "reason": "采纳测算"},
        headers=as_(http, "admin"),
    )
    assert adopted.status_code == 200 and sum(adopted.json()["totals"].values()) == 90
    r = await http.put(
        f"/quotas/{pid}/city",
        json={"totals": {"city": 1}, "reason": "通知：市级9个，本测试1个"},
        headers=as_(http, "admin"),
    )
    assert r.status_code == 200, r.text

    now = datetime.now(TZ)
    plan = {
        "round_id": unique("r"),
        "name": "2026年度市级评定",
        "level": "city",
        "period_id": pid,
        "opens_at": (now - timedelta(hours=2)).isoformat(),
        "closes_at": (now - timedelta(hours=1)).isoformat(),
        "weights": {"written": 0.6, "defence": 0.4},
        "panel": panel_of(http),
    }
    assert (
        await http.post(
            "/rounds",
            json={**plan, "weights": {"written": 0.6}},
            headers=as_(http, "reviewer"),
        )
    ).status_code == 422
    assert (await http.post("/rounds", json=plan, headers=as_(http, "bureau"))).status_code == 403
    created = await http.post("/rounds", json=plan, headers=as_(http, "reviewer"))
    assert created.status_code == 201, created.text
    rid = plan["round_id"]
    await eventually(
        lambda: http.get(f"/rounds/{rid}", headers=as_(http, "supervisor")),
        lambda r: r.json()["phase"] == "reviewing",
    )

    handles = []
    for name in ("甲", "乙"):
        decl = declaration(Level.city, name=f"{name}零工市场", code=credit_code())
        decl.round_id = rid
        h = await start(http.worker.client, http.worker.task_queue, decl)
        await opinions_given(h)
        await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "县级审核通过"))
        handles.append(h)
    ids = [h.id.removeprefix("application-") for h in handles]
    refused = await http.post(
        f"/applications/{ids[0]}/scores",
        json={"opinion": "好", "written": 90, "defence": 90},
        headers=as_(http, "bureau"),
    )
    assert refused.status_code == 403
    defence = {"defence_on": "2026-03-02", "defence_place": "市人社局三楼会议室"}
    for member in ("reviewer", "drc"):
        ok = await http.post(
            f"/applications/{ids[0]}/scores",
            json={"opinion": "好", "written": 90, "defence": 90, **defence},
            headers=as_(http, member),
        )
        assert ok.status_code == 200, ok.text
    assert (await http.get(f"/rounds/{rid}/ranking", headers=as_(http, "department"))).status_code == 403
    for member, marks in (("civil", (90, 90)), ("reviewer", (70, 80)), ("drc", (75, 80)), ("civil", (65, 80))):
        ok = await http.post(
            f"/applications/{ids[0 if member == 'civil' and marks[0] == 90 else 1]}/scores",
            json={"opinion": "一般", "written": marks[0], "defence": marks[1], **defence},
            headers=as_(http, member),
        )
        assert ok.status_code == 200, ok.text
    # The last member's sheet completes the scores: the round selects by itself.
    table = (
        await eventually(
            lambda: http.get(f"/rounds/{rid}/ranking", headers=as_(http, "supervisor")),
            lambda r: r.json()["final"],
        )
    ).json()
    assert [row["application_id"] for row in table["rows"]] == ids and [row["chosen"] for row in table["rows"]] == [
        True,
        False,
    ]
    assert table["rows"][0]["weighted_score"] == 90 and table["rows"][1]["weighted_score"] == 74
    states = [(await h.query(ApplicationWorkflow.view, ViewRequest())).state.value for h in handles]
    assert states == ["publicized", "rejected"]
    usage = (await http.get(f"/quotas/{pid}/city", headers=as_(http, "supervisor"))).json()
    assert usage["used"] == {"city": 1} and usage["remaining"] == {"city": 0}
    again = await http.post(
        f"/rounds/{rid}/review-closure",
        json={"reason": "再次结束"},
        headers=as_(http, "reviewer"),
    )
    assert again.status_code == 409


async def test_import_endpoint_refuses_a_bad_file_with_line_numbers(http):
    csv = (
        "institution_name,type,county,credit_code,level,document_no,date,plaque_no\n"
        f"甲,gig_market,兰山区,{credit_code()},county,兰人社发〔2022〕1号,2022-12-15,\n"
        "乙,gig_market,兰山区,123,county,兰人社发〔2022〕1号,2022-12-15,\n"
    )
    assert (
        await http.post(
            "/historic-titles/import",
            content=csv.encode(),
            headers=as_(http, "reviewer"),
        )
    ).status_code == 403
    r = await http.post(
        "/historic-titles/import",
        content=csv.encode(),
        headers={**as_(http, "admin"), "Content-Type": "text/csv"},
    )
    assert r.status_code == 422 and r.json()["detail"]["errors"][0]["line"] == 3
    good = csv.rsplit("\n", 2)[0] + "\n"
    r = await http.post(
        "/historic-titles/import",
        content=good.encode(),
        headers={**as_(http, "admin"), "Content-Type": "text/csv"},
    )
    assert r.status_code == 200 and r.json()["written"] == 1


async def _period(http) -> str:
    pid = unique("p")
    body = {"name": "十五五", "start_year": 2026, "end_year": 2030, "reason": "市政府规划"}
    assert (await http.put(f"/periods/{pid}", json=body, headers=as_(http, "admin"))).status_code == 200
    return pid


def _raw(http, who: str) -> dict[str, str]:
    return {**as_(http, who), "Content-Type": "application/json"}


async def test_numbers_and_dates_out_of_bounds_are_refused_with_422_naming_the_field(http):
    """Before: a total of 10^30 or a window opening in year 1 was accepted and its activity retried for ever;
    NaN or Infinity (which Python's JSON parser reads) in weights or apportionment figures answered 500."""
    pid = await _period(http)
    for totals in ({"兰山区": 10**30}, {"兰山区": 10_001}, {"兰山区": -1}):
        r = await http.put(
            f"/quotas/{pid}/county", json={"totals": totals, "reason": "越界"}, headers=as_(http, "admin")
        )
        assert r.status_code == 422, r.text
        assert r.json()["detail"]["field"] == "totals.兰山区"
    ok = await http.put(
        f"/quotas/{pid}/county", json={"totals": {"兰山区": 10_000}, "reason": "上限"}, headers=as_(http, "admin")
    )
    assert ok.status_code == 200, ok.text

    figures = ",".join(
        f'{{"county": "{c}", "population": {"Infinity" if i == 0 else 100}, "performance": 10}}'
        for i, c in enumerate(COUNTIES)
    )
    for weights in (
        '"weight_population": NaN, "weight_performance": 0.5',
        '"weight_population": 0.5, "weight_performance": 0.5',
    ):
        body = f'{{"total": 90, {weights}, "counties": [{figures}]}}'
        r = await http.post(f"/quotas/{pid}/county/apportionment", content=body, headers=_raw(http, "admin"))
        assert r.status_code == 422, r.text
        assert r.json()["detail"]["rule"] == "finite_number" and "有限" in r.json()["detail"]["message"]

    now = datetime.now(TZ)
    plan = {
        "round_id": unique("r"),
        "name": "越界批次",
        "level": "city",
        "period_id": pid,
        "opens_at": now.isoformat(),
        "closes_at": (now + timedelta(days=30)).isoformat(),
        "weights": {"written": 1.0},
    }
    for change, field in (
        ({"opens_at": "0001-01-01T00:00:00+08:00"}, "opens_at"),
        ({"closes_at": "2101-01-01T00:00:00+08:00"}, "closes_at"),
    ):
        r = await http.post("/rounds", json={**plan, **change}, headers=as_(http, "reviewer"))
        assert r.status_code == 422, r.text
        assert (r.json()["detail"]["field"], r.json()["detail"]["rule"]) == (field, "date_out_of_range")
        assert "2000" in r.json()["detail"]["message"]
    for weight in ("NaN", "Infinity", "-Infinity"):
        body = json.dumps({**plan, "weights": {}})[:-1].replace('"weights": {}', f'"weights": {{"written": {weight}}}')
        r = await http.post("/rounds", content=body + "}", headers=_raw(http, "reviewer"))
        assert r.status_code == 422, r.text
        assert r.json()["detail"]["rule"] == "finite_number"


async def test_a_county_caller_neither_learns_of_another_countys_round_nor_its_quota(http):
    """Closing another county's round answered 403 naming the owner; a county's bureau saw every county's quota
    usage. Now the round is 404 as it is everywhere else for them, and the usage is their own county's alone."""
    pid = await _period(http)
    totals = {"兰山区": 4, "罗庄区": 3}
    r = await http.put(f"/quotas/{pid}/county", json={"totals": totals, "reason": "分配"}, headers=as_(http, "admin"))
    assert r.status_code == 200, r.text
    mine = (await http.get(f"/quotas/{pid}/county", headers=as_(http, "bureau"))).json()
    assert (mine["totals"], set(mine["used"]), set(mine["remaining"])) == ({"兰山区": 4}, {"兰山区"}, {"兰山区"})
    assert (await http.get(f"/quotas/{pid}/county", headers=as_(http, "supervisor"))).json()["totals"] == totals

    now = datetime.now(TZ)
    plan = {
        "round_id": unique("r"),
        "name": "兰山区县级评定",
        "level": "county",
        "period_id": pid,
        "opens_at": (now - timedelta(hours=2)).isoformat(),
        "closes_at": (now - timedelta(hours=1)).isoformat(),
        "weights": {"written": 1.0},
        "panel": panel_of(http, "county"),
    }
    assert (await http.post("/rounds", json=plan, headers=as_(http, "bureau"))).status_code == 201
    closure = {"reason": "结束评审"}
    r = await http.post(f"/rounds/{plan['round_id']}/review-closure", json=closure, headers=as_(http, "other_bureau"))
    assert r.status_code == 404 and "兰山区" not in r.text, r.text

    def not_found(round_id: str) -> dict[str, object]:
        said = ROUND_NOT_FOUND.say(round_id=round_id)
        return {"detail": {"message": said, "rule": "round_not_found", "round_id": round_id}}

    assert r.json() == not_found(plan["round_id"])  # as for an unknown round
    unknown = unique("nosuch")
    r = await http.post(f"/rounds/{unknown}/review-closure", json=closure, headers=as_(http, "other_bureau"))
    assert r.json() == not_found(unknown)
