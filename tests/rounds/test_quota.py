"""Periods and quotas: adoption of an apportionment is recorded, the ceiling holds when reservations race,
and the database itself refuses a second holder of a place."""

import asyncio
from datetime import UTC, datetime
from fractions import Fraction

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from temporalio.client import WorkflowExecutionStatus, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from contracts.quota import DefinePeriod, Reserve, SetQuota, UsageRequest
from db.rounds import Period, PeriodChange, QuotaChange, QuotaPlace
from db.session import get_engine
from state.apportionment import CountyFigures, apportion
from state.domain import COUNTIES, Level
from tests.conftest import settings_for, unique
from tests.factory import bureau, reviewer
from tests.rounds.conftest import ADMIN, RoundWorker
from workflows.quota import RUN_RESERVATIONS, QuotaWorkflow, period_problem


@pytest.fixture
async def quota_worker(dev_env, database_url):
    async with RoundWorker(dev_env.client, settings_for(database_url, unique("qq"))) as w:
        yield w


def far_period(years: int = 5) -> tuple[str, int, int]:
    """A period of the far future (unique id): no other test's titles fall in it."""
    return unique("P"), 2081, 2081 + years - 1


async def test_apportionment_adopted_and_adjusted_is_recorded(quota_worker, database_url):
    pid, start, end = far_period()
    await quota_worker.define_period(pid, start, end, "示例期（演示数据）")
    figures = [CountyFigures(c, Fraction(100 + 7 * i), Fraction(50 + (i * 13) % 17)) for i, c in enumerate(COUNTIES)]
    plan = apportion(90, figures, Fraction(6, 10), Fraction(4, 10))
    seats = plan.seats()
    working = "\n".join(plan.working())
    adopted = await quota_worker.set_quota(pid, Level.county, seats, "采纳分配方案（示例数据）", working=working)
    assert sum(adopted.totals.values()) == 90 and adopted.totals == seats
    adjusted_to = seats["兰山区"] + 1
    changed = await quota_worker.set_quota(
        pid,
        Level.county,
        {"兰山区": adjusted_to, "罗庄区": seats["罗庄区"] - 1},
        "兰山区人口调整",
    )
    assert changed.changed == {
        "兰山区": [seats["兰山区"], adjusted_to],
        "罗庄区": [seats["罗庄区"], seats["罗庄区"] - 1],
    }

    with Session(get_engine(database_url)) as s:
        rows = s.exec(select(QuotaChange).where(QuotaChange.period_id == pid).order_by(QuotaChange.id)).all()
        period = s.get(Period, pid)
        period_changes = s.exec(select(PeriodChange).where(PeriodChange.period_id == pid)).all()
    first = [r for r in rows if r.reason == "采纳分配方案（示例数据）"]
    assert {r.scope: (r.old_total, r.new_total) for r in first} == {c: (None, n) for c, n in seats.items()}
    assert all(
        r.actor_user_id == ADMIN.user_id and r.actor_role == "admin" and r.details["working"] == working for r in first
    )
    second = {r.scope: (r.old_total, r.new_total) for r in rows if r.reason == "兰山区人口调整"}
    assert second == {
        "兰山区": (seats["兰山区"], adjusted_to),
        "罗庄区": (seats["罗庄区"], seats["罗庄区"] - 1),
    }
    assert (period.name, period.start_year, period.end_year) == (
        "示例期（演示数据）",
        start,
        end,
    )
    assert len(period_changes) == 1 and period_changes[0].old is None and period_changes[0].actor_role == "admin"

    usage = await quota_worker.quota(pid, Level.county).query(QuotaWorkflow.usage, UsageRequest())
    assert usage.totals["兰山区"] == adjusted_to and sum(usage.totals.values()) == 90


