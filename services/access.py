"""Who sees which application, and where it stands, as far as admitting a caller goes.

Scope rule: a caller with a county (a county bureau, a county-level department) sees only that county's
applications; everyone else who may read sees their whole city (``Actor.city``). A province-level account (省级: a
supervisor or an admin without a city) reads every city. An application outside the caller's scope is answered
exactly like an unknown one (404), so its existence never leaks.
"""

import asyncio
from dataclasses import dataclass
from typing import Any

from fastapi.concurrency import run_in_threadpool
from temporalio.service import RPCError, RPCStatusCode

from clients.application import query_view
from contracts.application import ApplicationView
from contracts.rules import RULES
from contracts.rules.applications import APPLICATION_NOT_FOUND
from contracts.rules.engine import ACT_NOT_ALLOWED, not_allowed_facts
from db.queries.applications import place_of
from regions.catalog import DEPLOYMENT
from regions.scope import county_city
from services.context import Context
from services.identity import READERS as READERS  # who may read applications at all
from services.refusals import Refusal, from_temporal
from state.authority import Refused, authority_refused, separation_refused
from state.domain import Act, Actor, Level, Role, Stage, authority_refusal, separation_refusal
from state.labels import ACTS as ACT_WORDS

PUBLIC = Actor(user_id="public", name="public", role=Role.public)


# Who may be province-level (省级, ``city`` ""): oversight and administration. The public reads any city's public
# pages (which choose the city by a parameter); the system acts on every city's applications.
PROVINCE_ROLES = (Role.supervisor, Role.admin)
EVERY_CITY = (*PROVINCE_ROLES, Role.public, Role.system)


def city_scope(actor: Actor) -> str | None:
    """The city ``actor`` reads: their own; None (every city) for a province-level account. Anyone else without a
    city (an account made before cities) reads the deployment's."""
    if actor.city:
        return actor.city
    return None if actor.role in EVERY_CITY else DEPLOYMENT.name


def city_of(view: ApplicationView) -> str:
    """The city that runs an application: its program's (None: the first program's, the deployment's)."""
    return view.program.city if view.program is not None else DEPLOYMENT.name


def may_see(actor: Actor, county: str, city: str | None = None) -> bool:
    """Whether ``actor`` reads a row of ``county`` in ``city`` (not given: the city that lists the county)."""
    scope = city_scope(actor)
    if scope is not None and (city or county_city(county)) != scope:
        return False
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


def narrowed(refusal: Refusal, actor: Actor, level: Level, county: str, declarer: str | None = None) -> Refusal:
    """A 409's ``allowed_acts`` (the machine's, for anyone) narrowed to what ``actor`` may do now (and, given who
    declared it, not separated from them), as every act's refusal says it; other refusals as they are."""
    if refusal.status == 409:
        allowed = [Act(a) for a in refusal.extra.get("allowed_acts", [])]
        mine = acts_for(actor, allowed, level, county, declarer)
        refusal.extra["allowed_acts"] = [a.value for a in mine]
        if refusal.extra.get("rule") == ACT_NOT_ALLOWED.code:  # its words name the acts: the caller's, too
            refusal.extra["allowed_labels"] = "、".join(ACT_WORDS[a] for a in mine) or "无"
            refusal.message = ACT_NOT_ALLOWED.say(**refusal.extra)
            refusal.args = (refusal.message,)
    return refusal


def declarer_of(view: ApplicationView) -> str | None:
    """The account that declared it (the first act on record)."""
    first = view.acts[0] if view.acts else None
    return first.actor.user_id if first is not None and first.act == Act.declare else None


def not_found(application_id: str) -> Refusal:
    # Also the answer for applications outside the caller's scope: existence never leaks.
    return Refusal(404, APPLICATION_NOT_FOUND)


def absent(error: RPCError, application_id: str) -> Refusal:
    """What a Temporal call about one application raised, as its refusal (an unknown workflow: not found)."""
    if error.status == RPCStatusCode.NOT_FOUND:
        return not_found(application_id)
    return from_temporal(error, f"application {application_id!r}")


async def fetch_view(ctx: Context, application_id: str, actor: Actor) -> ApplicationView:
    """The workflow's current view through ``actor``'s eyes; 404 when unknown or outside their scope."""
    try:
        view = await query_view(ctx.client, application_id, actor.department)
    except RPCError as e:
        raise absent(e, application_id) from None
    if not may_see(actor, view.county, city_of(view)):
        raise not_found(application_id)
    return view


def authority(act: Act, actor: Actor, level: Level, county: str) -> None:
    """403 when the caller's role or county/department may not do ``act`` at that level and county."""
    refused = authority_refused(act, actor, level, county)
    if refused:
        raise coded(refused)


def coded(refused: Refused) -> Refusal:
    """403 with the rule the machine's authority check names (state/authority.py), its facts in the answer."""
    facts: dict[str, Any] = dict(refused.facts)
    return Refusal(403, RULES[refused.code], **facts)


def require_authority(act: Act, actor: Actor, view: ApplicationView) -> None:
    authority(act, actor, view.level, view.county)


def require_separation(act: Act, actor: Actor, view: ApplicationView) -> None:
    """403 separation_of_duties when the account that declared the application would take ``act`` on it."""
    refused = separation_refused(act, actor, declarer_of(view))
    if refused:
        raise coded(refused)


def act_not_allowed(act: Act, state: Stage, allowed: list[Act]) -> Refusal:
    facts: dict[str, Any] = not_allowed_facts(act, state, allowed)
    return Refusal(409, ACT_NOT_ALLOWED, **facts)


def not_allowed(view: ApplicationView, actor: Actor, act: Act) -> Refusal:
    allowed = acts_for(actor, view.allowed_acts, view.level, view.county, declarer_of(view))
    return act_not_allowed(act, view.state, allowed)


@dataclass(frozen=True)
class Place:
    """Where an application stands, as far as admitting a caller goes: its level and county never change."""

    level: Level
    county: str
    state: Stage
    city: str


def _from_read_model(ctx: Context, application_id: str) -> Place | None:
    with ctx.session() as s:
        row = place_of(s, application_id)
    return Place(*row) if row else None


async def locate(ctx: Context, application_id: str, actor: Actor) -> Place:
    """From the read model (no trip to the worker); from the workflow for a declaration not yet projected."""
    place = await run_in_threadpool(_from_read_model, ctx, application_id)
    if place is None:
        view = await fetch_view(ctx, application_id, actor)
        return Place(view.level, view.county, view.state, city_of(view))
    if not may_see(actor, place.county, place.city):
        raise not_found(application_id)
    return place


async def settle(ctx: Context, application_id: str, actor: Actor, done: Stage) -> Stage:
    """After an act applied asynchronously: wait briefly until the read model shows ``done``, so that lists agree
    with the answer; the workflow's own state if it takes longer."""
    for _ in range(40):
        place = await run_in_threadpool(_from_read_model, ctx, application_id)
        if place is not None and place.state == done:
            return done
        await asyncio.sleep(0.05)
    return (await fetch_view(ctx, application_id, actor)).state
