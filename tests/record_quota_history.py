"""Record a golden history of QuotaWorkflow, which tests/test_replay.py replays with the current workflow.

    .venv/bin/python tests/record_quota_history.py reservations        # writes tests/histories/quota/reservations.json

One period on a fresh dev server: a county's quota of 2 set, three applications published at once (the places
reserved through the quota's workflow: two granted, one refused as the quota is full), then the quota raised to 3.
The quota's workflow stays open (a period's quota lives as long as the period) and replays as it stands.
Re-record only on purpose: a quota's workflow lives for years, so every recorded generation must keep replaying.
"""

import asyncio
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from clients import quota as quota_client
from contracts.application import PublicizeAct, ReviewAct
from contracts.converter import DATA_CONVERTER
from contracts.quota import DefinePeriod, SetQuota
from state.domain import Actor, Level, Role
from tests.conftest import RunningWorker, binary, settings_for, today
from tests.factory import COUNTY, bureau, declaration, opinions_given, start
from workflows import search_attributes as sa
from workflows.application import ApplicationWorkflow
from workflows.quota import quota_workflow_id

QUOTA_HISTORIES = Path(__file__).resolve().parent / "histories" / "quota"
PERIOD = "golden-period"
WORKFLOW_ID = quota_workflow_id(PERIOD, Level.county)
ADMIN = Actor(user_id="admin-golden", name="测试管理员", role=Role.admin)


async def record(name: str) -> None:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"), data_converter=DATA_CONVERTER, search_attributes=list(sa.ALL)
    )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            queue = "golden-quota"
            async with RunningWorker(env.client, settings_for(f"sqlite:///{Path(tmp) / 'golden.db'}", queue)):
                year = today().year
                await quota_client.define_period(
                    env.client, queue, PERIOD, DefinePeriod(ADMIN, "测试期", year, year + 4, "测试：规划期")
                )
                await quota_client.set_quota(
                    env.client, queue, PERIOD, Level.county, SetQuota(ADMIN, {COUNTY: 2}, "测试：名额")
                )
                apps = [await start(env.client, queue, declaration(Level.county)) for _ in range(3)]
                for h in apps:
                    await opinions_given(h)
                    await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "同意"))

                async def publish(h):
                    try:
                        await h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(bureau(), today(), "公示"))
                        return "published"
                    except WorkflowUpdateFailedError:
                        return "refused"

                outcomes = sorted(await asyncio.gather(*(publish(h) for h in apps)))
                assert outcomes == ["published", "published", "refused"], outcomes
                await quota_client.set_quota(
                    env.client, queue, PERIOD, Level.county, SetQuota(ADMIN, {COUNTY: 3}, "测试：增加名额")
                )
                history = await env.client.get_workflow_handle(WORKFLOW_ID).fetch_history()
    finally:
        await env.shutdown()
    QUOTA_HISTORIES.mkdir(parents=True, exist_ok=True)
    path = QUOTA_HISTORIES / f"{name}.json"
    path.write_text(json.dumps(history.to_json_dict(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {path} ({len(history.events)} events)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    asyncio.run(record(sys.argv[1]))
