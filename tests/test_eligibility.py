"""Declaration checks: credit code, county, phone, dates, county title, and city-level conditions by type."""

import re
from datetime import date

import pytest

from state.declaration import declaration_problems
from state.domain import InstitutionType, Level
from tests.factory import institution

TODAY = date(2026, 11, 26)


def codes(level, inst, county="兰山区"):
    return {p.code for p in declaration_problems(level, county, inst, TODAY)}


def test_a_good_city_level_gig_market_passes():
    assert codes(Level.city, institution(Level.city)) == set()


@pytest.mark.parametrize(
    "kind,fields,code",
    [
        (InstitutionType.township_platform, dict(staff_count=4, budget_funded=True), "township_staff_min_5"),
        (InstitutionType.township_platform, dict(staff_count=5, budget_funded=False), "township_budget_funded"),
        (InstitutionType.village_platform, dict(staff_count=0), "village_staff_min_1"),
        (InstitutionType.gig_market, dict(premises_area_m2=499.9), "gig_market_area_min_500"),
        (
            InstitutionType.training,
            dict(training_pass_rate=94.9, trainee_satisfaction=99, assessments_last_3_years=["优秀"]),
            "training_pass_rate_min_95",
        ),
        (
            InstitutionType.training,
            dict(training_pass_rate=99, trainee_satisfaction=90, assessments_last_3_years=["优秀"]),
            "training_satisfaction_min_95",
        ),
        (
            InstitutionType.training,
            dict(training_pass_rate=99, trainee_satisfaction=99, assessments_last_3_years=["优秀", "良好"]),
            "training_assessments_excellent",
        ),
        (
            InstitutionType.training,
            dict(training_pass_rate=99, trainee_satisfaction=99),
            "training_assessments_excellent",
        ),
    ],
)
def test_each_failing_condition_is_refused_by_name(kind, fields, code):
    problems = declaration_problems(Level.city, "兰山区", institution(Level.city, type=kind, **fields), TODAY)
    assert [p.code for p in problems] == [code]
    said = problems[0].message  # the condition's Chinese text and what was given; its code is the rule, not words
    assert code not in said and ("填报值为" in said or "未填报" in said) and not re.search(r"[A-Za-z]{2,}", said)


@pytest.mark.parametrize(
    "kind,fields",
    [
        (InstitutionType.township_platform, dict(staff_count=5, budget_funded=True)),
        (InstitutionType.village_platform, dict(staff_count=1)),
        (InstitutionType.gig_market, dict(premises_area_m2=500)),
        (
            InstitutionType.training,
            dict(training_pass_rate=95, trainee_satisfaction=95, assessments_last_3_years=["优秀"] * 3),
        ),
        (InstitutionType.hr_agency, dict(staff_count=None, premises_area_m2=None)),
    ],
)
def test_conditions_met_at_their_thresholds(kind, fields):
    assert codes(Level.city, institution(Level.city, type=kind, **fields)) == set()


def test_county_level_does_not_apply_city_conditions():
    assert codes(Level.county, institution(Level.county, premises_area_m2=10)) == set()


def test_city_level_needs_the_county_title():
    inst = institution(Level.county)  # no county-level title recorded
    assert "county_title_required" in codes(Level.city, inst)


def test_general_rules_name_their_fields():
    inst = institution(Level.city, credit_code="91350100M000100Y44", phone="12345", founded_on=date(2027, 1, 1))
    problems = declaration_problems(Level.city, "北京市", inst, TODAY)
    assert {p.field for p in problems} == {
        "county",
        "institution.credit_code",
        "institution.phone",
        "institution.founded_on",
    }
    assert any("应为 3" in p.message for p in problems)
