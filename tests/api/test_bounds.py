"""Every number and date a caller sends is bounded at the API: a value no database can store, or NaN and Infinity
(which Python's JSON parser reads), is refused with 422 naming the field and a stable rule, before any workflow.
The OpenAPI document states each bound (one per kind of field) and every refusal's rules; a schema refusal is
said in Chinese only."""

import json
import re
from collections.abc import Iterator
from typing import Any

from temporalio.service import RPCError, RPCStatusCode

from app import create_app
from config import Settings
from contracts.rules import RULES
from services.refusals import from_temporal
from tests.api.conftest import Driver, declaration_body, expect

DOC = create_app(Settings()).openapi()
ENGLISH = re.compile(r"[A-Za-z]{3,}")
PROCEDURE = ("2000-01-01", "2100-12-31")
FOUNDED = ("1900-01-01", "2100-12-31")


def _strings(node: Any, where: str, seen: set[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The string schemas of what a caller sends, following references (each component once)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                yield from _strings(DOC["components"]["schemas"][name], name, seen)
            return
        if node.get("type") == "string":
            yield where, node
        for key, value in node.items():
            yield from _strings(value, f"{where}/{key}", seen)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{where}/{i}", seen)


def _sent() -> list[tuple[str, dict[str, Any]]]:
    seen: set[str] = set()
    out = []
    for path, operations in DOC["paths"].items():
        for method, op in operations.items():
            sent = {"parameters": op.get("parameters", []), "body": op.get("requestBody", {})}
            out += list(_strings(sent, f"{method} {path}", seen))
    return out


def test_every_date_a_caller_sends_has_the_range_of_its_kind_as_a_pattern():
    dates = [(w, s) for w, s in _sent() if s.get("format") in ("date", "date-time")]
    assert len(dates) >= 10, dates  # founded_on, county titles, notice, award, batch, rounds, the calendar
    for where, schema in dates:
        kind = (schema.get("x-earliest"), schema.get("x-latest"))
        assert kind == (FOUNDED if "founded_on" in where else PROCEDURE), where  # founding: the one historic kind
        pattern = re.compile(schema["pattern"])
        time = "T09:00:00+08:00" if schema["format"] == "date-time" else ""
        assert pattern.fullmatch(kind[0] + time) and pattern.fullmatch(kind[1] + time), where
        assert not pattern.fullmatch("1899-12-31" + time) and not pattern.fullmatch("2101-01-01" + time), where
        assert not pattern.fullmatch("2026-13-01" + time) and not pattern.fullmatch("2026-01-32" + time), where


def test_every_text_a_caller_sends_is_bounded_in_the_document():
    """A length, a choice, a format, a file, or a pattern that cannot repeat without end."""
    bounded = {"maxLength", "enum", "const", "format", "contentMediaType"}
    loose = [w for w, s in _sent() if not (bounded & s.keys() or re.fullmatch(r"\^[^*+]*\$", s.get("pattern", "")))]
    assert loose == []


def test_the_evidence_list_says_what_the_server_accepts():
    evidence = DOC["components"]["schemas"]["ObjectionCreate"]["properties"]["evidence"]
    assert evidence["maxItems"] == Settings().materials.objection_evidence_max_files


def test_every_refusal_response_names_its_rules():
    unnamed = []
    for path, operations in DOC["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status in ("422", "503") and path.startswith("/api/"):  # /readyz's 503 is no refusal
                    rules = response.get("x-rules", [])
                    if not rules or any(code not in response["description"] for code in rules):
                        unnamed.append((method, path, status))
    assert unnamed == []
    pdf = DOC["paths"]["/api/v1/applications/{application_id}/documents/certificate.pdf"]["get"]["responses"]
    assert {"403", "409", "503"} <= pdf.keys() and "no_plaque" in pdf["409"]["x-rules"]
    schema_rules = DOC["paths"]["/api/v1/applications"]["post"]["responses"]["422"]["x-rules"]
    assert {"required", "string_too_long", "date_out_of_range"} <= set(schema_rules)


def test_a_503_is_said_in_chinese_by_its_rule_and_keeps_its_code():
    refusal = from_temporal(RPCError("down", RPCStatusCode.UNAVAILABLE, b""), "x")
    assert refusal.extra == {"rule": "temporal_unavailable", "code": "temporal_unavailable"}
    assert refusal.message == RULES["temporal_unavailable"].text and not ENGLISH.search(refusal.message)


async def test_dates_out_of_range_and_non_finite_numbers_are_refused_on_applications(sqlite_api):
    api = sqlite_api
    body = declaration_body("county")
    body["institution"]["founded_on"] = "1899-12-31"
    r = expect(await api.post("bureau", "/applications", body), 422)
    assert (r["detail"]["field"], r["detail"]["rule"]) == ("institution.founded_on", "date_out_of_range")
    assert "1900-01-01" in r["detail"]["message"]
    body["institution"]["founded_on"] = "1995-03-01"  # an institution may be older than the procedure

    raw = json.dumps(body).replace('"premises_area_m2": 800', '"premises_area_m2": NaN')
    r = await api.http.post(
        "/applications", content=raw, headers={**api.auth("bureau"), "Content-Type": "application/json"}
    )
    assert r.status_code == 422 and r.json()["detail"]["rule"] == "finite_number", r.text

    app_id = await Driver(api).county_reviewed("county", founded_on="1995-03-01")
    for day in ("0001-01-01", "1999-12-31", "2101-01-01"):
        r = expect(await api.post("bureau", f"/applications/{app_id}/notice", {"published_on": day}), 422)
        assert (r["detail"]["field"], r["detail"]["rule"]) == ("published_on", "date_out_of_range")
    far = await api.get(None, "/calendar/working-days", params={"start": "2101-01-01", "count": 1})
    assert expect(far, 422)["detail"]["rule"] == "date_out_of_range"  # the calendar's bound is the procedure's


async def test_schema_refusals_are_said_in_chinese_only_naming_field_and_rule(sqlite_api):
    api = sqlite_api
    body = declaration_body("county")
    del body["institution"]["name"]
    body["institution"]["address"] = "路" * 5000
    body["institution"]["staff_count"] = "12"
    body["institution"]["founded_on"] = "2023-02-30"
    body["surplus"] = 1
    detail = expect(await api.post("bureau", "/applications", body), 422)["detail"]
    rules = {p["field"]: p["rule"] for p in detail["problems"]}
    assert rules["institution.name"] == "required" and rules["institution.address"] == "string_too_long"
    assert rules["surplus"] == "extra_forbidden" and rules["institution.founded_on"] == "date_parsing"
    assert rules["institution.staff_count"] in ("number_type", "int_type")
    for p in detail["problems"]:
        assert p["rule"] in RULES, p
        assert not ENGLISH.search(p["message"]), p
    assert next(p for p in detail["problems"] if p["rule"] == "string_too_long")["message"].endswith("个字符")
    assert detail["message"].startswith(f"{detail['field']}: ")
