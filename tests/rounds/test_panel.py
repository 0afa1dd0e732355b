"""The review panel (评审组) over HTTP: who may sit on it, recusals (回避), a review that closes by itself when every
member who has not recused has scored, an early closure naming the missing scores (缺评), candidates under the
minimum of scores, and the 评审汇总表."""

import io
from datetime import datetime, timedelta

import pdfplumber
import pytest
from sqlmodel import Session
from temporalio.client import WorkflowUpdateFailedError

from contracts.application import ReviewAct, ViewRequest
from contracts.refusals import details_of
from contracts.rounds import RecuseAct
from db import models
from db.queries.tasks import owed as owed_count
from db.session import get_engine
from services.identity.users import disable_user
from state.calendar import TZ
from state.domain import Actor, Department, Level, Role
from tests.conftest import unique
from tests.factory import bureau, credit_code, declaration, opinions_given, start
from tests.rounds.conftest import as_, eventually, panel_of
from workflows.application import ApplicationWorkflow
from workflows.round import RoundWorkflow, round_workflow_id

WEIGHTS = {"written": 0.5, "defence": 0.3, "field_inspection": 0.2}
OCCASION = {
    "defence_on": "2026-03-02",
    "defence_place": "市人社局三楼会议室",
    "inspected_on": "2026-03-05",
    "inspected_place": "机构服务大厅",
}


async def _round(http, quota: int, **plan_changes) -> dict:
    pid = unique("p")
    body = {"name": "十五五", "start_year": 2026, "end_year": 2030, "reason": "市政府规划"}
    assert (await http.put(f"/periods/{pid}", json=body, headers=as_(http, "admin"))).status_code == 200
    quota_body = {"totals": {"city": quota}, "reason": "测试名额"}
    assert (await http.put(f"/quotas/{pid}/city", json=quota_body, headers=as_(http, "admin"))).status_code == 200
    now = datetime.now(TZ)
    return {
        "round_id": unique("r"),
        "name": "市级评定",
        "level": "city",
        "period_id": pid,
        "opens_at": (now - timedelta(hours=2)).isoformat(),
        "closes_at": (now - timedelta(hours=1)).isoformat(),
        "weights": WEIGHTS,
        "panel": panel_of(http),
        **plan_changes,
    }


async def _open(http, plan: dict, names: list[str]) -> list:
    created = await http.post("/rounds", json=plan, headers=as_(http, "reviewer"))
    assert created.status_code == 201, created.text
    rid = plan["round_id"]
    await eventually(
        lambda: http.get(f"/rounds/{rid}", headers=as_(http, "supervisor")),
        lambda r: r.json()["phase"] == "reviewing",
    )
    handles = []
    for name in names:
        decl = declaration(Level.city, name=f"{name}零工市场", code=credit_code())
        decl.round_id = rid
        h = await start(http.worker.client, http.worker.task_queue, decl)
        await opinions_given(h, decl.county)
        await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "县级审核通过"))
        handles.append(h)
    return handles


def civil_actor(http) -> Actor:
    return Actor(http.ids["civil"], "赵民政", Role.department, department=Department.civil_affairs)


def _id(h) -> str:
    return h.id.removeprefix("application-")


async def _score(http, who: str, h, mark: float, **changes):
    body = {"opinion": "评审意见", "written": mark, "defence": mark, "field_inspection": mark, **OCCASION, **changes}
    return await http.post(f"/applications/{_id(h)}/scores", json=body, headers=as_(http, who))


async def owed(http, who: str) -> set[str]:
    """The candidates ``who``'s to-do list (待办) says they owe a score."""
    answer = await http.get("/tasks", headers=as_(http, who))
    assert answer.status_code == 200, answer.text
    return {t["application_id"] for t in answer.json() if t["act"] == "score"}


def _refused(r, status: int, rule: str) -> dict:
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert detail["rule"] == rule, detail
    return detail


