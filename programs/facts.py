"""A declaration's facts read against its program's fact table: each value parsed to its fact's type and bounds, and
every fact the level requires stated. What a fact fails is said in Chinese, with a stable code per condition.

``read_facts(program, type_key, level, given, today)`` → (the facts as recorded, the problems). Pure module.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from programs.model import Fact, Program

MAX_TEXT = 5000  # a text fact without its own max_length


@dataclass(frozen=True)
class FactProblem:
    name: str  # the fact's name ("" for the type itself)
    code: str
    message: str


class _Wrong(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def fact_table(program: Program, type_key: str) -> list[Fact]:
    """The facts a declaration of ``type_key`` states: the program's, then the type's own."""
    found = [t for t in program.institution_types if t.key == type_key]
    return [*program.facts, *(found[0].facts if found else [])]


def required_at(fact: Fact, level: str) -> bool:
    return fact.required is True or (isinstance(fact.required, list) and level in fact.required)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _number(fact: Fact, value: Any) -> int | float:
    if isinstance(value, bool):
        raise _Wrong("fact_not_a_number", f"{fact.label}应为数字")
    if fact.type == "int":
        if isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"-?\d{1,15}", value.strip())):
            number: int | float = int(value)
        else:
            raise _Wrong("fact_not_an_integer", f"{fact.label}应为整数")
    else:
        try:
            parsed = Decimal(str(value).strip())
        except InvalidOperation:
            raise _Wrong("fact_not_a_number", f"{fact.label}应为数字") from None
        if not parsed.is_finite():
            raise _Wrong("fact_not_a_number", f"{fact.label}应为数字")
        number = float(parsed)
    unit = fact.unit
    if fact.min is not None and number < fact.min:
        raise _Wrong("fact_below_min", f"{fact.label}不能小于{_n(fact.min)}{unit}（填报为{_n(number)}{unit}）")
    if fact.max is not None and number > fact.max:
        raise _Wrong("fact_above_max", f"{fact.label}不能大于{_n(fact.max)}{unit}（填报为{_n(number)}{unit}）")
    return number


def _n(x: int | float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _text(fact: Fact, value: Any) -> str:
    if not isinstance(value, str):
        raise _Wrong("fact_not_text", f"{fact.label}应为文字")
    text = value.strip()
    limit = fact.max_length or MAX_TEXT
    if len(text) > limit:
        raise _Wrong("fact_too_long", f"{fact.label}不能超过{limit}个字（填报{len(text)}个字）")
    allowed = "\t\n\r" if fact.multiline else ""
    if any((ord(c) < 32 and c not in allowed) or ord(c) == 127 for c in text):
        raise _Wrong("fact_control_character", f"{fact.label}含有不可见的控制字符")
    if fact.pattern and text and not re.fullmatch(fact.pattern, text):
        raise _Wrong("fact_format", f"{fact.label}的格式不正确（填报为“{text[:40]}”）")
    return text


def _date(fact: Fact, value: Any, today: date) -> str:
    try:
        day = date.fromisoformat(str(value).strip())
    except ValueError:
        raise _Wrong("fact_not_a_date", f"{fact.label}应为日期（年-月-日）") from None
    latest = min(fact.latest, today) if fact.latest else today
    if day > latest:
        raise _Wrong("fact_date_too_late", f"{fact.label}不能晚于{latest}（填报为{day}）")
    if fact.earliest and day < fact.earliest:
        raise _Wrong("fact_date_too_early", f"{fact.label}不能早于{fact.earliest}（填报为{day}）")
    return day.isoformat()


def _bool(fact: Fact, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "是", "1", "on"):
        return True
    if value in ("false", "否", "0"):
        return False
    raise _Wrong("fact_not_yes_no", f"{fact.label}应为“是”或“否”")


def _one(fact: Fact, value: Any, today: date) -> Any:
    if fact.type in ("int", "decimal"):
        return _number(fact, value)
    if fact.type == "bool":
        return _bool(fact, value)
    if fact.type == "date":
        return _date(fact, value, today)
    if fact.type == "choice":
        if value not in fact.choices:
            raise _Wrong("fact_not_a_choice", f"{fact.label}应为{'、'.join(fact.choices)}之一")
        return value
    return _text(fact, value)


def read_facts(
    program: Program, type_key: str, level: str, given: dict[str, Any], today: date
) -> tuple[dict[str, Any], list[FactProblem]]:
    """``given`` read against the fact table of ``type_key``: the facts as recorded (unknown names refused, empty
    values left out), and every problem in the table's order."""
    if type_key not in {t.key for t in program.institution_types}:
        kinds = "、".join(t.label for t in program.institution_types)
        return {}, [FactProblem("", "institution_type_unknown", f"机构类型不在本评定项目之列（可选：{kinds}）")]
    table = fact_table(program, type_key)
    known = {f.name for f in table}
    problems = [
        FactProblem(name, "fact_unknown", f"“{name[:40]}”不是本评定项目申报表的填报项")
        for name in given
        if name not in known
    ]
    out: dict[str, Any] = {}
    for fact in table:
        value = given.get(fact.name)
        if _empty(value):
            if required_at(fact, level):
                problems.append(FactProblem(fact.name, "fact_required", f"请填写{fact.label}"))
            continue
        try:
            if fact.many:
                items = value if isinstance(value, list) else [value]
                limit = fact.max_items or 50
                if len(items) > limit:
                    raise _Wrong("fact_too_many", f"{fact.label}最多填报{limit}项（填报{len(items)}项）")
                out[fact.name] = [_one(fact, v, today) for v in items if not _empty(v)]
            else:
                out[fact.name] = _one(fact, value, today)
        except _Wrong as wrong:
            problems.append(FactProblem(fact.name, wrong.code, wrong.message))
    return out, problems
