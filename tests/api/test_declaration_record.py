"""What a declaration carries is recorded with the application: the county departments' opinions, attestations,
and later each reviewer's score sheet."""

from tests.api.conftest import declaration_body, expect


async def test_department_opinions_and_scores_are_on_record(api, driver):
    body = declaration_body("city")
    body["department_opinions"] = {"hrss": "同意推荐", "drc": "同意", "civil_affairs": "同意，社区服务成效突出"}
    body["institution"]["attestations"] = {"fixed_premises": "有固定服务场所，面积820㎡"}
    app_id = expect(await api.post("bureau", "/applications", body), 201)["id"]
    review = {"decision": "pass", "opinion": "材料齐全"}
    expect(await api.post("bureau", f"/applications/{app_id}/county-review", review), 200)
    detail = expect(await api.get("supervisor", f"/applications/{app_id}"), 200)
    assert detail["department_opinions"] == body["department_opinions"]
    assert detail["institution"]["attestations"] == body["institution"]["attestations"]
    declare = detail["acts"][0]
    assert declare["act"] == "declare" and declare["details"]["opinion_drc"] == "同意"
    bad = declaration_body("city")
    bad["department_opinions"] = {"finance": "同意"}
    refusal = expect(await api.post("bureau", "/applications", bad), 422)
    assert "department_opinions" in str(refusal["detail"])