async def test_a_panel_must_have_its_minimum_and_its_departments_and_only_members_who_may_review(http):
    plan = await _round(http, 1)
    city = panel_of(http)
    cases = [
        ([], 3, "panel_too_small"),
        (city, 4, "panel_too_small"),
        ([*city, "no-such-user"], 3, "panel_member_unknown"),
        ([*city, http.ids["bureau"]], 3, "panel_member_role"),  # a county's account on a city panel
        ([*city, http.ids["department"]], 3, "panel_member_role"),  # HRSS as a department: not the panel's
        ([*city, http.ids["county_drc"]], 3, "panel_member_role"),
        ([*city, city[0]], 3, "panel_member_twice"),
        ([http.ids["reviewer"], http.ids["reviewer_2"], http.ids["drc"]], 3, "panel_needs_departments"),
        ([http.ids["drc"], http.ids["civil"], http.ids["county_drc"]], 3, "panel_member_role"),
        ([http.ids["drc"], http.ids["civil"], http.ids["drc_2"]], 3, "panel_needs_bureau"),
    ]
    for members, minimum, rule in cases:
        r = await http.post(
            "/rounds", json={**plan, "panel": members, "panel_min": minimum}, headers=as_(http, "reviewer")
        )
        detail = _refused(r, 422, rule)
        assert detail["field"] == "panel" and detail["message"].isascii() is False, detail
    disable_user(http.db, http.ids["reviewer_2"])
    r = await http.post(
        "/rounds", json={**plan, "panel": [*city, http.ids["reviewer_2"]]}, headers=as_(http, "reviewer")
    )
    assert "钱评审" in _refused(r, 422, "panel_member_inactive")["message"]
    # the county's own panel for its county round; the city's members are not its
    county = {**plan, "level": "county", "round_id": unique("r"), "panel": panel_of(http, "county")}
    r = await http.post("/rounds", json={**county, "panel": city}, headers=as_(http, "bureau"))
    _refused(r, 422, "panel_member_role")
    only_departments = [http.ids["county_drc"], http.ids["county_civil"], http.ids["county_drc"]]
    r = await http.post("/rounds", json={**county, "panel": only_departments}, headers=as_(http, "bureau"))
    _refused(r, 422, "panel_member_twice")
    assert (await http.post("/rounds", json=county, headers=as_(http, "bureau"))).status_code == 201


def test_a_panel_s_minimum_below_three_is_refused_by_the_plan_check():
    from tests.rounds.conftest import city_round
    from tests.rounds.test_selection import REVIEWER_2
    from workflows.round_rules import plan_problems

    now = datetime.now(TZ)
    plan = city_round("p", now, now + timedelta(hours=1))
    assert plan_problems(plan) == []
    plan.panel = [ReviewerMember(REVIEWER_2)]
    plan.panel_min = 2
    assert ("panel_min_too_low", "panel_min") in plan_problems(plan)


def ReviewerMember(actor):  # noqa: N802
    from contracts.rounds import PanelMember

    return PanelMember(actor.user_id, actor.name, actor.role)


