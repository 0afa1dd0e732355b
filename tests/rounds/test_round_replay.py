"""RoundWorkflow's golden histories (tests/record_round_history.py) replay with the current workflow: a round
recorded before the review panel (one reviewer, the selection note ending in English) and one with a panel."""

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory

from tests.test_replay import replayer

HISTORIES = Path(__file__).resolve().parents[1] / "histories" / "round"
GENERATIONS = ("before-panel", "panel")  # oldest first


def load(generation: str) -> WorkflowHistory:
    return WorkflowHistory.from_json("round-golden-round", json.loads((HISTORIES / f"{generation}.json").read_text()))


def notes(history: WorkflowHistory) -> list[str]:
    """The selection notes the round handed to its candidates (the apply_decision activities' input)."""
    out = []
    for e in history.events:
        if e.HasField("activity_task_scheduled_event_attributes"):
            a = e.activity_task_scheduled_event_attributes
            if a.activity_type.name == "apply_decision":
                out.append(json.loads(a.input.payloads[0].data)["opinion"])
    return out


@pytest.mark.parametrize("generation", GENERATIONS)
async def test_round_histories_replay(generation):
    from workflows.round import RoundWorkflow

    result = await replayer(RoundWorkflow).replay_workflow(load(generation))
    assert result.replay_failure is None


def test_the_old_round_kept_its_note_and_the_panel_round_says_it_in_chinese_under_its_patch():
    old, new = load("before-panel"), load("panel")
    assert all("rank" in n and "quota" in n for n in notes(old)) and len(notes(old)) == 2
    assert len(notes(new)) == 2 and not any(c.isascii() and c.isalpha() for n in notes(new) for c in n)
    markers = [e for e in new.events if e.HasField("marker_recorded_event_attributes")]
    details = [e.marker_recorded_event_attributes.details["patch-data"].payloads for e in markers]
    assert any(b"round-opinion-chinese" in p.data for payloads in details for p in payloads)
    assert not any(e.HasField("marker_recorded_event_attributes") for e in old.events)
