"""Form data in, Chinese field errors out: the pages validate with the API's own request models (schemas/models.py),
so a form refuses exactly what the API refuses, and say each error beside its field."""

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from state.domain import InstitutionType

# A discriminated union's tags in error locations (a declaration's: the program's kind, its level, its type).
_TAGS = {"city", "county", "first_program", "other_program", *(t.value for t in InstitutionType)}
PATTERN_MESSAGES = {
    "credit_code": "统一社会信用代码应为18位数字或大写字母（不含I、O、S、V、Z）",
    "phone": "联系电话应为11位手机号，或0539开头的固定电话",
}

OWN_MESSAGES = {"objector_name", "objector_contact", "objection_content"}


def field_of(loc: tuple[Any, ...]) -> str:
    """The form field an error's location names: its last part that is a field, not a union's tag."""
    names = [str(p) for p in loc if isinstance(p, str) and p not in _TAGS]
    return names[-1] if names else ""


def message_for(error: Mapping[str, Any], special: Mapping[str, str] | None = None) -> str:
    """One pydantic error in Chinese; ``special`` gives a field's own message for a broken bound (a condition)."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    name = field_of(tuple(error.get("loc", ())))
    if special and name in special and kind not in ("int_type", "float_type", "int_parsing"):
        return special[name]
    if kind in ("enum", "literal_error", "union_tag_invalid"):
        return "请从列表中选择"
    if kind == "missing":
        return "此项必填"
    if kind == "string_too_long":
        return f"不能超过{ctx.get('max_length')}个字"
    if kind == "string_pattern_mismatch":
        return PATTERN_MESSAGES.get(name, "此项必填")
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于{ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于{ctx.get('le', ctx.get('lt'))}"
    if kind in ("int_type", "int_parsing", "float_type", "float_parsing", "int_from_float"):
        return "应填写数字"
    if kind == "value_error" and "date" in str(error.get("msg", "")):
        return "日期格式应为 年-月-日"
    if kind == "text_blank":
        return "此项必填（不能只填空格或不可见字符）"
    if kind == "control_character":
        return "不能包含控制字符"
    if kind == "bidi_control":
        return "不能包含改变文字方向的控制字符"
    if kind in OWN_MESSAGES:  # rules whose message is already the form's Chinese (state/objector.py)
        return str(error.get("msg", ""))
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        return "日期格式应为 年-月-日"
    return "填写有误"


def field_errors(error: ValidationError, special: Mapping[str, str] | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in error.errors():
        out.setdefault(field_of(tuple(e.get("loc", ()))) or "form", message_for(e, special))
    return out


def text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""
