"""QuotaWorkflow: every decision on one period's quota at one level, one at a time (id ``quota-<period>-<level>``).
PeriodWorkflow: an admin defines or corrects a period (id ``period-<period>``).

Serializing reservations here means two selections racing for the last place are served one after the other;
the ``quota_place`` table's partial unique index is the second line of defence.
"""

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

from contracts.refusals import RefusalKind, refusal_from, refuse

with workflow.unsafe.imports_passed_through():
    from activities.quota import QuotaActivities
    from contracts.quota import (
        CITY_SCOPE,
        DefinePeriod,
        PeriodChangeRecord,
        PeriodFacts,
        PeriodRequest,
        PeriodStart,
        PeriodView,
        PlaceReleased,
        PlaceReleaseRecord,
        PlaceRequest,
        QuotaChangeRecord,
        QuotaSet,
        QuotaStart,
        QuotaUsage,
        ReleasePlace,
        Reservation,
        Reserve,
        SetQuota,
        UsageRequest,
    )
    from contracts.rules import engine as rules
    from contracts.rules import places as place_rules
    from state.domain import COUNTIES, Level, Role
    from state.labels import LEVELS, ROLES

ACTIVITY_TIMEOUT = timedelta(seconds=30)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
# Reservations run as a local activity: in the worker that runs this workflow, on slots of their own. As an
# ordinary activity they took the same slots as the publications' activities that wait for them, and with every
# slot held by a publication waiting for its place, none was left for the reservation (issue 10).
LOCAL_RESERVATION = "reservation-as-local-activity"
# A run's memory in the worker grows with its history, and the server suggests continuing as new only after
# thousands of events: a run now continues as new after serving this many reservations, once no update is running
# (runs started before the patch wait for the server's suggestion, as they did).
BOUNDED_RUN = "quota-run-bounded-by-reservations"
RUN_RESERVATIONS = 100


def period_problem(act: DefinePeriod) -> ApplicationError | None:
    """Why a period definition is refused; None when PeriodWorkflow accepts it."""
    if act.actor.role != Role.admin:
        return refuse(
            RefusalKind.forbidden, rules.PERIOD_BY_ADMIN, role=act.actor.role.value, role_label=ROLES[act.actor.role]
        )
    for name, words in (("name", "评定周期名称"), ("reason", "理由")):
        if not getattr(act, name).strip():
            return refuse(RefusalKind.invalid_input, rules.ACT_TEXT_REQUIRED, field=name, field_label=words)
    if not 2000 <= act.start_year <= act.end_year <= 2100:
        return refuse(
            RefusalKind.invalid_input,
            rules.PERIOD_YEARS,
            field="start_year",
            start_year=act.start_year,
            end_year=act.end_year,
        )
    return None


def quota_workflow_id(period_id: str, level: Level) -> str:
    return f"quota-{period_id}-{level.value}"


def period_workflow_id(period_id: str) -> str:
    return f"period-{period_id}"


def scopes_for(level: Level) -> tuple[str, ...]:
    return (CITY_SCOPE,) if level == Level.city else COUNTIES


def reserver_refusal(level: Level, scope: str, role: Role, county: str | None) -> ApplicationError | None:
    """Who may reserve places: the city reviewer for the city quota, a county's bureau for its own."""
    if level == Level.city:
        if role == Role.city_reviewer:
            return None
        return refuse(RefusalKind.forbidden, rules.QUOTA_CITY_RESERVER, role=role.value, role_label=ROLES[role])
    if role != Role.county_bureau or county != scope:
        return refuse(RefusalKind.forbidden, rules.QUOTA_COUNTY_RESERVER, scope=scope)
    return None


def _rethrow(e: ActivityError) -> ApplicationError:
    """The activity's refusal, with its details; any other failure as it was."""
    refused = refusal_from(e)
    if refused is None:
        raise e
    return refused


