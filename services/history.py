"""The supervisor's timeline: an application's Temporal history told as domain events.

Every accepted act passes through the ``record_act`` activity (``project`` before that change), so the act
records are read from that activity's scheduled input; deadlines from the results of ``open_notice`` (the place held and
the days computed in one activity) or, in older histories, ``compute_notice_period``; the notice's timers as they were
started, fired or cancelled. Nothing else of Temporal's bookkeeping is shown.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TypeVar

from temporalio.api.common.v1 import Payloads
from temporalio.api.history.v1 import HistoryEvent, WorkflowExecutionSignaledEventAttributes
from temporalio.converter import DataConverter
from temporalio.service import RPCError

from clients.application import handle_for
from contracts.application import ActRecording, ApplicationOutcome, NoticeWindow, Projection, ReplanNotice, RevokeAct
from schemas.models import Timeline, TimelineEvent, TimelineNotice
from services import present
from services.access import absent, fetch_view, may_see_objectors
from services.context import Context
from state.domain import Actor

T = TypeVar("T")

# Activity and signal names as registered by the worker (method names).
PROJECT = "project"  # workflows started before acts were recorded by one activity
RECORD_ACT = "record_act"
# Activities whose result is the notice's window: opening it, or (older histories, and re-planning) computing it.
NOTICE_WINDOW = {"open_notice", "compute_notice_period"}
CLOSED_OTHERWISE = {
    "workflow_execution_failed_event_attributes": "流程异常终止",
    "workflow_execution_terminated_event_attributes": "由运维人员终止",
    "workflow_execution_timed_out_event_attributes": "流程超时",
    "workflow_execution_canceled_event_attributes": "流程已取消",
}


async def _decode(converter: DataConverter, payloads: Payloads, kind: type[T]) -> T:
    values = await converter.decode(list(payloads.payloads), [kind])
    value: T = values[0]  # the converter decodes to the type hint it was given
    return value


def _utc(event: HistoryEvent) -> datetime:
    return event.event_time.ToDatetime(tzinfo=UTC)


class _Narrator:
    def __init__(self, converter: DataConverter, show_objectors: bool) -> None:
        self.converter = converter
        self.show_objectors = show_objectors
        self.scheduled: dict[int, str] = {}  # event id -> activity name
        self.out: list[TimelineEvent] = []

    async def tell(self, event: HistoryEvent) -> None:
        kind = event.WhichOneof("attributes")
        when = present.local(_utc(event))
        if kind == "activity_task_scheduled_event_attributes":
            attrs = event.activity_task_scheduled_event_attributes
            name = attrs.activity_type.name
            self.scheduled[event.event_id] = name
            if name in (PROJECT, RECORD_ACT):
                if name == PROJECT:
                    record = (await _decode(self.converter, attrs.input, Projection)).act
                else:
                    record = (await _decode(self.converter, attrs.input, ActRecording)).projection.act
                act = present.act(record, self.show_objectors)
                self.out.append(
                    TimelineEvent(
                        when=act.at,
                        kind="act",
                        act=act.act,
                        actor=act.actor,
                        reason=act.reason,
                        state_after=act.state_after,
                        details=act.details,
                        materials=act.materials,
                    )
                )
        elif kind == "activity_task_completed_event_attributes":
            completed = event.activity_task_completed_event_attributes
            if self.scheduled.get(completed.scheduled_event_id, "") in NOTICE_WINDOW:
                window = await _decode(self.converter, completed.result, NoticeWindow)
                notice = TimelineNotice(
                    published_on=window.published_on,
                    first_day=window.first_day,
                    last_day=window.last_day,
                    ends_at=present.local(window.ends_at),
                    confirmed=window.confirmed,
                )
                self.out.append(TimelineEvent(when=when, kind="deadline_computed", notice=notice))
        elif kind == "timer_started_event_attributes":
            timeout = event.timer_started_event_attributes.start_to_fire_timeout
            fires_at = present.local(_utc(event) + timeout.ToTimedelta())
            reason = "计时开始，等待期限届满"
            self.out.append(TimelineEvent(when=when, kind="timer_started", reason=reason, fires_at=fires_at))
        elif kind == "timer_fired_event_attributes":
            self.out.append(TimelineEvent(when=when, kind="timer_fired", reason="期限届满，计时到点"))
        elif kind == "timer_canceled_event_attributes":
            self.out.append(TimelineEvent(when=when, kind="timer_canceled", reason="不再需要，计时取消"))
        elif kind == "workflow_execution_signaled_event_attributes":
            await self._signal(event.workflow_execution_signaled_event_attributes, when)
        elif kind == "workflow_execution_completed_event_attributes":
            result = event.workflow_execution_completed_event_attributes.result
            outcome = await _decode(self.converter, result, ApplicationOutcome)
            self.out.append(TimelineEvent(when=when, kind="closed", state_after=outcome.state, reason="流程结束"))
        elif kind in CLOSED_OTHERWISE:
            self.out.append(TimelineEvent(when=when, kind="closed", reason=CLOSED_OTHERWISE[kind]))

    async def _signal(self, attrs: WorkflowExecutionSignaledEventAttributes, when: datetime) -> None:
        if attrs.signal_name == "revoke":
            request = await _decode(self.converter, attrs.input, RevokeAct)
            self.out.append(
                TimelineEvent(
                    when=when,
                    kind="revocation_requested",
                    actor=present.actor(request.actor),
                    reason=request.evidence,
                    details={"ground": request.reason.value},
                )
            )
        elif attrs.signal_name == "replan_notice":
            replan = await _decode(self.converter, attrs.input, ReplanNotice)
            self.out.append(TimelineEvent(when=when, kind="replan_requested", reason=replan.reason))


async def history(ctx: Context, actor: Actor, application_id: str) -> Timeline:
    """The application's complete timeline, from its workflow history, through ``actor``'s eyes."""
    view = await fetch_view(ctx, application_id, actor)
    try:
        events = (await handle_for(ctx.client, application_id).fetch_history()).events
    except RPCError as e:
        raise absent(e, application_id) from None
    shown = may_see_objectors(actor, view.level, view.county)
    return Timeline(id=application_id, events=await narrate(events, ctx.client.data_converter, shown))


async def narrate(
    events: Iterable[HistoryEvent], converter: DataConverter, show_objectors: bool
) -> list[TimelineEvent]:
    """The domain events told by a workflow history, in order."""
    narrator = _Narrator(converter, show_objectors)
    for event in events:
        await narrator.tell(event)
    return narrator.out
