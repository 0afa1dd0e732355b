"""Another program's 申报表 as a web form, derived from its definition: one input per fact of the chosen type's fact
table (its kind by the fact's type, its label and unit the definition's), the form's text turned into the API's
body (schemas/models.py ProgramDeclarationCreate, validated by the same model), and a refusal's problems beside
their fields (``fact__<name>``, ``attest__<code>``)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from programs import evaluate
from programs.facts import MAX_TEXT, fact_table
from programs.model import Fact, Program
from schemas.models import ProgramDeclarationCreate
from services.refusals import Refusal
from web.forms import message_for
from web.refusals import problem_message

FACT, ATTEST, FILE = "fact__", "attest__", "file__"
_BODY = TypeAdapter(ProgramDeclarationCreate)


@dataclass(frozen=True)
class FactInput:
    name: str  # the form's field: fact__<fact>
    label: str
    kind: str  # number / yesno / text / textarea / date / select / lines
    required: bool
    hint: str = ""
    attrs: dict[str, str] = field(default_factory=dict)
    options: list[tuple[str, str]] = field(default_factory=list)


def _n(x: int | float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _input(fact: Fact, required: bool) -> FactInput:
    name, unit = FACT + fact.name, f"（{fact.unit}）" if fact.unit else ""
    label = f"{fact.label}{unit}"
    if fact.many:
        limit = fact.max_items or 50
        return FactInput(name, label, "lines", required, f"每行一项，最多{limit}项")
    if fact.type in ("int", "decimal"):
        attrs = {
            "step": "1" if fact.type == "int" else "any",
            "inputmode": "numeric" if fact.type == "int" else "decimal",
        }
        bounds = []
        if fact.min is not None:
            attrs["min"] = _n(fact.min)
            bounds.append(f"不小于{_n(fact.min)}")
        if fact.max is not None:
            attrs["max"] = _n(fact.max)
            bounds.append(f"不大于{_n(fact.max)}")
        hint = ("整数，" if fact.type == "int" else "") + "，".join(bounds)
        return FactInput(name, label, "number", required, hint.rstrip("，"), attrs)
    if fact.type == "bool":
        return FactInput(name, label, "yesno", required, options=[("true", "是"), ("false", "否")])
    if fact.type == "date":
        attrs = {k: str(v) for k, v in (("min", fact.earliest), ("max", fact.latest)) if v}
        return FactInput(name, label, "date", required, attrs=attrs)
    if fact.type == "choice":
        return FactInput(name, label, "select", required, options=[(c, c) for c in fact.choices])
    attrs = {"maxlength": str(fact.max_length or MAX_TEXT)}
    return FactInput(name, label, "textarea" if fact.multiline else "text", required, attrs=attrs)


def fact_inputs(program: Program, type_key: str, level: str) -> list[FactInput]:
    """The inputs of ``type_key``'s fact table; required: the facts a declaration at ``level`` must state."""
    must = set(evaluate.required_facts(program, type_key, level))
    return [_input(f, f.name in must) for f in fact_table(program, type_key)]


def chosen(program: Program, values: Mapping[str, str]) -> tuple[str, str]:
    """The type and level the form shows: those chosen, else the program's first."""
    types = [t.key for t in program.institution_types]
    levels = [lv.key for lv in program.levels]
    kind = values.get("type", "")
    level = values.get("level", "")
    return (kind if kind in types else types[0]), (level if level in levels else levels[0])


def body_from(program: Program, values: Mapping[str, str]) -> dict[str, Any]:
    """The declaration body the API takes: every fact as typed (the service reads each against its fact)."""
    kind = values.get("type", "")
    facts: dict[str, Any] = {}
    table = fact_table(program, kind) if kind in {t.key for t in program.institution_types} else []
    for fact in table:
        raw = values.get(FACT + fact.name, "").strip()
        if not raw:
            continue
        if fact.many:
            facts[fact.name] = [line.strip() for line in raw.splitlines() if line.strip()]
        elif fact.type == "bool":
            facts[fact.name] = raw == "true" if raw in ("true", "false") else raw
        else:
            facts[fact.name] = raw
    body: dict[str, Any] = {
        "program": program.id,
        "level": values.get("level", ""),
        "institution": {
            "type": kind,
            "facts": facts,
            "attestations": {
                k[len(ATTEST) :]: v.strip() for k, v in values.items() if k.startswith(ATTEST) and v.strip()
            },
        },
        "reason": values.get("reason", "").strip(),
    }  # the county is the clerk's (the service's default): the typed body's county names the first city's only
    return body


def form_field(path: str) -> str:
    """A problem's field (``institution.facts.area``, ``materials[0].material_id``) as the form's field name."""
    parts = path.split(".")
    if parts[:2] == ["institution", "facts"] and len(parts) > 2:
        return FACT + parts[2]
    if parts[:2] == ["institution", "attestations"] and len(parts) > 2:
        return ATTEST + parts[2]
    if parts[:2] == ["institution", "type"]:
        return "type"
    if path.startswith("materials"):
        return "materials"
    return parts[-1]


def validate(body: dict[str, Any]) -> tuple[ProgramDeclarationCreate | None, dict[str, str]]:
    try:
        return _BODY.validate_python(body), {}
    except ValidationError as error:
        out: dict[str, str] = {}
        for e in error.errors():
            where = ".".join(str(p) for p in e.get("loc", ()))
            out.setdefault(form_field(where) or "level", message_for(e))
        return None, out


def refusal_fields(refusal: Refusal) -> dict[str, str]:
    """The service's problems beside the form's fields, in Chinese."""
    extra = refusal.extra
    problems = extra.get("problems") or (
        [{"field": extra["field"], "rule": extra.get("rule", ""), "message": refusal.message}]
        if extra.get("field")
        else []
    )
    out: dict[str, str] = {}
    for p in problems:
        text = problem_message(str(p.get("rule", "")), str(p.get("message", "")))
        out.setdefault(form_field(str(p.get("field", ""))), text)
    return out