@workflow.defn
class QuotaWorkflow:
    """Updates: set_quota (admin), reserve (a round's selection), release (admin: a revoked title's place). Query:
    usage."""

    @workflow.init
    def __init__(self, start: QuotaStart) -> None:
        self._start = start
        self._totals = dict(start.totals)
        self._used = dict(start.used)
        self._seq = start.seq
        self._as_of: datetime | None = None
        self._lock = asyncio.Lock()
        self._served = 0  # reservations served in this run

    @workflow.run
    async def run(self, start: QuotaStart) -> None:
        bounded = workflow.patched(BOUNDED_RUN)
        await workflow.wait_condition(
            lambda: (
                (workflow.info().is_continue_as_new_suggested() or (bounded and self._served >= RUN_RESERVATIONS))
                and not self._lock.locked()
            )
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(
            QuotaStart(
                period_id=start.period_id,
                level=start.level,
                totals=self._totals,
                used=self._used,
                seq=self._seq,
            )
        )

    @workflow.update
    async def set_quota(self, act: SetQuota) -> QuotaSet:
        async with self._lock:
            self._check_set(act)
            old = {scope: self._totals.get(scope) for scope in act.totals}
            seq = self._seq + 1
            record = QuotaChangeRecord(
                key=f"{workflow.info().workflow_id}-{seq}",
                period_id=self._start.period_id,
                level=self._start.level,
                old=old,
                new=dict(act.totals),
                reason=act.reason.strip(),
                actor=act.actor,
                at=workflow.now(),
                details=dict(act.details),
            )
            try:
                await workflow.execute_activity_method(
                    QuotaActivities.record_quota_change,
                    record,
                    start_to_close_timeout=ACTIVITY_TIMEOUT,
                    retry_policy=RETRY,
                )
            except ActivityError as e:
                raise _rethrow(e) from None
            self._seq = seq
            self._totals.update(act.totals)
            return QuotaSet(
                period_id=self._start.period_id,
                level=self._start.level,
                totals=dict(self._totals),
                changed={k: [old[k], v] for k, v in act.totals.items() if old[k] != v},
            )

    @set_quota.validator
    def _validate_set_quota(self, act: SetQuota) -> None:
        self._check_set(act)

    @workflow.update
    async def reserve(self, act: Reserve) -> Reservation:
        async with self._lock:
            self._check_reserve(act)
            total = self._totals[act.scope]
            request = PlaceRequest(
                period_id=self._start.period_id,
                level=self._start.level,
                scope=act.scope,
                total=total,
                round_id=act.round_id,
                application_ids=list(act.application_ids),
                at=workflow.now(),
            )
            try:
                if workflow.patched(LOCAL_RESERVATION):
                    grant = await workflow.execute_local_activity_method(
                        QuotaActivities.reserve_places,
                        request,
                        start_to_close_timeout=ACTIVITY_TIMEOUT,
                        retry_policy=RETRY,
                    )
                else:
                    grant = await workflow.execute_activity_method(
                        QuotaActivities.reserve_places,
                        request,
                        start_to_close_timeout=ACTIVITY_TIMEOUT,
                        retry_policy=RETRY,
                    )
            except ActivityError as e:
                raise _rethrow(e) from None
            self._used[act.scope] = grant.used_after
            self._as_of = workflow.now()
            self._served += 1
            return Reservation(
                granted=grant.granted,
                total=total,
                available=grant.available,
                used_after=grant.used_after,
            )

    @reserve.validator
    def _validate_reserve(self, act: Reserve) -> None:
        self._check_reserve(act)

    @workflow.update
    async def release(self, act: ReleasePlace) -> PlaceReleased:
        """A revoked title keeps its place for the period; only an admin gives it back, with a reason (a new
        handler: older histories never call it)."""
        async with self._lock:
            self._check_release(act)
            record = PlaceReleaseRecord(
                key=f"{workflow.info().workflow_id}-release-{workflow.uuid4()}",
                period_id=self._start.period_id,
                level=self._start.level,
                application_id=act.application_id.strip(),
                reason=act.reason.strip(),
                actor=act.actor,
                at=workflow.now(),
            )
            try:
                released = await workflow.execute_activity_method(
                    QuotaActivities.release_place,
                    record,
                    start_to_close_timeout=ACTIVITY_TIMEOUT,
                    retry_policy=RETRY,
                )
            except ActivityError as e:
                raise _rethrow(e) from None
            self._used[released.scope] = released.used_after
            self._as_of = workflow.now()
            return released

    @release.validator
    def _validate_release(self, act: ReleasePlace) -> None:
        self._check_release(act)

    def _check_release(self, act: ReleasePlace) -> None:
        if act.actor.role != Role.admin:
            raise refuse(
                RefusalKind.forbidden,
                place_rules.PLACE_RELEASE_BY_ADMIN,
                role=act.actor.role.value,
                role_label=ROLES[act.actor.role],
            )
        if not act.reason.strip():
            raise refuse(RefusalKind.invalid_input, place_rules.PLACE_RELEASE_REASON, field="reason")
        if not act.application_id.strip():
            raise refuse(RefusalKind.invalid_input, rules.ACT_TEXT_REQUIRED, field="application_id", field_label="申报")

    @workflow.query
    def usage(self, _: UsageRequest) -> QuotaUsage:
        return QuotaUsage(
            period_id=self._start.period_id,
            level=self._start.level,
            totals=dict(self._totals),
            used=dict(self._used),
            as_of=self._as_of,
        )

    def _check_set(self, act: SetQuota) -> None:
        if act.actor.role != Role.admin:
            raise refuse(
                RefusalKind.forbidden, rules.QUOTA_BY_ADMIN, role=act.actor.role.value, role_label=ROLES[act.actor.role]
            )
        if not act.reason.strip():
            raise refuse(RefusalKind.invalid_input, rules.ACT_TEXT_REQUIRED, field="reason", field_label="理由")
        if not act.totals:
            raise refuse(RefusalKind.invalid_input, rules.QUOTA_TOTALS_REQUIRED, field="totals")
        known = scopes_for(self._start.level)
        for scope, total in act.totals.items():
            if scope not in known:
                raise refuse(
                    RefusalKind.invalid_input,
                    rules.QUOTA_SCOPE_UNKNOWN,
                    field="totals",
                    scope=scope,
                    level_label=LEVELS[self._start.level],
                    known="、".join(known),
                )
            if not isinstance(total, int) or isinstance(total, bool) or total < 0:
                raise refuse(
                    RefusalKind.invalid_input, rules.QUOTA_TOTAL_WHOLE, field="totals", scope=scope, total=repr(total)
                )

    def _check_reserve(self, act: Reserve) -> None:
        why = reserver_refusal(self._start.level, act.scope, act.actor.role, act.actor.county)
        if why:
            raise why
        if act.scope not in self._totals:
            raise refuse(
                RefusalKind.invalid_input,
                rules.QUOTA_NOT_SET,
                field="scope",
                period_id=self._start.period_id,
                scope=act.scope,
                level_label=LEVELS[self._start.level],
            )
        if len(set(act.application_ids)) != len(act.application_ids):
            raise refuse(RefusalKind.invalid_input, rules.QUOTA_LISTED_TWICE, field="application_ids")


@workflow.defn
class PeriodWorkflow:
    """Update: define (admin; creates or corrects the period, each change recorded). Query: current."""

    @workflow.init
    def __init__(self, start: PeriodStart) -> None:
        self._id = start.period_id
        self._current = start.current
        self._seq = start.seq
        self._lock = asyncio.Lock()

    @workflow.run
    async def run(self, start: PeriodStart) -> None:
        await workflow.wait_condition(
            lambda: workflow.info().is_continue_as_new_suggested() and not self._lock.locked()
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(PeriodStart(period_id=self._id, current=self._current, seq=self._seq))

    @workflow.update
    async def define(self, act: DefinePeriod) -> PeriodView:
        async with self._lock:
            self._check(act)
            new = PeriodFacts(self._id, act.name.strip(), act.start_year, act.end_year)
            seq = self._seq + 1
            await workflow.execute_activity_method(
                QuotaActivities.record_period_change,
                PeriodChangeRecord(
                    key=f"{workflow.info().workflow_id}-{seq}",
                    old=self._current,
                    new=new,
                    reason=act.reason.strip(),
                    actor=act.actor,
                    at=workflow.now(),
                ),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=RETRY,
            )
            self._seq, self._current = seq, new
            return self.current(PeriodRequest())

    @define.validator
    def _validate_define(self, act: DefinePeriod) -> None:
        self._check(act)

    @workflow.query
    def current(self, _: PeriodRequest) -> PeriodView:
        return PeriodView(period_id=self._id, current=self._current, changes=self._seq)

    def _check(self, act: DefinePeriod) -> None:
        problem = period_problem(act)
        if problem:
            raise problem
