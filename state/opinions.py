"""会商: who may record a county department's opinion (县区部门意见) on a declaration, as refusals by rule.

The county bureau declares together with the county's DRC and civil-affairs departments (商发展改革、民政部门共同组织
申报); each of those two records its own opinion from its own account. Their codes are registered in
contracts/rules/opinions.py (state is below contracts: here only the code and its facts)."""

from state.authority import Refused
from state.domain import Actor, Department, Level, Role
from state.labels import DEPARTMENTS_BY_LEVEL, ROLES
from state.machine import CONSULTED_DEPARTMENTS

AGREE = "agree"
DISAGREE = "disagree"
OPINION_WORDS = {AGREE: "同意", DISAGREE: "不同意"}


def consulted_names() -> str:
    """发展改革局、民政局: the county departments consulted, as a county names them."""
    names = DEPARTMENTS_BY_LEVEL[Level.county]
    return "、".join(names[d] for d in CONSULTED_DEPARTMENTS)


def opinion_giver_refused(actor: Actor, county: str) -> Refused | None:
    """Why ``actor`` may not record a department opinion on a declaration of ``county``; None if they may: a
    department account of that county, its DRC or civil affairs (HRSS is the declaring bureau itself)."""
    words = {"county": county, "consulted": consulted_names()}
    if actor.role != Role.department:
        return Refused("opinion_by_department", words | {"role": actor.role.value, "role_label": ROLES[actor.role]})
    if actor.department not in CONSULTED_DEPARTMENTS:
        department = actor.department.value if actor.department else ""
        said = DEPARTMENTS_BY_LEVEL[Level.county][actor.department] if actor.department else "未指定部门"
        return Refused("opinion_by_consulted_department", words | {"department": department, "department_label": said})
    if actor.county != county:
        where = f"{actor.county}" if actor.county else "市级部门"
        return Refused("opinion_by_own_county", words | {"actor_county_label": where})
    return None


def consulted(department: Department | None) -> bool:
    return department in CONSULTED_DEPARTMENTS
