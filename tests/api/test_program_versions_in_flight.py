"""A published version applies to new declarations only: an application keeps the version in force when it was
declared (recorded in its history) to its end. Here the first program's version 2 lengthens the notice to 6 working
days while an application declared under version 1 is in flight: that one's notice still lasts 5, the next one's 6;
both histories replay with today's code."""

from datetime import date

from programs.load import SEED
from services import programs
from state.calendar import WorkingDayCalendar
from tests.api.conftest import Driver, expect
from tests.test_replay import replayer
from workflows.application import ApplicationWorkflow, workflow_id_for


def notice_days(notice: dict) -> int:
    first, last = date.fromisoformat(notice["first_day"]), date.fromisoformat(notice["last_day"])
    return WorkingDayCalendar.from_file(None).working_days_between(first, last) + 1


async def test_a_new_version_reaches_new_declarations_only_and_both_replay(late_api, tmp_path):
    api, driver = late_api, Driver(late_api)
    before = await driver.declare("county")
    declared = expect(await api.get("supervisor", f"/applications/{before}"), 200)
    assert declared["program"] == {"id": "linyi-2026", "version": 1, "title": "临沂市就业服务质量标杆机构评定"}

    changed = SEED.read_text(encoding="utf-8").replace("working_days = 5", "working_days = 6", 1)
    assert changed != SEED.read_text(encoding="utf-8")
    (tmp_path / "linyi.toml").write_text(changed, encoding="utf-8")
    published = programs.publish(api.database_url, tmp_path / "linyi.toml", "系统管理员", "公示期改为6个工作日")
    assert published.version.version == 2

    after = await driver.declare("county")
    assert expect(await api.get("supervisor", f"/applications/{after}"), 200)["program"]["version"] == 2
    for app_id in (before, after):
        await driver.opinions_given(app_id)
        review = {"decision": "pass", "opinion": "材料齐全"}
        expect(await api.post("bureau", f"/applications/{app_id}/county-review", review), 200)
        expect(await api.post("bureau", f"/applications/{app_id}/notice", {}), 200)
    assert notice_days(expect(await api.get("supervisor", f"/applications/{before}"), 200)["notice"]) == 5
    assert notice_days(expect(await api.get("supervisor", f"/applications/{after}"), 200)["notice"]) == 6

    assert api.client is not None
    for app_id in (before, after):
        history = await api.client.get_workflow_handle(workflow_id_for(app_id)).fetch_history()
        result = await replayer(ApplicationWorkflow).replay_workflow(history, raise_on_replay_failure=False)
        assert result.replay_failure is None, result.replay_failure
