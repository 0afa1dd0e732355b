"""The filing plan on the real calendar (2026 is an officially confirmed year), the filing settings'
validation, and the notification texts for every act and template."""

from datetime import date, datetime

import pytest
from pydantic import ValidationError

from activities.filing import plan_for, working_days_late
from activities.notify import ACT_ZH, TEMPLATES, render
from config import FilingSettings
from contracts.filing import PlanRequest
from contracts.notify import Message, NotifyRequest, Recipient
from state.calendar import TZ, WorkingDayCalendar
from state.domain import Act, Level, Role, Stage


def nine(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 9, tzinfo=TZ)


def test_a_sunday_deadline_plans_reminders_on_working_days_and_escalates_from_the_monday():
    plan = plan_for(FilingSettings(), WorkingDayCalendar(), PlanRequest("兰山区", 2026))
    assert date(2026, 12, 20).weekday() == 6  # Sunday
    assert plan.deadline_at == datetime(2026, 12, 21, 0, 0, tzinfo=TZ)
    assert {r.offset: r.at for r in plan.reminders} == {
        10: nine(12, 7),
        5: nine(12, 14),
        0: nine(12, 18),
    }  # 1 and 0 meet
    assert (plan.next_escalation_at, plan.next_escalation_days_late, plan.confirmed) == (nine(12, 21), 1, True)
    after = plan_for(
        FilingSettings(filing_escalation_every=3), WorkingDayCalendar(), PlanRequest("兰山区", 2026, date(2026, 12, 21))
    )
    assert (after.next_escalation_at, after.next_escalation_days_late) == (nine(12, 24), 4)


def test_offsets_that_meet_make_one_reminder_the_one_nearest_the_deadline():
    # 2026: the deadline, 20 December, is a Sunday; "1 working day before" and "on the day" (the last working
    # day, as the deadline is a day off) are both Friday 18 December 09:00.
    plan = plan_for(FilingSettings(), WorkingDayCalendar(), PlanRequest("兰山区", 2026))
    moments = [r.at for r in plan.reminders]
    assert len(moments) == len(set(moments)) == 3
    assert [(r.offset, r.at) for r in plan.reminders if r.at == nine(12, 18)] == [(0, nine(12, 18))]
    # offsets that meet only there: with [3, 2, 1, 0] only 1 and 0 share Friday
    plan = plan_for(
        FilingSettings(filing_reminder_offsets=[3, 2, 1, 0]), WorkingDayCalendar(), PlanRequest("兰山区", 2026)
    )
    assert {r.offset: r.at for r in plan.reminders} == {3: nine(12, 16), 2: nine(12, 17), 0: nine(12, 18)}


def test_national_day_holidays_push_an_october_deadlines_reminders_back():
    # 2026 as the library ships it: 1-7 October off, Saturday 10 October a make-up working day.
    settings = FilingSettings(filing_deadline="10-12", filing_reminder_offsets=[5, 0])
    plan = plan_for(settings, WorkingDayCalendar(), PlanRequest("兰山区", 2026))
    assert {r.offset: r.at for r in plan.reminders} == {
        5: nine(9, 29),
        0: nine(10, 12),
    }  # 9-30, 10-8, 10-9, 10-10, 10-12


def test_lateness_counts_working_days_and_a_day_off_as_the_next_working_day():
    cal = WorkingDayCalendar()
    friday = date(2026, 12, 18)
    assert working_days_late(cal, friday, date(2026, 12, 19)) == 1  # Saturday counts as Monday
    assert working_days_late(cal, friday, date(2026, 12, 21)) == 1
    assert working_days_late(cal, friday, date(2026, 12, 25)) == 5
    assert working_days_late(cal, date(2026, 12, 20), date(2026, 12, 26)) == 6  # Sunday deadline, filed Saturday


@pytest.mark.parametrize("field", ["filing_deadline", "filing_schedule_start"])
@pytest.mark.parametrize("value", ["02-29", "13-01", "12-32", "1220", "x"])
def test_month_days_that_do_not_exist_every_year_are_refused(field, value):
    with pytest.raises(ValidationError):
        FilingSettings(**{field: value})


def test_reminder_offsets_are_deduplicated_and_ordered():
    assert FilingSettings(filing_reminder_offsets=[1, 10, 5, 1, 0]).filing_reminder_offsets == [10, 5, 1, 0]
    with pytest.raises(ValidationError):
        FilingSettings(filing_reminder_offsets=[-1])


def test_every_act_has_its_chinese_text():
    assert set(ACT_ZH) == set(Act)
    req = NotifyRequest(
        application_id="A1",
        seq=1,
        act=Act.publicize,
        state=Stage.publicized,
        level=Level.county,
        county="兰山区",
        institution_name="某机构",
        reason="",
        deadline=datetime(2026, 5, 10, tzinfo=TZ),
    )
    subject, body = render(req, "https://biaogan.example/")
    assert subject == "【标杆机构评定】某机构开始公示"
    assert body.splitlines() == [
        "兰山区 某机构（县级标杆机构评定）开始公示。",
        "截止时间：2026-05-09 24:00（北京时间）",
        "详情：https://biaogan.example/applications/A1",
    ]


def test_a_notice_names_the_county_once_and_no_application_id():
    req = NotifyRequest(
        application_id="A3f2b34260c9e0559b529",
        seq=1,
        act=Act.declare,
        state=Stage.declared,
        level=Level.county,
        county="兰山区",
        institution_name="兰山区人力资源市场",
        reason="",
        deadline=None,
    )
    _, body = render(req, "https://biaogan.example/")
    first = body.splitlines()[0]
    assert first == "兰山区人力资源市场（县级标杆机构评定）已申报。"
    assert "兰山区 兰山区" not in body and "A3f2b34260c9e0559b529" not in first


@pytest.mark.parametrize("template", sorted(t for t in TEMPLATES if t.startswith("filing_")))
def test_every_filing_template_renders_with_the_workflows_parameters(template):
    params = {
        "county": "费县",
        "year": "2026",
        "deadline": "2026年12月20日24时",
        "remaining": "距截止还有1个工作日。",
        "days_late": "2",
        "count": "1",
        "filed_at": "2026-12-22 10:00",
        "version": "1",
        "entries": "3",
        "timeliness": "逾期1个工作日",
        "reason": "补报",
        "city": "临沂市",
        "kind": "，更正",
        "entry_list": "1. 费县公共就业服务中心（公共就业服务机构（县级及以上））",
    }
    message = Message("k", template, [Recipient(Role.county_bureau, "费县")], params, "/api/v1/filings/费县/2026")
    subject, body = render(NotifyRequest(message=message))
    assert "费县2026" in subject and "{" not in subject + body and body.endswith("详情：/api/v1/filings/费县/2026")
