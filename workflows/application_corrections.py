"""退回补正 on ApplicationWorkflow, as functions over its state: the review that has the declaration (the county's,
or for a city-level one the city's) returns it to the declaring county with its reasons and the items to correct;
the county resubmits the corrected declaration (the earlier version stays on record, and the files it replaces) to
that same review, within a number of working days, or the application is withdrawn; a reminder goes out first.

The ``request_correction`` and ``resubmit`` updates are ApplicationWorkflow's; ``run_correction`` is its run loop's
while an application is returned. Every path here was new when it came (nothing of the earlier procedure's
commands changed), so histories recorded before it replay unchanged.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.corrections import CorrectionActivities
    from contracts.application import ActResult, Institution, ResubmitAct
    from contracts.corrections import Correction, CorrectionRequestAct, CorrectionWindowRequest
    from contracts.refusals import RefusalKind, refuse
    from contracts.rules import engine as rules
    from state.calendar import TZ
    from state.declaration import Problem, declaration_problems
    from state.domain import SYSTEM, Act, Stage
    from workflows.application_effects import Turn, apply, record
    from workflows.application_rules import FIELDS, allowed, check, today
    from workflows.application_state import ApplicationState

ACTIVITY_TIMEOUT = timedelta(seconds=10)  # as ApplicationWorkflow's activities
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
IDENTITY = ("credit_code", "type")  # a correction amends the declaration of the same institution


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


def correction_act(s: ApplicationState) -> Act:
    """The county returns what it reviews (declared), the city what it reviews (county-reviewed)."""
    return Act.county_request_correction if s.facts.state == Stage.declared else Act.city_request_correction


def declaration_refusal(problems: list[Problem]) -> ApplicationError:
    """The problems of a declaration (state.declaration), each with its field and code, as one refusal."""
    return refuse(
        RefusalKind.invalid_input,
        rules.DECLARATION_INVALID,
        count=len(problems),
        summary="；".join(p.message for p in problems),
        problems=[p.__dict__ for p in problems],
    )


async def request_correction(s: ApplicationState, act: CorrectionRequestAct) -> ActResult:
    """Return the application for correction, with the working days the county has (in the workflow's turn)."""
    which = correction_act(s)
    check(s, which, act.actor, reason=act.reason)
    window = await workflow.execute_activity_method(
        CorrectionActivities.compute_correction_window,
        CorrectionWindowRequest(returned_on=today()),
        start_to_close_timeout=ACTIVITY_TIMEOUT,
        retry_policy=RETRY,
    )
    check(s, which, act.actor, reason=act.reason)  # nothing may have moved while the deadline was computed
    s.correction_cycle += 1
    s.correction = Correction(
        act=which,
        requested_by=act.actor,
        reason=act.reason,
        items=list(act.items),
        requested_at=workflow.now(),
        window=window,
        cycle=s.correction_cycle,
    )
    return await apply(s, which, act.actor, act.reason, items="、".join(act.items), deadline=window.ends_at.isoformat())


def check_resubmit(s: ApplicationState, act: ResubmitAct) -> None:
    check(s, Act.resubmit, act.actor, reason=act.reason)
    for name in IDENTITY:
        if getattr(act.institution, name) != getattr(s.decl.institution, name):
            raise refuse(
                RefusalKind.invalid_input,
                rules.IDENTITY_CHANGED,
                field=f"institution.{name}",
                field_label=FIELDS[name],
            )
    program = s.decl.program
    if program is not None and program.own_facts:  # read against its program's version by the API
        return
    problems = declaration_problems(s.decl.level, s.decl.county, act.institution, today())
    if problems:
        raise declaration_refusal(problems)


def resubmitted(s: ApplicationState, act: ResubmitAct) -> dict[str, str]:
    """Take the corrected institution (keeping the one it replaces) and close the return; the act's details."""
    before = s.decl.institution
    amended = changes(before, act.institution)
    s.versions = (*s.versions, before)
    s.decl.institution = act.institution
    s.correction = None
    return {"version": str(len(s.versions) + 1), "changed": amended or "无"}


# ---- the wait ----------------------------------------------------------------------------------
async def run_correction(s: ApplicationState, turn: Turn) -> None:
    """While returned: remind the county, then withdraw the application when the deadline passes."""
    correction = s.correction
    if correction is None:  # cannot happen: a return always comes with its window
        await workflow.wait_condition(lambda: s.facts.state != Stage.returned)
        return
    cycle, window = correction.cycle, correction.window

    def moved() -> bool:
        return s.facts.state != Stage.returned or s.correction_cycle != cycle

    if window.remind_at is not None and await _wait_until(window.remind_at, moved):
        async with turn():
            if not moved():
                await record(
                    s,
                    Act.correction_reminder,
                    SYSTEM,
                    f"请于{_local(window.ends_at)}前补正后重新报送，逾期视为撤回",
                    deadline=window.ends_at.isoformat(),
                )
    if not await _wait_until(window.ends_at, moved):
        return
    async with turn():
        if not moved() and allowed(s, Act.lapse_correction):
            s.correction = None
            await apply(
                s, Act.lapse_correction, SYSTEM, f"补正期限（{_local(window.ends_at)}）届满未重新报送，视为撤回"
            )


async def _wait_until(moment: datetime, moved: Callable[[], bool]) -> bool:
    """Wait on a durable timer until ``moment``; True if it came with nothing moved."""
    remaining = moment - workflow.now()
    if remaining > timedelta(0):
        try:
            await workflow.wait_condition(moved, timeout=remaining)
        except TimeoutError:
            pass
    return not moved()
