"""What a declaration into a program asks, read from its definition in force: the programs a city's clerks declare
into, a program's checklist and conditions (GET /materials/checklist and /conditions with ``program``), the JSON
Schema of its institution part (GET /programs/{id}/declaration-schema), and a version's definition (the pages)."""

from typing import Any

from contracts.application import ApplicationView
from contracts.rules import programs as rules
from db import programs as store
from programs import evaluate
from programs.facts import MAX_TEXT, fact_table
from programs.load import first_program_id
from programs.model import Fact, Program
from regions.catalog import DEPLOYMENT
from schemas.materials import Checklist, ChecklistItemPublic, ConditionPublic, Conditions
from services import narration
from services.program_declarations import InForce, in_force, not_runnable, program_city, region_of
from services.programs import program_of
from services.refusals import Refusal
from state.labels import type_label

MANY_DEFAULT = 50  # a list fact without its own max_items (programs/facts.py)


def declarable(database_url: str, city: str) -> list[InForce]:
    """The programs in force that ``city``'s clerks may declare into (runnable, run by that city), the first first."""
    city = city or DEPLOYMENT.name
    found = [InForce(row, program_of(row)) for row in store.all_in_force(database_url)]
    mine = [f for f in found if program_city(f.program) == city and not_runnable(f.program) is None]
    return sorted(mine, key=lambda f: (f.program.id != first_program_id(), f.program.id))


def other_program(database_url: str, program_id: str | None) -> InForce | None:
    """The program ``program_id`` names when it is another than the first (None: the first, or none named); 404
    ``program_unknown`` when none is in force by that id."""
    if not program_id or program_id == first_program_id():
        return None
    found = in_force(database_url, program_id)
    if found is None:
        raise Refusal(404, rules.PROGRAM_UNKNOWN, field="program", program_id=program_id)
    return found


def at_version(database_url: str, program_id: str, version: int) -> Program | None:
    """The definition of ``program_id`` as version ``version`` has it (an application keeps its version's)."""
    rows = [r for r in store.versions(database_url, program_id) if r.version == version]
    return program_of(rows[0]) if rows else None


def check_level_and_type(program: Program, type_key: str, level: str) -> str | None:
    """Which of the query's ``type`` and ``level`` the program does not have ("type", "level"), or None."""
    if level not in {lv.key for lv in program.levels}:
        return "level"
    if type_key not in {t.key for t in program.institution_types}:
        return "type"
    return None


def level_refusal(program: Program, level: str) -> Refusal:
    said = "、".join(lv.label for lv in program.levels)
    return Refusal(422, rules.PROGRAM_LEVEL_UNKNOWN, field="level", level=level, levels=said)


def county_refusal(program: Program, county: str | None) -> Refusal | None:
    region = region_of(program)
    names = [c.name for c in region.counties] if region is not None else []
    if county is None or county in names:
        return None
    return Refusal(
        422,
        rules.PROGRAM_COUNTY_UNKNOWN,
        field="county",
        county=county,
        city=program_city(program),
        counties="、".join(names),
    )


def checklist(program: Program, type_key: str, level: str) -> Checklist:
    items = evaluate.checklist(program, type_key, level)
    return Checklist(
        type=type_key,
        level=level,
        items=[
            ChecklistItemPublic(code=i.code, title=i.title, required=i.required, accepts=list(i.accepts)) for i in items
        ],
    )


def conditions(program: Program, type_key: str, level: str, county: str | None) -> Conditions:
    """The definition's conditions (a county's own are not kept for another program: each is ``basic`` or
    ``level``, as the definition files it)."""
    basic = {c.code for c in program.conditions.basic}
    return Conditions(
        type=type_key,
        level=level,
        county=county,
        items=[
            ConditionPublic(code=c.code, text=c.text, kind="basic" if c.code in basic else "level")
            for c in evaluate.conditions(program, type_key, level)
        ],
    )


def _anchored(pattern: str) -> str:
    """A fact's pattern is matched whole (re.fullmatch); JSON Schema's ``pattern`` searches, so it is anchored."""
    return pattern if pattern.startswith("^") and pattern.endswith("$") else f"^(?:{pattern})$"


