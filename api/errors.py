"""Every refusal as one JSON shape, ``{"detail": {"message", "state", "allowed_acts", "field", "rule", ...}}``.

The workflow refuses with ``ApplicationError`` whose ``type`` names the kind of refusal; this module maps
those kinds (and Temporal's own errors) to status codes.
"""

import re
from datetime import date
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from temporalio.client import WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError

from clients.gate import NoWorker
from contracts.rules import RULES
from contracts.rules import access as access_rules
from contracts.rules import schema as schema_rules
from schemas.models import FIRST_PROGRAM_TAG, OTHER_PROGRAM_TAG, ErrorBody
from services.refusals import Refusal as Refusal
from services.refusals import from_temporal as from_temporal
from services.refusals import not_found as not_found
from state import eligibility
from state.domain import InstitutionType

_TAGS = {"city", "county", *(t.value for t in InstitutionType)}  # discriminators: level, then institution type
PROGRAM_TAGS = {FIRST_PROGRAM_TAG, OTHER_PROGRAM_TAG}  # a declaration's outer tag: which program's shape


def _field(loc: tuple[Any, ...]) -> str:
    where, *path = loc or ("body",)
    if where == "body":
        outer = path[0] if path and path[0] in PROGRAM_TAGS else None  # a declaration's: which program's shape
        path = path[1:] if outer else path
        if outer != OTHER_PROGRAM_TAG:  # another program's shape has no level or type tags
            path = [p for i, p in enumerate(path) if not (p in _TAGS and (i == 0 or path[i - 1] == "institution"))]
        # a resubmission's institution: which program's shape
        path = [p for i, p in enumerate(path) if not (p in PROGRAM_TAGS and i and path[i - 1] == "institution")]
    if where == "header" and path:
        return str(path[0]).title()
    return ".".join(str(p) for p in path) or str(where)


def _body(message: str, **extra: Any) -> dict[str, Any]:
    return {"detail": {"message": message, **extra}}


async def _refusal(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Refusal)
    return JSONResponse(_body(exc.message, **exc.extra), status_code=exc.status, headers=exc.headers)


# Schema refusals that mean a condition of the notice is not met (below a threshold, not the required value).
_UNMET = {"greater_than_equal", "greater_than", "literal_error", "too_short", "missing", "bool_parsing"}


def _problem(error: Any) -> dict[str, str]:
    """One schema refusal in Chinese, by its registered rule (contracts/rules/schema.py) with pydantic's facts; an
    unmet condition of the notice by its own words and stable code."""
    loc = tuple(error.get("loc", ()))
    kind = str(error.get("type", "invalid"))
    condition = _condition(loc) if kind in _UNMET else None
    if condition is not None:
        given = error.get("input")
        detail = f"填报值 {given}" if given is not None and not isinstance(given, dict) else "未填报"
        message = f"{condition.text_zh}：{detail}"
        return {"field": condition.field, "rule": condition.code, "message": message}
    facts = {k: _fact(v) for k, v in (error.get("ctx") or {}).items()}
    found = schema_rules.PYDANTIC.get(kind) or RULES.get(kind)
    if found is not None:
        return {"field": _field(loc), "rule": found.code, "message": found.say(**facts)}
    said = str(error.get("msg", ""))
    if _CHINESE.search(said) and not _ENGLISH.search(said):  # a rule of its own (state/objector.py), in Chinese
        return {"field": _field(loc), "rule": kind, "message": said}
    return {"field": _field(loc), "rule": schema_rules.INVALID.code, "message": schema_rules.INVALID.text}


_CHINESE = re.compile(r"[\u4e00-\u9fff]")
_ENGLISH = re.compile(r"[A-Za-z]{3,}")


def _fact(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _condition(loc: tuple[Any, ...]) -> eligibility.Condition | None:
    """The city-level condition a field of a declared institution stands for (its loc names the type's tag)."""
    for i, part in enumerate(loc[:-1]):
        if part in _TYPES and i + 1 < len(loc):
            return eligibility.CONDITION_OF_FIELD.get((InstitutionType(part), str(loc[i + 1])))
    return None


_TYPES = {t.value for t in InstitutionType}


async def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [_problem(e) for e in exc.errors()]
    first = problems[0] if problems else {"field": "body", "rule": "invalid", "message": schema_rules.INVALID.text}
    message = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:5])
    return JSONResponse(_body(message, field=first["field"], rule=first["rule"], problems=problems), status_code=422)


FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
FORM_MAX_PARTS = 1000  # Starlette's own bounds on a form: fields, files, and a text field's size
FORM_MAX_FIELD_MIB = 1


