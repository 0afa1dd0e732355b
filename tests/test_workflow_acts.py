"""ApplicationWorkflow on the dev server: refusals, objections, co-signatures, withdrawal and the revocation cascade."""

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlmodel import select
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from contracts.application import (
    AwardAct,
    CoSignAct,
    FindingAct,
    ObjectionAct,
    PublicizeAct,
    ReviewAct,
    RevokeAct,
    ScoreAct,
    ViewRequest,
    WithdrawAct,
)
from db import models
from db.schema import upgrade
from db.session import session_for
from state.calendar import TZ
from state.domain import Act, Department, Level, RevocationReason, Stage
from tests.conftest import RunningWorker, pass_notice, settings_for, unique
from tests.factory import (
    OTHER_COUNTY,
    bureau,
    credit_code,
    declaration,
    department,
    inspector,
    opinions_given,
    reviewer,
    selected,
    start,
)
from workflows.application import ApplicationWorkflow


@pytest.fixture
async def worker(dev_env, sqlite_url):
    settings = settings_for(sqlite_url, unique("q"))
    async with RunningWorker(dev_env.client, settings) as w:
        yield w


@pytest.fixture
async def late_worker(skip_env, tmp_path):
    """On the time-skipping server (a read model of its own): for tests past the notice (``pass_notice``)."""
    url = f"sqlite:///{tmp_path / 'late.db'}"
    upgrade(url)
    async with RunningWorker(skip_env.client, settings_for(url, unique("q"))) as w:
        yield w


async def view(h: WorkflowHandle):
    return await h.query(ApplicationWorkflow.view, ViewRequest())


async def refused(call) -> ApplicationError:
    with pytest.raises(WorkflowUpdateFailedError) as e:
        await call
    assert isinstance(e.value.cause, ApplicationError)
    return e.value.cause


async def until(h: WorkflowHandle, predicate, seconds: float = 20):
    for _ in range(int(seconds * 20)):
        v = await view(h)
        if predicate(v):
            return v
        await asyncio.sleep(0.05)
    raise AssertionError(f"condition not reached; state {(await view(h)).state}")


async def to_publicized(h, level=Level.city, published_on=None, county="兰山区"):
    await opinions_given(h, county)
    await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(county), True, "同意"))
    owner = reviewer() if level == Level.city else bureau(county)
    if level == Level.city:
        await h.execute_update(ApplicationWorkflow.city_review, selected("择优"))
    await h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(owner, published_on))
    return owner


async def to_awarded(env, h, level=Level.city, county="兰山区"):
    owner = await to_publicized(h, level, county=county)
    await pass_notice(env, h)
    signer_county = None if level == Level.city else county
    for d in Department:
        await h.execute_update(ApplicationWorkflow.co_sign, CoSignAct(department(d, signer_county), "联合发文1号"))
    await h.execute_update(ApplicationWorkflow.award, AwardAct(owner, "P-1", (await view(h)).announced_on))


async def test_a_city_level_candidate_passes_only_as_its_rounds_selection(worker, dev_env):
    decl = declaration(Level.city)
    h = await start(dev_env.client, worker.settings.task_queue, decl)
    await opinions_given(h)
    await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "同意"))
    before = len((await h.fetch_history()).events)
    for alone in (ReviewAct(reviewer(), True, "综合评分第一"), selected("另一批次择优", round_id="R-another")):
        err = await refused(h.execute_update(ApplicationWorkflow.city_review, alone))
        assert err.type == "ActNotAllowed" and err.details[0]["rule"] == "act_not_allowed"
        assert err.details[0]["guard"] == "selected_in_round" and "择优确定" in err.message
        assert "city_review_pass" not in err.details[0]["allowed_acts"]
    assert len((await h.fetch_history()).events) == before  # refused in the validator: nothing in the history
    view = await h.query(ApplicationWorkflow.view, ViewRequest())
    assert Act.city_review_fail in view.allowed_acts and Act.city_review_pass not in view.allowed_acts
    r = await h.execute_update(ApplicationWorkflow.city_review, selected("批次择优第1名"))
    assert r.state == Stage.city_reviewed
    passed = (await h.query(ApplicationWorkflow.view, ViewRequest())).acts[-1]
    assert passed.act == Act.city_review_pass and passed.details["round_id"] == decl.round_id


