"""The to-do (GET /api/v1/tasks) and 催办 (POST /api/v1/applications/{id}/urges) over HTTP, against a real worker and
read model: a returned declaration is on the declaring bureau's to-do with the deadline its return named, a score
leaves the reviewer's to-do once given, an owed filing is there overdue; an urge is an update with a validator,
recorded in the history in Chinese, sent to the urged party's inbox and counted on its to-do item. Refusals change
nothing."""

from datetime import UTC, date, datetime, timedelta

from activities.filing import FilingActivities
from config import FilingSettings
from contracts.filing import FilingState, StatusProjection
from tests.api.conftest import eventually, expect
from tests.conftest import unique
from tests.factory import COUNTY


def owed_filing(database_url: str, county: str, year: int) -> datetime:
    """The yearly filing's status as the filing workflow projects it (activities/filing.py), past its deadline."""
    deadline_at = datetime(year, 12, 20, 16, tzinfo=UTC)  # 21 December 00:00 in Beijing
    FilingActivities(database_url, FilingSettings()).project_filing_status(
        StatusProjection(
            county=county,
            year=year,
            workflow_id=unique("filing"),
            deadline_day=date(year, 12, 20),
            deadline_at=deadline_at,
            state=FilingState.overdue,
            filed_at=None,
            working_days_late=3,
            current_version=0,
            reminders_sent=4,
            escalations_sent=1,
            plan_confirmed=True,
            seq=1,
            at=deadline_at + timedelta(days=3),
        )
    )
    return deadline_at


RETURN = {"reason": "服务场所照片不清晰", "items": ["premises_photos"]}
URGE = {"to": "county", "note": "请于本周内补正后重新报送"}


def _mine(tasks: list[dict], app_id: str) -> list[dict]:
    return [t for t in tasks if t["application_id"] == app_id]


async def _projected(api, app_id: str) -> None:
    """A declaration is answered once started; its first act reaches the read model a moment later."""

    async def listed() -> bool:
        return any(t["application_id"] == app_id for t in expect(await api.get("bureau", "/tasks"), 200))

    await eventually(listed)


async def test_a_returned_declaration_is_on_the_clerks_to_do_with_its_deadline_and_its_urges(api, driver):
    app_id = await driver.declare("county")
    url = f"/applications/{app_id}"
    await _projected(api, app_id)
    review = _mine(expect(await api.get("bureau", "/tasks"), 200), app_id)
    assert [t["act"] for t in review] == ["county_review_pass"]  # the other account of the bureau reviews it
    assert review[0]["due_at"] is None and review[0]["urged"] == 0 and review[0]["arrived_at"]
    assert _mine(expect(await api.get("clerk", "/tasks"), 200), app_id) == []  # not the declarer (职责分离)

    expect(await api.post("bureau", f"{url}/correction-request", RETURN), 200)
    ends_at = expect(await api.get("clerk", url), 200)["correction"]["ends_at"]
    [item] = _mine(expect(await api.get("clerk", "/tasks"), 200), app_id)
    assert item["act"] == "resubmit" and item["title"].startswith("补正后重新提交：")
    assert datetime.fromisoformat(item["due_at"]) == datetime.fromisoformat(ends_at)  # 10 working days
    assert item["overdue"] is False and item["urged"] == 0
    assert datetime.fromisoformat(item["arrived_at"]) <= datetime.now(UTC)
    assert _mine(expect(await api.get("other_bureau", "/tasks"), 200), app_id) == []  # another county's

    first = expect(await api.post("reviewer", f"{url}/urges", URGE), 200)
    assert first == {"id": app_id, "state": "returned", "to": "county", "urged": 1}
    second = expect(await api.post("supervisor", f"{url}/urges", {**URGE, "note": "逾期将视为撤回"}), 200)
    assert second["urged"] == 2
    [item] = _mine(expect(await api.get("clerk", "/tasks"), 200), app_id)
    assert item["urged"] == 2

    acts = expect(await api.get("supervisor", url), 200)["acts"]
    assert [a["act"] for a in acts[-2:]] == ["urge", "urge"]
    assert acts[-2]["reason"] == "市人社局催办：请于本周内补正后重新报送"
    assert acts[-1]["reason"] == "纪检监督催办：逾期将视为撤回" and acts[-1]["state_after"] == "returned"
    inbox = expect(await api.get("clerk", "/notifications"), 200)["items"]
    urged = [n for n in inbox if n["about"] == app_id and "被催办" in n["subject"]]
    assert len(urged) == 2 and "市人社局催办：请于本周内补正后重新报送" in urged[-1]["body"] + urged[0]["body"]


