"""The timeline told from recorded workflow histories (tests/histories), including notices that ran out."""

from pathlib import Path

from temporalio.client import WorkflowHistory

from services.history import narrate
from tests.conftest import CONVERTER

HISTORIES = Path(__file__).resolve().parents[1] / "histories"


async def _timeline(name: str, show_objectors: bool = True):
    history = WorkflowHistory.from_json(f"application-golden-{name}", (HISTORIES / f"{name}.json").read_text())
    return await narrate(history.events, CONVERTER, show_objectors)  # plain payloads pass the codec as they are


async def test_a_notice_that_runs_out_shows_its_deadline_and_timer():
    timeline = await _timeline("objection_dismissed")
    kinds = [e.kind for e in timeline]
    assert kinds.index("deadline_computed") < kinds.index("timer_started") < kinds.index("timer_fired")
    started = next(e for e in timeline if e.kind == "timer_started")
    deadline = next(e for e in timeline if e.kind == "deadline_computed")
    assert abs((started.fires_at - deadline.notice.ends_at).total_seconds()) < 1
    fired = next(i for i, e in enumerate(timeline) if e.kind == "timer_fired")
    assert timeline[fired + 1].act.value == "close_notice" and timeline[fired + 1].actor.role.value == "system"
    objection = next(e for e in timeline if e.kind == "act" and e.act.value == "lodge_objection")
    assert objection.actor.role.value == "public" and objection.actor.name


async def test_objectors_stay_anonymous_to_those_who_may_not_know_them():
    timeline = await _timeline("objection_dismissed", show_objectors=False)
    objection = next(e for e in timeline if e.kind == "act" and e.act.value == "lodge_objection")
    assert objection.actor.name is None and objection.reason  # what was objected to remains visible


async def test_a_replanned_notice_shows_both_deadlines():
    timeline = await _timeline("notice_replanned")
    deadlines = [e.notice for e in timeline if e.kind == "deadline_computed"]
    assert len(deadlines) == 2 and deadlines[0].ends_at < deadlines[1].ends_at
    assert [e.kind for e in timeline].count("timer_fired") == 2
    assert any(e.kind == "act" and e.act.value == "replan_notice" for e in timeline)