async def test_refused_acts_leave_no_trace(worker, dev_env):
    h = await start(dev_env.client, worker.settings.task_queue, declaration(Level.county))
    await opinions_given(h)
    await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "同意"))
    before = len((await h.fetch_history()).events)
    err = await refused(h.execute_update(ApplicationWorkflow.city_review, ReviewAct(reviewer(), True, "x")))
    assert err.type == "ActNotAllowed"
    assert err.details[0]["rule"] == "act_not_allowed" and err.details[0]["state"] == "county_reviewed"
    assert (
        err.message.startswith("当前状态为“县级审核通过”，不能办理“市级评审通过”") and "发布公示、撤回" in err.message
    )
    assert err.details[0]["allowed_acts"] == ["publicize", "withdraw"]
    err = await refused(h.execute_update(ApplicationWorkflow.withdraw, WithdrawAct(bureau(OTHER_COUNTY), "撤回")))
    assert err.type == "Forbidden" and err.details[0]["rule"] == "act_for_county" and OTHER_COUNTY in err.message
    err = await refused(h.execute_update(ApplicationWorkflow.withdraw, WithdrawAct(bureau(), "  ")))
    assert err.type == "InvalidInput" and err.details[0]["field"] == "reason"
    assert err.details[0]["rule"] == "act_text_required" and err.message == "请填写理由，不能为空"
    future = datetime.now(TZ).date() + timedelta(days=3)
    err = await refused(h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(bureau(), future)))
    assert err.type == "InvalidInput" and err.details[0]["rule"] == "notice_not_in_future" and "晚于今天" in err.message
    before_review = datetime.now(TZ).date() - timedelta(days=1)
    for page in ("", "https://hrss.example.gov.cn/gs/1.html"):  # recorded late or not: never before the review
        err = await refused(
            h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(bureau(), before_review, "", page))
        )
        assert err.details[0]["rule"] == "notice_not_before_review" and err.details[0]["field"] == "published_on"
    assert len((await h.fetch_history()).events) == before
    v = await view(h)
    moves = [a.act for a in v.acts if a.act != Act.department_opinion]  # the two opinions (会商) are remarks
    assert v.state == Stage.county_reviewed and moves == [Act.declare, Act.county_review_pass]


async def test_every_act_records_who_role_when_why(worker, dev_env):
    h = await start(dev_env.client, worker.settings.task_queue, declaration(Level.city))
    await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), False, "场所面积不足"))
    outcome = await h.result()
    assert outcome.state == Stage.rejected
    last = outcome.acts[-1]
    assert (last.act, last.actor.role.value, last.actor.county, last.reason) == (
        Act.county_review_fail,
        "county_bureau",
        "兰山区",
        "场所面积不足",
    )
    assert last.at.tzinfo is not None and last.state_after == Stage.rejected


