"""Transitional: the old call shapes of who-sees-what (now services/access.py) for the routes of other areas that
still call them (api/routes/rounds.py's score, api/routes/tasks.py's urge, api/routes/public.py, api/todo.py,
web/routes/rounds.py). New code calls services.access and services.acts; delete this once those have moved."""

from collections.abc import Awaitable, Callable

from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from clients.application import handle_for, query_view
from contracts.application import ActResult, ApplicationOutcome, ApplicationView
from db.queries.applications import place_of
from db.session import get_engine
from services.access import (
    PUBLIC,
    Place,
    absent,
    act_not_allowed,
    acts_for,
    authority,
    declarer_of,
    may_see,
    not_allowed,
    not_found,
    require_authority,
    require_separation,
)
from services.refusals import from_temporal
from state.domain import Act, Actor
from state.machine import FINAL_STAGES
from workflows.application import ApplicationWorkflow

__all__ = ["PUBLIC", "acts_for", "declarer_of", "require_authority", "require_separation"]
UpdateCall = Callable[[WorkflowHandle[ApplicationWorkflow, ApplicationOutcome]], Awaitable[ActResult]]


async def fetch_view(client: Client, application_id: str, actor: Actor) -> ApplicationView:
    try:
        view = await query_view(client, application_id, actor.department)
    except RPCError as e:
        raise absent(e, application_id) from None
    if not may_see(actor, view.county):
        raise not_found(application_id)
    return view


def _from_read_model(database_url: str, application_id: str) -> Place | None:
    with Session(get_engine(database_url)) as s:
        row = place_of(s, application_id)
    return Place(*row) if row else None


async def locate(client: Client, database_url: str, application_id: str, actor: Actor) -> Place:
    place = await run_in_threadpool(_from_read_model, database_url, application_id)
    if place is None:
        view = await fetch_view(client, application_id, actor)
        return Place(view.level, view.county, view.state)
    if not may_see(actor, place.county):
        raise not_found(application_id)
    return place


async def perform(
    client: Client, database_url: str, application_id: str, actor: Actor, act: Act, call: UpdateCall
) -> tuple[Place, ActResult]:
    place = await locate(client, database_url, application_id, actor)
    authority(act, actor, place.level, place.county)
    if place.state in FINAL_STAGES:
        raise act_not_allowed(act, place.state, [])
    try:
        result = await call(handle_for(client, application_id))
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            raise not_allowed(await fetch_view(client, application_id, actor), actor, act) from None
        raise absent(e, application_id) from None
    except Exception as e:
        refusal = from_temporal(e, f"application {application_id!r}")
        if refusal.status == 409:
            allowed = [Act(a) for a in refusal.extra.get("allowed_acts", [])]
            refusal.extra["allowed_acts"] = [a.value for a in acts_for(actor, allowed, place.level, place.county)]
        raise refusal from None
    return place, result
