"""A round's review panel (评审组): who may sit on it when the round is created, a member's recusal (回避), and who
may score a candidate of a panel's round. Under services/rounds.py, services/acts.py and both route layers.

A city round's panel: the city bureau's reviewers (role city_reviewer) and city DRC / civil-affairs members
(role department, no county), at least one of each. A county round's: its county bureau's accounts (role
county_bureau of that county) and the county's DRC / civil-affairs members, at least one of each."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqlmodel import select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from contracts.application import ApplicationView
from contracts.rounds import PanelMember, PanelRequest, PanelView, RecuseAct
from contracts.rules import Rule, administration
from contracts.rules import panel as rules
from db.users import User
from services.context import Context
from services.refusals import Refusal, from_temporal
from state.domain import Actor, Department, Level, Role
from state.labels import SCORE_PARTS, department_label
from workflows.round import RoundWorkflow, round_workflow_id

PANEL_DEPARTMENTS = (Department.drc, Department.civil_affairs)


def where(level: Level, county: str | None) -> str:
    return "市" if level == Level.city else (county or "县")


def unit(role: Role, department: Department | None, county: str | None, level: Level) -> str:
    """A member's unit in Chinese: 市人社局, 市发展改革委, 兰山区民政局 …"""
    place = "市" if level == Level.city else (county or "")
    if role == Role.department and department is not None:
        return f"{place}{department_label(department, level)}"
    return f"{place}人社局"


def eligible(user: User, level: Level, county: str | None) -> bool:
    """Whether ``user`` may sit on the panel of a round of ``level`` run by ``county`` (active or not)."""
    if level == Level.city:
        return user.county is None and (
            user.role == Role.city_reviewer or (user.role == Role.department and user.department in PANEL_DEPARTMENTS)
        )
    return user.county == county and (
        user.role == Role.county_bureau or (user.role == Role.department and user.department in PANEL_DEPARTMENTS)
    )


def candidates(ctx: Context, level: Level, county: str | None) -> list[User]:
    """The active users who may sit on such a panel (the creation form's checkboxes)."""
    with ctx.session() as s:
        users = s.exec(select(User).where(User.disabled_at == None)).all()  # noqa: E711
    return sorted((u for u in users if eligible(u, level, county)), key=lambda u: (u.role.value, u.name))


def _refuse(rule: Rule, **facts: Any) -> Refusal:
    return Refusal(422, rule, field="panel", **facts)


def check_panel(ctx: Context, ids: list[str], panel_min: int, level: Level, county: str | None) -> list[PanelMember]:
    """The panel as members, or a 422 naming the field ``panel`` and the problem."""
    place = where(level, county)
    with ctx.session() as s:
        found = {i: s.get(User, i) for i in dict.fromkeys(ids)}
    members: list[PanelMember] = []
    for i in ids:
        user = found.get(i)
        if user is None:
            raise _refuse(rules.PANEL_MEMBER_UNKNOWN, user_id=i)
        if user.disabled_at is not None:
            raise _refuse(rules.PANEL_MEMBER_INACTIVE, name=user.name, user_id=i)
        if not eligible(user, level, county):
            raise _refuse(rules.PANEL_MEMBER_ROLE, name=user.name, where=place, user_id=i)
        if any(m.user_id == i for m in members):
            raise _refuse(rules.PANEL_MEMBER_TWICE, name=user.name, user_id=i)
        members.append(PanelMember(user.id, user.name, user.role, user.department, user.county))
    if len(members) < panel_min:
        raise _refuse(rules.PANEL_TOO_SMALL, panel_min=panel_min, given=len(members))
    departments = {m.department for m in members if m.role == Role.department}
    if not set(PANEL_DEPARTMENTS) <= departments:
        raise _refuse(rules.PANEL_NEEDS_DEPARTMENTS, where=place)
    if not any(m.role != Role.department for m in members):
        raise _refuse(rules.PANEL_NEEDS_BUREAU, where=place)
    return members


async def panel_of(ctx: Context, round_id: str) -> PanelView:
    try:
        view: PanelView = await ctx.client.get_workflow_handle(round_workflow_id(round_id)).query(
            RoundWorkflow.panel, PanelRequest()
        )
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            raise Refusal(404, administration.ROUND_NOT_FOUND, round_id=round_id) from None
        raise from_temporal(e, f"round {round_id!r}") from None
    return view


@dataclass(frozen=True)
class Occasion:
    """When and where a 现场答辩 and a 实地考察 took place (recorded with the score)."""

    defence_on: date | None = None
    defence_place: str = ""
    inspected_on: date | None = None
    inspected_place: str = ""


async def admit_scorer(
    ctx: Context, actor: Actor, view: ApplicationView, marks: dict[str, float | None], occasion: Occasion
) -> bool:
    """For a candidate of a panel's round: 403 when ``actor`` is not a member, 409 when they recused from it, 422
    when a 答辩 or 考察 is scored without its day and place. True when the round has a panel (the member scores
    by it, whatever their role); False for an application outside a panel's round (the old rule)."""
    if not view.round_id:
        return False
    try:
        panel = await panel_of(ctx, view.round_id)
    except Refusal:
        return False  # no such round: the application's own rules decide
    if not panel.members:
        return False
    if actor.user_id not in {m.user_id for m in panel.members}:
        raise Refusal(403, rules.NOT_ON_PANEL)
    if any(x.member_id == actor.user_id and x.application_id == view.application_id for x in panel.recusals):
        raise Refusal(409, rules.RECUSED_NO_SCORE, application_id=view.application_id)
    unscored = [m for m in panel.weights if marks.get(m) is None]
    if unscored:
        methods = "、".join(SCORE_PARTS[m] for m in panel.weights)
        raise Refusal(422, rules.SCORE_EVERY_METHOD, methods=methods, field=unscored[0])
    for method, day, spot, field in (
        ("defence", occasion.defence_on, occasion.defence_place, "defence_on"),
        ("field_inspection", occasion.inspected_on, occasion.inspected_place, "inspected_on"),
    ):
        if marks.get(method) is not None and (day is None or not spot.strip()):
            raise Refusal(422, rules.SCORE_OCCASION_REQUIRED, method=SCORE_PARTS[method], field=field)
    return True


async def recuse(ctx: Context, actor: Actor, view: ApplicationView, round_id: str, reason: str) -> PanelView:
    """回避: refused (409) once the member has scored the candidate: a score given stays and is amended, not
    discarded, so that what a member did is never silently undone."""
    if view.round_id != round_id:
        raise Refusal(422, rules.RECUSAL_NOT_CANDIDATE, field="application_id", application_id=view.application_id)
    if any(sheet.reviewer.user_id == actor.user_id for sheet in view.scores):
        raise Refusal(409, rules.RECUSAL_AFTER_SCORE, application_id=view.application_id)
    act = RecuseAct(actor=actor, application_id=view.application_id, reason=reason)
    try:
        done: PanelView = await ctx.client.get_workflow_handle(round_workflow_id(round_id)).execute_update(
            RoundWorkflow.recuse, act
        )
    except (RPCError, WorkflowUpdateFailedError) as e:
        raise from_temporal(e, f"round {round_id!r}") from None
    return done


async def eligible_users(ctx: Context, level: Level, county: str | None) -> list[User]:
    return await run_in_threadpool(candidates, ctx, level, county)
