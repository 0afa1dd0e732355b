"""A worker process killed (SIGKILL) while applications are mid-pipeline, then restarted: every application
gets through its reviews to its notice with two objections heard, and the read model holds each act exactly once (on SQLite and on PostgreSQL).

The worker is ``worker.py`` in its own process, as in production. Ten applications are driven at once; the
kill lands while updates are in flight (some activities may have written to the database without reporting
back, so the new worker runs them again). Calls made while no worker is alive block, time out and are retried
with the same update id, so an update that did land is answered, not performed twice.
"""

import asyncio
import contextlib
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import select
from temporalio.client import (
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError

from activities.notify import recipients
from contracts.application import ApplicationView, FindingAct, ObjectionAct, PublicizeAct, ReviewAct, ViewRequest
from contracts.notify import NotifyRequest
from contracts.opinions import DepartmentOpinionAct
from db import models
from db.session import session_for
from state.domain import Act, Level, Stage
from tests.conftest import standing_places_for, unique
from tests.factory import CONSULTED, COUNTY, bureau, declaration, department, reviewer, selected, start
from workflows.application import ApplicationWorkflow

ROOT = Path(__file__).resolve().parents[1]
APPLICATIONS = 10
DOC_NO = "临人社发〔2026〕9号"
CALL_TIMEOUT = 15.0  # one attempt of a call; a dead worker makes it time out, and it is retried
PIPELINE_TIMEOUT = 180.0  # the whole drive, kill and restart included (application activities time out after 10 s)
UPDATES_PER_APPLICATION = 9
EXPECTED_ACTS = [
    Act.declare,
    Act.department_opinion,
    Act.department_opinion,
    Act.county_review_pass,
    Act.city_review_pass,
    Act.publicize,
    Act.lodge_objection,
    Act.dismiss_objection,
    Act.lodge_objection,
    Act.dismiss_objection,
]
RETRYABLE = (asyncio.TimeoutError, RPCError, WorkflowUpdateRPCTimeoutOrCancelledError, WorkflowQueryFailedError)


@dataclass
class Progress:
    in_flight: int = 0  # calls (updates or queries) waiting for a worker right now
    updates_in_flight: int = 0
    updates_done: int = 0
    retries: int = 0


async def call(progress: Progress, make_call):
    """One call to the workflow, retried (same arguments, same update id) until a worker answers it."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + PIPELINE_TIMEOUT
    while True:
        progress.in_flight += 1
        try:
            return await asyncio.wait_for(make_call(), timeout=CALL_TIMEOUT)
        except RETRYABLE:
            if loop.time() > give_up:
                raise
            progress.retries += 1
            await asyncio.sleep(0.2)
        finally:
            progress.in_flight -= 1


async def view(progress: Progress, h: WorkflowHandle) -> ApplicationView:
    return await call(progress, lambda: h.query(ApplicationWorkflow.view, ViewRequest()))


async def drive(progress: Progress, h: WorkflowHandle) -> None:
    """Declared, reviewed, under notice, two objections heard; every update carries an id of its own, stable across
    retries."""

    async def update(name: str, method, arg) -> None:
        progress.updates_in_flight += 1
        try:
            await call(progress, lambda: h.execute_update(method, arg, id=f"{h.id}-{name}"))
        finally:
            progress.updates_in_flight -= 1
        progress.updates_done += 1

    for d in CONSULTED:  # 会商: the county's DRC and civil affairs agree first
        opinion = DepartmentOpinionAct(department(d, COUNTY), "agree", "经会商，同意申报")
        await update(f"opinion-{d.value}", ApplicationWorkflow.give_department_opinion, opinion)
    await update("county", ApplicationWorkflow.county_review, ReviewAct(bureau(), True, "材料齐全"))
    await update("city", ApplicationWorkflow.city_review, selected("评审通过"))
    await update("publicize", ApplicationWorkflow.publicize, PublicizeAct(reviewer(), None))  # today: it runs on
    for n in (1, 2):  # objections heard while the notice runs (its 5 working days do not pass on the dev server)
        objection = ObjectionAct(f"异议人{n}", f"1380000000{n}", f"第{n}条异议：场所面积不实")
        await update(f"objection-{n}", ApplicationWorkflow.lodge_objection, objection)
        finding = FindingAct(reviewer(), f"{h.id.removeprefix('application-')}-O{n}", False, "经核查不属实")
        await update(f"finding-{n}", ApplicationWorkflow.record_finding, finding)


class WorkerProcess:
    """``python worker.py`` against the test's dev server, logging to a file."""

    def __init__(self, env, task_queue: str, database_url: str, log: Path):
        self.env = {
            **os.environ,
            "BIAOGAN_TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
            "BIAOGAN_TEMPORAL_NAMESPACE": env.client.namespace,
            "BIAOGAN_TASK_QUEUE": task_queue,
            "DATABASE_URL": database_url,
        }
        self.log = log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, str(ROOT / "worker.py"), cwd=ROOT, env=self.env, stdout=out, stderr=out
            )

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        assert await self.process.wait() == -signal.SIGKILL

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), timeout=20)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