async def test_objection_dismissed_then_upheld(worker, dev_env):
    h = await start(dev_env.client, worker.settings.task_queue, declaration(Level.city))
    today = datetime.now(TZ).date()
    owner = await to_publicized(h, published_on=today)
    r = await h.execute_update(ApplicationWorkflow.lodge_objection, ObjectionAct("张三", "13800000000", "场所面积不实"))
    first = r.objection_id
    assert first and Act.dismiss_objection in r.allowed_acts
    err = await refused(h.execute_update(ApplicationWorkflow.record_finding, FindingAct(bureau(), first, True, "x")))
    assert err.type == "Forbidden"  # a city-level finding is the city's
    err = await refused(h.execute_update(ApplicationWorkflow.record_finding, FindingAct(owner, "nope", True, "x")))
    assert err.type == "NotFound" and err.details[0]["rule"] == "objection_not_found" and "nope" not in err.message
    r = await h.execute_update(ApplicationWorkflow.record_finding, FindingAct(owner, first, False, "经核查面积属实"))
    assert r.state == Stage.publicized  # dismissed: the notice goes on
    err = await refused(h.execute_update(ApplicationWorkflow.record_finding, FindingAct(owner, first, True, "again")))
    assert err.type == "ActNotAllowed" and err.details[0]["rule"] == "objection_already_found"
    assert err.message == "该异议已有调查核实结论（不属实）" and err.details[0]["objection_id"] == first
    r = await h.execute_update(ApplicationWorkflow.lodge_objection, ObjectionAct("李四", "13900000000", "存在违规收费"))
    r = await h.execute_update(
        ApplicationWorkflow.record_finding, FindingAct(owner, r.objection_id, True, "查实违规收费")
    )
    assert r.state == Stage.rejected
    outcome = await h.result()
    assert outcome.acts[-1].reason == "查实违规收费" and outcome.acts[-1].act == Act.uphold_objection
    with session_for(worker.settings.database_url) as s:
        rows = s.exec(select(models.Objection).where(models.Objection.application_id == outcome.application_id)).all()
    assert sorted((o.id.rsplit("-", 1)[1], o.upheld) for o in rows) == [("O1", False), ("O2", True)]


async def test_late_objection_is_refused_with_the_window_end(late_worker, skip_env):
    worker = late_worker
    h = await start(skip_env.client, worker.settings.task_queue, declaration(Level.city))
    await to_publicized(h)
    await pass_notice(skip_env, h)
    err = await refused(
        h.execute_update(ApplicationWorkflow.lodge_objection, ObjectionAct("王五", "13700000000", "迟到"))
    )
    ends = (await view(h)).notice.ends_at.astimezone(TZ)
    assert err.type == "ActNotAllowed" and err.details[0]["rule"] == "notice_period_ended"
    assert err.details[0]["notice_ends_at"] == ends.isoformat() and f"{ends:%Y年%m月%d日}" in err.message


async def test_co_sign_refuses_duplicates_other_documents_and_wrong_level(late_worker, skip_env):
    worker = late_worker
    h = await start(skip_env.client, worker.settings.task_queue, declaration(Level.city))
    await to_publicized(h)
    await pass_notice(skip_env, h)
    await h.execute_update(ApplicationWorkflow.co_sign, CoSignAct(department(Department.drc), "临人社发〔2026〕9号"))
    err = await refused(
        h.execute_update(ApplicationWorkflow.co_sign, CoSignAct(department(Department.drc), "临人社发〔2026〕9号"))
    )
    assert err.type == "ActNotAllowed" and err.details[0]["guard"] == "department_not_yet_signed"
    assert "每个部门只会签一次" in err.message
    err = await refused(h.execute_update(ApplicationWorkflow.co_sign, CoSignAct(department(Department.hrss), "另一号")))
    assert err.type == "InvalidInput" and "临人社发〔2026〕9号" in err.message
    assert err.details[0]["rule"] == "co_sign_one_document" and "发展改革委会签的文号" in err.message
    err = await refused(
        h.execute_update(
            ApplicationWorkflow.co_sign, CoSignAct(department(Department.hrss, "兰山区"), "临人社发〔2026〕9号")
        )
    )
    assert err.type == "Forbidden" and err.details[0]["rule"] == "co_sign_level"
    assert err.message == "市级申请的公布文件由市的三个部门会签"
    v = await view(h)
    assert [s.department for s in v.signatures] == [Department.drc] and v.state == Stage.publicized


