"""Record the golden histories of the joint procedure's workflows, which tests/test_joint_replay.py replays.

    .venv/bin/python -m tests.record_joint_histories                  # every story, from the repository's root
    .venv/bin/python -m tests.record_joint_histories claim_released   # one of them

Written to ``tests/histories/joint/``:

- ``claim_released`` (the dev server): an institution's claim (InstitutionClaimWorkflow) taken as the API takes it
  before the application starts; a release naming another application is ignored; the application is withdrawn and
  its end releases the claim. Writes ``institution_claim.json`` (COMPLETED) and ``claim_withdrawn.json`` (its
  application, COMPLETED).
- ``batch_announced_revoked`` (a time-skipping server: the notices' 5 working days must pass): two county
  applications, each after the county's two opinions and its review, published; their notices close; the county
  bureau forms a batch of both (AnnouncementWorkflow, numbered by the register), the county's three departments
  co-sign it once each and the third signature announces both (their ``join_announcement`` and ``announce``
  updates); the first is awarded, an inspector proposes its revocation and the county's three departments sign it
  (RevocationWorkflow: the decision drawn, rendered, kept, then the application's ``revoke_by_decision``). Writes
  ``announcement.json`` and ``revocation.json`` (COMPLETED), ``batch_awarded_revoked.json`` (the first application,
  COMPLETED) and ``announced_by_batch.json`` (the second, RUNNING: announced, awaiting its plaque).

Re-record only on purpose: a changed file means the workflow's commands changed.
"""

import asyncio
import json
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from contracts.announcement import AnnouncementPlan, BatchSignAct, FormationRequest
from contracts.application import PublicizeAct, ReviewAct, WithdrawAct
from contracts.converter import DATA_CONVERTER
from state.domain import Level, RevocationReason, Stage
from tests.conftest import RunningWorker, binary, pass_notice, settings_for
from tests.factory import COUNTY, bureau, department, opinions_given
from tests.record_histories import (
    ALL_DEPARTMENTS,
    BranchFailed,
    _time_skipping_server,
    award,
    declared,
    ended,
    expect,
    golden,
    revoked_by_decision,
    until,
    view,
)
from workflows import search_attributes as sa
from workflows.announcement import ANNOUNCED, FORMED, AnnouncementWorkflow, announcement_workflow_id
from workflows.application import ApplicationWorkflow
from workflows.institution_claim import InstitutionClaimWorkflow, claim_workflow_id

JOINT_HISTORIES = Path(__file__).resolve().parent / "histories" / "joint"
BATCH_ID = "Bgolden-batch"

Recorded = dict[str, WorkflowHandle]  # golden file name -> the workflow to write


async def claim_released(env: WorkflowEnvironment, queue: str) -> Recorded:
    client = env.client
    decl = golden("claim_withdrawn", Level.county)
    h = await declared(client, queue, decl)
    claim = client.get_workflow_handle(claim_workflow_id(decl.level, decl.institution.credit_code))
    held = await claim.query(InstitutionClaimWorkflow.holder)
    if held.application_id != decl.application_id or held.claimed_at is None:
        raise BranchFailed(f"{claim.id}: held by {held}")
    await claim.signal(InstitutionClaimWorkflow.release, "golden-another-application")  # not its holder: ignored
    await until(h, lambda v: v.state == Stage.declared)
    r = await h.execute_update(ApplicationWorkflow.withdraw, WithdrawAct(bureau(), "机构主动撤回申报"))
    expect(h, Stage.withdrawn, r.state)
    expect(h, Stage.withdrawn, (await h.result()).state)
    if await asyncio.wait_for(claim.result(), 30) != decl.application_id:
        raise BranchFailed(f"{claim.id}: released for another application")
    return {"institution_claim": claim, "claim_withdrawn": h}