def _one(fact: Fact) -> dict[str, Any]:
    out: dict[str, Any]
    if fact.type in ("int", "decimal"):
        out = {"type": "integer" if fact.type == "int" else "number"}
        if fact.min is not None:
            out["minimum"] = fact.min
        if fact.max is not None:
            out["maximum"] = fact.max
    elif fact.type == "bool":
        out = {"type": "boolean"}
    elif fact.type == "date":
        out = {"type": "string", "format": "date"}
    elif fact.type == "choice":
        out = {"type": "string", "enum": list(fact.choices)}
    else:
        out = {"type": "string", "maxLength": fact.max_length or MAX_TEXT}
        if fact.pattern:
            out["pattern"] = _anchored(fact.pattern)
    return out


def fact_schema(fact: Fact) -> dict[str, Any]:
    one = _one(fact)
    shown = {"title": fact.label, **({"x-unit": fact.unit} if fact.unit else {})}
    if fact.type == "date" and (fact.earliest or fact.latest):
        shown["description"] = "、".join(
            part
            for part in (
                f"不早于{fact.earliest}" if fact.earliest else "",
                f"不晚于{fact.latest}" if fact.latest else "",
            )
            if part
        )
    if fact.many:
        return {**shown, "type": "array", "items": one, "maxItems": fact.max_items or MANY_DEFAULT}
    return {**shown, **one}


def declaration_schema(program: Program, version: int) -> dict[str, Any]:
    """The institution part of a declaration into ``program`` as a JSON Schema (2020-12): the type's keys, every
    fact any type states (a type's own facts say which types state them), and — as a note, since it depends on the
    type and level chosen — the facts each type must state at each level."""
    facts: dict[str, Any] = {f.name: fact_schema(f) for f in program.facts}
    for t in program.institution_types:
        for f in t.facts:
            entry = facts.setdefault(f.name, {**fact_schema(f), "x-types": []})
            entry.setdefault("x-types", []).append(t.key)
    required = {
        t.key: {lv.key: evaluate.required_facts(program, t.key, lv.key) for lv in program.levels}
        for t in program.institution_types
    }
    codes = {
        c.code: c.text
        for t in program.institution_types
        for lv in program.levels
        for c in evaluate.conditions(program, t.key, lv.key)
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"/api/v1/programs/{program.id}/declaration-schema",
        "title": f"{program.title}：申报机构",
        "x-program": {"id": program.id, "version": version, "levels": [lv.key for lv in program.levels]},
        "type": "object",
        "additionalProperties": False,
        "required": ["type", "facts"],
        "properties": {
            "type": {
                "type": "string",
                "enum": [t.key for t in program.institution_types],
                "x-labels": {t.key: t.label for t in program.institution_types},
            },
            "facts": {"type": "object", "additionalProperties": False, "properties": facts},
            "attestations": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    code: {"type": "string", "maxLength": 2000, "title": text} for code, text in codes.items()
                },
            },
        },
        "x-required-facts": required,
        "x-required-note": "x-required-facts: 按机构类型（type）和申报级别（level）须填报的事项；核实说明须逐项填写适用的评定条件",
    }


CARRIED = ("name", "credit_code", "address", "person_in_charge", "contact", "phone")  # Institution's own fields


def _text(fact: Fact, value: Any) -> str:
    if isinstance(value, list):
        return "、".join(_text(fact.model_copy(update={"many": False}), v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if fact.type in ("int", "decimal") and isinstance(value, (int, float)):
        shown = str(int(value)) if float(value).is_integer() else str(value)
        return f"{shown}{fact.unit}"
    if fact.type == "date":
        return narration.chinese_day(str(value))
    return str(value)


def stated_facts(program: Program, view: ApplicationView) -> list[tuple[str, str]]:
    """The 申报表's facts as (label, text) in the fact table's order, the type first; the empty ones left out."""
    kind = str(view.institution.type)
    given = {name: getattr(view.institution, name, "") for name in CARRIED} | dict(view.institution.facts)
    out = [("机构类型", type_label(kind))]
    for fact in fact_table(program, kind):
        value = given.get(fact.name)
        if value is None or value == "" or value == []:
            continue
        out.append((fact.label, _text(fact, value)))
    return out
