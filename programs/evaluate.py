"""A program's data at work: the eligibility rules a declaration fails, the conditions and the checklist that apply.

``failures(program, type, level, facts)``: the rules of ``type`` that apply at ``level`` and that ``facts`` (a dict
of the declaration's facts) fail, each with its code, the notice's words and what was stated (未填报 / 填报值为…).

Pure module.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from programs.model import Clause, Condition, Program, Rule, Scope


@dataclass(frozen=True)
class Failure:
    code: str
    text: str
    detail: str

    @property
    def message(self) -> str:
        return f"{self.text}：{self.detail}"


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    title: str
    required: bool
    accepts: tuple[str, ...]


def in_scope(key: str, scope: Scope) -> bool:
    return scope == "*" or key in scope


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, (list, tuple)) and not value)


def holds(clause: Clause, facts: Mapping[str, Any]) -> bool:
    """Whether ``facts`` meet ``clause``; a fact not stated meets none but ``!=``."""
    x, v, op = facts.get(clause.fact), clause.value, clause.op
    if op == "given":
        return not _empty(x)
    if op == "min_items":
        return isinstance(x, (list, tuple)) and isinstance(v, int) and len(x) >= v
    if op == "all_equal":
        return isinstance(x, (list, tuple)) and bool(x) and all(_same(item, v) for item in x)
    if _empty(x):
        return op == "!="
    if op == "in":
        return isinstance(v, list) and any(_same(x, item) for item in v)
    if op == "==":
        return _same(x, v)
    if op == "!=":
        return not _same(x, v)
    if isinstance(x, bool) or not isinstance(x, (int, float)) or isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    return {">=": x >= v, ">": x > v, "<=": x <= v, "<": x < v}[op]


def _same(x: Any, v: Any) -> bool:
    if isinstance(x, bool) or isinstance(v, bool):
        return x is v
    return bool(x == v)


def clauses(rule: Rule) -> list[Clause]:
    if rule.fact is not None and rule.op is not None:
        return [Clause(fact=rule.fact, op=rule.op, value=rule.value)]
    return [*rule.all, *rule.any]


def passes(rule: Rule, facts: Mapping[str, Any]) -> bool:
    if rule.any:
        return any(holds(c, facts) for c in rule.any)
    return all(holds(c, facts) for c in clauses(rule))


def said(value: Any) -> str:
    """What was stated, in the notice's words: 未填报, or 填报值为… (是/否 for a yes or no; a list joined by 、)."""
    shown = "、".join(str(v) for v in value) if isinstance(value, (list, tuple)) else value
    if shown is None or shown == "":
        return "未填报"
    if shown is True:
        return "填报值为是"
    if shown is False:
        return "填报值为否"
    if isinstance(shown, float) and shown.is_integer():  # a decimal fact stated as 1400 is read as 1400.0
        shown = int(shown)
    return f"填报值为{shown}"


def rules_at(program: Program, type_key: str, level: str) -> list[Rule]:
    """The program's rules for ``type_key``, then the type's own, that apply at ``level``."""
    (found,) = [t for t in program.institution_types if t.key == type_key]
    common = [r for r in program.rules if in_scope(type_key, r.types)]
    return [r for r in [*common, *found.rules] if in_scope(level, r.levels)]


def failures(program: Program, type_key: str, level: str, facts: Mapping[str, Any]) -> list[Failure]:
    """The rules of ``type_key`` at ``level`` that ``facts`` fail, in the definition's order."""
    out = []
    for rule in rules_at(program, type_key, level):
        if not passes(rule, facts):
            first = next((c for c in clauses(rule) if not holds(c, facts)), clauses(rule)[0])
            out.append(Failure(rule.code, rule.text, said(facts.get(first.fact))))
    return out


def required_facts(program: Program, type_key: str, level: str) -> list[str]:
    """The facts a declaration of ``type_key`` at ``level`` must state: those required there, and those the type's
    rules test there."""
    (found,) = [t for t in program.institution_types if t.key == type_key]
    names = [
        f.name
        for f in [*program.facts, *found.facts]
        if f.required is True or (isinstance(f.required, list) and level in f.required)
    ]
    for rule in rules_at(program, type_key, level):
        names += [c.fact for c in clauses(rule) if c.fact not in names]
    return names


def conditions(program: Program, type_key: str, level: str) -> list[Condition]:
    """The conditions that apply to a declaration of ``type_key`` at ``level``: the basic ones, then the level's
    (a county's own are set by the county, not in the definition)."""
    pool = [*program.conditions.basic, *program.conditions.levels.get(level, [])]
    return [c for c in pool if in_scope(type_key, c.types) and in_scope(level, c.levels)]


def checklist(program: Program, type_key: str, level: str) -> list[ChecklistItem]:
    """The materials asked of a declaration of ``type_key`` at ``level``, in the items' order; a later rule
    overrides an earlier one for the same item."""
    required: dict[str, bool] = {}
    for rule in program.materials.rules:
        if in_scope(level, rule.levels) and in_scope(type_key, rule.types):
            required.update(dict.fromkeys(rule.required, True))
            required.update(dict.fromkeys(rule.optional, False))
    return [
        ChecklistItem(i.code, i.title, required[i.code], tuple(i.accepts))
        for i in program.materials.items
        if i.code in required
    ]
