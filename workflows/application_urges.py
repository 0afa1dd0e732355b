"""催办 on ApplicationWorkflow: the city bureau (a city reviewer) or a supervisor presses the party that owes the
application's next act, the declaring county's bureau or the departments that have still to co-sign, with a note.

An update with a validator: refused (403) for anyone else, refused (409) when that party owes nothing now, and
otherwise recorded as an act that moves nothing (it stays in its state), projected into the read model and sent to
the party's inbox and channels by the one recording activity. The handler is new, so histories recorded before it
never call it and replay unchanged.
"""

from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING

from temporalio import workflow

from workflows.application_rules import ApplicationRules

with workflow.unsafe.imports_passed_through():
    from contracts.application import ActResult, SubmittedMaterial, UrgeAct
    from contracts.refusals import RefusalKind, refuse
    from state.domain import URGERS, Act, Actor, Department, Role, role_for

# What a county bureau may owe on an application (as the machine allows it now): its review, the correction it
# was returned for, and on a county-level one the notice, the findings on objections and the plaque.
COUNTY_OWES = (Act.county_review_pass, Act.resubmit, Act.publicize, Act.dismiss_objection, Act.award)
PARTIES = {"county": "县区人社局", "department": "会签部门"}


def urged_reason(actor: Actor, note: str) -> str:
    """The history's words: 市人社局催办：… (or 监督催办：…)."""
    who = "市人社局" if actor.role == Role.city_reviewer else "纪检监督"
    return f"{who}催办：{note.strip()}"


class Urges(ApplicationRules):
    """The urge update; state kept on the workflow instance (none beyond the acts on record)."""

    if TYPE_CHECKING:  # ApplicationWorkflow's own

        def _turn(self) -> AbstractAsyncContextManager[None]: ...

        async def _record(
            self, act: Act, actor: Actor, reason: str, materials: list[SubmittedMaterial] | None = None, **details: str
        ) -> None: ...

    def _owes(self, to: str) -> bool:
        level = self._decl.level
        if to == "county":
            return any(self._allowed(a) and role_for(a, level) == Role.county_bureau for a in COUNTY_OWES)
        return to == "department" and any(self._allowed(Act.co_sign, d) for d in Department)

    def _check_urge(self, act: UrgeAct) -> None:
        if act.actor.role not in URGERS:
            raise refuse(RefusalKind.forbidden, "只有市人社局评审人员或监督人员可以催办", rule="urge_not_permitted")
        if act.to not in PARTIES:
            raise refuse(RefusalKind.invalid_input, "催办对象须为县区人社局或会签部门", field="to", rule="urge_to")
        if not act.note.strip():
            raise refuse(RefusalKind.invalid_input, "请填写催办说明", field="note", rule="text_blank")
        if not self._owes(act.to):
            raise self._not_now(f"{PARTIES[act.to]}目前没有待办理的事项，无需催办", rule="nothing_owed", to=act.to)

    @workflow.update
    async def urge(self, act: UrgeAct) -> ActResult:
        async with self._turn():
            self._check_urge(act)
            await self._record(Act.urge, act.actor, urged_reason(act.actor, act.note), to=act.to)
            return ActResult(
                application_id=self._decl.application_id, state=self._facts.state, allowed_acts=self._allowed_now()
            )

    @urge.validator
    def _validate_urge(self, act: UrgeAct) -> None:
        self._check_urge(act)
