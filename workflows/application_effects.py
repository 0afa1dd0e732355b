"""What ApplicationWorkflow's acts do, as functions over its state (workflows/application_state.py): apply an act
to the machine and keep it on record (projected into the read model and notified), ask the quota for a notice's
place, compute a notice's days, wait out the notice, and flag the live city-level applications of an institution
whose county-level title was revoked.

Every command these functions issue (activities, patches, search attributes, signals, timers) is the one
ApplicationWorkflow issued when they were its methods, in the same order: golden histories replay unchanged.
"""

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.calendar import CalendarActivities
    from activities.notify import NotifyActivities
    from activities.places import NoticeActivities, PlaceActivities
    from activities.read_model import ReadModelActivities
    from activities.record import RecordActivities
    from contracts.application import (
        ActRecord,
        ActRecording,
        ActResult,
        Declaration,
        FlagNotice,
        InstitutionLookup,
        NoticePeriodRequest,
        NoticeWindow,
        Projection,
        PublicizeAct,
        RevokeAct,
        SubmittedMaterial,
    )
    from contracts.notify import NotifyRequest
    from contracts.quota import NoticePlace
    from contracts.refusals import refusal_from
    from state.domain import SYSTEM, Act, Actor, Level, Stage, type_key
    from workflows import search_attributes as sa
    from workflows.application_rules import allowed, allowed_now
    from workflows.application_state import ApplicationState

ACTIVITY_TIMEOUT = timedelta(seconds=10)  # DB writes take milliseconds; a dead worker is noticed sooner
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
T = TypeVar("T")
Turn = Callable[[], AbstractAsyncContextManager[None]]  # the workflow's one-act-at-a-time lock
# Patch: each act recorded by one activity (read model + inbox) instead of two; older histories keep two.
RECORD_IN_ONE_ACTIVITY = "record-act-in-one-activity"
# Patch: an objection written to the read model with the act that lodges it (older histories: an activity before it).
OBJECTION_WITH_ITS_ACT = "objection-recorded-with-its-act"
RETURN_ACTS = (Act.county_request_correction, Act.city_request_correction, Act.correction_reminder)


def _refusal_or(e: ActivityError) -> Exception:
    """The activity's business refusal, or the failure as it was."""
    return refusal_from(e) or e


def correction_deadline(s: ApplicationState, act: Act) -> datetime | None:
    """The deadline a notice of ``act`` names (the return and its reminder name the correction's)."""
    if act in RETURN_ACTS and s.correction is not None:
        return s.correction.window.ends_at
    return None


async def apply(s: ApplicationState, act: Act, actor: Actor, reason: str, **details: str) -> ActResult:
    """Perform ``act`` on the machine and keep it on record."""
    return await apply_with_files(s, act, actor, reason, [], **details)


async def apply_with_files(
    s: ApplicationState, act: Act, actor: Actor, reason: str, materials: list[SubmittedMaterial], **details: str
) -> ActResult:
    """As ``apply``, the act also recording the files it submits (a resubmission, an objection's or a revocation's
    evidence)."""
    s.facts.now = workflow.now()
    s.procedure.apply(act, actor.department)
    await record(s, act, actor, reason, materials=materials, **details)
    return ActResult(application_id=s.decl.application_id, state=s.facts.state, allowed_acts=allowed_now(s))


