"""催办 on ApplicationWorkflow: the city bureau (a city reviewer) or a supervisor presses the party that owes the
application's next act, the declaring county's bureau or the departments that have still to co-sign, with a note.

The ``urge`` update (on ApplicationWorkflow) checks with ``check_urge``: refused (403) for anyone else, refused
(409) when that party owes nothing now, and otherwise recorded as an act that moves nothing (it stays in its
state), projected into the read model and sent to the party's inbox and channels by the one recording activity.
The handler is new, so histories recorded before it never call it and replay unchanged.
"""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts.application import UrgeAct
    from contracts.refusals import RefusalKind, refuse
    from contracts.rules import engine as rules
    from state.domain import URGERS, Act, Actor, Department, Role, role_for
    from workflows.application_rules import allowed, not_now
    from workflows.application_state import ApplicationState

# What a county bureau may owe on an application (as the machine allows it now): its review, the correction it
# was returned for, and on a county-level one the notice, the findings on objections and the plaque.
# The review's fail counts too: its pass may wait for the county departments' opinions (会商), the review is owed.
COUNTY_OWES = (
    Act.county_review_pass,
    Act.county_review_fail,
    Act.resubmit,
    Act.publicize,
    Act.dismiss_objection,
    Act.award,
)
PARTIES = {"county": "县区人社局", "department": "会签部门"}


def urged_reason(actor: Actor, note: str) -> str:
    """The history's words: 市人社局催办：… (or 监督催办：…)."""
    who = "市人社局" if actor.role == Role.city_reviewer else "纪检监督"
    return f"{who}催办：{note.strip()}"


def owes(s: ApplicationState, to: str) -> bool:
    level = s.decl.level
    if to == "county":
        return any(allowed(s, a) and role_for(a, level) == Role.county_bureau for a in COUNTY_OWES)
    return to == "department" and any(allowed(s, Act.co_sign, d) for d in Department)


def check_urge(s: ApplicationState, act: UrgeAct) -> None:
    if act.actor.role not in URGERS:
        raise refuse(RefusalKind.forbidden, rules.URGE_NOT_PERMITTED)
    if act.to not in PARTIES:
        raise refuse(RefusalKind.invalid_input, rules.URGE_TO, field="to")
    if not act.note.strip():
        raise refuse(RefusalKind.invalid_input, rules.URGE_NOTE_BLANK, field="note")
    if not owes(s, act.to):
        raise not_now(s, rules.NOTHING_OWED, party=PARTIES[act.to], to=act.to)
