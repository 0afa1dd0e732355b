"""Golden histories of every branch (tests/histories, written by tests/record_histories.py) replay with the
current ApplicationWorkflow: a change to the commands the workflow issues breaks running applications, and
breaks this test first. Re-record only for a deliberate, versioned change."""

import json
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from workflows.application import ApplicationWorkflow

with workflow.unsafe.imports_passed_through():  # the sandbox re-imports this module for the altered workflow
    from activities.read_model import ReadModelActivities
    from contracts.application import ApplicationOutcome, Declaration
    from workflows.application import ACTIVITY_TIMEOUT, RETRY

HISTORIES = Path(__file__).parent / "histories"
# Histories recorded before a patch stay, one folder per generation, and must replay for ever: workflows
# started then may still be running. The current generation is HISTORIES itself.
GENERATIONS = (
    "",
    "before-joint-procedure",
    "before-close-notice-says-objections",
    "before-notice-in-one-activity",
    "before-notice-place",
    "before-city-round",
    "before-record-act",
)
# Every golden file and how its workflow stood when recorded, so a truncated or mis-recorded file cannot
# pass for its branch (a running workflow's history replays as well as a completed one's).
ENDINGS = {
    "city_awarded_revoked": "COMPLETED",
    "county_awarded_revoked": "COMPLETED",
    "county_review_failed": "COMPLETED",
    "city_review_failed": "COMPLETED",
    "objection_upheld": "COMPLETED",
    "withdrawn_during_notice": "COMPLETED",
    "correction_resubmitted": "COMPLETED",
    "correction_lapsed": "COMPLETED",
    "county_revocation_flags_city": "RUNNING",
    "duplicate_co_sign_refused": "RUNNING",
    "objection_dismissed": "RUNNING",
    "notice_replanned": "RUNNING",
}
BRANCHES = sorted(ENDINGS)


def load(name: str, generation: str = "") -> WorkflowHistory:
    path = HISTORIES / generation / f"{name}.json"
    assert path.exists(), f"golden history {path} is missing; run tests/record_histories.py {name}"
    return WorkflowHistory.from_json(f"application-golden-{name}", json.loads(path.read_text()))


def replayer(*workflows: type) -> Replayer:
    # The service's own converter, which decrypts: the golden payloads are plain JSON and pass through it as they
    # are. Imported here, not at module level: the sandbox re-imports this module (for AlteredApplicationWorkflow)
    # and cannot import the cipher's native extension a second time.
    from clients.codec import data_converter
    from config import Settings

    return Replayer(workflows=list(workflows), data_converter=data_converter(Settings()))


def test_every_branch_of_the_recorder_has_a_golden_file():
    from tests.record_histories import (  # not at module level: the sandbox re-imports us
        DEV_BRANCHES,
        REPLANNED,
        SKIP_BRANCHES,
    )

    recorded = {*DEV_BRANCHES, *SKIP_BRANCHES, REPLANNED, "county_revocation_flags_city"}  # the cascade writes two
    assert sorted(recorded) == BRANCHES
    for generation in GENERATIONS:
        assert sorted(p.stem for p in (HISTORIES / generation).glob("*.json")) == BRANCHES


@pytest.mark.parametrize("generation", GENERATIONS)
@pytest.mark.parametrize("name", BRANCHES)
async def test_golden_history_replays(name, generation):
    history = load(name, generation)
    completed = history.events[-1].event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED
    assert ("COMPLETED" if completed else "RUNNING") == ENDINGS[name]
    result = await replayer(ApplicationWorkflow).replay_workflow(history)
    assert result.replay_failure is None


