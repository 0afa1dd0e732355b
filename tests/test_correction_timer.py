"""退回补正 on the time-skipping server: the declaring county is reminded before the deadline, and a declaration not
resubmitted by then is withdrawn by the system; one resubmitted in time is not. The deadline is in working days."""

import dataclasses
from datetime import date, timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from activities.corrections import CorrectionActivities
from config import CorrectionSettings
from contracts.application import ResubmitAct, ReviewAct
from contracts.corrections import CorrectionRequestAct, CorrectionWindowRequest
from state.calendar import TZ, WorkingDayCalendar
from state.domain import Act, Level, Role, Stage
from tests.conftest import RunningWorker, settings_for, unique
from tests.factory import bureau, credit_code, declaration, opinions_given, reviewer, start
from tests.test_notice_timer import settle, skip_to, view
from workflows.application import ApplicationWorkflow


def test_the_deadline_is_counted_in_working_days():
    """Returned on Friday 13 February 2026: Saturday 14 February is a make-up working day, 16-23 February are the
    Spring Festival holiday."""
    activity = CorrectionActivities(
        None, CorrectionSettings(correction_working_days=3, correction_reminder_working_days=1)
    )
    window = activity.compute_correction_window(CorrectionWindowRequest(returned_on=date(2026, 2, 13)))
    assert window.last_day == date(2026, 2, 25)  # 14 Feb (Sat), 24 Feb, 25 Feb
    assert window.ends_at.isoformat() == "2026-02-26T00:00:00+08:00"
    assert window.remind_at is not None and window.remind_at.isoformat() == "2026-02-24T09:00:00+08:00"
    assert window.confirmed
    calendar = WorkingDayCalendar()
    assert calendar.working_days_between(date(2026, 2, 13), window.last_day) == 3
    none = CorrectionActivities(None, CorrectionSettings(correction_working_days=1, correction_reminder_working_days=1))
    assert none.compute_correction_window(CorrectionWindowRequest(returned_on=date(2026, 2, 13))).remind_at is None


async def test_a_returned_declaration_is_reminded_then_withdrawn(skip_env, sqlite_url):
    settings = settings_for(sqlite_url, unique("corr"))
    async with RunningWorker(skip_env.client, settings):
        h = await start(skip_env.client, settings.task_queue, declaration(Level.county))
        await h.execute_update(
            ApplicationWorkflow.request_correction, CorrectionRequestAct(bureau(), "材料不全", ["premises_photos"])
        )
        window = (await view(h)).correction.window
        assert window.remind_at is not None and window.remind_at < window.ends_at
        await skip_to(skip_env, window.remind_at + timedelta(minutes=1))
        v = await settle(h, lambda v: v.acts[-1].act == Act.correction_reminder)
        assert v.acts[-1].act == Act.correction_reminder and v.state == Stage.returned
        assert v.acts[-1].actor.role == Role.system and v.acts[-1].details["deadline"] == window.ends_at.isoformat()
        await skip_to(skip_env, window.ends_at + timedelta(minutes=1))
        v = await settle(h, lambda v: v.state == Stage.withdrawn)
        assert v.state == Stage.withdrawn
        lapse = v.acts[-1]
        assert lapse.act == Act.lapse_correction and lapse.actor.role == Role.system and lapse.at >= window.ends_at
        assert "视为撤回" in lapse.reason


async def test_a_declaration_resubmitted_in_time_is_not_withdrawn(skip_env, sqlite_url):
    settings = settings_for(sqlite_url, unique("corr"))
    async with RunningWorker(skip_env.client, settings):
        decl = declaration(Level.city)
        h = await start(skip_env.client, settings.task_queue, decl)
        await opinions_given(h)
        await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "同意"))
        await h.execute_update(
            ApplicationWorkflow.request_correction, CorrectionRequestAct(reviewer(), "请补充县级评定文件", [])
        )
        window = (await view(h)).correction.window
        other = dataclasses.replace(decl.institution, credit_code=credit_code())
        err = await refused(h.execute_update(ApplicationWorkflow.resubmit, ResubmitAct(bureau(), "换机构", other)))
        assert err.details[0]["rule"] == "identity_changed" and err.details[0]["field"] == "institution.credit_code"
        assert err.message == "补正不能更换申报机构：统一社会信用代码不能修改"
        bad_phone = dataclasses.replace(decl.institution, phone="12345")
        err = await refused(h.execute_update(ApplicationWorkflow.resubmit, ResubmitAct(bureau(), "改电话", bad_phone)))
        assert err.details[0]["rule"] == "declaration_invalid" and err.message.startswith("申报信息有1处不符合要求：")
        assert [p["field"] for p in err.details[0]["problems"]] == ["institution.phone"]
        amended = decl.institution
        amended.staff_count = 9
        result = await h.execute_update(ApplicationWorkflow.resubmit, ResubmitAct(bureau(), "已补充", amended))
        assert result.state == Stage.county_reviewed
        await skip_to(skip_env, window.ends_at + timedelta(days=1))
        v = await view(h)
        assert v.state == Stage.county_reviewed
        assert [a.act for a in v.acts] == [
            Act.declare,
            Act.department_opinion,  # 会商: the county's DRC and civil affairs agree first
            Act.department_opinion,
            Act.county_review_pass,
            Act.city_request_correction,
            Act.resubmit,
        ]
        assert v.acts[-1].details["changed"] == "staff_count: 6 → 9"
        assert (await shanghai_today(skip_env)) > window.last_day


async def shanghai_today(env) -> date:
    return (await env.get_current_time()).astimezone(TZ).date()


async def refused(call) -> ApplicationError:
    with pytest.raises(WorkflowUpdateFailedError) as e:
        await call
    assert isinstance(e.value.cause, ApplicationError)
    return e.value.cause