async def test_quota_is_set_by_admins_only_and_for_known_scopes(quota_worker):
    pid, start, end = far_period()
    await quota_worker.define_period(pid, start, end)
    await quota_worker.set_quota(pid, Level.city, {"city": 9})
    handle = quota_worker.quota(pid, Level.city)
    with pytest.raises(WorkflowUpdateFailedError) as e:
        await handle.execute_update(QuotaWorkflow.set_quota, SetQuota(reviewer(), {"city": 10}, "想多评几个"))
    assert isinstance(e.value.cause, ApplicationError) and e.value.cause.type == "Forbidden"
    assert e.value.cause.details[0]["rule"] == "quota_by_admin"
    assert e.value.cause.message == "名额由系统管理员设定，当前账号为市人社局评审"
    with pytest.raises(WorkflowUpdateFailedError) as e:
        await handle.execute_update(QuotaWorkflow.set_quota, SetQuota(ADMIN, {"兰山区": 3}, "错层级"))
    assert e.value.cause.type == "InvalidInput" and e.value.cause.details[0]["rule"] == "quota_scope_unknown"
    assert e.value.cause.message == "“兰山区”不在市级名额的范围之内；可设定：city"
    for totals, reason, code in (
        ({"city": 10}, "  ", "act_text_required"),
        ({}, "空", "quota_totals_required"),
        ({"city": -1}, "负数", "quota_total_whole"),
    ):
        assert (await refused(handle, SetQuota(ADMIN, totals, reason)))["rule"] == code
    assert (await handle.query(QuotaWorkflow.usage, UsageRequest())).totals == {"city": 9}


async def refused(handle, act) -> dict:
    """The details of the refusal of ``act`` (a SetQuota or a Reserve) by the quota's workflow."""
    update = QuotaWorkflow.set_quota if isinstance(act, SetQuota) else QuotaWorkflow.reserve
    with pytest.raises(WorkflowUpdateFailedError) as e:
        await handle.execute_update(update, act)
    assert isinstance(e.value.cause, ApplicationError)
    return {**e.value.cause.details[0], "message": e.value.cause.message}


def test_a_period_is_defined_by_an_admin_over_sensible_years():
    said = period_problem(DefinePeriod(bureau(), "规划期", 2026, 2030, "设定"))
    assert said is not None and said.details[0]["rule"] == "period_by_admin" and "县区人社局" in said.message
    said = period_problem(DefinePeriod(ADMIN, "规划期", 2030, 2026, "设定"))
    assert said is not None and said.details[0]["rule"] == "period_years" and "2030—2026" in said.message
    said = period_problem(DefinePeriod(ADMIN, " ", 2026, 2030, "设定"))
    assert said is not None and said.message == "请填写评定周期名称，不能为空"
    assert period_problem(DefinePeriod(ADMIN, "规划期", 2026, 2030, "设定")) is None


async def test_a_quota_of_a_period_not_defined_is_refused(quota_worker):
    with pytest.raises(WorkflowUpdateFailedError) as e:
        await quota_worker.set_quota(unique("P-undefined"), Level.city, {"city": 1})
    assert isinstance(e.value.cause, ApplicationError) and e.value.cause.details[0]["rule"] == "period_unknown"


async def test_two_reservations_racing_for_the_last_place_exactly_one_wins(quota_worker, database_url):
    pid, start, end = far_period()
    await quota_worker.define_period(pid, start, end)
    await quota_worker.set_quota(pid, Level.city, {"city": 2})
    handle = quota_worker.quota(pid, Level.city)
    first = await handle.execute_update(QuotaWorkflow.reserve, Reserve(reviewer(), "R-a", "city", [f"{pid}-A"]))
    assert first.granted == [f"{pid}-A"] and first.available == 2

    b, c = (
        handle.execute_update(QuotaWorkflow.reserve, Reserve(reviewer(), f"R-{x}", "city", [f"{pid}-{x}"]))
        for x in ("B", "C")
    )
    results = await asyncio.gather(b, c)
    winners = [g for r in results for g in r.granted]
    assert len(winners) == 1 and winners[0] in (f"{pid}-B", f"{pid}-C")
    assert sorted(r.available for r in results) == [0, 1]

    with Session(get_engine(database_url)) as s:
        active = s.exec(select(QuotaPlace).where(QuotaPlace.period_id == pid, QuotaPlace.released_at.is_(None))).all()
    assert sorted(p.slot_no for p in active) == [1, 2]
    assert sorted(p.application_id for p in active) == sorted([f"{pid}-A", winners[0]])
    # Asking again for a place already held grants it again without taking another.
    again = await handle.execute_update(QuotaWorkflow.reserve, Reserve(reviewer(), "R-a", "city", [f"{pid}-A"]))
    assert again.granted == [f"{pid}-A"] and again.used_after == 2


