"""City-level conditions by institution type that the software checks at declaration (评定条件, 市级).

Qualitative conditions are attested by the declaring county and judged by reviewers; the numeric ones below
are refused here with a stable code and the notice's own words.
"""

from dataclasses import dataclass
from typing import Any

from state.domain import InstitutionType, Level

EXCELLENT = "优秀"
# The notice's measurable thresholds (the API's schema states them from here too).
TOWNSHIP_MIN_STAFF = 5
VILLAGE_MIN_STAFF = 1
GIG_MARKET_MIN_AREA_M2 = 500
TRAINING_MIN_PASS_RATE = 95  # percent
TRAINING_MIN_SATISFACTION = 95  # percent


@dataclass(frozen=True)
class Condition:
    code: str
    field: str
    text_zh: str


TOWNSHIP_STAFF = Condition(
    "township_staff_min_5", "institution.staff_count", "乡镇（街道）基层公共就业服务平台工作人员不少于5人"
)
TOWNSHIP_BUDGET = Condition(
    "township_budget_funded", "institution.budget_funded", "乡镇（街道）基层平台经费纳入同级财政预算"
)
VILLAGE_STAFF = Condition(
    "village_staff_min_1", "institution.staff_count", "村（社区）基层公共就业服务平台工作人员不少于1人"
)
GIG_AREA = Condition("gig_market_area_min_500", "institution.premises_area_m2", "零工市场服务场所面积不少于500㎡")
TRAINING_PASS = Condition("training_pass_rate_min_95", "institution.training_pass_rate", "培训合格率不低于95%")
TRAINING_SATISFACTION = Condition(
    "training_satisfaction_min_95", "institution.trainee_satisfaction", "学员整体满意率不低于95%"
)
TRAINING_ASSESSMENTS = Condition(
    "training_assessments_excellent", "institution.assessments_last_3_years", "近三年内历次办学质量督导评估优秀等次"
)


# The schema checks the same thresholds as the field is parsed; its refusals are told as these conditions.
CONDITION_OF_FIELD: dict[tuple[InstitutionType, str], Condition] = {
    (InstitutionType.gig_market, "premises_area_m2"): GIG_AREA,
    (InstitutionType.township_platform, "staff_count"): TOWNSHIP_STAFF,
    (InstitutionType.township_platform, "budget_funded"): TOWNSHIP_BUDGET,
    (InstitutionType.village_platform, "staff_count"): VILLAGE_STAFF,
    (InstitutionType.training, "training_pass_rate"): TRAINING_PASS,
    (InstitutionType.training, "trainee_satisfaction"): TRAINING_SATISFACTION,
    (InstitutionType.training, "assessments_last_3_years"): TRAINING_ASSESSMENTS,
}


@dataclass(frozen=True)
class Ineligibility:
    condition: Condition
    detail: str

    @property
    def message(self) -> str:
        return f"{self.condition.text_zh}：{self.detail}"


def ineligibilities(level: Level, institution: Any) -> list[Ineligibility]:
    """The city-level conditions ``institution`` fails (none are checked for county level here)."""
    if level != Level.city:
        return []
    t, out = institution.type, []

    def need(ok: bool, condition: Condition, given: Any) -> None:
        if not ok:
            shown = "、".join(str(g) for g in given) if isinstance(given, list) else given
            out.append(Ineligibility(condition, "未填报" if shown in (None, "") else f"填报值为{_said(shown)}"))

    if t == InstitutionType.township_platform:
        staff = institution.staff_count
        need(staff is not None and staff >= TOWNSHIP_MIN_STAFF, TOWNSHIP_STAFF, staff)
        need(institution.budget_funded is True, TOWNSHIP_BUDGET, institution.budget_funded)
    elif t == InstitutionType.village_platform:
        staff = institution.staff_count
        need(staff is not None and staff >= VILLAGE_MIN_STAFF, VILLAGE_STAFF, staff)
    elif t == InstitutionType.gig_market:
        area = institution.premises_area_m2
        need(area is not None and area >= GIG_MARKET_MIN_AREA_M2, GIG_AREA, area)
    elif t == InstitutionType.training:
        rate, satisfaction = institution.training_pass_rate, institution.trainee_satisfaction
        need(rate is not None and rate >= TRAINING_MIN_PASS_RATE, TRAINING_PASS, rate)
        need(
            satisfaction is not None and satisfaction >= TRAINING_MIN_SATISFACTION,
            TRAINING_SATISFACTION,
            satisfaction,
        )
        ratings = list(institution.assessments_last_3_years or [])
        need(
            bool(ratings) and all(r == EXCELLENT for r in ratings),
            TRAINING_ASSESSMENTS,
            ratings,
        )
    return out


def _said(value: Any) -> str:
    """A value as the notice's words say it: 是/否 for a yes or no."""
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)
