"""Golden histories of another program's application, its batch and its revocation (南昌市市级创业孵化基地认定, recorded
by tests/api/test_second_program.py with BIAOGAN_RECORD_PROGRAM_HISTORIES=tests/histories/programs) replay with the
current workflows: the declaration carries the program's version (patch ``reads-its-program``), the batch is
announced by one signature, the revocation decided by one."""

from temporalio.api.enums.v1 import EventType

from tests.test_joint_replay import load, patches, updates
from tests.test_replay import HISTORIES, replayer

PROGRAMS = HISTORIES / "programs"


async def test_the_program_application_replays_and_reads_its_program():
    from workflows.application import READS_ITS_PROGRAM, ApplicationWorkflow

    history = load("application", PROGRAMS / "application.json")
    assert READS_ITS_PROGRAM in patches(history)
    assert "county-joint-opinions" in patches(history)  # asked, and answered: this program consults nobody
    assert {"county_review", "city_review", "publicize", "announce", "award", "revoke_by_decision"} <= set(
        updates(history)
    )
    started = history.events[0].workflow_execution_started_event_attributes
    assert started.workflow_type.name == "ApplicationWorkflow"
    result = await replayer(ApplicationWorkflow).replay_workflow(history)
    assert result.replay_failure is None


async def test_the_program_batch_and_revocation_replay_with_one_signature_each():
    from workflows.announcement import AnnouncementWorkflow
    from workflows.revocation import RevocationWorkflow

    for name, workflow in (("announcement", AnnouncementWorkflow), ("revocation", RevocationWorkflow)):
        history = load(name, PROGRAMS / f"{name}.json")
        assert updates(history).count("co_sign") == 1
        assert history.events[-1].event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED
        result = await replayer(workflow).replay_workflow(history)
        assert result.replay_failure is None