async def test_a_quota_run_continues_as_new_after_its_share_of_reservations_and_keeps_counting(quota_worker):
    """The worker's memory of a run grows with its history: after RUN_RESERVATIONS reservations it continues as
    new, carrying its totals and places used, and the ceiling still holds across runs."""
    pid, start, end = far_period()
    await quota_worker.define_period(pid, start, end)
    total = RUN_RESERVATIONS + 2
    await quota_worker.set_quota(pid, Level.city, {"city": total})
    handle = quota_worker.quota(pid, Level.city)
    first_run = (await handle.describe()).run_id
    for n in range(RUN_RESERVATIONS):
        got = await handle.execute_update(QuotaWorkflow.reserve, Reserve(reviewer(), "R", "city", [f"{pid}-{n}"]))
        assert got.used_after == n + 1
    last = [f"{pid}-x", f"{pid}-y", f"{pid}-z"]
    got = await handle.execute_update(QuotaWorkflow.reserve, Reserve(reviewer(), "R", "city", last))
    assert got.granted == last[:2] and got.used_after == total  # the ceiling, counted across the two runs
    described = await handle.describe()
    assert described.run_id != first_run  # continued as new
    usage = await handle.query(QuotaWorkflow.usage, UsageRequest())
    assert usage.totals == {"city": total} and usage.used == {"city": total}
    first = quota_worker.client.get_workflow_handle(handle.id, run_id=first_run)
    assert (await first.describe()).status == WorkflowExecutionStatus.CONTINUED_AS_NEW


async def test_county_quota_is_reserved_by_its_own_bureau(quota_worker):
    pid, start, end = far_period()
    await quota_worker.define_period(pid, start, end)
    await quota_worker.set_quota(pid, Level.county, {"兰山区": 1, "罗庄区": 1})
    handle = quota_worker.quota(pid, Level.county)
    with pytest.raises(WorkflowUpdateFailedError) as e:
        await handle.execute_update(QuotaWorkflow.reserve, Reserve(bureau("罗庄区"), "R", "兰山区", ["X"]))
    assert e.value.cause.type == "Forbidden" and e.value.cause.details[0]["rule"] == "quota_county_reserver"
    said = await refused(handle, Reserve(bureau("罗庄区"), "R", "罗庄区", ["X", "X"]))
    assert said["rule"] == "quota_listed_twice"
    said = await refused(handle, Reserve(bureau("费县"), "R", "费县", ["X"]))
    assert said["rule"] == "quota_not_set" and said["field"] == "scope" and "费县的县级名额" in said["message"]
    city = quota_worker.quota(pid, Level.city)
    await quota_worker.set_quota(pid, Level.city, {"city": 1})
    said = await refused(city, Reserve(bureau("兰山区"), "R", "city", ["X"]))
    assert said["rule"] == "quota_city_reserver" and said["message"].endswith("当前账号为县区人社局")
    ok = await handle.execute_update(
        QuotaWorkflow.reserve,
        Reserve(bureau("兰山区"), "R", "兰山区", [f"{pid}-X", f"{pid}-Y"]),
    )
    assert ok.granted == [f"{pid}-X"]


def test_the_database_refuses_a_second_active_holder(database_url):
    pid = unique("P")
    now = datetime.now(UTC)

    def place(slot: int, app: str, released: bool = False) -> QuotaPlace:
        return QuotaPlace(
            period_id=pid,
            level="city",
            scope="city",
            slot_no=slot,
            application_id=app,
            reserved_at=now,
            released_at=now if released else None,
        )

    engine = get_engine(database_url)
    with Session(engine) as s:
        s.add(place(1, f"{pid}-A"))
        s.commit()
    with Session(engine) as s, pytest.raises(IntegrityError):
        s.add(place(1, f"{pid}-B"))  # the same slot, still held
        s.commit()
    with Session(engine) as s, pytest.raises(IntegrityError):
        s.add(place(2, f"{pid}-A"))  # the same application holding two places
        s.commit()
    with Session(engine) as s:  # a released place frees its slot and its application
        s.add(place(1, f"{pid}-C", released=True))
        s.add(place(2, f"{pid}-B"))
        s.commit()
        rows = s.exec(select(QuotaPlace).where(QuotaPlace.period_id == pid)).all()
    assert sorted((r.slot_no, r.application_id, r.released_at is None) for r in rows) == [
        (1, f"{pid}-A", True),
        (1, f"{pid}-C", False),
        (2, f"{pid}-B", True),
    ]
