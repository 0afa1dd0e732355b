"""The 申报表 before declaring (草稿): the checklist asks for the sealed 申报表 as an upload, so the clerk prints the
form from the declaration's own body first. The body is judged as a declaration's facts are (services/applications.py
declare: the caller's authority, state/declaration, the county's attestations, a city-level candidate's county title
on record), with the same refusals; what only the act itself needs (the files, the round's window) is not asked.
Nothing is started and nothing is stored: the answer is the PDF. Another program's draft is judged by that
program's declaration checks and drawn from its definition (services/program_documents.py)."""

from collections.abc import Sequence
from datetime import date

from fastapi.concurrency import run_in_threadpool

import documents
from config import Settings
from contracts.application import Institution
from db.standards import CountyConditionVersion
from schemas.models import DeclarationCreate, ProgramDeclarationCreate
from services import program_declarations, program_documents
from services.access import authority
from services.context import Context
from services.declaration_facts import institution_on_form
from services.declarations import (
    attestation_problems,
    checklists,
    condition_book,
    county_title_refusal,
    institution_of,
    on_record,
    refusal,
)
from services.pdf import Pdf
from state.declaration import declaration_problems
from state.domain import Act, Actor, Department, Level
from state.labels import LEVELS, department_label

DRAFT_FILE = "declaration-draft.pdf"


async def declaration_draft(ctx: Context, actor: Actor, body: DeclarationCreate, day: date) -> Pdf:
    """The draft 申报表 of ``body``: refused (403, 422) as declaring it would be for its facts."""
    if isinstance(body, ProgramDeclarationCreate):
        return await _program_draft(ctx, actor, body, day)
    settings = ctx.settings
    county = body.county or actor.county or ""
    level = Level(body.level)
    authority(Act.declare, actor, level, county)
    institution = institution_of(body.institution)
    problems = declaration_problems(level, county, institution, day)
    records = await on_record(settings, actor, level, county, institution, [], application_id="")
    problems += attestation_problems(settings, level, county, institution, records.county_conditions)
    if problems:
        raise refusal(422, problems)
    if level == Level.city and (refused_title := county_title_refusal(institution, records.county_title)):
        raise refused_title
    content = await run_in_threadpool(_render, settings, level, county, institution, records.county_conditions, day)
    return Pdf(content, DRAFT_FILE)


async def _program_draft(ctx: Context, actor: Actor, body: ProgramDeclarationCreate, day: date) -> Pdf:
    """Another program's draft: judged by the declaration's own checks (services/program_declarations.py ``judge``),
    its files not asked; the form drawn from the definition in force, every item of its checklist still to submit."""
    judged = await program_declarations.judge(ctx, actor, body, day)
    ref = program_declarations.program_ref(judged.found, body.level)
    form = program_documents.form(
        judged.found.program,
        ref,
        judged.level,
        judged.county,
        judged.institution,
        number="",
        declared_on=None,
        draft=True,
        printed_on=day,
    )
    return Pdf(await run_in_threadpool(documents.program_form, form), DRAFT_FILE)


def _render(
    settings: Settings,
    level: Level,
    county: str,
    i: Institution,
    standing: dict[str, CountyConditionVersion],
    day: date,
) -> bytes:
    applicable = condition_book(settings, county, standing).applicable(i.type, level, county)
    return documents.declaration_form(
        documents.DeclarationForm(
            number="",
            declared_on=None,
            level=LEVELS[level],
            **institution_on_form(i),
            county=county,
            conditions=[documents.AttestedCondition(c.text, i.attestations.get(c.code, "")) for c in applicable],
            opinions=_blank_opinions(county),
            draft=True,
            to_attach=_to_attach(settings, i, level),
            printed_on=day,
        )
    )


def _blank_opinions(county: str) -> Sequence[documents.DepartmentOpinion]:
    """The county's three departments, each a box to write its opinion in and seal by hand."""
    return [documents.DepartmentOpinion(f"{county}{department_label(d, Level.county)}") for d in Department]


def _to_attach(settings: Settings, i: Institution, level: Level) -> list[documents.ChecklistEntry]:
    return [
        documents.ChecklistEntry(item.title, item.required) for item in checklists(settings).checklist(i.type, level)
    ]
