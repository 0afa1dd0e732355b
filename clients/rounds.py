"""Asking a round's workflow about its declaration window."""

import time
from dataclasses import dataclass
from datetime import datetime
from weakref import WeakKeyDictionary

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from clients.gate import WorkerGate
from contracts.rounds import RoundWindow, WindowRequest
from state.domain import Level
from workflows.round import RoundWorkflow, round_workflow_id
from workflows.round_rules import window_text

KEEP_SECONDS = 5.0  # a run's answer is reused this long without asking whether it is still the round's latest run
KEPT_ROUNDS = 1024  # answers kept per client; a few rounds a year


@dataclass
class _Answer:
    run_id: str
    window: RoundWindow
    latest_at: float  # time.monotonic() when the server last said this run is the round's latest


# Per client, by round id: the window the round's latest run answered.
_answers: WeakKeyDictionary[Client, dict[str, _Answer]] = WeakKeyDictionary()


async def round_window(client: Client, round_id: str, now: datetime) -> RoundWindow:
    """The round's window as its workflow answers it (RPCError NOT_FOUND for no such round).

    A query waits for a worker, behind every other task of a busy one, so each run of a round's workflow is queried
    once: a run's window is its plan's, set once and never changed. Whether the run is still the round's latest is
    asked of the server (a describe, answered without a worker), and not even that within KEEP_SECONDS of the last
    time while the window has not closed: a run cannot end before its window closes (it sleeps until then, then
    reviews and selects), and a round's id is started again only once its run has ended — so only a run ended by
    hand and started again within those seconds would be answered from the old one. A round started again under the
    same id is a new run, queried afresh."""
    gate = next((i for i in client.config()["interceptors"] if isinstance(i, WorkerGate)), None)
    if gate is not None:
        await gate.check()  # no worker polling is answered as the query would be, however the window is known
    answers = _answers.setdefault(client, {})
    known = answers.get(round_id)
    if known is not None and time.monotonic() - known.latest_at < KEEP_SECONDS and now < known.window.closes_at:
        return known.window
    handle = client.get_workflow_handle(round_workflow_id(round_id))
    asked_at = time.monotonic()
    run_id = (await handle.describe()).run_id
    if known is None or known.run_id != run_id:
        run = client.get_workflow_handle(handle.id, run_id=run_id)
        known = _Answer(run_id, await run.query(RoundWorkflow.window, WindowRequest()), asked_at)
        if len(answers) >= KEPT_ROUNDS:
            answers.clear()
        answers[round_id] = known
    known.latest_at = asked_at
    return known.window


async def declaration_window_refusal(
    client: Client, round_id: str, now: datetime, level: Level | None = None, county: str | None = None
) -> str | None:
    """Why a declaration in ``round_id`` at ``now`` is refused (naming the window, or a round of another level or
    county); None inside the window of a round it may enter."""
    try:
        w = await round_window(client, round_id, now)
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            return f"round {round_id!r} does not exist (批次不存在)"
        raise
    if level is not None and w.level != level:
        return f"round {round_id} ({w.name}) is a {w.level.value}-level round, not {level.value}-level（批次等级不符）"
    if level == Level.county and w.owner_county and w.owner_county != county:
        return f"round {round_id} ({w.name}) belongs to {w.owner_county}, not {county}（不是本县区的批次）"
    if now < w.opens_at:
        return f"the declaration window of round {round_id} ({w.name}) is {window_text(w)}: it has not opened yet（申报尚未开始）"
    if now >= w.closes_at:
        return (
            f"the declaration window of round {round_id} ({w.name}) was {window_text(w)}: it has closed（申报已截止）"
        )
    return None