def unreadable_body(request: Request, exc: StarletteHTTPException) -> Refusal:
    """What Starlette's bare 400 means: a form of too many parts, a form that is not one, or a body that is not
    JSON — each said as what it is."""
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        if str(exc.detail).startswith(("Too many", "Field exceeded")):
            return Refusal(
                413,
                f"提交的表单字段过多或过大：最多 {FORM_MAX_PARTS} 个字段、{FORM_MAX_PARTS} 个文件，"
                f"每个文本字段不超过 {FORM_MAX_FIELD_MIB} MiB",
                field="body",
                rule="form_too_many_parts",
                limit=FORM_MAX_PARTS,
            )
        return Refusal(422, schema_rules.FORM_INVALID, field="body")
    return Refusal(422, schema_rules.JSON_INVALID, field="body")


async def http_answer(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:  # a body that cannot be read at all: invalid input like any other
        return await _refusal(request, unreadable_body(request, exc))
    headers = dict(exc.headers or {})
    if exc.status_code == 405:  # Starlette names only the first route's methods; a path may have several
        headers["Allow"] = ", ".join(sorted(_methods_for(request)))
    said = HTTP_RULES.get(exc.status_code)
    if said is None:
        return JSONResponse(_body(str(exc.detail)), status_code=exc.status_code, headers=headers)
    return JSONResponse(_body(said.say(), rule=said.code), status_code=exc.status_code, headers=headers)


# What Starlette answers before any route does (an address no route has, a method a route does not take).
HTTP_RULES = {404: access_rules.NO_SUCH_ADDRESS, 405: access_rules.METHOD_NOT_ALLOWED}


def _methods_for(request: Request) -> set[str]:
    """The methods some route takes at this path: each asked for in turn (routes may be nested in included
    routers, which say only whether they match)."""
    return {
        method
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in request.app.routes)
    }


TEMPORAL_ERRORS = (NoWorker, RPCError, WorkflowUpdateRPCTimeoutOrCancelledError)


async def temporal_answer(request: Request, exc: Exception) -> JSONResponse:
    """A Temporal error a route did not translate itself (from_temporal's, or none: then it is a 500)."""
    return await _refusal(request, from_temporal(exc, "the requested record"))


def install(app: FastAPI) -> None:
    app.add_exception_handler(Refusal, _refusal)
    for temporal_error in TEMPORAL_ERRORS:
        app.add_exception_handler(temporal_error, temporal_answer)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, http_answer)


_DESCRIPTIONS = {
    401: "Missing or unknown bearer token",
    403: "The caller's role may not do this",
    404: "Unknown, or outside the caller's county (existence is never revealed)",
    409: "The state machine does not allow this act now (current state and allowed acts in the body)",
    422: "Invalid input: the body names the field and the rule",
    429: "Too many requests from this address; see Retry-After",
    503: "Temporal is busy or unavailable, or no worker polls the task queue (see `rule`, also as `code`, and Retry-After)",
}
# The rules a kind of refusal is given by on every route that can answer it; a route adds its own (``rules``).
SCHEMA_RULES = tuple(dict.fromkeys(r.code for r in schema_rules.PYDANTIC.values()))
TEMPORAL_RULES = ("temporal_unavailable", "temporal_busy", "no_worker", "act_timeout")
COMMON_RULES: dict[int, tuple[str, ...]] = {422: (*SCHEMA_RULES, schema_rules.INVALID.code), 503: TEMPORAL_RULES}
CONDITION_RULES = tuple(sorted({c.code for c in eligibility.CONDITION_OF_FIELD.values()}))


def documented(*statuses: int, rules: dict[int, tuple[str, ...]] | None = None) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the refusals an endpoint can answer, each naming the ``rule`` codes it is given
    by (in its description and as ``x-rules``): the common ones of its status and the route's own ``rules``."""
    out: dict[int | str, dict[str, Any]] = {}
    for s in dict.fromkeys((*statuses, *(rules or {}), 422)):
        codes = tuple(dict.fromkeys((*COMMON_RULES.get(s, ()), *(rules or {}).get(s, ()))))
        said = f"{_DESCRIPTIONS[s]}. 规则（`rule`）：{'、'.join(codes)}" if codes else _DESCRIPTIONS[s]
        out[s] = {"model": ErrorBody, "description": said, **({"x-rules": list(codes)} if codes else {})}
        if s in (429, 503):
            out[s]["headers"] = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}
        if s == 401:
            out[s]["headers"] = {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}}
    return out


ON_APPLICATION = (401, 403, 404, 503)
ON_ACT = (401, 403, 404, 409, 503)
