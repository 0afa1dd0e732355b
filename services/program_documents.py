"""Another program's documents, drawn from its definition in the version the application keeps (ProgramRef): its
申报表 (and the draft before declaring), the 审批单's facts and heading, and the certificate's title and organs. The
facts are the type's one fact table (programs/facts.py), the conditions and the checklist those that apply
(programs/evaluate.py), the organs its city's (regions/) of the program's departments at the level. The first
program's documents keep their own fields (services/documents.py, services/declaration_facts.py)."""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import documents
from contracts.application import ApplicationView, Institution, ProgramRef
from db import programs as store
from documents.layout import chinese_date
from documents.layout import number as figure
from programs import evaluate
from programs.facts import fact_table
from programs.model import Fact, Program
from programs.model import Level as ProgramLevel
from services.programs import program_of
from state.domain import Department, Level
from state.labels import DEPARTMENTS, issuing_organs, organ_name, type_label

CARRIED = ("name", "credit_code", "address", "person_in_charge", "contact", "phone")  # Institution's own fields


def kept_program(database_url: str, ref: ProgramRef) -> Program:
    """The definition in the version the application was declared under."""
    row = store.version(database_url, ref.id, ref.version)
    if row is None:  # a version is never deleted; the one in force stands in should a database lose it
        row = store.in_force(database_url, ref.id)
    assert row is not None, f"program {ref.id} has no version"
    return program_of(row)


def level_of(program: Program, level: Level) -> ProgramLevel:
    return next(lv for lv in program.levels if lv.key == level.value)


def organs(ref: ProgramRef, level: Level, county: str) -> tuple[str, ...]:
    """The program's departments at ``level``, lead first, as its city's (or the county's) organs."""
    where = None if level == Level.city else county
    return issuing_organs(level, where, city=ref.city or None, departments=ref.departments)


def issuers(view: ApplicationView) -> tuple[str, ...]:
    """The organs that issue an application's documents, lead first: its program's departments of its city, or the
    first program's three."""
    if view.program is not None and view.program.own_facts:
        return organs(view.program, view.level, view.county)
    return issuing_organs(view.level, None if view.level == Level.city else view.county)


def bureau(ref: ProgramRef, county: str) -> str:
    """The declaring county's HRSS bureau, whose opinion the 申报表 asks."""
    return organ_name(Department.hrss, Level.county, county, city=ref.city or None)


def value_said(fact: Fact, value: Any) -> str:
    """A fact's value as the form prints it: 是/否, a number with its unit, a date in Chinese, a list joined by 、."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list):
        return "、".join(value_said(fact, v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if fact.type in ("int", "decimal") and isinstance(value, (int, float)):
        return f"{figure(value)}{fact.unit}"
    if fact.type == "date":
        try:
            return chinese_date(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    return f"{value}{fact.unit}" if fact.unit else str(value)


def stated(i: Institution) -> dict[str, Any]:
    """The declared facts by their fact table's names: those carried in Institution's own fields, and the rest."""
    own = {
        "name": i.name,
        "credit_code": i.credit_code,
        "address": i.address,
        "person_in_charge": i.person_in_charge,
        "contact": i.contact,
        "phone": i.phone,
    }
    return {**i.facts, **{k: v for k, v in own.items() if v}}


def fact_lines(program: Program, i: Institution) -> list[tuple[str, str]]:
    """Each fact of the type's fact table: its label and its value (with its unit); a fact not stated is blank."""
    given = stated(i)
    return [(f.label, value_said(f, given.get(f.name))) for f in fact_table(program, str(i.type))]


def fact_titles(program: Program, type_key: str) -> dict[str, str]:
    """The facts' labels by name, as a resubmission's changes and a return for correction name them."""
    return {f.name: f.label for f in fact_table(program, type_key)}


def attested(program: Program, i: Institution, level: Level) -> list[documents.AttestedCondition]:
    return [
        documents.AttestedCondition(c.text, i.attestations.get(c.code, ""))
        for c in evaluate.conditions(program, str(i.type), level.value)
    ]


def form(
    program: Program,
    ref: ProgramRef,
    level: Level,
    county: str,
    i: Institution,
    *,
    number: str,
    declared_on: date | None,
    submitted: Sequence[str] = (),
    opinion: str = "",
    draft: bool = False,
    printed_on: date | None = None,
) -> documents.ProgramForm:
    """The 申报表 of a declaration into ``program``; ``submitted``: the checklist items a file stands for."""
    return documents.ProgramForm(
        program_title=program.title,
        level_title=level_of(program, level).full_title,
        level=level_of(program, level).label,
        county=county,
        institution_name=i.name,
        institution_type=type_label(i.type),
        number=number,
        declared_on=declared_on,
        facts=fact_lines(program, i),
        conditions=attested(program, i, level),
        materials=[
            documents.ChecklistState(item.title, item.required, item.code in submitted)
            for item in evaluate.checklist(program, str(i.type), level.value)
        ],
        opinion=documents.DepartmentOpinion(bureau(ref, county), opinion),
        draft=draft,
        printed_on=printed_on,
    )


def sheet_facts(program: Program, view: ApplicationView, opinions: Mapping[Department, str]) -> list[tuple[str, str]]:
    """The 审批单's 机构基本情况 of another program's application: the program, the level, the type, the county,
    each fact of the fact table, the organs that decide, and the county departments' opinions recorded."""
    assert view.program is not None
    i = view.institution
    facts = [
        ("评定项目", program.title),
        ("申报级别", level_of(program, view.level).label),
        ("机构类型", type_label(i.type)),
        ("所在县区", view.county),
        *fact_lines(program, i),
        ("认定机关", "、".join(organs(view.program, view.level, view.county))),
    ]
    for d, text in opinions.items():
        if text:
            facts.append((f"{organ_name(d, Level.county, view.county, city=view.program.city or None)}意见", text))
    return [(k, v) for k, v in facts if v]


JOINT = "三部门联合公布"  # how the workflow words an announcement (workflows/application.py), whoever signed it


def announced_by(
    acts: Sequence[documents.SheetAct], ref: ProgramRef, level: Level, county: str
) -> list[documents.SheetAct]:
    """The sheet's acts with an announcement told as the program's departments made it, by their organs' full names
    (the workflow records the departments' short names; before, 三部门联合公布 for every program)."""
    if len(ref.departments) > 1:
        return list(acts)
    by = "、".join(organs(ref, level, county))
    said = (JOINT, *(f"{DEPARTMENTS[d]}公布" for d in ref.departments))  # before and since the workflow names them
    out = []
    for a in acts:
        wording = next((w for w in said if a.opinion.startswith(w)), None)
        out.append(replace(a, act="公布", opinion=a.opinion.replace(wording, f"{by}公布", 1)) if wording else a)
    return out
