"""What the 申报表 prints beyond the declared facts as they are: the readable 申报编号 and the institution type's own
facts in the form's words (services/documents.py prints the declared form, services/drafts.py its draft)."""

from typing import Any

from contracts.application import Institution
from db.numbers import numbers_of
from documents.layout import number as figure
from services.context import Context
from state.domain import InstitutionType
from state.labels import type_label


def declared_number(ctx: Context, application_id: str) -> str:
    """The 申报编号; empty a moment after declaring, before the read model has numbered it (never the id)."""
    with ctx.session() as s:
        return numbers_of(s, [application_id]).get(application_id, "")


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def _measure(value: float | None, unit: str = "") -> str:
    return "" if value is None else f"{figure(value)}{unit}"


def type_facts(i: Institution) -> list[tuple[str, str]]:
    """The institution type's own facts, in the 申报表's words (its 四、分类评定指标); none for a type without any."""
    if i.type not in InstitutionType._value2member_map_:  # another program's type: its facts are its fact table's
        return []
    kind = InstitutionType(i.type)
    staff = ("工作人员数", _measure(i.staff_count, "人"))
    if kind == InstitutionType.township_platform:
        return [staff, ("经费纳入同级财政预算", _yes_no(i.budget_funded))]
    if kind == InstitutionType.village_platform:
        return [staff]
    if kind == InstitutionType.gig_market:
        return [("服务场所面积（㎡）", _measure(i.premises_area_m2))]
    if kind == InstitutionType.training:
        return [
            ("培训合格率", _measure(i.training_pass_rate, "%")),
            ("学员整体满意率", _measure(i.trainee_satisfaction, "%")),
            ("近三年历次办学质量督导评估等次", "、".join(i.assessments_last_3_years)),
        ]
    return []


def institution_on_form(i: Institution) -> dict[str, Any]:
    """The 申报表's fields that are the declared institution's own facts, as the declared form and its draft print
    them alike (documents.DeclarationForm's keyword arguments)."""
    return {
        "institution_name": i.name,
        "institution_type": type_label(i.type),
        "credit_code": i.credit_code,
        "address": i.address,
        "person_in_charge": i.person_in_charge,
        "contact_person": i.contact,
        "contact_phone": i.phone,
        "premises_area_m2": i.premises_area_m2,
        "staff_count": i.staff_count,
        "founded_on": i.founded_on,
        "services": i.services,
        "highlights": i.highlights,
        "honours": "、".join(i.honours),
        "city_or_higher_honours": i.city_or_higher_honours,
        "county_title_doc_number": i.county_title_doc_no or "",
        "county_title_on": i.county_title_date,
        "type_facts": type_facts(i),
    }
