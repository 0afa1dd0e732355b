"""Each request-validation rule of contracts/rules/schema.py, provoked by a real request to a real route: a body
(or parameter) that breaks exactly that rule answers 422 with the rule's code, the field it names, and the rule's
Chinese words (api/errors.py maps pydantic's error types to the rules; an unreadable body is ``json_invalid``, or
``form_invalid`` for a form).

``greater_than`` and ``less_than`` are not provoked here: no request body or parameter has an exclusive bound
(``gt``/``lt`` appear only in config.py's settings), so no request can break one."""

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from contracts.rules import RULES
from tests.api.conftest import Api, declaration_body
from tests.factory import COUNTY

ENGLISH = re.compile(r"[A-Za-z]{3,}")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
PERIOD = "2026-2030"
ROUND = {
    "round_id": "schema-rules-1",
    "name": "2027年度市级就业服务质量标杆机构评定",
    "level": "city",
    "period_id": PERIOD,
    "opens_at": "2027-03-01T09:00:00+08:00",
    "closes_at": "2027-03-31T17:00:00+08:00",
    "weights": {"written": 1.0},
}


def _county(**institution: Any) -> dict[str, Any]:
    return declaration_body("county", **institution)


def _city(**institution: Any) -> dict[str, Any]:
    return declaration_body("city", **institution)


def _without(body: dict[str, Any], *path: str) -> dict[str, Any]:
    node = body
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return body


@dataclass
class Case:
    code: str
    method: str
    path: str
    who: str
    body: Callable[[], Any]  # built when sent (each declaration its own credit code)
    field: str
    params: dict[str, str] | None = None


CASES = [
    Case("bool_type", "POST", "/applications", "bureau", lambda: _county(city_or_higher_honours="yes"),
         "institution.city_or_higher_honours"),
    Case("bool_type", "GET", "/notifications", "hrss", lambda: None, "unread", params={"unread": "maybe"}),
    Case("datetime_parsing", "POST", "/rounds", "reviewer", lambda: {**ROUND, "opens_at": "2027-03-01T09:00:00"},
         "opens_at"),
    Case("datetime_parsing", "POST", "/rounds", "reviewer", lambda: {**ROUND, "closes_at": "2027年3月31日"},
         "closes_at"),
    Case("float_type", "POST", "/applications", "bureau", lambda: _county(premises_area_m2=True),
         "institution.premises_area_m2"),
    Case("float_type", "POST", "/applications", "bureau", lambda: _county(premises_area_m2="800"),
         "institution.premises_area_m2"),
    Case("greater_than_equal", "PUT", f"/quotas/{PERIOD}/city", "admin",
         lambda: {"totals": {"city": -1}, "reason": "调整名额"}, "totals.city"),
    Case("less_than_equal", "PUT", f"/quotas/{PERIOD}/city", "admin",
         lambda: {"totals": {"city": 10**9}, "reason": "调整名额"}, "totals.city"),
    Case("list_type", "POST", "/applications", "bureau", lambda: _county(honours="市级文明单位"),
         "institution.honours"),
    Case("model_type", "POST", "/applications", "bureau", lambda: {**_city(), "institution": []}, "institution"),
    Case("model_type", "PUT", f"/counties/{COUNTY}/conditions", "admin",
         lambda: {"conditions": ["具有县级就业服务特色品牌"], "reason": "设定"}, "conditions.0"),
    Case("string_too_short", "PUT", f"/counties/{COUNTY}/conditions", "admin",
         lambda: {"conditions": [], "reason": ""}, "reason"),
    Case("string_type", "POST", "/applications", "bureau", lambda: _county(name=5), "institution.name"),
    Case("too_long", "POST", "/applications", "bureau", lambda: _county(honours=["市级文明单位"] * 51),
         "institution.honours"),
    Case("too_long", "POST", "/rounds", "reviewer", lambda: {**ROUND, "weights": {f"w{i}": 0.0 for i in range(11)}},
         "weights"),
    Case("too_short", "PUT", f"/quotas/{PERIOD}/city", "admin", lambda: {"totals": {}, "reason": "调整名额"},
         "totals"),
    Case("too_short", "POST", "/batch-acts", "hrss", lambda: {"act": "co_sign", "applications": []},
         "applications"),
    Case("union_tag_invalid", "POST", "/applications", "bureau", lambda: _city(type="nope"), "institution"),
    Case("union_tag_invalid", "POST", "/applications", "bureau", lambda: {**_county(), "level": "province"}, "body"),
    Case("union_tag_not_found", "POST", "/applications", "bureau", lambda: _without(_city(), "institution", "type"),
         "institution"),
    Case("union_tag_not_found", "POST", "/applications", "bureau", lambda: _without(_county(), "level"), "body"),
]  # fmt: skip


