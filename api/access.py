"""Who sees which application, and the workflow calls every route shares.

Scope rule: a caller with a county (a county bureau, a county-level department) sees only that county's
applications; everyone else who may read sees the whole city. An application outside the caller's scope
is answered exactly like an unknown one (404), so its existence never leaks.
"""

import asyncio
from collections.abc import Awaitable, Callable

from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from api.errors import Refusal, from_temporal, not_found
from state.domain import Act, Actor, Level, Role, Stage, authority_refusal
from workflows.application import FINAL, ApplicationWorkflow, workflow_id_for
from workflows.messages import ActResult, ApplicationView, ViewRequest

UpdateCall = Callable[[WorkflowHandle], Awaitable[ActResult]]
PUBLIC = Actor(user_id="public", name="public", role=Role.public)


def may_see(actor: Actor, county: str) -> bool:
    return actor.county is None or actor.county == county


def may_see_objectors(actor: Actor, level: Level, county: str) -> bool:
    """Objectors' names and contacts: for whoever investigates objections at that level, and oversight."""
    if actor.role in (Role.supervisor, Role.inspector):
        return True
    return authority_refusal(Act.dismiss_objection, actor, level, county) is None


def acts_for(actor: Actor, acts: list[Act], level: Level, county: str) -> list[Act]:
    """The acts the machine allows now, narrowed to those ``actor`` has the authority for."""
    return [a for a in acts if authority_refusal(a, actor, level, county) is None]


def handle_for(client: Client, application_id: str) -> WorkflowHandle:
    return client.get_workflow_handle_for(ApplicationWorkflow.run, workflow_id_for(application_id))


async def fetch_view(client: Client, application_id: str, actor: Actor) -> ApplicationView:
    """The workflow's current view through ``actor``'s eyes; 404 when unknown or outside their scope."""
    try:
        view = await handle_for(client, application_id).query(
            ApplicationWorkflow.view, ViewRequest(department=actor.department)
        )
    except RPCError as e:
        raise from_temporal(e, application_id) from None
    if not may_see(actor, view.county):
        raise not_found(application_id)
    return view


def require_authority(act: Act, actor: Actor, view: ApplicationView) -> None:
    """403 when the caller's role or county/department may not do ``act`` on this application."""
    why = authority_refusal(act, actor, view.level, view.county)
    if why:
        raise Refusal(403, why)


def not_allowed(view: ApplicationView, actor: Actor, act: Act) -> Refusal:
    allowed = acts_for(actor, view.allowed_acts, view.level, view.county)
    return Refusal(
        409,
        f"act {act.value!r} is not allowed in state {view.state.value!r}",
        state=view.state.value,
        allowed_acts=[a.value for a in allowed],
    )


async def perform(
    client: Client, application_id: str, actor: Actor, act: Act, call: UpdateCall
) -> tuple[ApplicationView, ActResult]:
    """Look, check authority, then let the workflow decide: every refusal leaves the application untouched."""
    view = await fetch_view(client, application_id, actor)
    require_authority(act, actor, view)
    if view.state in FINAL:  # the workflow has ended and takes no update
        raise not_allowed(view, actor, act)
    try:
        result = await call(handle_for(client, application_id))
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:  # ended between the look and the act
            raise not_allowed(await fetch_view(client, application_id, actor), actor, act) from None
        raise from_temporal(e, application_id) from None
    except Exception as e:
        refusal = from_temporal(e, application_id)
        if refusal.status == 409:
            refusal.extra["allowed_acts"] = [
                a.value for a in acts_for(actor, [Act(a) for a in refusal.extra.get("allowed_acts", [])], view.level, view.county)
            ]
        raise refusal from None
    return view, result


async def settle(
    view_of: Callable[[], Awaitable[ApplicationView]], changed: Callable[[Stage], bool], attempts: int = 20
) -> ApplicationView:
    """Poll a view until ``changed`` holds (a signal is applied asynchronously); the last view otherwise."""
    view = await view_of()
    for _ in range(attempts):
        if changed(view.state):
            break
        await asyncio.sleep(0.05)
        view = await view_of()
    return view

