"""Every eligibility refusal, from the schema or the workflow, carries the notice's condition in Chinese and its
stable code (README: 零工市场服务场所面积不少于500㎡ / gig_market_area_min_500)."""

import pytest

from tests.api.conftest import declaration_body, expect


@pytest.mark.parametrize(
    "institution,code,text",
    [
        ({"type": "gig_market", "premises_area_m2": 300}, "gig_market_area_min_500", "零工市场服务场所面积不少于500㎡"),
        ({"type": "township_platform", "staff_count": 3, "budget_funded": True}, "township_staff_min_5", "不少于5人"),
        ({"type": "township_platform", "staff_count": 6, "budget_funded": False}, "township_budget_funded", "财政预算"),
        (
            {
                "type": "training",
                "training_pass_rate": 90,
                "trainee_satisfaction": 99,
                "assessments_last_3_years": ["优秀"],
            },
            "training_pass_rate_min_95",
            "培训合格率不低于95%",
        ),
        (
            {
                "type": "training",
                "training_pass_rate": 99,
                "trainee_satisfaction": 99,
                "assessments_last_3_years": ["良好"],
            },
            "training_assessments_excellent",
            "优秀等次",
        ),
    ],
)
async def test_a_failed_condition_is_named_in_the_notices_words(sqlite_api, institution, code, text):
    refused = expect(await sqlite_api.post("bureau", "/applications", declaration_body("city", **institution)), 422)
    detail = refused["detail"]
    assert detail["rule"] == code and text in detail["message"], detail
    assert any(p["rule"] == code and text in p["message"] for p in detail["problems"])
    assert "Input should" not in detail["message"]


async def test_other_schema_refusals_speak_chinese_and_keep_their_rule(sqlite_api):
    body = declaration_body("county", phone="12")
    detail = expect(await sqlite_api.post("bureau", "/applications", body), 422)["detail"]
    assert detail["field"] == "institution.phone" and detail["rule"] == "string_pattern_mismatch"
    assert detail["message"].startswith("institution.phone: 格式不正确")