def _refused(detail: dict[str, Any], code: str, field: str) -> None:
    """422 by ``code`` naming ``field``, said in the rule's Chinese (its facts filled in), no English word."""
    problems = [p for p in detail["problems"] if p["rule"] == code]
    assert problems and len(problems) == len(detail["problems"]), detail  # that rule only
    assert detail["rule"] == code and detail["field"] == field, detail
    said = problems[0]
    assert said["field"] == field, detail
    assert CHINESE.search(said["message"]) and not ENGLISH.search(said["message"]), said
    template = re.escape(RULES[code].text)
    assert re.fullmatch(re.sub(r"\\\{\w+\\\}", ".+", template), said["message"]), said
    assert f"{field}: {said['message']}" in detail["message"], detail


@pytest.mark.parametrize("case", CASES, ids=[f"{c.code}-{c.method}-{c.path}-{c.field}" for c in CASES])
async def test_a_body_that_breaks_one_rule_is_refused_by_that_rule(sqlite_api: Api, case: Case):
    api = sqlite_api
    body = case.body()
    r = await api.http.request(
        case.method, case.path, json=body, params=case.params, headers=api.auth(case.who)
    )  # straight to the route: no round, title or materials added
    assert r.status_code == 422, r.text
    _refused(r.json()["detail"], case.code, case.field)


async def test_a_lone_surrogate_is_refused_as_string_unicode(sqlite_api: Api):
    api = sqlite_api
    raw = json.dumps(_county(name="兰山区\ud800零工驿站"))  # \ud800 as JSON writes it: Python's parser reads it
    r = await api.http.post(
        "/applications", content=raw, headers={**api.auth("bureau"), "Content-Type": "application/json"}
    )
    assert r.status_code == 422, r.text
    _refused(r.json()["detail"], "string_unicode", "institution.name")


async def test_a_body_that_is_not_json_is_refused_as_json_invalid(sqlite_api: Api):
    api = sqlite_api
    headers = {**api.auth("bureau"), "Content-Type": "application/json"}
    text = RULES["json_invalid"].text

    # bytes that are not UTF-8: the body cannot be read at all (Starlette's bare 400, said as what it is)
    raw = json.dumps(_county(), ensure_ascii=False).encode().replace("兰山区".encode(), b"\xff\xfe", 1)
    r = await api.http.post("/applications", content=raw, headers=headers)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert (detail["rule"], detail["field"], detail["message"]) == ("json_invalid", "body", text), detail

    # JSON cut short: pydantic's json_invalid, by the same rule
    r = await api.http.post("/applications", content=json.dumps(_county())[:-1], headers=headers)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail["rule"] == "json_invalid" and [p["rule"] for p in detail["problems"]] == ["json_invalid"], detail
    assert detail["problems"][0]["message"] == text and not ENGLISH.search(text), detail


async def test_a_form_that_is_not_one_is_refused_as_form_invalid(sqlite_api: Api, caplog: pytest.LogCaptureFixture):
    """The API's upload routes say a broken form as their own ``multipart_invalid``, and its JSON routes read no
    form; a page's form (here the sign-in's) that cannot be read is refused by ``form_invalid``."""
    api = sqlite_api
    caplog.set_level(logging.INFO, logger="web.refusals")
    r = await api.http.post(
        "http://testserver/login",
        content=b"--x\r\nnot a part",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html"), r.text
    assert "填写有误" in r.text
    refused = [rec.getMessage() for rec in caplog.records if rec.name == "web.refusals"]
    assert any(m.startswith("refused 422 form_invalid: ") for m in refused), refused
    assert f"refused 422 form_invalid: {RULES['form_invalid'].text}" in refused


async def test_a_value_no_rule_names_is_refused_as_invalid(sqlite_api: Api):
    """A text where the upload's file goes: FastAPI says it in English (a value_error no rule maps), so it is
    refused by the fallback rule, in Chinese, naming the field."""
    api = sqlite_api
    r = await api.http.post("/materials", data={"file": "not a file"}, headers=api.auth("bureau"))
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    _refused(detail, "invalid", "file")
    assert detail["message"] == f"file: {RULES['invalid'].text}"