async def test_award_checks_its_date(late_worker, skip_env):
    worker = late_worker
    h = await start(skip_env.client, worker.settings.task_queue, declaration(Level.city))
    await to_publicized(h)
    await pass_notice(skip_env, h)
    for d in Department:
        await h.execute_update(ApplicationWorkflow.co_sign, CoSignAct(department(d), "临人社发〔2026〕9号"))
    v = await view(h)
    assert v.state == Stage.announced and v.announcement_doc_no == "临人社发〔2026〕9号"
    err = await refused(
        h.execute_update(ApplicationWorkflow.award, AwardAct(reviewer(), "P", v.announced_on - timedelta(days=1)))
    )
    assert err.type == "InvalidInput" and err.details[0]["field"] == "awarded_on"
    assert err.details[0]["rule"] == "award_before_announcement" and f"早于公布日期{v.announced_on}" in err.message
    later = v.announced_on + timedelta(days=400)
    err = await refused(h.execute_update(ApplicationWorkflow.award, AwardAct(reviewer(), "P", later)))
    assert err.details[0]["rule"] == "award_not_in_future" and f"授牌日期{later}晚于今天" in err.message
    err = await refused(h.execute_update(ApplicationWorkflow.award, AwardAct(reviewer(), "", v.announced_on)))
    assert err.details[0]["field"] == "plaque_no" and err.message == "请填写奖牌编号，不能为空"


async def test_withdrawal_ends_the_application(worker, dev_env):
    h = await start(dev_env.client, worker.settings.task_queue, declaration(Level.city))
    await h.execute_update(ApplicationWorkflow.withdraw, WithdrawAct(bureau(), "机构主动撤回"))
    assert (await h.result()).state == Stage.withdrawn


async def test_revocation_signal_out_of_state_changes_nothing(worker, dev_env):
    h = await start(dev_env.client, worker.settings.task_queue, declaration(Level.city))
    await h.signal(ApplicationWorkflow.revoke, RevokeAct(inspector(), RevocationReason.violation, "证据"))
    await opinions_given(h)
    r = await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "同意"))
    assert r.state == Stage.county_reviewed
    acts = [a.act for a in (await view(h)).acts]
    assert acts == [Act.declare, Act.department_opinion, Act.department_opinion, Act.county_review_pass]


async def test_county_title_revocation_flags_the_city_application(late_worker, skip_env):
    worker = late_worker
    code = credit_code()
    county_app = declaration(Level.county, code=code)
    city_app = declaration(Level.city, code=code)
    hc = await start(skip_env.client, worker.settings.task_queue, county_app)
    await to_awarded(skip_env, hc, Level.county)
    hy = await start(skip_env.client, worker.settings.task_queue, city_app)
    await opinions_given(hy)
    await hy.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "同意"))
    await hc.signal(
        ApplicationWorkflow.revoke, RevokeAct(inspector(), RevocationReason.false_materials, "申报材料虚假")
    )
    assert (await hc.result()).state == Stage.revoked
    v = await until(hy, lambda v: v.flags)
    assert "申报材料虚假" in v.flags[0] and v.state == Stage.county_reviewed
    assert v.acts[-1].act == Act.flag
    # The ground said in Chinese, no enum value and no id in the words; the source kept in the act's details.
    assert v.flags[0] == "县级标杆称号已撤销（申报材料虚假失实）：申报材料虚假" == v.acts[-1].reason
    assert v.acts[-1].details == {"source_application_id": county_app.application_id, "ground": "false_materials"}
    with session_for(worker.settings.database_url) as s:
        row = s.get(models.Application, city_app.application_id)
        recall = s.exec(
            select(models.Notification).where(models.Notification.application_id == county_app.application_id)
        ).all()
    assert row.flagged
    assert any("收回奖牌" in n.subject for n in recall)


