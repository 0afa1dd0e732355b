"""退回补正 on ApplicationWorkflow (and the one way an act records the files it submits): the review that has the declaration (the county's, or for a city-level one the
city's) returns it to the declaring county with its reasons and the items to correct; the county resubmits the
corrected declaration (the earlier version stays on record, and the files it replaces) to that same review, within
a number of working days, or the application is withdrawn; a reminder goes out first.

Mixed into ApplicationWorkflow: the updates below are its own, and ``_run_correction`` is its run loop's while an
application is returned. Every path here is new (nothing of the existing procedure's commands changes), so
histories recorded before it replay unchanged.
"""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from temporalio import workflow
from temporalio.common import RetryPolicy

from contracts.refusals import RefusalKind, refuse
from workflows.application_rules import ApplicationRules

with workflow.unsafe.imports_passed_through():
    from activities.corrections import CorrectionActivities
    from contracts.application import ActResult, Institution, ResubmitAct, SubmittedMaterial
    from contracts.corrections import Correction, CorrectionRequestAct, CorrectionWindowRequest
    from state.calendar import TZ
    from state.declaration import declaration_problems
    from state.domain import SYSTEM, Act, Actor, Stage

ACTIVITY_TIMEOUT = timedelta(seconds=10)  # as ApplicationWorkflow's activities
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
IDENTITY = ("credit_code", "type")  # a correction amends the declaration of the same institution
RETURN_ACTS = (Act.county_request_correction, Act.city_request_correction, Act.correction_reminder)


def _text(value: object) -> str:
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= 60 else text[:60] + "…"


def changes(before: Institution, after: Institution) -> str:
    """The amended facts, ``field: old → new``, one per changed field."""
    out = []
    for name, old in before.__dict__.items():
        new = getattr(after, name)
        if new != old:
            if isinstance(old, dict) or isinstance(new, dict):
                keys = sorted({k for k in {**old, **new} if old.get(k) != new.get(k)})
                out.append(f"{name}: {', '.join(keys)}")
            else:
                out.append(f"{name}: {_text(old)} → {_text(new)}")
    return "; ".join(out)


def _local(moment: datetime) -> str:
    local = moment.astimezone(TZ)
    if (local.hour, local.minute) == (0, 0):
        return f"{(local - timedelta(days=1)).strftime('%Y年%m月%d日')}24时"
    return local.strftime("%Y年%m月%d日%H时%M分")


