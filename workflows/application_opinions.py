"""会商 on ApplicationWorkflow: the county's DRC and civil-affairs departments each record their opinion on a
declaration (县区部门意见) from their own accounts, while it is declared; the latest of each counts, and the county
review passes only when both agree (the machine's ``county_departments_agree``).

The ``give_department_opinion`` update checks with ``check_opinion`` and records the opinion as an act that moves
nothing (a remark, like 催办). The handler is new, so histories recorded before it never call it and replay
unchanged; applications declared before the rule do not need the opinions (``OPINIONS_REQUIRED``)."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts.application import ActResult, Declaration
    from contracts.opinions import DepartmentOpinion, DepartmentOpinionAct
    from contracts.refusals import RefusalKind, refuse
    from contracts.rules import opinions as rules
    from state.domain import Act, Department, Stage
    from state.labels import STAGES
    from state.opinions import AGREE, OPINION_WORDS, opinion_giver_refused
    from workflows import application_effects as effects
    from workflows.application_rules import allowed_now, not_now, refused
    from workflows.application_state import ApplicationState

# Patch: the county review passes only with both departments' agreement (older histories passed without).
OPINIONS_REQUIRED = "county-joint-opinions"


def consults_departments(decl: Declaration) -> bool:
    """The county consults its DRC and civil affairs (会商) when the program issues jointly with both at the level (the
    first program does); a program issued by the HRSS bureau alone asks no opinions."""
    wanted = {Department.drc, Department.civil_affairs}
    return decl.program is None or not decl.program.departments or wanted <= set(decl.program.departments)


def check_opinion(s: ApplicationState, act: DepartmentOpinionAct) -> None:
    """Forbidden (not the county's DRC or civil affairs), InvalidInput (no choice, no text), ActNotAllowed (the
    application is no longer declared)."""
    why = opinion_giver_refused(act.actor, s.decl.county)
    if why:
        raise refused(RefusalKind.forbidden, why)
    if act.opinion not in OPINION_WORDS:
        raise refuse(RefusalKind.invalid_input, rules.OPINION_CHOICE, field="opinion")
    if not act.text.strip():
        raise refuse(RefusalKind.invalid_input, rules.OPINION_TEXT_REQUIRED, field="text")
    if s.facts.state != Stage.declared:
        raise not_now(s, rules.OPINION_NOT_NOW, state_label=STAGES[s.facts.state])


async def give(s: ApplicationState, act: DepartmentOpinionAct) -> ActResult:
    """Keep the department's opinion (replacing its earlier one) and record it as an act."""
    department = act.actor.department
    assert department is not None
    agree, text = act.opinion == AGREE, act.text.strip()
    s.county_opinions[department] = DepartmentOpinion(department, agree, text, act.actor, workflow.now())
    s.facts.county_opinions[department] = agree
    await effects.record(
        s, Act.department_opinion, act.actor, text, None, department=department.value, opinion=act.opinion
    )
    return ActResult(s.decl.application_id, s.facts.state, allowed_now(s))


def standing(s: ApplicationState) -> list[DepartmentOpinion]:
    """The opinions as they stand, DRC first."""
    return [s.county_opinions[d] for d in Department if d in s.county_opinions]