async def test_a_recused_member_is_left_out_and_the_review_closes_by_itself_when_the_rest_have_scored(http):
    plan = await _round(http, 1)
    a, b = await _open(http, plan, ["甲", "乙"])
    rid = plan["round_id"]

    _refused(await _score(http, "reviewer_2", a, 90), 403, "not_on_panel")  # a city reviewer, not on this panel
    recusal = {"application_id": _id(a), "reason": "本人曾在该机构兼职"}
    _refused(
        await http.post(f"/rounds/{rid}/recusals", json=recusal, headers=as_(http, "reviewer_2")), 403, "not_on_panel"
    )
    r = await http.post(f"/rounds/{rid}/recusals", json=recusal, headers=as_(http, "drc"))
    assert r.status_code == 201, r.text
    assert [(x["member_name"], x["application_id"]) for x in r.json()["recusals"]] == [("李发改", _id(a))]
    _refused(await http.post(f"/rounds/{rid}/recusals", json=recusal, headers=as_(http, "drc")), 409, "recusal_twice")
    seen = (await http.get(f"/rounds/{rid}/panel", headers=as_(http, "civil"))).json()  # a member reads the panel
    assert [m["name"] for m in seen["members"]] == ["王评审", "李发改", "赵民政"] and len(seen["recusals"]) == 1
    assert (await http.get(f"/rounds/{rid}/panel", headers=as_(http, "department"))).status_code == 404  # off it
    _refused(await _score(http, "drc", a, 99), 409, "recused_no_score")
    assert await owed(http, "drc") == {_id(b)}  # 待办: what a member owes, not what they recused from
    assert await owed(http, "civil") == {_id(a), _id(b)}
    assert await owed(http, "reviewer_2") == set()  # a city reviewer off the panel owes nothing in this round
    drc = Actor(http.ids["drc"], "李发改", Role.department, department=Department.drc)
    with Session(get_engine(http.db)) as s:  # the header's count agrees with the list
        assert owed_count(s, drc, datetime.now(TZ)).count == 1
        assert owed_count(s, Actor(http.ids["reviewer_2"], "钱评审", Role.city_reviewer), datetime.now(TZ)).count == 0

    partial = await _score(http, "reviewer", a, 90, field_inspection=None)
    assert _refused(partial, 422, "score_every_method")["field"] == "field_inspection"
    _refused(await _score(http, "reviewer", a, 90, defence_place=""), 422, "score_occasion_required")
    _refused(await _score(http, "reviewer", a, 90, inspected_on=None), 422, "score_occasion_required")
    assert (await _score(http, "reviewer", a, 90)).status_code == 200
    mine = {"application_id": _id(a), "reason": "后来发现有亲属关系"}
    r = await http.post(f"/rounds/{rid}/recusals", json=mine, headers=as_(http, "reviewer"))
    _refused(r, 409, "recusal_after_score")  # a score given is not discarded by a later recusal
    other = {"application_id": "no-such-application", "reason": "无"}
    assert (await http.post(f"/rounds/{rid}/recusals", json=other, headers=as_(http, "civil"))).status_code == 404
    elsewhere = await start(http.worker.client, http.worker.task_queue, declaration(Level.city, code=credit_code()))
    other = {"application_id": _id(elsewhere), "reason": "无"}
    r = await http.post(f"/rounds/{rid}/recusals", json=other, headers=as_(http, "civil"))
    assert _refused(r, 422, "recusal_not_candidate")["field"] == "application_id"
    handle = http.worker.client.get_workflow_handle(round_workflow_id(rid))
    with pytest.raises(WorkflowUpdateFailedError) as blank:
        await handle.execute_update(RoundWorkflow.recuse, RecuseAct(civil_actor(http), _id(b), "  "))
    assert details_of(blank.value.cause)["rule"] == "recusal_reason"

    assert (await _score(http, "civil", a, 80)).status_code == 200  # a department member scores by the panel
    assert await owed(http, "civil") == {_id(b)} and await owed(http, "reviewer") == {_id(b)}
    assert (await _score(http, "reviewer", b, 84)).status_code == 200
    assert (await _score(http, "drc", b, 86)).status_code == 200
    owing = [("赵民政", _id(b))]
    table = (
        await eventually(
            lambda: http.get(f"/rounds/{rid}/ranking", headers=as_(http, "supervisor")),
            lambda r: [(m["member_name"], m["application_id"]) for m in r.json()["missing"]] == owing,
        )
    ).json()
    assert not table["final"] and [(m["member_name"], m["application_id"]) for m in table["missing"]] == owing
    assert (await _score(http, "civil", b, 85)).status_code == 200  # the last one owed: it closes by itself

    table = (
        await eventually(
            lambda: http.get(f"/rounds/{rid}/ranking", headers=as_(http, "supervisor")),
            lambda r: r.json()["final"],
        )
    ).json()
    rows = {row["application_id"]: row for row in table["rows"]}
    # 甲: two sheets (the recused member's left out), mean 85 on each method; 乙: three, mean 85
    assert rows[_id(a)]["means"] == {"written": 85.0, "defence": 85.0, "field_inspection": 85.0}
    assert (rows[_id(a)]["counted"], rows[_id(a)]["required"]) == (2, 2) and rows[_id(a)]["selectable"]
    assert (rows[_id(b)]["counted"], rows[_id(b)]["required"]) == (3, 3)
    assert set(rows[_id(a)]["marks"]) == {http.ids["reviewer"], http.ids["civil"]}
    # equal scores, no honours: the earlier declaration (甲) goes first
    assert [row["application_id"] for row in table["rows"]] == [_id(a), _id(b)]
    assert table["rows"][0]["tie_broken_by"] == "declaration" and table["missing"] == []
    assert [row["chosen"] for row in table["rows"]] == [True, False]
    note = (await b.query(ApplicationWorkflow.view, ViewRequest())).acts[-1].reason
    assert note.startswith("市级评定择优未入选：排名第2/2名，名额1名") and "rank" not in note, note

    pdf = await http.get(f"/rounds/{rid}/documents/review-summary.pdf", headers=as_(http, "drc"))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(pdf.content)) as doc:
        text = "".join(page.extract_text() or "" for page in doc.pages)
    for said in ("评审汇总表", "甲零工市场", "乙零工市场", "王评审", "李发改", "赵民政", "回避", "名额内", "名额外"):
        assert said in text, said
    assert "本人曾在该机构兼职" in text and _id(a) not in text
    with Session(get_engine(http.db)) as s:
        numbers = [s.get(models.Application, _id(h)).number for h in (a, b)]
    assert all(numbers) and all(n in text for n in numbers), numbers
    assert not any(c.isascii() and c.isalpha() for c in text), text
    r = await http.get(f"/rounds/{rid}/documents/review-summary.pdf", headers=as_(http, "other_bureau"))
    assert r.status_code == 404