async def test_urges_are_refused_to_others_outside_scope_and_when_nothing_is_owed(api, driver):
    app_id = await driver.declare("county")
    url = f"/applications/{app_id}"
    await _projected(api, app_id)
    before = expect(await api.get("supervisor", url), 200)["acts"]
    for who in ("clerk", "hrss", "inspector", "admin"):
        refused = expect(await api.post(who, f"{url}/urges", URGE), 403)["detail"]
        assert (
            refused["rule"] == "urge_not_permitted" and refused["message"] == "只有市人社局评审人员或监督人员可以催办"
        )
    expect(await api.post("reviewer", f"/applications/{unique('A')}/urges", URGE), 404)
    owed_nothing = expect(await api.post("reviewer", f"{url}/urges", {**URGE, "to": "department"}), 409)["detail"]
    assert (
        owed_nothing["rule"] == "nothing_owed" and owed_nothing["message"] == "会签部门目前没有待办理的事项，无需催办"
    )
    assert owed_nothing["state"] == "declared" and owed_nothing["allowed_acts"] == []  # the reviewer's own: none
    expect(await api.post("reviewer", f"{url}/urges", {**URGE, "to": "province"}), 422)
    expect(await api.post("reviewer", f"{url}/urges", {**URGE, "note": "   "}), 422)
    assert expect(await api.get("supervisor", url), 200)["acts"] == before  # refusals changed nothing

    expect(await api.post("clerk", f"{url}/withdrawal", {"reason": "机构主动撤回"}), 200)
    ended = expect(await api.post("reviewer", f"{url}/urges", URGE), 409)["detail"]
    assert ended["rule"] == "nothing_owed" and ended["message"] == "该申报的办理已经结束，无需催办"
    refused = expect(await api.get("admin", "/tasks"), 403)["detail"]
    assert refused["rule"] == "tasks_not_for_role"


async def test_a_score_leaves_the_reviewers_to_do_once_given(api, driver):
    app_id = await driver.county_reviewed("city")
    owed = _mine(expect(await api.get("reviewer", "/tasks"), 200), app_id)
    assert [t["act"] for t in owed] == ["score"]
    expect(await api.post("reviewer", f"/applications/{app_id}/scores", {"opinion": "材料扎实", "written": 88}), 200)
    assert _mine(expect(await api.get("reviewer", "/tasks"), 200), app_id) == []
    # the county that owes nothing on it now cannot be urged on it
    refused = expect(await api.post("reviewer", f"/applications/{app_id}/urges", URGE), 409)["detail"]
    assert refused["message"] == "县区人社局目前没有待办理的事项，无需催办"


async def test_an_owed_filing_is_on_the_county_bureaus_to_do_overdue(api):
    year = 2023  # a past year no other test files for: its 12-20 has passed
    deadline_at = owed_filing(api.database_url, COUNTY, year)
    [filing] = [t for t in expect(await api.get("clerk", "/tasks"), 200) if t["act"] == "file"]
    assert filing["application_id"] is None and filing["overdue"] is True
    assert filing["title"] == f"备案：{COUNTY}{year}年度县级标杆机构评定结果"
    assert datetime.fromisoformat(filing["due_at"]) == deadline_at
    assert datetime.fromisoformat(filing["arrived_at"]).date() == date(year, 11, 1)
    assert [t for t in expect(await api.get("other_bureau", "/tasks"), 200) if t["act"] == "file"] == []
    assert [t for t in expect(await api.get("reviewer", "/tasks"), 200) if t["act"] == "file"] == []


def _batch_items(tasks: list[dict], batch: dict) -> list[dict]:
    return [t for t in tasks if t["act"] == "announcement" and batch["document_no"] in t["title"]]


async def test_the_departments_still_to_co_sign_are_urged_and_sign_the_batch_from_their_to_do(late_api, late_driver):
    api = late_api
    app_id = await late_driver.notice_closed("city")
    url = f"/applications/{app_id}"
    # 批次公布: no department owes a co-signature on the application itself, before its batch or after
    assert _mine(expect(await api.get("drc", "/tasks"), 200), app_id) == []
    batch = await late_driver.batch_formed([app_id], "city")
    expect(await api.post("hrss", f"/announcements/{batch['id']}/co-signatures"), 200)
    refused = expect(await api.post("reviewer", f"{url}/urges", URGE), 409)["detail"]  # the county owes nothing now
    assert refused["rule"] == "nothing_owed"
    urged = expect(await api.post("reviewer", f"{url}/urges", {"to": "department", "note": "请尽快会签"}), 200)
    assert urged["urged"] == 1 and urged["state"] == "publicized"
    assert _mine(expect(await api.get("drc", "/tasks"), 200), app_id) == []

    async def signed_by_hrss() -> bool:  # the batch's signature is projected a moment after it is answered
        return _batch_items(expect(await api.get("hrss", "/tasks"), 200), batch) == []

    await eventually(signed_by_hrss)
    [item] = _batch_items(expect(await api.get("drc", "/tasks"), 200), batch)  # one item for the batch
    assert item["title"].startswith("会签公布批次：") and item["arrived_at"]
    inbox = expect(await api.get("civil_affairs", "/notifications"), 200)["items"]
    assert any(n["about"] == app_id and "市人社局催办：请尽快会签" in n["body"] for n in inbox)
    county_inbox = expect(await api.get("clerk", "/notifications"), 200)["items"]
    assert not any(n["about"] == app_id and "被催办" in n["subject"] for n in county_inbox)  # not the county's


async def test_the_county_bureau_is_asked_to_batch_its_closed_notices_and_no_department_to_sign_them_alone(
    late_api, late_driver
):
    api = late_api
    app_id = await late_driver.notice_closed("county")
    [item] = _mine(expect(await api.get("bureau", "/tasks"), 200), app_id)
    assert item["act"] == "form_announcement" and item["title"].startswith("编入公布批次：") and item["arrived_at"]
    assert _mine(expect(await api.get("other_bureau", "/tasks"), 200), app_id) == []
    for who in ("county_hrss", "county_drc", "county_civil_affairs"):
        assert _mine(expect(await api.get(who, "/tasks"), 200), app_id) == []
    await late_driver.batch_formed([app_id], "county")

    async def batched() -> bool:  # in a batch now, once the batch is projected
        return _mine(expect(await api.get("bureau", "/tasks"), 200), app_id) == []

    await eventually(batched)
