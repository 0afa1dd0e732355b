"""Every request body is bounded while it is read, by the kind of route it goes to: 413 before anything is buffered.

A ``Content-Length`` over the route's limit is answered at once, without calling the app. A body without one (chunked)
is counted as the app reads it: the first message that takes it over the limit is answered 413, the app is told the
client went away (``http.disconnect``: it stops reading and its own answer is dropped), and nothing more is read.
The limits are ``Settings.bodies`` and, for uploads, the material settings (README, Configuration)."""

import re
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import API_PREFIX
from config import Settings

HISTORIC_IMPORT_MAX_BYTES = 5_000_000  # the CSV import's own bound (POST /historic-titles/import)
_ID = r"[^/]+"


@dataclass(frozen=True)
class Limit:
    body: int  # bytes the whole body may have
    file: int | None = None  # an upload: the file's own limit, which the refusal names


def _api_limit(path: str, settings: Settings) -> Limit:
    bodies, materials = settings.bodies, settings.materials
    overhead = bodies.body_multipart_overhead_bytes
    if path in ("/materials", "/public/verify"):  # an upload, and a PDF to check (验真)
        return Limit(materials.material_max_bytes + overhead, materials.material_max_bytes)
    if re.fullmatch(f"/public/applications/{_ID}/objections/evidence", path):
        return Limit(materials.objection_evidence_max_bytes + overhead, materials.objection_evidence_max_bytes)
    if re.fullmatch(f"/public/applications/{_ID}/objections", path):
        return Limit(bodies.body_objection_max_bytes)
    if path == "/historic-titles/import":
        return Limit(HISTORIC_IMPORT_MAX_BYTES + overhead, HISTORIC_IMPORT_MAX_BYTES)
    return Limit(bodies.body_json_max_bytes)


def _page_limit(path: str, settings: Settings) -> Limit:
    bodies, materials = settings.bodies, settings.materials
    if path == "/applications/new" or re.fullmatch(f"/applications/{_ID}/(resubmission|acts/revocation)", path):
        files = materials.materials_max_application_bytes  # a declaration's files together, and its fields
        return Limit(files + bodies.body_form_max_bytes + bodies.body_multipart_overhead_bytes, files)
    if re.fullmatch(f"/notices/{_ID}/objections", path):  # the objection with its evidence images, as the API's
        files = materials.objection_evidence_max_files * materials.objection_evidence_max_bytes
        return Limit(bodies.body_objection_max_bytes + files + bodies.body_multipart_overhead_bytes, files or None)
    if path == "/verify":  # 验真: the PDF to check, as the API's
        files = materials.material_max_bytes
        return Limit(files + bodies.body_form_max_bytes + bodies.body_multipart_overhead_bytes, files)
    if path == "/historic-titles":  # the page's CSV upload: the import's own bound
        overhead = bodies.body_multipart_overhead_bytes
        return Limit(HISTORIC_IMPORT_MAX_BYTES + bodies.body_form_max_bytes + overhead, HISTORIC_IMPORT_MAX_BYTES)
    return Limit(bodies.body_form_max_bytes)  # any other page form, /login included, whatever its encoding


def limit_for(path: str, settings: Settings) -> Limit:
    """The limit of the route ``path`` goes to; a path no route has gets the smaller limit of its kind."""
    if path.startswith(API_PREFIX + "/"):
        return _api_limit(path[len(API_PREFIX) :], settings)
    return _page_limit(path, settings)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def refusal(scope: Scope, limit: Limit) -> Response:
    """The 413: the API's JSON refusal, or a Chinese page for the pages (200 to htmx, which swaps only a 2xx)."""
    closing = {"Connection": "close"}  # the rest of the body is never read
    if scope["path"].startswith(API_PREFIX + "/"):
        if limit.file is not None:
            message = f"请求内容过大：文件不得超过 {limit.file} 字节（整个请求不得超过 {limit.body} 字节）"
            extra = {"limit": limit.file, "body_limit": limit.body}
        else:
            message = f"请求内容过大：请求体不得超过 {limit.body} 字节"
            extra = {"limit": limit.body}
        body = {"detail": {"message": message, "rule": "body_too_large", **extra}}
        return JSONResponse(body, status_code=413, headers=closing)
    request = Request(scope)
    if limit.file is not None:
        lines = [f"提交的内容过大：所附文件合计不得超过 {_mib(limit.file)}。", "请删减或压缩文件后重新提交。"]
    else:
        lines = [f"提交的内容过大：不得超过 {_kib(limit.body)}。", "请删减填写的内容后重新提交。"]
    # The pages (web/) install how they say it (app.state.too_large_page); the API does not import them.
    say = getattr(scope["app"].state, "too_large_page", None) if "app" in scope else None
    answer = say(request, lines) if say else PlainTextResponse("\n".join(lines), status_code=413)
    answer.headers.update(closing)
    return answer


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:g} MiB" if size >= 1024 * 1024 else _kib(size)


def _kib(size: int) -> str:
    return f"{size // 1024} KiB" if size >= 1024 else f"{size} 字节"


class BodyLimits:
    """Pure ASGI (Starlette's BaseHTTPMiddleware would read the body through a stream of its own)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"], self.settings)
        length = _content_length(scope)
        if length is not None and length > limit.body:
            await refusal(scope, limit)(scope, receive, send)
            return
        seen = 0
        refused = started = False

        async def reading() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit.body:
                    refused = True
                    if not started:
                        await refusal(scope, limit)(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def answering(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the app's answer to the "disconnect"; the client has had its 413
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, reading, answering)
        except ClientDisconnect:
            if not refused:
                raise


TOO_LARGE = {
    "description": "The body is larger than the route's limit (`limit`, in bytes); refused before it is read",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
}


def document(app: FastAPI) -> None:
    """Every API operation that takes a body lists the 413 in the OpenAPI document (one place, not each route's
    ``responses``: the limit is the middleware's, whatever the route)."""
    plain = app.openapi

    def with_413() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = plain()
            for path, operations in schema.get("paths", {}).items():
                if not path.startswith(API_PREFIX + "/"):
                    continue
                for method, operation in operations.items():
                    if method in ("post", "put", "patch"):
                        operation.setdefault("responses", {}).setdefault("413", TOO_LARGE)
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = with_413  # type: ignore[method-assign]
