"""Who sees which application, and the workflow calls every route shares.

Scope rule: a caller with a county (a county bureau, a county-level department) sees only that county's
applications; everyone else who may read sees the whole city. An application outside the caller's scope
is answered exactly like an unknown one (404), so its existence never leaks.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from clients.application import handle_for, query_view
from contracts.application import ActResult, ApplicationOutcome, ApplicationView
from db.queries.applications import place_of
from db.session import get_engine
from services.refusals import Refusal, from_temporal, not_found
from state.domain import Act, Actor, Level, Role, Stage, authority_refusal, separation_refusal
from state.machine import FINAL_STAGES
from workflows.application import ApplicationWorkflow

UpdateCall = Callable[[WorkflowHandle[ApplicationWorkflow, ApplicationOutcome]], Awaitable[ActResult]]
PUBLIC = Actor(user_id="public", name="public", role=Role.public)


def may_see(actor: Actor, county: str) -> bool:
    return actor.county is None or actor.county == county


def may_see_objectors(actor: Actor, level: Level, county: str) -> bool:
    """Objectors' names and contacts: for whoever investigates objections at that level, and oversight."""
    if actor.role in (Role.supervisor, Role.inspector):
        return True
    return authority_refusal(Act.dismiss_objection, actor, level, county) is None


def acts_for(actor: Actor, acts: list[Act], level: Level, county: str, declarer: str | None = None) -> list[Act]:
    """The acts the machine allows now, narrowed to those ``actor`` has the authority for (and, given who declared
    the application, not separated from them: state.domain.SEPARATED)."""
    return [
        a
        for a in acts
        if authority_refusal(a, actor, level, county) is None and separation_refusal(a, actor, declarer) is None
    ]


def declarer_of(view: ApplicationView) -> str | None:
    """The account that declared it (the first act on record)."""
    first = view.acts[0] if view.acts else None
    return first.actor.user_id if first is not None and first.act == Act.declare else None


async def fetch_view(client: Client, application_id: str, actor: Actor) -> ApplicationView:
    """The workflow's current view through ``actor``'s eyes; 404 when unknown or outside their scope."""
    try:
        view = await query_view(client, application_id, actor.department)
    except RPCError as e:
        raise from_temporal(e, f"application {application_id!r}") from None
    if not may_see(actor, view.county):
        raise not_found(application_id)
    return view


def require_authority(act: Act, actor: Actor, view: ApplicationView) -> None:
    """403 when the caller's role or county/department may not do ``act`` on this application."""
    why = authority_refusal(act, actor, view.level, view.county)
    if why:
        raise Refusal(403, why)


def require_separation(act: Act, actor: Actor, view: ApplicationView) -> None:
    """403 separation_of_duties when the account that declared the application would take ``act`` on it."""
    why = separation_refusal(act, actor, declarer_of(view))
    if why:
        raise Refusal(403, why, rule="separation_of_duties")


def not_allowed(view: ApplicationView, actor: Actor, act: Act) -> Refusal:
    allowed = acts_for(actor, view.allowed_acts, view.level, view.county, declarer_of(view))
    return Refusal(
        409,
        f"act {act.value!r} is not allowed in state {view.state.value!r}",
        state=view.state.value,
        allowed_acts=[a.value for a in allowed],
    )


@dataclass(frozen=True)
class Place:
    """Where an application stands, as far as admitting a caller goes: its level and county never change."""

    level: Level
    county: str
    state: Stage


def _from_read_model(database_url: str, application_id: str) -> Place | None:
    with Session(get_engine(database_url)) as s:
        row = place_of(s, application_id)
    return Place(*row) if row else None


async def locate(client: Client, database_url: str, application_id: str, actor: Actor) -> Place:
    """From the read model (no trip to the worker); from the workflow for a declaration not yet projected."""
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
    """Admit the caller, then let the workflow decide: every refusal leaves the application untouched."""
    place = await locate(client, database_url, application_id, actor)
    why = authority_refusal(act, actor, place.level, place.county)
    if why:
        raise Refusal(403, why)
    if place.state in FINAL_STAGES:  # the workflow has ended and takes no update
        message = f"act {act.value!r} is not allowed in state {place.state.value!r}"
        raise Refusal(409, message, state=place.state.value, allowed_acts=[])
    try:
        result = await call(handle_for(client, application_id))
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:  # ended between the look and the act
            raise not_allowed(await fetch_view(client, application_id, actor), actor, act) from None
        raise from_temporal(e, f"application {application_id!r}") from None
    except Exception as e:
        refusal = from_temporal(e, f"application {application_id!r}")
        if refusal.status == 409:
            allowed = [Act(a) for a in refusal.extra.get("allowed_acts", [])]
            refusal.extra["allowed_acts"] = [a.value for a in acts_for(actor, allowed, place.level, place.county)]
        raise refusal from None
    return place, result


async def settle(client: Client, database_url: str, application_id: str, actor: Actor, done: Stage) -> Stage:
    """After a signal (applied asynchronously): wait briefly until the read model shows ``done``, so that
    lists agree with the answer; the workflow's own state if it takes longer."""
    for _ in range(40):
        place = await run_in_threadpool(_from_read_model, database_url, application_id)
        if place is not None and place.state == done:
            return done
        await asyncio.sleep(0.05)
    return (await fetch_view(client, application_id, actor)).state
