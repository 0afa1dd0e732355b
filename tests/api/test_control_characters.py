"""NUL and the other control characters never reach the database or a workflow: every text field of every JSON
request body, and every text parameter of every path and query, found by walking the app's own OpenAPI document
(so a field added later is covered), answers 422 naming the field, on SQLite and on PostgreSQL (which cannot
store NUL: it answered 500, or failed a round's workflow)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlmodel import Session, select

from db.session import get_engine
from db.users import User
from services.identity import UserError, create_user, hash_token, open_session, sign_in
from tests.api.conftest import Api, expect, opinions_given
from web.visitors import SESSION_COOKIE

CALLERS = ("admin", "clerk", "reviewer", "inspector", "supervisor", "hrss", None)
# The value sent: NUL, and a control character PostgreSQL would store (the escape that starts a terminal sequence).
CONTROLS = ("a\x00b", "a\x1bb")
PARAMETER_VALUES = {"application_id": "A1", "objection_id": "A1-O1", "material_id": "M1", "round_id": "R1"}


@dataclass
class Target:
    method: str
    path: str
    field: str  # as a refusal names it: dotted, list items by index, union tags left out
    body: Any  # a body whose only text is the control character at ``field`` (other fields may be missing)


def _resolve(doc: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _text_leaves(doc: dict, schema: dict, depth: int = 0) -> Iterator[tuple[list[str], Any, dict]]:
    """(field path, a body template with the value at the leaf as the placeholder ``...``, the leaf's schema) for
    every free-text string reachable in ``schema``; union branches each, with their discriminator set."""
    schema = _resolve(doc, schema)
    if depth > 8:
        return
    for key in ("anyOf", "oneOf"):
        for branch in schema.get(key, []):
            tags = {}
            mapping = (schema.get("discriminator") or {}).get("mapping", {})
            if mapping:
                tag = next(t for t, ref in mapping.items() if ref == branch.get("$ref"))
                tags = {schema["discriminator"]["propertyName"]: tag}
            tags |= _resolve(doc, branch).get("x-chosen-by") or {}  # a branch chosen by a property's value
            for path, body, leaf in _text_leaves(doc, branch, depth + 1):
                yield path, ({**tags, **body} if isinstance(body, dict) else body), leaf
    if schema.get("type") == "string" and not ({"enum", "const", "format"} & schema.keys()):
        yield [], ..., schema
    if schema.get("type") == "array" and "items" in schema:
        for path, body, leaf in _text_leaves(doc, schema["items"], depth + 1):
            yield ["0", *path], [body], leaf
    for name, sub in (schema.get("properties") or {}).items():
        for path, body, leaf in _text_leaves(doc, sub, depth + 1):
            yield [name, *path], {name: body}, leaf
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):  # a map: one entry, under a key it accepts
        key = str(((schema.get("propertyNames") or {}).get("enum") or ["x"])[0])
        for path, body, leaf in _text_leaves(doc, extra, depth + 1):
            yield [key, *path], {key: body}, leaf


def _filled(body: Any, value: str) -> Any:
    if body is ...:
        return value
    if isinstance(body, list):
        return [_filled(b, value) for b in body]
    if isinstance(body, dict):
        return {k: _filled(v, value) for k, v in body.items()}
    return body


def _operations(doc: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method.upper(), path, op


def _path(doc: dict, path: str, op: dict, override: dict[str, str] | None = None) -> str:
    values = {}
    for p in op.get("parameters", []):
        if p["in"] == "path":  # a parameter with its own choices: the first
            choices = _resolve(doc, p.get("schema", {})).get("enum")
            values[p["name"]] = str(choices[0]) if choices else PARAMETER_VALUES.get(p["name"], "x")
    values.update(override or {})
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return "http://testserver" + path  # the document's paths are absolute (/api/v1/…)


def body_targets(doc: dict) -> list[Target]:
    targets = []
    for method, path, op in _operations(doc):
        content = (op.get("requestBody") or {}).get("content", {})
        if "application/json" not in content:
            continue
        for fields, body, _ in _text_leaves(doc, content["application/json"]["schema"]):
            field = ".".join(fields)
            targets.append(Target(method, _path(doc, path, op), field, body))
    return targets


async def _as_someone(api: Api, method: str, url: str, **kw: Any):
    """The answer to the first caller not refused for who they are (401, 403): the request's own answer."""
    for who in CALLERS:
        response = await api.http.request(method, url, headers=api.auth(who), **kw)
        if response.status_code not in (401, 403):
            return response
    raise AssertionError(f"{method} {url}: every caller was refused")


async def test_a_control_character_in_any_text_field_of_any_body_is_422_naming_it(api):
    doc = api.app.openapi()
    targets = body_targets(doc)
    assert len(targets) > 60  # the walk found the bodies' text fields (institution, acts, rounds, quotas, …)
    misses = []
    for t in targets:
        for value in CONTROLS:
            response = await _as_someone(api, t.method, t.path, json=_filled(t.body, value))
            if response.status_code != 422:
                misses.append((t.method, t.path, t.field, repr(value), response.status_code, response.text[:200]))
                continue
            problems = response.json()["detail"].get("problems", [])
            named = [p for p in problems if p["field"] == t.field or (t.field == "" and "." not in p["field"])]
            if not any(p["rule"] != "required" for p in named):
                misses.append((t.method, t.path, t.field, repr(value), "not named", problems[:3]))
    assert misses == [], "\n".join(map(str, misses))


async def test_a_control_character_in_any_text_parameter_is_422(api):
    doc = api.app.openapi()
    misses, tried = [], 0
    for method, path, op in _operations(doc):
        for p in op.get("parameters", []):
            schema = _resolve(doc, p.get("schema", {}))
            texts = [s for s in [schema, *schema.get("anyOf", [])] if s.get("type") == "string"]
            if p["in"] not in ("path", "query") or not texts or any("enum" in s or "format" in s for s in texts):
                continue
            tried += 1
            if p["in"] == "path":
                url, params = _path(doc, path, op, {p["name"]: "a\x00b"}), {}
            else:
                url, params = _path(doc, path, op), {p["name"]: "a\x00b"}
            response = await _as_someone(api, method, url, params=params)
            if response.status_code != 422:
                misses.append((method, path, p["name"], response.status_code, response.text[:200]))
    assert tried > 5 and misses == []


async def test_a_period_or_a_round_named_with_nul_is_refused_and_nothing_is_recorded(api):
    refused = expect(
        await api.http.put(
            "/periods/p-nul",
            json={"name": "a\x00b", "start_year": 2026, "end_year": 2030, "reason": "设定"},
            headers=api.auth("admin"),
        ),
        422,
    )["detail"]
    assert (refused["field"], refused["rule"]) == ("name", "control_character")
    assert "控制字符" in refused["message"]
    assert all(p["id"] != "p-nul" for p in expect(await api.get("admin", "/periods"), 200))

    body = {
        "round_id": "R-nul",
        "name": "2027年度\x00批次",
        "level": "county",
        "period_id": "p-nul",
        "opens_at": "2027-03-01T09:00:00+08:00",
        "closes_at": "2027-03-31T17:00:00+08:00",
        "weights": {"written": 1.0},
    }
    refused = expect(await api.post("bureau", "/rounds", body), 422)["detail"]
    assert (refused["field"], refused["rule"]) == ("name", "control_character")
    expect(await api.get("bureau", "/rounds/R-nul"), 404)


async def test_tab_and_line_breaks_stay_allowed_in_multi_line_text_not_in_names(api, driver):
    app_id = await driver.declare("county")
    opinion = {"decision": "pass", "opinion": "材料齐全。\r\n\t场地已核实。"}
    await opinions_given(api, app_id)
    expect(await api.post("bureau", f"/applications/{app_id}/county-review", opinion), 200)
    refused = expect(
        await api.post(
            "clerk",
            "/applications",
            {"level": "county", "institution": {"name": "兰山区\n零工驿站", "type": "gig_market", "credit_code": "x"}},
        ),
        422,
    )["detail"]
    assert any(p["field"] == "institution.name" and p["rule"] == "control_character" for p in refused["problems"])


async def test_a_control_character_in_the_pages_search_is_dropped_not_a_500(api):
    """The applications page's search box (GET /applications?q=) reaches the read model's LIKE."""
    with Session(get_engine(api.database_url)) as s:
        user_id = s.exec(select(User.id).where(User.token_hash == hash_token(api.tokens["supervisor"]))).one()
    session = open_session(api.database_url, user_id, datetime.now(UTC), 1)
    transport = httpx.ASGITransport(app=api.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as pages:
        pages.cookies.set(SESSION_COOKIE, session)
        answered = await pages.get("/applications", params={"q": "零工\x00驿站"})
    assert answered.status_code == 200, answered.text[:300]


def test_a_users_name_or_a_sign_in_with_a_control_character_is_refused_not_stored(database_url):
    for name in ("张\x00三", "张三\x1b[2J", "\u3000\u200b", "管理\u202e员"):
        with pytest.raises(UserError):
            create_user(database_url, name, "supervisor")
    attempt = sign_in(database_url, "admin\x00", "correct-horse-9", datetime.now(UTC), 5, timedelta(minutes=15))
    assert attempt.outcome == "wrong"