async def batch_announced_revoked(env: WorkflowEnvironment, queue: str) -> Recorded:
    client = env.client
    apps = []
    for name in ("batch_awarded_revoked", "announced_by_batch"):
        h = await declared(client, queue, golden(name, Level.county))
        await opinions_given(h)
        await h.execute_update(ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "材料齐全，同意申报"))
        await h.execute_update(ApplicationWorkflow.publicize, PublicizeAct(bureau(), None, "县级评定结果公示"))
        apps.append(h)
    for h in apps:
        await pass_notice(env, h)
    first, second = apps

    ids = [h.id.removeprefix("application-") for h in apps]
    plan = AnnouncementPlan(BATCH_ID, Level.county, COUNTY, ids, bureau())  # as services/announcements.py forms it
    batch = await client.start_workflow(
        AnnouncementWorkflow.run, plan, id=announcement_workflow_id(BATCH_ID), task_queue=queue
    )
    formed = await batch.execute_update(AnnouncementWorkflow.formation, FormationRequest())
    if formed.state != FORMED or not formed.document_no:
        raise BranchFailed(f"{batch.id}: {formed.state}")
    for dept in ALL_DEPARTMENTS:
        signed = await batch.execute_update(AnnouncementWorkflow.co_sign, BatchSignAct(department(dept, COUNTY)))
    if signed.state != ANNOUNCED:
        raise BranchFailed(f"{batch.id}: three signatures left it {signed.state}")
    for h in apps:
        v = await until(h, lambda v: v.state == Stage.announced)
        if v.announcement_doc_no != formed.document_no or v.announcement_id != BATCH_ID:
            raise BranchFailed(f"{h.id}: announced by {v.announcement_doc_no} ({v.announcement_id})")
    await ended(batch)

    await award(first, bureau(), "LS-2026-011")
    revocation = await revoked_by_decision(
        client, queue, first, RevocationReason.false_materials, "申报材料中从业人员数不实", county=COUNTY
    )
    await ended(first)
    expect(first, Stage.revoked, (await view(first)).state)
    expect(second, Stage.announced, (await until(second, lambda v: True)).state)
    return {
        "announcement": batch,
        "batch_awarded_revoked": first,
        "announced_by_batch": second,
        "revocation": revocation,
    }


DEV_STORIES: dict[str, Callable[[WorkflowEnvironment, str], Awaitable[Recorded]]] = {"claim_released": claim_released}
SKIP_STORIES: dict[str, Callable[[WorkflowEnvironment, str], Awaitable[Recorded]]] = {
    "batch_announced_revoked": batch_announced_revoked
}
# Every file a story writes, and how its workflow stood when recorded (tests/test_joint_replay.py checks both).
ENDINGS = {
    "institution_claim": "COMPLETED",
    "claim_withdrawn": "COMPLETED",
    "announcement": "COMPLETED",
    "revocation": "COMPLETED",
    "batch_awarded_revoked": "COMPLETED",
    "announced_by_batch": "RUNNING",
}


async def write(recorded: Recorded) -> None:
    JOINT_HISTORIES.mkdir(parents=True, exist_ok=True)
    for name, h in recorded.items():
        history = await h.fetch_history()
        path = JOINT_HISTORIES / f"{name}.json"
        path.write_text(json.dumps(history.to_json_dict(), indent=1, ensure_ascii=False) + "\n")
        print(f"  wrote {path} ({len(history.events)} events)")


async def record(selected: set[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{Path(tmp) / 'golden.db'}"
        for name in [n for n in DEV_STORIES if n in selected]:
            print(f"{name} (dev server)")
            env = await WorkflowEnvironment.start_local(
                dev_server_existing_path=binary("temporal"),
                data_converter=DATA_CONVERTER,
                search_attributes=list(sa.ALL),
            )
            try:
                async with RunningWorker(env.client, settings_for(db, f"golden-{name}")):
                    await write(await DEV_STORIES[name](env, f"golden-{name}"))
            finally:
                await env.shutdown()
        for name in [n for n in SKIP_STORIES if n in selected]:
            print(f"{name} (a time-skipping server of its own)")
            env = await _time_skipping_server()
            try:
                async with RunningWorker(env.client, settings_for(db, f"golden-{name}")):
                    await write(await SKIP_STORIES[name](env, f"golden-{name}"))
            finally:
                await env.shutdown()


if __name__ == "__main__":
    known = [*DEV_STORIES, *SKIP_STORIES]
    wanted = set(sys.argv[1:]) or set(known)
    if unknown := wanted - set(known):
        sys.exit(f"unknown story(ies) {sorted(unknown)}; known: {', '.join(known)}")
    asyncio.run(record(wanted))
