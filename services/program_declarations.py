"""Declaring into a program (评定项目): the version in force is found and recorded with the declaration
(ProgramRef), and a program other than the first has its declaration read against its definition — its levels,
the counties of the city that runs it, its fact table, its eligibility rules, its conditions and its checklist.
The first program's declarations keep their typed shape (schemas/models.py) and checks (state/declaration.py),
which tests/programs/test_linyi_faithful.py proves equal to its definition."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from contracts.application import Institution, ProgramRef, SubmittedMaterial
from contracts.rules import programs as rules
from db import programs as store
from db.programs import ProgramVersion
from db.queries.institutions import Standing, standing_in
from db.queries.materials import uploaded_by
from db.session import get_engine
from programs import evaluate
from programs.facts import read_facts
from programs.load import first_program_id
from programs.model import Program
from regions.catalog import DEPLOYMENT, cities
from regions.model import City
from schemas.models import ProgramDeclarationCreate, ProgramInstitutionCreate
from services.access import authority
from services.context import Context
from services.declarations import refusal, submitted_materials
from services.programs import program_of
from services.refusals import Refusal
from state import materials
from state.credit_code import CreditCodeError, validate_credit_code
from state.declaration import Problem
from state.domain import Act, Actor, Department, Level

MACHINE_LEVELS = {level.value for level in Level}  # a program's levels the machine runs: 县级 and 市级
NAMED = ("name", "credit_code")  # the facts every runnable program states (the claim, the lists, the documents)
CARRIED = ("address", "person_in_charge", "contact", "phone")  # facts the typed Institution has fields for


@dataclass(frozen=True)
class InForce:
    row: ProgramVersion
    program: Program


def in_force(database_url: str, program_id: str) -> InForce | None:
    row = store.in_force(database_url, program_id)
    return InForce(row, program_of(row)) if row is not None else None


def program_city(program: Program) -> str:
    """The city that runs ``program`` (its region "<file>/<city>"); the deployment's when it names none."""
    _, _, city = program.region.partition("/")
    return city or DEPLOYMENT.name


def region_of(program: Program) -> City | None:
    return cities().get(program_city(program))


def not_runnable(program: Program) -> str | None:
    """Why the engine cannot run ``program`` as written, in Chinese; None when it can."""
    levels = [lv.key for lv in program.levels]
    if not set(levels) <= MACHINE_LEVELS:
        return "其级别须为县级或市级"
    facts = {f.name for f in program.facts}
    if not set(NAMED) <= facts:
        return "其申报表须有机构名称和统一社会信用代码两项"
    if region_of(program) is None:
        return f"没有“{program_city(program)}”的地区定义"
    if any(not set(d) <= {x.value for x in Department} for d in program.issuing.values()):
        return "其发文部门须为人力资源社会保障、发展改革、民政部门"
    return None


def program_ref(found: InForce, level: str) -> ProgramRef:
    p = found.program
    return ProgramRef(
        id=p.id,
        version=found.row.version,
        sha256=found.row.sha256,
        city=program_city(p),
        notice_working_days=p.notice.working_days,
        notice_ends_at_hour=p.notice.ends_at_hour,
        own_facts=p.id != first_program_id(),
        departments=[Department(d) for d in p.issuing.get(level, [])],
        title=p.title,
        competitive=p.review.competitive,
    )


async def first_program_ref(ctx: Context, level: Level) -> ProgramRef | None:
    """The first program's version in force, recorded with each of its declarations (None before it is seeded)."""
    found = await run_in_threadpool(in_force, ctx.database_url, first_program_id())
    return program_ref(found, level.value) if found is not None else None


def checklist_of(program: Program) -> materials.Checklists:
    every_level = [lv.key for lv in program.levels]
    every_type = [t.key for t in program.institution_types]
    return materials.of_parts(
        [(i.code, i.title, tuple(i.accepts)) for i in program.materials.items],
        [
            (
                every_level if r.levels == "*" else r.levels,
                every_type if r.types == "*" else r.types,
                r.required,
                r.optional,
            )
            for r in program.materials.rules
        ],
    )


def _problems(program: Program, body: ProgramDeclarationCreate, today: date) -> tuple[dict[str, Any], list[Problem]]:
    given = body.institution
    facts, wrong = read_facts(program, given.type, body.level, dict(given.facts), today)
    out = [Problem(f"institution.facts.{w.name}" if w.name else "institution.type", w.code, w.message) for w in wrong]
    if out and out[0].field == "institution.type":
        return facts, out
    code = facts.get("credit_code")
    if isinstance(code, str) and not any(p.field == "institution.facts.credit_code" for p in out):
        try:
            validate_credit_code(code)
        except CreditCodeError as e:
            out.append(Problem("institution.facts.credit_code", f"credit_code_{e.code}", e.message_zh))
    stated = {p.field for p in out}
    for failed in evaluate.failures(program, given.type, body.level, facts):
        rule = next(r for r in evaluate.rules_at(program, given.type, body.level) if r.code == failed.code)
        first = next(iter(evaluate.clauses(rule)), None)
        where = f"institution.facts.{first.fact}" if first is not None else "institution.facts"
        if where not in stated:  # a fact refused as given is not judged again
            out.append(Problem(where, failed.code, failed.message))
    for c in evaluate.conditions(program, given.type, body.level):
        if not (given.attestations.get(c.code) or "").strip():
            gist = c.text if len(c.text) <= 24 else c.text[:24] + "…"
            out.append(
                Problem(f"institution.attestations.{c.code}", "attestation_missing", f"缺少评定条件的核实说明：{gist}")
            )
    return facts, out


