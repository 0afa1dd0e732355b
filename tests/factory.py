"""Builders for actors, declarations and workflow handles used across the tests."""

import uuid
from datetime import date

from temporalio.client import Client, WorkflowHandle

from contracts.application import ActResult, Declaration, Institution, ReviewAct
from contracts.opinions import DepartmentOpinionAct
from state.credit_code import check_character
from state.domain import Actor, Department, InstitutionType, Level, Role
from workflows.application import ApplicationWorkflow, start_attributes, workflow_id_for

COUNTY = "兰山区"
OTHER_COUNTY = "罗庄区"


CITY_ROUND = "R-city-tests"  # the round city-level workflow tests declare in


def credit_code(seed: str | None = None) -> str:
    digits = "".join(str(int(c, 16) % 10) for c in (seed or uuid.uuid4().hex)[:9])
    body = f"91371302{digits}"
    return body + check_character(body)


def bureau(county: str = COUNTY) -> Actor:
    return Actor(user_id=f"bureau-{county}", name=f"{county}人社局", role=Role.county_bureau, county=county)


def clerk(county: str = COUNTY) -> Actor:
    """The county bureau's account that declares; ``bureau`` (another account of the same bureau) reviews."""
    return Actor(user_id=f"clerk-{county}", name=f"{county}人社局申报员", role=Role.county_bureau, county=county)


def reviewer() -> Actor:
    return Actor(user_id="reviewer-1", name="市人社局评审员", role=Role.city_reviewer)


def department(dept: Department, county: str | None = None) -> Actor:
    return Actor(
        user_id=f"dept-{dept.value}-{county or 'city'}",
        name=f"{dept.value}会签人",
        role=Role.department,
        county=county,
        department=dept,
    )


def inspector() -> Actor:
    return Actor(user_id="inspector-1", name="市督查员", role=Role.inspector)


def institution(level: Level = Level.city, code: str | None = None, **kw) -> Institution:
    fields = dict(
        name="兰山区人力资源市场零工驿站",
        type=InstitutionType.gig_market,
        credit_code=code or credit_code(),
        phone="13912345678",
        premises_area_m2=800,
        staff_count=6,
        founded_on=date(2015, 3, 1),
    )
    if level == Level.city:
        fields.update(county_title_doc_no="兰人社发〔2023〕5号", county_title_date=date(2023, 1, 10))
    fields.update(kw)
    return Institution(**fields)


def declaration(
    level: Level = Level.city, county: str = COUNTY, code: str | None = None, round_id: str | None = None, **kw
) -> Declaration:
    """A city-level declaration is declared in a round (CITY_ROUND unless given)."""
    return Declaration(
        application_id=f"A{uuid.uuid4().hex[:10]}",
        level=level,
        county=county,
        institution=institution(level, code, **kw),
        actor=clerk(county),
        reason="县人社局会同发改、民政部门申报",
        round_id=round_id if round_id is not None else (CITY_ROUND if level == Level.city else ""),
    )


def selected(opinion: str, round_id: str = CITY_ROUND) -> ReviewAct:
    """The city review as a round's competitive selection sends it (activities/rounds.py ``apply_decision``):
    workflow tests of the pipeline play the round's part; tests/rounds run real rounds."""
    return ReviewAct(reviewer(), True, opinion, round_id=round_id)


async def start(client: Client, task_queue: str, decl: Declaration) -> WorkflowHandle:
    return await client.start_workflow(
        ApplicationWorkflow.run,
        decl,
        id=workflow_id_for(decl.application_id),
        task_queue=task_queue,
        search_attributes=start_attributes(decl),
    )


CONSULTED = (Department.drc, Department.civil_affairs)  # the county departments whose opinions a declaration needs


async def opinions_given(
    handle: WorkflowHandle, county: str = COUNTY, opinion: str = "agree", text: str = "经会商，同意申报"
) -> ActResult | None:
    """会商: the county's DRC and civil affairs each record ``opinion`` (both must agree before the county review
    passes)."""
    result = None
    for d in CONSULTED:
        act = DepartmentOpinionAct(department(d, county), opinion, text)
        result = await handle.execute_update(ApplicationWorkflow.give_department_opinion, act)
    return result