async def test_an_early_closure_names_the_missing_scores_and_a_candidate_under_the_minimum_is_not_selected(http):
    plan = await _round(http, 2)
    a, b, c = await _open(http, plan, ["甲", "乙", "丙"])
    rid = plan["round_id"]
    for who in ("reviewer", "drc", "civil"):
        assert (await _score(http, who, a, 90)).status_code == 200
        assert (await _score(http, who, c, 70)).status_code == 200
    assert (await _score(http, "reviewer", b, 100)).status_code == 200  # one sheet of the three it needs
    r = await http.post(f"/rounds/{rid}/review-closure", json={"reason": "   "}, headers=as_(http, "reviewer"))
    assert r.status_code == 422
    r = await http.post(f"/rounds/{rid}/review-closure", json={"reason": "评审期限已到"}, headers=as_(http, "reviewer"))
    assert r.status_code == 200, r.text
    table = r.json()
    assert [row["application_id"] for row in table["rows"]] == [_id(a), _id(c), _id(b)]
    assert [row["chosen"] for row in table["rows"]] == [True, True, False]
    assert table["rows"][2]["weighted_score"] == 100 and not table["rows"][2]["selectable"]
    assert table["reason"] == "评审期限已到"
    missing = sorted((m["member_name"], m["institution_name"]) for m in table["missing"])
    assert missing == [("李发改", "乙零工市场"), ("赵民政", "乙零工市场")]
    note = (await b.query(ApplicationWorkflow.view, ViewRequest())).acts[-1].reason
    assert "评分不足，不予择优" in note and "缺评：李发改、赵民政" in note and "评审期限已到" in note, note
    states = [(await h.query(ApplicationWorkflow.view, ViewRequest())).state.value for h in (a, b, c)]
    assert states == ["publicized", "rejected", "publicized"]
    late = {"application_id": _id(b), "reason": "评审结束后才发现关联"}
    r = await http.post(f"/rounds/{rid}/recusals", json=late, headers=as_(http, "civil"))
    _refused(r, 409, "recusal_not_reviewing")
