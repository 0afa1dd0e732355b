"""Another program's application on its page: its facts with the labels and units of the definition's version it
was declared under, and that version's checklist and conditions (a correction names their items)."""

from typing import Any

from contracts.application import ApplicationView
from programs import evaluate
from programs.model import Program
from services import program_requirements
from services.program_declarations import checklist_of


def program_of_view(database_url: str, view: ApplicationView) -> Program | None:
    """The definition ``view`` was declared under, when its facts are its program's own (None: the first program's
    typed form). Sync: it reads the program's versions."""
    ref = view.program
    if ref is None or not ref.own_facts:
        return None
    return program_requirements.at_version(database_url, ref.id, ref.version)


def program_facts(program: Program, view: ApplicationView) -> list[tuple[str, str]]:
    return program_requirements.stated_facts(program, view)


def program_level(program: Program, view: ApplicationView) -> str:
    """The level's title as the program names it (its ``full_title``'s shorter form, ``title``)."""
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
