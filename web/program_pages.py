"""The declaration page's first step and another program's form (web/routes/declare.py routes them).

A clerk's city may run several programs (评定项目): with more than one in force there, the page starts with
「选择评定项目」; the first program keeps its own form (declare.html), another's form is derived from its definition
(web/program_form.py, declare_program.html) and declared through the same service the API calls."""

import uuid
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from programs import evaluate
from programs.load import first_program_id
from services import program_requirements
from services.program_declarations import InForce
from services.refusals import Refusal
from state.domain import Actor
from web.program_form import ATTEST, FILE, chosen, fact_inputs
from web.refusals import Explained, PageRefusal
from web.render import is_htmx, page


async def programs_for(request: Request, actor: Actor) -> list[InForce]:
    """The programs in force the clerk's city runs (and this system can run), the first first."""
    return await run_in_threadpool(program_requirements.declarable, request.app.state.settings.database_url, actor.city)


def named(found: list[InForce], program_id: str) -> InForce | None:
    """The program ``program_id`` names among the clerk's (the first program's id names the first form: None);
    another city's or an unknown id: 404."""
    if program_id == first_program_id():
        return None
    for f in found:
        if f.program.id == program_id:
            return f
    raise PageRefusal(Refusal(404, "没有此评定项目", rule="program_unknown", program_id=program_id[:64]))


def chooser(request: Request, found: list[InForce]) -> Response:
    rows = [
        {
            "id": f.program.id,
            "title": f.program.title,
            "source": "，".join(
                part for part in (f.program.source.document_no, f"{f.program.source.date:%Y年%-m月%-d日}") if part
            ),
            "organs": "、".join(f.program.source.organs),
            "levels": "、".join(lv.label for lv in f.program.levels),
        }
        for f in found
    ]
    return page(request, "declare_choose.html", {"programs": rows})


def program_form(
    request: Request, actor: Actor, found: InForce, values: dict[str, str], status: int = 200, **context: Any
) -> Response:
    program = found.program
    kind, level = chosen(program, values)
    ctx = {
        "program": program,
        "version": found.row.version,
        "types": [(t.key, t.label) for t in program.institution_types],
        "levels": [(lv.key, lv.label) for lv in program.levels],
        "type_chosen": kind,
        "level_chosen": level,
        "inputs": fact_inputs(program, kind, level),
        "conditions": evaluate.conditions(program, kind, level),
        "checklist": evaluate.checklist(program, kind, level),
        "values": values,
        "errors": {},
        "explained": None,
        "key": uuid.uuid4().hex,
        "kept": {},
        "actor": actor,
        **context,
    }
    _unplaced(ctx)
    if is_htmx(request):
        status = 200
    return page(request, "declare_program.html", ctx, status)


def _unplaced(ctx: dict[str, Any]) -> None:
    """A problem the form has no field for is said above the form (so none goes unsaid)."""
    errors: dict[str, str] = ctx["errors"]
    placed = {"level", "type", "reason", "materials"} | {f.name for f in ctx["inputs"]}
    placed |= {ATTEST + c.code for c in ctx["conditions"]} | {FILE + i.code for i in ctx["checklist"]}
    lines = [text for name, text in errors.items() if name not in placed]
    if not lines:
        return
    explained = ctx["explained"] or Explained(status=422, kind="填写有误")
    explained.lines = [*explained.lines, *(line for line in lines if line not in explained.lines)]
    ctx["explained"] = explained