async def test_search_attributes_follow_the_stage(worker, dev_env):
    decl = declaration(Level.county, county=OTHER_COUNTY)
    h = await start(dev_env.client, worker.settings.task_queue, decl)
    await opinions_given(h, OTHER_COUNTY)
    await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(OTHER_COUNTY), True, "同意"))
    query = f"Stage='county_reviewed' AND County='{OTHER_COUNTY}' AND WorkflowId='{h.id}'"
    for _ in range(100):  # visibility is eventually consistent
        found = [w.id async for w in dev_env.client.list_workflows(query)]
        if found:
            break
        await asyncio.sleep(0.1)
    assert found == [h.id]


async def test_reviewers_score_once_each_within_range(worker, dev_env):
    h = await start(dev_env.client, worker.settings.task_queue, declaration(Level.city))
    err = await refused(h.execute_update(ApplicationWorkflow.score, ScoreAct(reviewer(), "早了", written=80)))
    assert err.type == "ActNotAllowed"  # city-level scoring follows the county review
    await opinions_given(h)
    await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "同意"))
    r = await h.execute_update(ApplicationWorkflow.score, ScoreAct(reviewer(), "材料扎实", written=88.5, defence=90))
    assert r.state == Stage.county_reviewed
    err = await refused(h.execute_update(ApplicationWorkflow.score, ScoreAct(reviewer(), "再评", written=70)))
    assert (
        err.type == "ActNotAllowed" and err.details[0]["rule"] == "already_scored" and "已对本申请评过分" in err.message
    )
    other = reviewer().__class__(user_id="reviewer-2", name="评审员二", role=reviewer().role)
    err = await refused(h.execute_update(ApplicationWorkflow.score, ScoreAct(other, "超范围", written=101)))
    assert err.type == "InvalidInput" and err.details[0]["field"] == "written"
    assert err.details[0]["rule"] == "score_range" and err.message == "书面评审评分须在0到100分之间，填写的是101"
    err = await refused(h.execute_update(ApplicationWorkflow.score, ScoreAct(other, "未评", written=None)))
    assert err.details[0]["rule"] == "score_missing" and err.details[0]["field"] == "written"
    err = await refused(h.execute_update(ApplicationWorkflow.score, ScoreAct(bureau(), "县里不评分", written=60)))
    assert err.type == "Forbidden" and err.details[0]["rule"] == "act_for_role"
    assert err.message == "市级申请的“评分”由市人社局评审办理，当前账号为县区人社局"
    v = await view(h)
    assert [(s.reviewer.user_id, s.written, s.defence, s.field_inspection) for s in v.scores] == [
        ("reviewer-1", 88.5, 90, None)
    ]
    assert v.acts[-1].act == Act.score and v.acts[-1].details == {"written": "88.5", "defence": "90"}


async def test_pending_objections_are_capped_per_contact(worker, dev_env):
    h = await start(dev_env.client, worker.settings.task_queue, declaration(Level.county))
    owner = await to_publicized(h, Level.county)
    first = None
    for n in (1, 2):
        r = await h.execute_update(ApplicationWorkflow.lodge_objection, ObjectionAct("张三", "13800000000", f"异议{n}"))
        first = first or r.objection_id
    before = len((await h.fetch_history()).events)
    err = await refused(
        h.execute_update(ApplicationWorkflow.lodge_objection, ObjectionAct("张三", " 13800000000 ", "异议3"))
    )
    assert err.type == "ActNotAllowed" and err.details[0]["rule"] == "objections_pending_per_contact"
    assert "待调查核实" in err.message
    assert len((await h.fetch_history()).events) == before  # refused in the validator: nothing in the history
    await h.execute_update(ApplicationWorkflow.lodge_objection, ObjectionAct("李四", "13900000000", "另一人的异议"))
    await h.execute_update(ApplicationWorkflow.record_finding, FindingAct(owner, first, False, "经核查不属实"))
    r = await h.execute_update(ApplicationWorkflow.lodge_objection, ObjectionAct("张三", "13800000000", "异议3"))
    assert r.objection_id  # one of theirs heard: room for another