def institution_of(body: ProgramDeclarationCreate, facts: dict[str, Any]) -> Institution:
    """The declared facts as the workflow records them: the named ones in their fields, the rest in ``facts``."""

    def said(name: str) -> str:
        return str(facts.get(name) or "")

    return Institution(
        name=said("name"),
        type=body.institution.type,
        credit_code=said("credit_code").upper(),
        address=said("address"),
        person_in_charge=said("person_in_charge"),
        contact=said("contact"),
        phone=said("phone"),
        attestations=dict(body.institution.attestations),
        facts={k: v for k, v in facts.items() if k not in (*NAMED, *CARRIED)},
    )


def _standing(database_url: str, code: str, level: Level, application_id: str, program_id: str) -> Standing:
    with Session(get_engine(database_url)) as s:
        return standing_in(s, code, level, application_id, program_id)


def _uploads(database_url: str, ids: list[str], owner: str) -> dict[str, Any]:
    with Session(get_engine(database_url)) as s:
        return uploaded_by(s, ids, owner)


@dataclass(frozen=True)
class Judged:
    """A declaration's body as its checks found it: the version in force, where and at what level, the facts."""

    found: InForce
    county: str
    level: Level
    institution: Institution


@dataclass(frozen=True)
class Prepared:
    county: str
    level: Level
    institution: Institution
    materials: list[SubmittedMaterial]
    program: ProgramRef


async def judge(
    ctx: Context, actor: Actor, body: ProgramDeclarationCreate, day: date, application_id: str = ""
) -> Judged:
    """Every check of a declaration into ``body.program`` that its files do not enter, in the rules' order (the
    declaration itself, and the 申报表's draft before declaring: services/drafts.py)."""
    from services import institution_claims  # it imports the application workflow, which imports this module's peers

    found = await run_in_threadpool(in_force, ctx.database_url, body.program)
    city = program_city(found.program) if found is not None else ""
    if found is None or (actor.city and actor.city != city):  # another city's program is not there for its clerks
        raise Refusal(404, rules.PROGRAM_UNKNOWN, field="program", program_id=body.program)
    program = found.program
    if why := not_runnable(program):
        raise Refusal(422, rules.PROGRAM_NOT_RUNNABLE, field="program", title=program.title, why=why)
    levels = {lv.key: lv.label for lv in program.levels}
    if body.level not in levels:
        said = "、".join(levels.values())
        raise Refusal(422, rules.PROGRAM_LEVEL_UNKNOWN, field="level", level=body.level, levels=said)
    level = Level(body.level)
    county = body.county or actor.county or ""
    region = region_of(program)
    assert region is not None  # not_runnable said so otherwise
    names = [c.name for c in region.counties]
    if county not in names:
        raise Refusal(
            422,
            rules.PROGRAM_COUNTY_UNKNOWN,
            field="county",
            county=county,
            city=region.name,
            counties="、".join(names),
        )
    authority(Act.declare, actor, level, county)
    facts, problems = _problems(program, body, day)
    if problems:
        raise refusal(422, problems)
    institution = institution_of(body, facts)
    standing = await run_in_threadpool(
        _standing, ctx.database_url, institution.credit_code, level, application_id, program.id
    )
    if declared_before := institution_claims.standing_refusal(standing, level, institution.credit_code, county):
        raise declared_before
    return Judged(found, county, level, institution)


async def prepare(
    ctx: Context, actor: Actor, body: ProgramDeclarationCreate, day: date, application_id: str
) -> Prepared:
    """Every check of a declaration into ``body.program`` in the rules' order; the files claimed for it."""
    judged = await judge(ctx, actor, body, day, application_id)
    ids = list(dict.fromkeys(r.material_id for r in body.materials))
    uploads = await run_in_threadpool(_uploads, ctx.database_url, ids, actor.user_id)
    submitted = await submitted_materials(
        ctx.settings,
        actor,
        application_id,
        judged.level,
        judged.institution.type,
        body.materials,
        uploads=uploads,
        book=checklist_of(judged.found.program),
    )
    return Prepared(judged.county, judged.level, judged.institution, submitted, program_ref(judged.found, body.level))


def kept_version(database_url: str, ref: ProgramRef) -> Program:
    """The version an application was declared under (it keeps that version's rules to its end)."""
    row = store.version(database_url, ref.id, ref.version)
    if row is None:  # versions are never deleted: a missing one is a broken database, not a caller's mistake
        raise LookupError(f"program {ref.id} version {ref.version} is not on record")
    return program_of(row)


def amended(
    program: Program, level: Level, given: ProgramInstitutionCreate, today: date
) -> tuple[Institution, list[Problem]]:
    """A resubmission's facts read against the application's own version, as its declaration's were."""
    body = ProgramDeclarationCreate.model_construct(program=program.id, level=level.value, institution=given)
    facts, problems = _problems(program, body, today)
    return institution_of(body, facts), problems


def correctable_items(program: Program, kind: str, level: Level) -> set[str]:
    """What a return for correction may name: the checklist's items and the conditions' codes."""
    return {i.code for i in evaluate.checklist(program, kind, level.value)} | {
        c.code for c in evaluate.conditions(program, kind, level.value)
    }