@workflow.defn(name="ApplicationWorkflow")
class AlteredApplicationWorkflow(ApplicationWorkflow):
    """The same workflow but for one change: it looks up related applications before declaring — a different
    activity sequence for the same acts, as a careless edit would make it."""

    @workflow.run
    async def run(self, decl: Declaration) -> ApplicationOutcome:
        await workflow.execute_activity_method(
            ReadModelActivities.find_related_applications,
            None,  # never executed: the replay stops at this command
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
        return await super().run(decl)


async def test_replay_detects_a_changed_activity_sequence():
    """The replay test can fail: the altered copy of the workflow is refused on a golden history."""
    history = load("city_awarded_revoked", "before-record-act")
    with pytest.raises(workflow.NondeterminismError, match="find_related_applications"):
        await replayer(AlteredApplicationWorkflow).replay_workflow(history)
    history = load("city_awarded_revoked")
    with pytest.raises(workflow.NondeterminismError):
        await replayer(AlteredApplicationWorkflow).replay_workflow(history)


def _activity_types(history: WorkflowHistory) -> list[str]:
    return [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]


def test_each_generation_records_acts_its_own_way():
    """Before the patch each act ran project and notify; after it, one record_act (so both paths replay)."""
    before = _activity_types(load("city_awarded_revoked", "before-record-act"))
    after = _activity_types(load("city_awarded_revoked"))
    assert "project" in before and "notify" in before and "record_act" not in before
    assert "record_act" in after and "project" not in after and "notify" not in after


def test_the_notice_opens_and_an_objection_is_recorded_in_fewer_activities():
    """Before the patches: a place, then the notice's days, and an objection registered before its act; after them,
    one activity opens the notice and the objection is written with its act (both generations replay above)."""
    before = _activity_types(load("objection_upheld", "before-notice-in-one-activity"))
    after = _activity_types(load("objection_upheld"))
    assert {"reserve_notice_place", "compute_notice_period", "register_objection"} <= set(before)
    assert "open_notice" not in before
    assert after.count("open_notice") == 1
    assert not {"reserve_notice_place", "compute_notice_period", "register_objection"} & set(after)
    # Counted on the same acts: the current story also records the county's two opinions (county-joint-opinions).
    same_acts = _activity_types(load("objection_upheld", "before-joint-procedure"))
    assert "open_notice" in same_acts and len(before) - len(same_acts) == 2
    assert len(after) - len(same_acts) == 2  # the two opinions' record_act


def load_quota(generation: str) -> WorkflowHistory:
    from tests.record_quota_history import QUOTA_HISTORIES, WORKFLOW_ID  # the sandbox re-imports this module

    return WorkflowHistory.from_json(WORKFLOW_ID, json.loads((QUOTA_HISTORIES / f"{generation}.json").read_text()))


# tests/record_quota_history.py; oldest first
QUOTA_GENERATIONS = ("before-local-reservation", "before-bounded-run", "reservations")


@pytest.mark.parametrize("generation", QUOTA_GENERATIONS)
async def test_quota_histories_replay(generation):
    """A period's QuotaWorkflow lives for years: reservations recorded as ordinary activities, as local activities,
    and in a run bounded by its reservations all replay with the current workflow."""
    from workflows.quota import QuotaWorkflow

    result = await replayer(QuotaWorkflow).replay_workflow(load_quota(generation))
    assert result.replay_failure is None


def test_quota_generations_reserve_their_own_way():
    before, after = (load_quota(g) for g in QUOTA_GENERATIONS[:2])
    assert _activity_types(before).count("reserve_places") == 3
    assert "reserve_places" not in _activity_types(after)
    markers = [
        e.marker_recorded_event_attributes.marker_name
        for e in after.events
        if e.HasField("marker_recorded_event_attributes")
    ]
    assert markers.count("core_local_activity") == 2 and "core_patch" in markers


def test_the_current_quota_generation_marks_both_patches():
    """Recorded with the bounded run: a second patch marker beside the local reservation's."""
    marked = [e for e in load_quota("reservations").events if e.HasField("marker_recorded_event_attributes")]
    assert [e.marker_recorded_event_attributes.marker_name for e in marked].count("core_patch") == 2


def _patches(history: WorkflowHistory) -> set[str]:
    """The ids of the patch markers a history carries."""
    return {
        json.loads(p.data)["id"]
        for e in history.events
        if e.HasField("marker_recorded_event_attributes")
        and e.marker_recorded_event_attributes.marker_name == "core_patch"
        for p in e.marker_recorded_event_attributes.details["patch-data"].payloads
    }


def _updates(history: WorkflowHistory) -> set[str]:
    return {
        e.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
        for e in history.events
        if e.HasField("workflow_execution_update_accepted_event_attributes")
    }


@pytest.mark.parametrize("name", BRANCHES)
def test_the_current_generation_follows_the_joint_procedure(name):
    """Recorded after county-joint-opinions, releases-its-institution-claim and flag-says-ground-in-chinese: every
    story records the county's opinions, every ended one releases its institution's claim (the signal delivered),
    the cascade's flag says its ground in Chinese; the generation before carries none of these."""
    now, before = load(name), load(name, "before-joint-procedure")
    assert "county-joint-opinions" in _patches(now) and "county-joint-opinions" not in _patches(before)
    if ENDINGS[name] == "COMPLETED":
        assert "releases-its-institution-claim" in _patches(now)
        signalled = EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED
        assert any(e.event_type == signalled for e in now.events)
    assert "releases-its-institution-claim" not in _patches(before)
    if name == "county_revocation_flags_city":
        assert "flag-says-ground-in-chinese" in _patches(now)
    assert "flag-says-ground-in-chinese" not in _patches(before)
    if name != "correction_lapsed":  # returned by the county before any opinion
        assert "give_department_opinion" in _updates(now)
    if name.endswith("_awarded_revoked"):  # revoked as the organs decide (RevocationWorkflow), not by a signal
        assert "revoke_by_decision" in _updates(now) and "revoke_by_decision" not in _updates(before)
