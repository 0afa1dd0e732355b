"""Record a golden history of RoundWorkflow, which tests/rounds/test_round_replay.py replays with the current workflow.

    .venv/bin/python tests/record_round_history.py batch          # writes tests/histories/round/batch.json

A city round on a fresh dev server, a quota of one place, two candidates scored until the round selects by itself.
``before-panel`` was recorded with the code before the review panel (one reviewer, the selection note ending in
English); ``panel`` with a panel of three, one member recusing from one candidate (before the round formed its
batch); ``batch`` the same panel round with today's code: the candidates declared after the county's two opinions
(county-joint-opinions), the selection starting its child AnnouncementWorkflow (round-forms-its-batch). Each
generation is kept and replays (tests/test_joint_replay.py replays ``batch``). Re-record only on purpose.
"""

import asyncio
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from temporalio.testing import WorkflowEnvironment

from contracts.application import ReviewAct, ScoreAct
from contracts.converter import DATA_CONVERTER
from contracts.rounds import RoundPhase, ScoresRecorded, WindowRequest
from state.domain import Actor, Department, Level, Role
from tests.conftest import binary, settings_for
from tests.factory import bureau, credit_code, declaration, opinions_given, reviewer, start
from tests.rounds.conftest import RoundWorker, city_round, eventually, past_window
from workflows import search_attributes as sa
from workflows.application import ApplicationWorkflow
from workflows.round import RoundWorkflow, round_workflow_id

ROUND_HISTORIES = Path(__file__).resolve().parent / "histories" / "round"
ROUND_ID = "golden-round"
WORKFLOW_ID = round_workflow_id(ROUND_ID)
DRC = Actor(user_id="panel-drc", name="市发展改革委评审员", role=Role.department, department=Department.drc)
CIVIL = Actor(user_id="panel-civil", name="市民政局评审员", role=Role.department, department=Department.civil_affairs)


async def record(name: str) -> None:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"), data_converter=DATA_CONVERTER, search_attributes=list(sa.ALL)
    )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            queue = "golden-round"
            async with RoundWorker(env.client, settings_for(f"sqlite:///{Path(tmp) / 'golden.db'}", queue)) as w:
                await w.define_period("golden-round-period", 2026, 2030, "十五五")
                await w.set_quota("golden-round-period", Level.city, {"city": 1})
                plan = city_round("golden-round-period", *past_window(), round_id=ROUND_ID)
                panel = name != "before-panel"
                if panel:
                    from contracts.rounds import PanelMember, RecuseAct

                    plan.panel = [
                        PanelMember(a.user_id, a.name, a.role, a.department) for a in (reviewer(), DRC, CIVIL)
                    ]
                r = await w.start_round(plan)
                await eventually(
                    lambda: r.query(RoundWorkflow.window, WindowRequest()), lambda x: x.phase == RoundPhase.reviewing
                )
                apps = []
                for n in ("甲", "乙"):
                    decl = declaration(Level.city, name=f"{n}零工市场", code=credit_code())
                    decl.round_id = ROUND_ID
                    h = await start(env.client, queue, decl)
                    await opinions_given(h)  # 会商 (required since county-joint-opinions)
                    await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "同意"))
                    apps.append(h)
                marks = {"written": 90.0, "defence": 80.0, "field_inspection": 70.0}
                if panel:
                    first = apps[0].id.removeprefix("application-")
                    await r.execute_update(RoundWorkflow.recuse, RecuseAct(DRC, first, "曾在该机构任职"))
                    sheets = [
                        (apps[0], reviewer()),
                        (apps[0], CIVIL),
                        *((apps[1], a) for a in (reviewer(), DRC, CIVIL)),
                    ]
                    for h, who in sheets:
                        act = ScoreAct(who, "评审意见", panel_member=True, **marks)  # type: ignore[call-arg]
                        await h.execute_update(ApplicationWorkflow.score, act)
                else:
                    for h in apps:
                        await h.execute_update(ApplicationWorkflow.score, ScoreAct(reviewer(), "评审意见", **marks))
                await r.signal(RoundWorkflow.scores_recorded, ScoresRecorded())
                await r.result()
                history = await r.fetch_history()
    finally:
        await env.shutdown()
    ROUND_HISTORIES.mkdir(parents=True, exist_ok=True)
    path = ROUND_HISTORIES / f"{name}.json"
    path.write_text(json.dumps(history.to_json_dict(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {path} ({len(history.events)} events)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    asyncio.run(record(sys.argv[1]))