class Corrections(ApplicationRules):
    """The 退回补正 handlers and the wait for a resubmission; state kept on the workflow instance."""

    _correction: Correction | None = None  # the open return (while ``returned``)
    _correction_cycle: int = 0  # how many times the application was returned
    _versions: tuple[Institution, ...] = ()  # the institution as declared before each resubmission

    if TYPE_CHECKING:  # ApplicationWorkflow's own

        def _turn(self) -> AbstractAsyncContextManager[None]: ...

        async def _apply(self, act: Act, actor: Actor, reason: str, **details: str) -> ActResult: ...

        async def _record(
            self, act: Act, actor: Actor, reason: str, materials: list[SubmittedMaterial] | None = None, **details: str
        ) -> None: ...

    async def _apply_with_files(
        self, act: Act, actor: Actor, reason: str, materials: list[SubmittedMaterial], **details: str
    ) -> ActResult:
        """As ``_apply``, the act also recording the files it submits (resubmission, objection or revocation
        evidence)."""
        self._facts.now = workflow.now()
        self._procedure.apply(act, actor.department)
        await self._record(act, actor, reason, materials=materials, **details)
        return ActResult(
            application_id=self._decl.application_id, state=self._facts.state, allowed_acts=self._allowed_now()
        )

    def _correction_act(self) -> Act:
        """The county returns what it reviews (declared), the city what it reviews (county-reviewed)."""
        return Act.county_request_correction if self._facts.state == Stage.declared else Act.city_request_correction

    def _correction_deadline(self, act: Act) -> datetime | None:
        """The deadline a notice of ``act`` names (the return and its reminder name the correction's)."""
        if act in RETURN_ACTS and self._correction is not None:
            return self._correction.window.ends_at
        return None

    # ---- updates ---------------------------------------------------------------------------------
    @workflow.update
    async def request_correction(self, act: CorrectionRequestAct) -> ActResult:
        async with self._turn():
            which = self._correction_act()
            self._check(which, act.actor, reason=act.reason)
            window = await workflow.execute_activity_method(
                CorrectionActivities.compute_correction_window,
                CorrectionWindowRequest(returned_on=self._today()),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=RETRY,
            )
            self._check(which, act.actor, reason=act.reason)  # nothing may have moved while the deadline was computed
            self._correction_cycle += 1
            self._correction = Correction(
                act=which,
                requested_by=act.actor,
                reason=act.reason,
                items=list(act.items),
                requested_at=workflow.now(),
                window=window,
                cycle=self._correction_cycle,
            )
            return await self._apply(
                which, act.actor, act.reason, items="、".join(act.items), deadline=window.ends_at.isoformat()
            )

    @request_correction.validator
    def _validate_request_correction(self, act: CorrectionRequestAct) -> None:
        self._check(self._correction_act(), act.actor, reason=act.reason)

    @workflow.update
    async def resubmit(self, act: ResubmitAct) -> ActResult:
        async with self._turn():
            self._check_resubmit(act)
            before = self._decl.institution
            amended = changes(before, act.institution)
            self._versions = (*self._versions, before)
            self._decl.institution = act.institution
            self._correction = None
            return await self._apply_with_files(
                Act.resubmit,
                act.actor,
                act.reason,
                act.materials,
                version=str(len(self._versions) + 1),
                changed=amended or "无",
            )

    @resubmit.validator
    def _validate_resubmit(self, act: ResubmitAct) -> None:
        self._check_resubmit(act)

    def _check_resubmit(self, act: ResubmitAct) -> None:
        self._check(Act.resubmit, act.actor, reason=act.reason)
        for name in IDENTITY:
            if getattr(act.institution, name) != getattr(self._decl.institution, name):
                raise refuse(
                    RefusalKind.invalid_input,
                    f"a correction cannot change the institution's {name} (补正不能更换申报机构)",
                    field=f"institution.{name}",
                    rule="identity_changed",
                )
        problems = declaration_problems(self._decl.level, self._decl.county, act.institution, self._today())
        if problems:
            raise refuse(
                RefusalKind.invalid_input,
                "; ".join(p.message for p in problems),
                problems=[p.__dict__ for p in problems],
            )

    # ---- the wait ----------------------------------------------------------------------------------
    async def _run_correction(self) -> None:
        """While returned: remind the county, then withdraw the application when the deadline passes."""
        correction = self._correction
        if correction is None:  # cannot happen: a return always comes with its window
            await workflow.wait_condition(lambda: self._facts.state != Stage.returned)
            return
        cycle, window = correction.cycle, correction.window

        def moved() -> bool:
            return self._facts.state != Stage.returned or self._correction_cycle != cycle

        if window.remind_at is not None and await self._wait_until(window.remind_at, moved):
            async with self._turn():
                if not moved():
                    await self._record(
                        Act.correction_reminder,
                        SYSTEM,
                        f"请于{_local(window.ends_at)}前补正后重新报送，逾期视为撤回",
                        deadline=window.ends_at.isoformat(),
                    )
        if not await self._wait_until(window.ends_at, moved):
            return
        async with self._turn():
            if not moved() and self._allowed(Act.lapse_correction):
                self._correction = None
                await self._apply(
                    Act.lapse_correction, SYSTEM, f"补正期限（{_local(window.ends_at)}）届满未重新报送，视为撤回"
                )

    async def _wait_until(self, moment: datetime, moved: Callable[[], bool]) -> bool:
        """Wait on a durable timer until ``moment``; True if it came with nothing moved."""
        remaining = moment - workflow.now()
        if remaining > timedelta(0):
            try:
                await workflow.wait_condition(moved, timeout=remaining)
            except TimeoutError:
                pass
        return not moved()
