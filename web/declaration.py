"""The 申报表 as a web form: its fields in the notice's words, the form's text turned into the API's declaration body
(schemas/models.py DeclarationCreate, validated by the same model), and errors beside their fields."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from schemas.models import DeclarationCreate
from state import eligibility as e
from state.domain import InstitutionType, Level
from web.forms import field_errors


@dataclass(frozen=True)
class FormField:
    name: str
    title: str
    type: str = "text"  # text / number / date / tel / textarea / select / checkbox / yesno / list
    hint: str = ""
    required: bool = False
    city_only: bool = False


INSTITUTION_FIELDS = (
    FormField("name", "机构名称", required=True),
    FormField("type", "机构类型", "select", required=True),
    FormField("credit_code", "统一社会信用代码", hint="18位，末位为校验码", required=True),
    FormField("address", "机构地址"),
    FormField("person_in_charge", "负责人"),
    FormField("contact", "联系人"),
    FormField("phone", "联系电话", "tel", hint="11位手机号，或0539开头的固定电话"),
    FormField("premises_area_m2", "服务场所面积（㎡）", "number"),
    FormField("staff_count", "工作人员数（人）", "number"),
    FormField("founded_on", "成立日期", "date"),
    FormField("services", "服务内容", "textarea"),
    FormField("highlights", "工作亮点和品牌特色", "textarea"),
    FormField("honours", "所获荣誉", "list", hint="每行一项"),
    FormField("city_or_higher_honours", "获得过市级及以上荣誉", "checkbox"),
    FormField(
        "county_title_doc_no", "县级标杆机构称号文号", hint="市级申报必填，如 兰人社发〔2023〕5号", city_only=True
    ),
    FormField("county_title_date", "县级标杆机构称号日期", "date", city_only=True),
    FormField("budget_funded", "经费纳入同级财政预算", "yesno", hint="乡镇（街道）基层平台填写"),
    FormField("training_pass_rate", "培训合格率（%）", "number", hint="职业培训机构填写"),
    FormField("trainee_satisfaction", "学员整体满意率（%）", "number", hint="职业培训机构填写"),
    FormField("assessments_last_3_years", "近三年历次办学质量督导评估等次", "list", hint="每行一项，如 优秀"),
)
FIELD_TITLES = {f.name: f.title for f in INSTITUTION_FIELDS}
# The facts a correction may amend on the page (the institution's identity, its type and credit code, stays).
AMENDABLE: tuple[FormField, ...] = tuple(
    f for f in INSTITUTION_FIELDS if f.type in ("text", "tel", "number", "textarea") and f.name != "credit_code"
)
DECLARATION_TITLES = {"level": "申报等级", "round_id": "评定批次编号", "reason": "申报说明", "county": "所属县区"}

# City level: a broken threshold is the notice's condition, said beside its field.
CONDITIONS: Mapping[InstitutionType, Mapping[str, str]] = {
    InstitutionType.township_platform: {
        "staff_count": e.TOWNSHIP_STAFF.text_zh,
        "budget_funded": e.TOWNSHIP_BUDGET.text_zh,
    },
    InstitutionType.village_platform: {"staff_count": e.VILLAGE_STAFF.text_zh},
    InstitutionType.gig_market: {"premises_area_m2": e.GIG_AREA.text_zh},
    InstitutionType.training: {
        "training_pass_rate": e.TRAINING_PASS.text_zh,
        "trainee_satisfaction": e.TRAINING_SATISFACTION.text_zh,
        "assessments_last_3_years": e.TRAINING_ASSESSMENTS.text_zh,
    },
}
_BODY = TypeAdapter(DeclarationCreate)
_INTEGER = {"staff_count"}


def number_of(value: str, name: str) -> int | float:
    number = float(value)
    if name in _INTEGER:
        if not number.is_integer():
            raise ValueError
        return int(number)
    return number


def body_from(values: Mapping[str, str], county: str | None) -> tuple[dict[str, Any], dict[str, str]]:
    """The declaration body the API takes, and the fields whose text is not even of the right kind."""
    errors: dict[str, str] = {}
    institution: dict[str, Any] = {}
    for f in INSTITUTION_FIELDS:
        raw = values.get(f.name, "").strip()
        if f.type == "checkbox":
            institution[f.name] = raw in ("on", "true", "1")
        elif f.type == "yesno":
            if raw in ("yes", "no"):
                institution[f.name] = raw == "yes"
        elif f.type == "list":
            items = [i.strip() for i in re.split(r"[\r\n,，、;；]+", raw) if i.strip()]
            if items:
                institution[f.name] = items
        elif f.type == "number":
            if raw:
                try:
                    institution[f.name] = number_of(raw, f.name)
                except ValueError:
                    errors[f.name] = "应填写整数" if f.name in _INTEGER else "应填写数字"
        elif f.type == "date" or f.name == "county_title_doc_no":
            if raw:
                institution[f.name] = raw
        else:
            institution[f.name] = raw if f.name != "credit_code" else raw.upper()
    body: dict[str, Any] = {
        "level": values.get("level", ""),
        "institution": institution,
        "reason": values.get("reason", "").strip(),
        "round_id": values.get("round_id", "").strip(),
    }
    if county:
        body["county"] = county
    return body, errors


def validate(body: dict[str, Any]) -> tuple[Any, dict[str, str]]:
    """The validated body (as the API would build it), or the errors beside their fields, in Chinese."""
    try:
        return _BODY.validate_python(body), {}
    except ValidationError as error:
        special: dict[str, str] = {}
        if body.get("level") == Level.city.value:
            kind = body["institution"].get("type")
            special = (
                dict(CONDITIONS.get(InstitutionType(kind), {})) if kind in InstitutionType._value2member_map_ else {}
            )
        errors = field_errors(error, special)
        if "institution" in errors:  # the union's tag: no type chosen
            errors.pop("institution")
            errors["type"] = "请选择机构类型"
        if "form" in errors:
            errors.pop("form")
            errors["level"] = "请选择申报等级"
        return None, errors
