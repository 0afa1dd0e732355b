"""The acts on one application, each ONE call: ``await acts.county_review(ctx, actor, application_id, passed,
opinion)``. Each admits the caller, then sends the act's workflow update; the workflow decides, and every refusal
leaves the application as it was.

The table ``UPDATES`` names, for each act, the workflow update that carries it: the route and the page hand over
the act's values, never the call."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from temporalio.service import RPCError, RPCStatusCode

from clients.application import handle_for
from contracts.application import (
    ApplicationView,
    AwardAct,
    CoSignAct,
    FindingAct,
    PublicizeAct,
    ReviewAct,
    ScoreAct,
    WithdrawAct,
)
from contracts.opinions import DepartmentOpinionAct
from contracts.rounds import ScoresRecorded
from contracts.rules.announcements import CO_SIGN_BY_BATCH_ONLY
from contracts.scores import AmendScoreAct
from schemas.models import ActOutcome
from services import access, panel
from services.access import Place, act_not_allowed, acts_for, declarer_of, fetch_view, locate
from services.context import Context
from services.refusals import Refusal, from_temporal
from state.domain import LEVEL_OWNER, Act, Actor, Level, Stage
from state.labels import ROLES
from state.machine import FINAL_STAGES
from state.opinions import opinion_giver_refused
from workflows.application import ApplicationWorkflow
from workflows.round import RoundWorkflow, round_workflow_id

# Each act and the workflow update that carries it (update methods of ApplicationWorkflow and its mixins).
UPDATES: dict[Act, Any] = {
    Act.county_review_pass: ApplicationWorkflow.county_review,
    Act.county_review_fail: ApplicationWorkflow.county_review,
    Act.city_review_pass: ApplicationWorkflow.city_review,
    Act.city_review_fail: ApplicationWorkflow.city_review,
    Act.county_request_correction: ApplicationWorkflow.request_correction,
    Act.city_request_correction: ApplicationWorkflow.request_correction,
    Act.resubmit: ApplicationWorkflow.resubmit,
    Act.score: ApplicationWorkflow.score,
    Act.publicize: ApplicationWorkflow.publicize,
    Act.dismiss_objection: ApplicationWorkflow.record_finding,
    Act.uphold_objection: ApplicationWorkflow.record_finding,
    Act.co_sign: ApplicationWorkflow.co_sign,
    Act.award: ApplicationWorkflow.award,
    Act.withdraw: ApplicationWorkflow.withdraw,
    Act.revoke: ApplicationWorkflow.revoke_title,
    Act.amend_score: ApplicationWorkflow.amend_score,
    Act.department_opinion: ApplicationWorkflow.give_department_opinion,
}


@dataclass(frozen=True)
class Done:
    """An act done: where the application stands now and what the caller may do next."""

    application_id: str
    state: Stage
    allowed_acts: list[Act]
    place: Place

    def answer(self) -> ActOutcome:
        return ActOutcome(id=self.application_id, state=self.state, allowed_acts=self.allowed_acts)


async def perform(
    ctx: Context,
    actor: Actor,
    application_id: str,
    act: Act,
    values: Any,
    declarer: str | None = None,
    admitted: bool = False,
    admit: Callable[[Act, Actor, Level, str], None] = access.authority,
) -> Done:
    """Admit ``actor`` for ``act`` (scope, authority by ``admit``, a workflow still running), then send ``values`` by
    the act's update. ``declarer``: who declared it, when known, so that the acts answered leave out those separated
    from them. ``admitted``: admitted by another rule than the role (a round's review panel, services/panel.py)."""
    place = await locate(ctx, application_id, actor)
    if not admitted:
        admit(act, actor, place.level, place.county)
    if place.state in FINAL_STAGES:  # the workflow has ended and takes no update
        raise act_not_allowed(act, place.state, [])
    try:
        result = await handle_for(ctx.client, application_id).execute_update(UPDATES[act], values)
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:  # ended between the look and the act
            raise access.not_allowed(await fetch_view(ctx, application_id, actor), actor, act) from None
        raise access.absent(e, application_id) from None
    except Exception as e:
        refusal = from_temporal(e, f"application {application_id!r}")
        if refusal.status == 409 and declarer is None:  # the acts left to the caller leave out those separated
            declarer = declarer_of(await fetch_view(ctx, application_id, actor))
        raise access.narrowed(refusal, actor, place.level, place.county, declarer) from None
    allowed = acts_for(actor, result.allowed_acts, place.level, place.county, declarer)
    return Done(application_id, result.state, allowed, place)


def _review(passed: bool, on_pass: Act, on_fail: Act) -> Act:
    return on_pass if passed else on_fail


async def county_review(ctx: Context, actor: Actor, application_id: str, passed: bool, opinion: str) -> Done:
    act = _review(passed, Act.county_review_pass, Act.county_review_fail)
    return await perform(ctx, actor, application_id, act, ReviewAct(actor=actor, passed=passed, opinion=opinion))


async def city_review(ctx: Context, actor: Actor, application_id: str, passed: bool, opinion: str) -> Done:
    act = _review(passed, Act.city_review_pass, Act.city_review_fail)
    return await perform(ctx, actor, application_id, act, ReviewAct(actor=actor, passed=passed, opinion=opinion))


async def publicize(
    ctx: Context, actor: Actor, application_id: str, published_on: date | None, source_url: str = ""
) -> Done:
    values = PublicizeAct(actor=actor, published_on=published_on, source_url=source_url)
    return await perform(ctx, actor, application_id, Act.publicize, values)


async def record_finding(
    ctx: Context, actor: Actor, application_id: str, objection_id: str, upheld: bool, finding: str
) -> Done:
    act = Act.uphold_objection if upheld else Act.dismiss_objection
    values = FindingAct(actor=actor, objection_id=objection_id, upheld=upheld, finding=finding)
    return await perform(ctx, actor, application_id, act, values)


def batch_owner_label(level: Level, county: str) -> str:
    """Who forms the batches of ``level`` (the county's bureau for county-level, the city reviewers for city-level),
    as the words say it."""
    return f"{county}人社局" if level == Level.county else ROLES[LEVEL_OWNER[level]]


def batch_only(view: ApplicationView, actor: Actor) -> Refusal:
    """409 co_sign_by_batch_only: an application declared under 批次公布 is co-signed in its batch, never by itself
    (its workflow keeps the co_sign update for the histories that carry it)."""
    allowed = acts_for(actor, view.allowed_acts, view.level, view.county, declarer_of(view))
    return Refusal(
        409,
        CO_SIGN_BY_BATCH_ONLY,
        owner_label=batch_owner_label(view.level, view.county),
        announcement_id=view.announcement_id,
        state=view.state.value,
        allowed_acts=[a.value for a in allowed],
    )


async def co_sign(ctx: Context, actor: Actor, application_id: str, document_no: str) -> Done:
    """The per-application co-signature, kept for applications declared before 批次公布; one announced by batch is
    refused here, before any update is sent (no trace in its history)."""
    place = await locate(ctx, application_id, actor)
    access.authority(Act.co_sign, actor, place.level, place.county)
    if place.state not in FINAL_STAGES:
        view = await fetch_view(ctx, application_id, actor)
        if view.announced_by_batch and view.announcement_id is None:
            raise batch_only(view, actor)
    return await perform(ctx, actor, application_id, Act.co_sign, CoSignAct(actor=actor, document_no=document_no))


async def award(ctx: Context, actor: Actor, application_id: str, plaque_no: str, awarded_on: date) -> Done:
    values = AwardAct(actor=actor, plaque_no=plaque_no, awarded_on=awarded_on)
    return await perform(ctx, actor, application_id, Act.award, values)


async def withdraw(ctx: Context, actor: Actor, application_id: str, reason: str) -> Done:
    return await perform(ctx, actor, application_id, Act.withdraw, WithdrawAct(actor=actor, reason=reason))


async def score(
    ctx: Context,
    actor: Actor,
    application_id: str,
    opinion: str,
    written: float | None,
    defence: float | None,
    field_inspection: float | None,
    occasion: panel.Occasion = panel.Occasion(),
) -> Done:
    """One reviewer's scores; the declarer may not score their own declaration (separation of duties). In a
    panel's round only its members score, not a candidate they recused from (services/panel.py)."""
    before = await fetch_view(ctx, application_id, actor)
    access.require_separation(Act.score, actor, before)
    marks = {"written": written, "defence": defence, "field_inspection": field_inspection}
    member = await panel.admit_scorer(ctx, actor, before, marks, occasion)
    values = ScoreAct(
        actor=actor,
        opinion=opinion,
        written=written,
        defence=defence,
        field_inspection=field_inspection,
        panel_member=member,
        defence_on=occasion.defence_on,
        defence_place=occasion.defence_place,
        inspected_on=occasion.inspected_on,
        inspected_place=occasion.inspected_place,
    )
    done = await perform(ctx, actor, application_id, Act.score, values, declarer_of(before), admitted=member)
    if before.round_id:  # let the round look whether every candidate now has its scores
        try:
            await ctx.client.get_workflow_handle(round_workflow_id(before.round_id)).signal(
                RoundWorkflow.scores_recorded, ScoresRecorded(application_id)
            )
        except RPCError:
            pass  # a round that has ended (or never existed) needs no nudge
    return done


async def amend_score(
    ctx: Context,
    actor: Actor,
    application_id: str,
    reason: str,
    opinion: str,
    written: float | None,
    defence: float | None,
    field_inspection: float | None,
) -> Done:
    """修改评分: a reviewer amends their own score sheet, with a reason, while scoring is still open
    (workflows/application_scores.py decides)."""
    before = await fetch_view(ctx, application_id, actor)
    values = AmendScoreAct(
        actor=actor,
        reason=reason,
        written=written,
        defence=defence,
        field_inspection=field_inspection,
        opinion=opinion,
    )
    return await perform(ctx, actor, application_id, Act.amend_score, values, declarer_of(before))


def _opinion_giver(act: Act, actor: Actor, level: Level, county: str) -> None:
    """403 unless the county's DRC or civil affairs (whatever the application's level: the county declares both)."""
    refused = opinion_giver_refused(actor, county)
    if refused:
        raise access.coded(refused)


async def give_department_opinion(ctx: Context, actor: Actor, application_id: str, opinion: str, text: str) -> Done:
    """县区部门意见 (会商): the county's DRC or civil affairs records, or changes, its opinion while the application is
    declared (workflows/application_opinions.py decides)."""
    values = DepartmentOpinionAct(actor=actor, opinion=opinion, text=text)
    return await perform(ctx, actor, application_id, Act.department_opinion, values, admit=_opinion_giver)