async def record(
    s: ApplicationState,
    act: Act,
    actor: Actor,
    reason: str,
    materials: list[SubmittedMaterial] | None = None,
    **details: str,
) -> None:
    """Keep the act (who, role, when, why, the files it submitted), keep search attributes current, project and
    notify."""
    previous = s.acts[-1].state_after if s.acts else None
    kept = ActRecord(
        seq=len(s.acts) + 1,
        act=act,
        actor=actor,
        at=workflow.now(),
        reason=reason,
        state_after=s.facts.state,
        details=details,
        materials=list(materials or []),
    )
    s.acts.append(kept)
    if previous is not None and previous != kept.state_after:
        workflow.upsert_search_attributes([sa.STAGE.value_set(kept.state_after.value)])
    decl = s.decl
    deadline = s.notice.ends_at if s.notice and act == Act.publicize else correction_deadline(s, act)
    one_activity = workflow.patched(RECORD_IN_ONE_ACTIVITY)
    projection = Projection(
        application_id=decl.application_id,
        workflow_id=workflow.info().workflow_id,
        level=decl.level,
        county=decl.county,
        round_id=decl.round_id,
        # The institution changes only by a resubmission: sent with the declaration and with each resubmission
        # (it used to be repeated in every act).
        institution=institution_json(decl) if kept.seq == 1 or act == Act.resubmit or not one_activity else None,
        institution_name=decl.institution.name,
        institution_type=decl.institution.type,
        credit_code=decl.institution.credit_code,
        state=s.facts.state,
        notice=s.notice,
        flagged=bool(s.flags),
        act=kept,
        objections=[o for o in s.objections if o.upheld is not None],
        lodged=[s.objections[-1]] if act == Act.lodge_objection and workflow.patched(OBJECTION_WITH_ITS_ACT) else [],
        program=decl.program,
    )
    if one_activity:
        await workflow.execute_activity_method(
            RecordActivities.record_act,
            ActRecording(projection=projection, deadline=deadline),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
        return
    notice = NotifyRequest(
        application_id=decl.application_id,
        seq=kept.seq,
        act=act,
        state=s.facts.state,
        level=decl.level,
        county=decl.county,
        institution_name=decl.institution.name,
        reason=reason,
        deadline=deadline,
    )
    await asyncio.gather(
        workflow.execute_activity_method(
            ReadModelActivities.project, projection, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY
        ),
        workflow.execute_activity_method(
            NotifyActivities.notify, notice, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY
        ),
    )


def institution_json(decl: Declaration) -> dict[str, object]:
    i = decl.institution
    out = {k: v for k, v in i.__dict__.items()}
    for k in ("founded_on", "county_title_date"):
        out[k] = out[k].isoformat() if out[k] else None
    out["type"] = type_key(i.type)
    if not i.facts:  # the first program's facts are the fields above
        out.pop("facts", None)
    return out


# ---- the notice ------------------------------------------------------------------------------------------
def _notice_place(s: ApplicationState, act: PublicizeAct, published: date) -> NoticePlace:
    decl = s.decl
    return NoticePlace(
        application_id=decl.application_id,
        level=decl.level,
        county=decl.county,
        round_id=decl.round_id or "",
        published_on=published,
        actor=act.actor,
        key=f"notice-{decl.application_id}-{workflow.now().timestamp():.6f}",
        working_days=notice_days(decl)[0],
        ends_at_hour=notice_days(decl)[1],
        uncapped=bool(decl.program and decl.program.own_facts),
    )


async def open_notice(s: ApplicationState, act: PublicizeAct, published: date) -> NoticeWindow:
    """A place under the period's quota, through its QuotaWorkflow (granted at once to one the round chose),
    and the notice's days from the calendar, in one activity."""
    return await _ask_for_place(s, NoticeActivities.open_notice, act, published)


async def hold_place(s: ApplicationState, act: PublicizeAct, published: date) -> None:
    """As ``open_notice``'s first half, for histories recorded before it (NOTICE_HOLDS_A_PLACE)."""
    await _ask_for_place(s, PlaceActivities.reserve_notice_place, act, published)


async def _ask_for_place(
    s: ApplicationState, activity: Callable[[Any, NoticePlace], Awaitable[T]], act: PublicizeAct, published: date
) -> T:
    """The activity asking the quota for this publication's place; its refusal (no period, no quota, no
    place left) as the act's."""
    try:
        return await workflow.execute_activity_method(
            activity,
            _notice_place(s, act, published),
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
    except ActivityError as e:
        raise _refusal_or(e) from None


def notice_days(decl: Declaration) -> tuple[int | None, int | None]:
    """The notice's working days and the hour its last day ends, as the declaration's program version says (None,
    None: the worker's setting, the first program's 5 days ending at midnight)."""
    program = decl.program
    return (program.notice_working_days, program.notice_ends_at_hour) if program else (None, None)


async def compute_notice(published_on: date, decl: Declaration) -> NoticeWindow:
    days, hour = notice_days(decl)
    return await workflow.execute_activity_method(
        CalendarActivities.compute_notice_period,
        NoticePeriodRequest(published_on=published_on, working_days=days, ends_at_hour=hour),
        start_to_close_timeout=ACTIVITY_TIMEOUT,
        retry_policy=RETRY,
    )


async def run_notice(s: ApplicationState, turn: Turn) -> None:
    """Wait out the notice on a durable timer, re-plan if its calendar was unconfirmed, then close it
    once no objection is pending."""
    while s.facts.state == Stage.publicized and s.notice is not None:
        remaining = s.notice.ends_at - workflow.now()
        if remaining > timedelta(0):
            try:
                await workflow.wait_condition(
                    lambda: s.replan_requested or s.facts.state != Stage.publicized, timeout=remaining
                )
            except TimeoutError:
                pass
        if s.facts.state != Stage.publicized:
            return
        if s.replan_requested or (not s.notice.confirmed and workflow.now() >= s.notice.ends_at):
            s.replan_requested = False
            if await _replan(s, turn):
                continue
        if workflow.now() < s.notice.ends_at:
            continue
        await workflow.wait_condition(lambda: s.facts.pending_objections == 0 or s.facts.state != Stage.publicized)
        async with turn():
            if s.facts.state == Stage.publicized and allowed(s, Act.close_notice):
                await apply(s, Act.close_notice, SYSTEM, notice_closed_reason(s))
        return


def notice_closed_reason(s: ApplicationState) -> str:
    """What the closing of the notice records: 无异议 only when no objection was lodged. Runs of before the patch
    recorded 无异议 whatever was lodged, and replay as they did."""
    if s.objections and workflow.patched(CLOSE_NOTICE_SAYS_OBJECTIONS):
        return f"公示期满，收到异议{len(s.objections)}件，经调查核实均不成立"
    return "公示期满无异议"


CLOSE_NOTICE_SAYS_OBJECTIONS = "close-notice-says-objections"


async def _replan(s: ApplicationState, turn: Turn) -> bool:
    """Recompute the notice window; True when it changed."""
    assert s.notice is not None
    old = s.notice
    new = replace(
        await compute_notice(old.published_on, s.decl), source_url=old.source_url, recorded_on=old.recorded_on
    )
    if (new.ends_at, new.confirmed) == (old.ends_at, old.confirmed):
        return False
    async with turn():
        s.notice = new
        s.facts.notice_ends_at = new.ends_at
        status = "已确认" if new.confirmed else "未确认"
        await record(
            s,
            Act.replan_notice,
            SYSTEM,
            f"公示期按{status}的节假日安排重新计算：{old.ends_at.isoformat()} → {new.ends_at.isoformat()}",
        )
    return True


# ---- revocation ----------------------------------------------------------------------------------------
async def cascade_revocation(s: ApplicationState, act: RevokeAct) -> None:
    """A county-level title revoked: flag and notify every live city-level application of the institution."""
    related = await workflow.execute_activity_method(
        ReadModelActivities.find_related_applications,
        InstitutionLookup(
            credit_code=s.decl.institution.credit_code,
            level=Level.city,
            exclude_application_id=s.decl.application_id,
        ),
        start_to_close_timeout=ACTIVITY_TIMEOUT,
        retry_policy=RETRY,
    )
    flag = FlagNotice(source_application_id=s.decl.application_id, reason=act.reason, evidence=act.evidence)
    for workflow_id in related.workflow_ids:
        try:
            # by name: ApplicationWorkflow.flag_county_title_revoked (the same signal)
            await workflow.get_external_workflow_handle(workflow_id).signal("flag_county_title_revoked", flag)
        except Exception as e:  # a workflow that ended meanwhile needs no flag
            workflow.logger.warning("could not flag %s: %s", workflow_id, e)
