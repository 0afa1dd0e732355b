"""Another program's application on its page: its facts with the labels and units of the definition's version it
was declared under, and that version's checklist and conditions (a correction names their items)."""

from typing import Any

from contracts.application import ApplicationView
from programs import evaluate
from programs.facts import fact_table
from programs.model import Fact, Program
from services import program_requirements
from services.program_declarations import checklist_of
from state.labels import type_label
from web.render import day

CARRIED = ("name", "credit_code", "address", "person_in_charge", "contact", "phone")  # Institution's own fields


def program_of_view(database_url: str, view: ApplicationView) -> Program | None:
    """The definition ``view`` was declared under, when its facts are its program's own (None: the first program's
    typed form). Sync: it reads the program's versions."""
    ref = view.program
    if ref is None or not ref.own_facts:
        return None
    return program_requirements.at_version(database_url, ref.id, ref.version)


def _text(fact: Fact, value: Any) -> str:
    if isinstance(value, list):
        return "、".join(_text(fact.model_copy(update={"many": False}), v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if fact.type in ("int", "decimal") and isinstance(value, (int, float)):
        shown = str(int(value)) if float(value).is_integer() else str(value)
        return f"{shown}{fact.unit}"
    if fact.type == "date":
        return day(value)
    return str(value)


def program_facts(program: Program, view: ApplicationView) -> list[tuple[str, str]]:
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


def program_level(program: Program, view: ApplicationView) -> str:
    """The level's title as the program names it (市级创业孵化基地 …)."""
    return next((lv.title for lv in program.levels if lv.key == view.level.value), "")


def program_correction_choices(program: Program, view: ApplicationView) -> dict[str, Any]:
    kind, level = str(view.institution.type), view.level.value
    checklist = checklist_of(program).checklist(kind, level)
    conditions = evaluate.conditions(program, kind, level)
    return {
        "checklist": checklist,
        "correction_items": [(i.code, i.title) for i in checklist] + [(c.code, c.text) for c in conditions],
        "returned_items": view.correction.items if view.correction is not None else [],
    }
