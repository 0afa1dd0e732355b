"""Asking a round's workflow about its declaration window."""

from datetime import datetime

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from contracts.rounds import WindowRequest
from state.domain import Level
from workflows.round import RoundWorkflow, round_workflow_id
from workflows.round_rules import window_text


async def declaration_window_refusal(
    client: Client, round_id: str, now: datetime, level: Level | None = None, county: str | None = None
) -> str | None:
    """Why a declaration in ``round_id`` at ``now`` is refused (naming the window, or a round of another level or
    county); None inside the window of a round it may enter."""
    try:
        w = await client.get_workflow_handle(round_workflow_id(round_id)).query(RoundWorkflow.window, WindowRequest())
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            return f"round {round_id!r} does not exist (批次不存在)"
        raise
    if level is not None and w.level != level:
        return f"round {round_id} ({w.name}) is a {w.level.value}-level round, not {level.value}-level（批次等级不符）"
    if level == Level.county and w.owner_county and w.owner_county != county:
        return f"round {round_id} ({w.name}) belongs to {w.owner_county}, not {county}（不是本县区的批次）"
    span = window_text(w)
    if now < w.opens_at:
        return f"the declaration window of round {round_id} ({w.name}) is {span}: it has not opened yet（申报尚未开始）"
    if now >= w.closes_at:
        return f"the declaration window of round {round_id} ({w.name}) was {span}: it has closed（申报已截止）"
    return None
