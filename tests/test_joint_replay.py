"""Golden histories of the joint procedure replay with the current workflows: the workflows that came with it —
a batch (AnnouncementWorkflow) co-signed by three departments and announcing its applications, a revocation
(RevocationWorkflow) decided by three signatures and revoking its application, an institution's claim
(InstitutionClaimWorkflow) taken and released — the applications on those paths (``join_announcement``,
``announce``, ``revoke_by_decision``), and a round whose selection forms its batch (``round-forms-its-batch``).

Recorded by tests/record_joint_histories.py (tests/histories/joint/) and tests/record_round_history.py
(tests/histories/round/batch.json); the older goldens are replayed by tests/test_replay.py and
tests/rounds/test_round_replay.py."""

import json
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory

from tests.test_replay import HISTORIES, replayer

JOINT = HISTORIES / "joint"
ROUND_BATCH = HISTORIES / "round" / "batch.json"
# The files tests/record_joint_histories.py writes (its ENDINGS: checked below)
NAMES = (
    "announced_by_batch",
    "announcement",
    "batch_awarded_revoked",
    "claim_withdrawn",
    "institution_claim",
    "revocation",
)


def endings() -> dict[str, str]:
    from tests.record_joint_histories import ENDINGS  # the recorder's own list of what it writes

    return ENDINGS


def load(name: str, path: Path | None = None) -> WorkflowHistory:
    path = path or JOINT / f"{name}.json"
    assert path.exists(), f"golden history {path} is missing; run .venv/bin/python -m tests.record_joint_histories"
    return WorkflowHistory.from_json(f"golden-{name}", json.loads(path.read_text()))


def workflow_for(name: str) -> type:
    from workflows.announcement import AnnouncementWorkflow
    from workflows.application import ApplicationWorkflow
    from workflows.institution_claim import InstitutionClaimWorkflow
    from workflows.revocation import RevocationWorkflow

    special = {
        "announcement": AnnouncementWorkflow,
        "revocation": RevocationWorkflow,
        "institution_claim": InstitutionClaimWorkflow,
    }
    return special.get(name, ApplicationWorkflow)


def patches(history: WorkflowHistory) -> set[str]:
    return {
        json.loads(p.data)["id"]
        for e in history.events
        if e.HasField("marker_recorded_event_attributes")
        and e.marker_recorded_event_attributes.marker_name == "core_patch"
        for p in e.marker_recorded_event_attributes.details["patch-data"].payloads
    }


def updates(history: WorkflowHistory) -> list[str]:
    return [
        e.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
        for e in history.events
        if e.HasField("workflow_execution_update_accepted_event_attributes")
    ]


def activities(history: WorkflowHistory) -> list[str]:
    return [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]


def has(history: WorkflowHistory, event_type: int) -> bool:
    return any(e.event_type == event_type for e in history.events)


def test_every_story_of_the_recorder_has_a_golden_file():
    assert sorted(p.stem for p in JOINT.glob("*.json")) == sorted(endings()) == sorted(NAMES)


# tests/record_joint_histories.py ENDINGS names the same files (checked above)
NAMES = (
    "announced_by_batch",
    "announcement",
    "batch_awarded_revoked",
    "claim_withdrawn",
    "institution_claim",
    "revocation",
)


@pytest.mark.parametrize("name", NAMES)
async def test_joint_history_replays(name):
    history = load(name)
    completed = history.events[-1].event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED
    assert ("COMPLETED" if completed else "RUNNING") == endings()[name]
    result = await replayer(workflow_for(name)).replay_workflow(history)
    assert result.replay_failure is None


def test_the_batch_is_formed_numbered_signed_three_times_and_announces_its_applications():
    batch = load("announcement")
    assert updates(batch) == ["formation", "co_sign", "co_sign", "co_sign"]
    done = activities(batch)
    assert done[:2] == ["join_batch", "draw_document_number"]
    assert done.count("render_announcement") == 1 and done.count("announce_members") == 1
    for name in ("batch_awarded_revoked", "announced_by_batch"):
        app = load(name)
        assert updates(app).count("join_announcement") == 1 and updates(app).count("announce") == 1
        assert "co_sign" not in updates(app)  # a batch's application is not co-signed by itself
        assert "county-joint-opinions" in patches(app) and updates(app).count("give_department_opinion") == 2


def test_the_revocation_is_decided_by_three_signatures_and_revokes_its_application():
    revocation = load("revocation")
    assert updates(revocation) == ["co_sign", "co_sign", "co_sign"]
    assert activities(revocation)[-5:] == [
        "draw_document_number",
        "issue_decision",
        "revoke_application",
        "record_revocation",
        "notify_institution",
    ]
    app = load("batch_awarded_revoked")
    assert updates(app)[-2:] == ["award", "revoke_by_decision"]
    assert "releases-its-institution-claim" in patches(app)  # revoked, it ends and releases its claim
    assert has(app, EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED)


def test_the_claim_is_taken_ignores_another_applications_release_and_is_released_by_its_own():
    claim = load("institution_claim")
    signals = [
        json.loads(e.workflow_execution_signaled_event_attributes.input.payloads[0].data)
        for e in claim.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
    ]
    assert signals == ["golden-another-application", "golden-claim_withdrawn"]
    app = load("claim_withdrawn")
    assert "releases-its-institution-claim" in patches(app) and updates(app) == ["withdraw"]
    assert has(app, EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED)


async def test_the_round_that_forms_its_batch_replays():
    from workflows.round import RoundWorkflow

    history = load("round-batch", ROUND_BATCH)
    assert {"round-forms-its-batch", "round-opinion-chinese"} <= patches(history)
    started = [
        e.start_child_workflow_execution_initiated_event_attributes
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED
    ]
    assert [s.workflow_type.name for s in started] == ["AnnouncementWorkflow"]
    assert started[0].workflow_id == "announcement-golden-round-selection"
    result = await replayer(RoundWorkflow).replay_workflow(history)
    assert result.replay_failure is None
