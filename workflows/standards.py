"""CountyStandardsWorkflow: one county's own conditions for its county-level titles (附件5 评定标准, 因地制宜), set by
the admin or the county's own bureau and recorded version by version like a quota change (id
``county-standards-<county>``).

A condition's code is stable: a declaration attests it by code, so a code removed from the list is retired and
never used again (by this county); a text may be corrected under the same code. The basic and city-level
conditions of the notice stay in ``state/data/conditions.json``; the API merges both into one condition book.
"""

import asyncio
import re
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

from contracts.refusals import RefusalKind, refusal_from, refuse

with workflow.unsafe.imports_passed_through():
    from activities.standards import StandardsActivities
    from contracts.rules import Rule
    from contracts.rules import engine as rules
    from contracts.standards import (
        MAX_CONDITIONS,
        MAX_TEXT,
        ConditionsRecord,
        ConditionsSet,
        CountyCondition,
        SetConditions,
        StandardsRequest,
        StandardsStart,
        StandardsView,
    )
    from state.domain import COUNTIES, Actor, Role

ACTIVITY_TIMEOUT = timedelta(seconds=30)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
CODE = re.compile(r"^[a-z0-9_]{1,64}$")  # state.conditions.CODE: the declaration's attestation keys
RESERVED = ("basic_", "city_")  # the notice's own conditions (state/data/conditions.json)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def standards_workflow_id(county: str) -> str:
    return f"county-standards-{county}"


def setter_problem(county: str, actor: Actor) -> ApplicationError | None:
    """Who may set a county's conditions: the admin, or that county's own bureau."""
    if actor.role == Role.admin or (actor.role == Role.county_bureau and actor.county == county):
        return None
    return refuse(RefusalKind.forbidden, rules.STANDARDS_SETTER, county=county)


def _invalid(broken: Rule, field: str, **facts: object) -> ApplicationError:
    return refuse(RefusalKind.invalid_input, broken, field=field, **facts)


def conditions_problem(county: str, act: SetConditions, retired: list[str]) -> ApplicationError | None:
    """Why setting ``act.conditions`` for ``county`` is refused (the first problem); None when it is accepted."""
    if county not in COUNTIES:
        return _invalid(rules.UNKNOWN_COUNTY, "county", county=county)
    forbidden = setter_problem(county, act.actor)
    if forbidden:
        return forbidden
    if not act.reason.strip():
        return _invalid(rules.REASON_REQUIRED, "reason")
    if len(act.conditions) > MAX_CONDITIONS:
        return _invalid(rules.TOO_MANY_CONDITIONS, "conditions", limit=MAX_CONDITIONS)
    seen: set[str] = set()
    for n, c in enumerate(act.conditions):
        where = f"conditions[{n}]"
        if not CODE.match(c.code):
            return _invalid(rules.CONDITION_CODE_FORMAT, f"{where}.code", code=c.code)
        if c.code.startswith(RESERVED):
            return _invalid(rules.CONDITION_CODE_RESERVED, f"{where}.code", code=c.code, reserved=" 或 ".join(RESERVED))
        if c.code in seen:
            return _invalid(rules.CONDITION_CODE_DUPLICATED, f"{where}.code", code=c.code)
        if c.code in retired:
            return _invalid(rules.CONDITION_CODE_RETIRED, f"{where}.code", code=c.code)
        seen.add(c.code)
        text = c.text.strip()
        if not text:
            return _invalid(rules.CONDITION_TEXT_REQUIRED, f"{where}.text", code=c.code)
        if not CHINESE.search(text):
            return _invalid(rules.CONDITION_TEXT_CHINESE, f"{where}.text", code=c.code)
        if len(text) > MAX_TEXT:
            return _invalid(rules.CONDITION_TEXT_TOO_LONG, f"{where}.text", code=c.code, limit=MAX_TEXT)
        if not c.types:
            return _invalid(rules.CONDITION_TYPES_REQUIRED, f"{where}.types", code=c.code)
    return None


def _same(a: CountyCondition, b: CountyCondition) -> bool:
    return (a.code, a.text.strip(), sorted(a.types)) == (b.code, b.text.strip(), sorted(b.types))


@workflow.defn
class CountyStandardsWorkflow:
    """Update: set_conditions (the admin or the county's bureau; the whole list, each change recorded as a version).
    Query: current (the conditions, the retired codes, the version, who set it and when)."""

    @workflow.init
    def __init__(self, start: StandardsStart) -> None:
        self._county = start.county
        self._conditions = list(start.conditions)
        self._retired = list(start.retired)
        self._version = start.version
        self._set_by: str | None = start.set_by
        self._set_at: datetime | None = start.set_at
        self._lock = asyncio.Lock()

    @workflow.run
    async def run(self, start: StandardsStart) -> None:
        await workflow.wait_condition(
            lambda: workflow.info().is_continue_as_new_suggested() and not self._lock.locked()
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(
            StandardsStart(
                county=self._county,
                conditions=self._conditions,
                retired=self._retired,
                version=self._version,
                set_by=self._set_by,
                set_at=self._set_at,
            )
        )

    @workflow.update
    async def set_conditions(self, act: SetConditions) -> ConditionsSet:
        async with self._lock:
            self._check(act)
            asked = [CountyCondition(c.code, c.text.strip(), sorted(set(c.types))) for c in act.conditions]
            old = {c.code: c for c in self._conditions}
            new = {c.code: c for c in asked}
            added = [code for code in new if code not in old]
            changed = [code for code in new if code in old and not _same(old[code], new[code])]
            retiring = [code for code in old if code not in new]
            if not (added or changed or retiring):
                return ConditionsSet(self._county, self._version, [], [], [], unchanged=True)
            version = self._version + 1
            retired = [*self._retired, *retiring]
            record = ConditionsRecord(
                county=self._county,
                version=version,
                conditions=asked,
                retired_now=retiring,
                retired=retired,
                reason=act.reason.strip(),
                actor=act.actor,
                at=workflow.now(),
            )
            try:
                await workflow.execute_activity_method(
                    StandardsActivities.record_county_conditions,
                    record,
                    start_to_close_timeout=ACTIVITY_TIMEOUT,
                    retry_policy=RETRY,
                )
            except ActivityError as e:
                refused = refusal_from(e)
                if refused is None:
                    raise
                raise refused from None
            self._version, self._conditions, self._retired = version, asked, retired
            self._set_by, self._set_at = act.actor.name, record.at
            return ConditionsSet(self._county, version, added, changed, retiring)

    @set_conditions.validator
    def _validate_set_conditions(self, act: SetConditions) -> None:
        self._check(act)

    @workflow.query
    def current(self, _: StandardsRequest) -> StandardsView:
        return StandardsView(
            county=self._county,
            version=self._version,
            conditions=list(self._conditions),
            retired=list(self._retired),
            set_by=self._set_by,
            set_at=self._set_at,
        )

    def _check(self, act: SetConditions) -> None:
        problem = conditions_problem(self._county, act, self._retired)
        if problem:
            raise problem
