"""A refused act says the same Chinese words through the API and on the page: both call the one service
(services/acts.py), and the page shows the refusal's own message (web/refusals.py), not a translation of it."""

import re

import httpx

from contracts.rules.engine import ACT_NOT_ALLOWED
from services.access import not_allowed_facts
from services.refusals import Refusal
from state.domain import Act, Stage
from tests.api.conftest import expect
from tests.web.conftest import Site, signed_in_over_http
from web.refusals import explain


async def test_a_refused_act_says_the_same_words_through_the_api_and_on_the_page(site: Site):
    app_id = await site.driver.declare("county", who="clerk")
    url = f"/applications/{app_id}"
    expect(await site.api.post("bureau", f"{url}/withdrawal", {"reason": "机构主动撤回"}), 200)

    refused = expect(await site.api.post("bureau", f"{url}/withdrawal", {"reason": "再次撤回"}), 409)["detail"]
    assert refused["rule"] == "act_not_allowed" and refused["state"] == "withdrawn"
    assert refused["message"] == "当前状态为“已撤回”，不能办理“撤回”；现在可以办理：无"

    async with httpx.AsyncClient(base_url=site.url) as http:
        token = await signed_in_over_http(http, site, "bureau")
        shown = await http.post(f"{url}/acts/withdrawal", data={"csrf_token": token, "reason": "再次撤回"})
    assert shown.status_code == 409
    said = re.search(r"<div[^>]*data-refusal[^>]*>(.*?)</div>", shown.text, re.S).group(1)
    assert refused["message"] in said  # the API's words, on the page
    assert "当前状态：已撤回" in said and "您现在没有可以办理的事项" in said
    assert "act_not_allowed" not in shown.text and "withdrawn" not in said


def test_a_page_says_a_refusal_in_its_own_chinese_words_and_never_an_english_one():
    refused = Refusal(409, ACT_NOT_ALLOWED, **not_allowed_facts(Act.withdraw, Stage.withdrawn, []))
    said = explain(refused)
    assert said.kind == "当前状态不允许此操作"
    assert said.lines == [refused.message, "当前状态：已撤回", "您现在没有可以办理的事项"]
    assert refused.message == "当前状态为“已撤回”，不能办理“撤回”；现在可以办理：无"

    # Until the workflows say it in Chinese: an English message (quoting a Chinese 文号) is not shown.
    english = "the three departments sign one joint document: hrss signed '兰人社发〔2026〕9号'"
    beside = explain(Refusal(422, english, field="document_no"))
    assert beside.fields == {"document_no": "填写有误"} and not beside.lines
    assert explain(Refusal(403, "act 'award' is for role 'city_reviewer'")).lines == [
        "您的角色、所属县区或部门无权办理此事项"
    ]