async def wait_for(predicate, seconds: float) -> None:
    """Wait (not assert) until ``predicate`` holds; the scenario is then checked by assertions."""
    for _ in range(int(seconds * 50)):
        if predicate():
            return
        await asyncio.sleep(0.02)


@pytest.mark.parametrize("spare", [False, True], ids=["restarted", "second-worker-running"])
async def test_killed_worker_restarts_and_every_act_is_projected_once(dev_env, database_url, tmp_path, spare):
    """A worker killed mid-pipeline: either a new one starts later (restarted), or a second worker was polling the
    same task queue all along (``./run.sh --workers 2``) and takes over alone."""
    queue = unique("crash")
    first = WorkerProcess(dev_env, queue, database_url, tmp_path / "worker-1.log")
    second = WorkerProcess(dev_env, queue, database_url, tmp_path / "worker-2.log")
    progress = Progress()
    total = APPLICATIONS * UPDATES_PER_APPLICATION
    decls = [declaration(Level.city) for _ in range(APPLICATIONS)]
    drivers: asyncio.Future | None = None
    handles: list[WorkflowHandle] = []
    places = standing_places_for(dev_env.client, database_url)  # the notices' places (the quota's workflow)
    await places.__aenter__()
    await first.start()
    if spare:
        await second.start()
    try:
        for d in decls:
            handles.append(await start(dev_env.client, queue, d))
        drivers = asyncio.gather(*(drive(progress, h) for h in handles))
        # Kill in the middle: a third of the updates done and some in flight.
        await wait_for(lambda: progress.updates_done >= total // 3 and progress.updates_in_flight > 0, seconds=30)
        await first.kill()
        done_at_kill, in_flight_at_kill = progress.updates_done, progress.updates_in_flight
        if not spare:
            # While no worker lives, calls pile up (blocked, timing out, retried) until each driver waits on one.
            await wait_for(lambda: progress.in_flight >= APPLICATIONS, seconds=5)
            await second.start()
        await asyncio.wait_for(drivers, timeout=PIPELINE_TIMEOUT)
        views = [await view(progress, h) for h in handles]
    finally:
        if drivers is not None and not drivers.done():
            drivers.cancel()
        await first.stop()
        await second.stop()
        for h in handles:  # applications under notice wait for its end
            with contextlib.suppress(RPCError):
                await h.terminate("crash test over")
        await places.__aexit__(None, None, None)

    assert 0 < done_at_kill < total and in_flight_at_kill > 0, (done_at_kill, in_flight_at_kill)
    assert progress.updates_done == total
    for decl, v in zip(decls, views, strict=True):
        assert v.state == Stage.publicized and not v.notice_closed
        assert [a.act for a in v.acts] == EXPECTED_ACTS
        assert [a.seq for a in v.acts] == list(range(1, len(EXPECTED_ACTS) + 1))
        with session_for(database_url) as s:
            row = s.get(models.Application, decl.application_id)
            events = s.exec(
                select(models.ApplicationEvent).where(models.ApplicationEvent.application_id == decl.application_id)
            ).all()
            inbox = s.exec(
                select(models.Notification).where(models.Notification.application_id == decl.application_id)
            ).all()
        events = sorted(events, key=lambda e: e.seq)
        assert len(events) == len(v.acts)
        assert [e.seq for e in events] == [a.seq for a in v.acts]  # 1..n, contiguous, each once
        assert [(e.act, e.state_after, e.actor_user_id) for e in events] == [
            (a.act, a.state_after, a.actor.user_id) for a in v.acts
        ]
        assert row is not None and row.state == v.state and row.version == len(v.acts)
        expected_inbox = sum(len(recipients(_notice(decl, a.act))) for a in v.acts)
        assert len(inbox) == expected_inbox == len({n.key for n in inbox})


def _notice(decl, act: Act) -> NotifyRequest:
    return NotifyRequest(
        application_id=decl.application_id,
        seq=0,
        act=act,
        state=Stage.declared,
        level=decl.level,
        county=decl.county,
        institution_name=decl.institution.name,
        reason="",
    )
