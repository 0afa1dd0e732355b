"""Checks a declaration must pass before an application exists (the API answers 422 with these)."""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from state.credit_code import CreditCodeError, validate_credit_code
from state.domain import COUNTIES, Level
from state.eligibility import ineligibilities

DATE_WORDS = {"founded_on": "成立日期", "county_title_date": "县级标杆机构称号的日期"}
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    message: str


def declaration_problems(level: Level, county: str, institution: Any, today: date) -> list[Problem]:
    """Every rule the declaration breaks; empty when it may be declared. ``institution`` is an Institution."""
    out: list[Problem] = []
    if county not in COUNTIES:
        out.append(Problem("county", "unknown_county", f"县区“{county}”不在本市县区之列（{'、'.join(COUNTIES)}）"))
    if not institution.name.strip():
        out.append(Problem("institution.name", "required", "请填写机构名称"))
    try:
        validate_credit_code(institution.credit_code)
    except CreditCodeError as e:
        out.append(Problem("institution.credit_code", f"credit_code_{e.code}", e.message_zh))
    if institution.phone and not PHONE.match(institution.phone):
        out.append(Problem("institution.phone", "phone_format", "联系电话应为11位手机号，或0539开头的固定电话"))
    for name in ("founded_on", "county_title_date"):
        value = getattr(institution, name)
        if value is not None and value > today:
            out.append(
                Problem(f"institution.{name}", "future_date", f"{DATE_WORDS[name]}不能晚于今天（填报为{value}）")
            )
    if level == Level.city and not (institution.county_title_doc_no and institution.county_title_date):
        out.append(
            Problem(
                "institution.county_title_doc_no",
                "county_title_required",
                "市级申报须填写县级标杆机构称号的文号和日期（须已被评定为县级就业服务质量标杆机构）",
            )
        )
    for failed in ineligibilities(level, institution):
        out.append(Problem(failed.condition.field, failed.condition.code, failed.message))
    return out
