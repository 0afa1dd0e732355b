"""A round's selection forms its batch (批次公布) by itself: its signatures wait for the notices to close, an
application withdrawn meanwhile leaves it, and the third signature announces the chosen under one 文号."""

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from contracts.announcement import BatchSignAct, FormationRequest
from contracts.application import WithdrawAct
from db.document_register import register_rows
from state.domain import Department, Level, Stage
from state.organs import DOCUMENT_NUMBER
from tests.conftest import pass_notice
from tests.factory import bureau, department, reviewer
from tests.rounds.conftest import city_round, past_window
from tests.rounds.test_selection import close, declare, score, view
from workflows.announcement import AnnouncementWorkflow, announcement_workflow_id
from workflows.application import ApplicationWorkflow


async def refused_rule(call) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as e:
        await call
    cause = e.value.cause
    assert isinstance(cause, ApplicationError)
    return str(cause.details[0]["rule"])


async def test_a_rounds_selection_forms_its_batch_which_announces_the_chosen_once_signed(late_rounds, skip_env):
    rounds = late_rounds
    pid = f"batch-{rounds.task_queue}"
    await rounds.define_period(pid, 2026, 2030, "十五五")
    await rounds.set_quota(pid, Level.city, {"city": 2})
    opens, closes = past_window()
    plan = city_round(pid, opens, closes, reviewers_required=2)
    r = await rounds.start_round(plan)
    x = await declare(rounds, plan.round_id, "X")
    y = await declare(rounds, plan.round_id, "Y")
    await score(x, reviewer(), (90, 90, 90))
    await score(y, reviewer(), (80, 80, 80))
    table = await close(r)
    assert [row.chosen for row in table.rows] == [True, True]

    batch = rounds.client.get_workflow_handle(announcement_workflow_id(f"{plan.round_id}-selection"))
    formed = await batch.execute_update(AnnouncementWorkflow.formation, FormationRequest())
    assert [m.application_id for m in formed.members] == [h.id.removeprefix("application-") for h in (x, y)]
    number = formed.document_no
    assert number and DOCUMENT_NUMBER.match(number) and number.startswith("临人社字〔")
    assert f"announcement:{formed.announcement_id}" in {r["key"] for r in register_rows(rounds.settings.database_url)}

    hrss = BatchSignAct(department(Department.hrss))
    assert await refused_rule(batch.execute_update(AnnouncementWorkflow.co_sign, hrss)) == (
        "announcement_members_not_closed"
    )
    await y.execute_update(ApplicationWorkflow.withdraw, WithdrawAct(bureau(), "机构主动撤回"))
    await pass_notice(skip_env, x)
    for dept in Department:
        signed = await batch.execute_update(AnnouncementWorkflow.co_sign, BatchSignAct(department(dept)))
    assert signed.state == "announced" and signed.sha256
    assert [(m.state, m.left) for m in signed.members] == [(Stage.announced, False), (Stage.withdrawn, True)]
    announced = await view(x)
    assert announced.state == Stage.announced and announced.announcement_doc_no == number


async def test_a_batch_whose_applications_all_left_cannot_be_signed(late_rounds, skip_env):
    rounds = late_rounds
    pid = f"left-{rounds.task_queue}"
    await rounds.define_period(pid, 2026, 2030, "十五五")
    await rounds.set_quota(pid, Level.city, {"city": 1})
    opens, closes = past_window()
    plan = city_round(pid, opens, closes, reviewers_required=2)
    r = await rounds.start_round(plan)
    z = await declare(rounds, plan.round_id, "Z")
    await score(z, reviewer(), (90, 90, 90))
    await close(r)
    batch = rounds.client.get_workflow_handle(announcement_workflow_id(f"{plan.round_id}-selection"))
    await batch.execute_update(AnnouncementWorkflow.formation, FormationRequest())
    await z.execute_update(ApplicationWorkflow.withdraw, WithdrawAct(bureau(), "机构主动撤回"))
    sign = batch.execute_update(AnnouncementWorkflow.co_sign, BatchSignAct(department(Department.drc)))
    assert await refused_rule(sign) == "announcement_nothing_left"
