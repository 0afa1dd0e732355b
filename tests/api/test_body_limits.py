"""Request bodies are bounded while they are read (api/body_limits.py): the app served by a real uvicorn, sent bodies
over each route kind's limit by a raw socket, once with a Content-Length that says so (answered before any byte of
the body is read) and once chunked (answered as soon as what was read passes the limit, the rest never read).

Every oversize body here would be taken by its route without the limit (JSON padded with whitespace, a sign-in form
with the right password and CSRF token): a 413 with nothing recorded is the limit's doing."""

import asyncio
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
import pytest_asyncio
from sqlmodel import Session, col, func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.body_limits import Limit, limit_for
from config import Settings
from db.logins import WebSession
from db.materials import Material
from db.session import get_engine
from db.users import User
from services.identity import add_login, create_user, hash_token
from tests.api.conftest import Api, Driver, expect
from tests.conftest import unique
from tests.samples import pdf
from tests.uvicorn_in_loop import served_on_a_port

KIB = 1024
MIB = 1024 * KIB
PASSWORD = "limits-password-9"


@dataclass
class Counted:
    """The app as uvicorn calls it, noting the size of every body message the app took from the server."""

    app: ASGIApp
    reads: list[tuple[str, list[int]]] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sizes: list[int] = []
        self.reads.append((scope["path"], sizes))

        async def counting() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                sizes.append(len(message.get("body", b"")))
            return message

        await self.app(scope, counting, send)

    def last(self, path: str) -> list[int]:
        return next(sizes for p, sizes in reversed(self.reads) if p == path)


@dataclass
class Served:
    api: Api
    counted: Counted
    port: int


@pytest_asyncio.fixture(scope="module")
async def served(api) -> AsyncIterator[Served]:
    counted = Counted(api.app)
    async with served_on_a_port(counted) as port:
        yield Served(api, counted, port)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    sent: int  # body bytes the client got out before the answer came

    def json(self) -> dict:
        return json.loads(self.body)


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines if ":" in line)}
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return int(status_line.split()[1]), headers, body


async def post_raw(
    port: int, path: str, headers: dict[str, str], body: bytes, chunked: bool, chunk: int = 16 * KIB, held: bool = False
) -> Answer:
    """POST ``body`` with its Content-Length (``held``: only announced, never sent, so the answer must come on the
    headers alone), or chunked; ``chunk`` bytes at a time, until the server answers or the whole body is out."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    framing = {"Transfer-Encoding": "chunked"} if chunked else {"Content-Length": str(len(body))}
    head = "".join(f"{k}: {v}\r\n" for k, v in {"Host": "testserver", **headers, **framing}.items())
    writer.write(f"POST {path} HTTP/1.1\r\n{head}\r\n".encode("latin-1"))
    answer = asyncio.create_task(_read_answer(reader))
    sent = 0
    try:
        while not held and sent < len(body) and not answer.done():
            piece = body[sent : sent + chunk]
            writer.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece)
            await writer.drain()
            sent += len(piece)
            await asyncio.sleep(0.002)  # the server runs in this event loop: let it read
        if chunked and not answer.done():
            writer.write(b"0\r\n\r\n")
            await writer.drain()
    except (ConnectionResetError, BrokenPipeError):
        pass  # the server answered and closed while the body was still going out
    try:
        status, answer_headers, answer_body = await asyncio.wait_for(answer, 30)
    finally:
        writer.close()
    return Answer(status, answer_headers, answer_body, sent)


def padded_json(value: dict, size: int) -> bytes:
    """``value`` as JSON, with whitespace (still valid JSON, the same value) up to ``size`` bytes."""
    text = json.dumps(value, ensure_ascii=False).encode()
    return text[:-1] + b" " * (size - len(text)) + b"}"


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[str, bytes]:
    boundary = "limits" + unique("b").replace("-", "")
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, data) in files.items():
        disposition = f'Content-Disposition: form-data; name="{name}"; filename="{filename}"'
        parts.append(
            f"--{boundary}\r\n{disposition}\r\nContent-Type: application/pdf\r\n\r\n".encode() + data + b"\r\n"
        )
    return f"multipart/form-data; boundary={boundary}", b"".join(parts) + f"--{boundary}--\r\n".encode()


def read_no_further(served: Served, path: str, limit: int, chunked: bool) -> None:
    """The app took nothing of an announced oversize body, and of a chunked one only up to the message that passed
    the limit."""
    sizes = served.counted.last(path)
    if not chunked:
        assert sizes == []
        return
    assert sum(sizes) > limit, sizes  # it was refused because of what it read
    assert sum(sizes[:-1]) <= limit, sizes  # and read nothing after the message that took it over


def refused(answer: Answer, limit: int) -> dict:
    assert answer.status == 413, answer
    detail = answer.json()["detail"]
    assert detail["rule"] == "body_too_large" and detail["limit"] == limit
    assert "请求内容过大" in detail["message"]
    return detail


MODES = pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])


@pytest_asyncio.fixture
async def under_notice(served: Served) -> str:
    return await Driver(served.api).publicized("county")


@MODES
async def test_an_oversize_objection_is_refused_before_it_is_read(served: Served, under_notice: str, chunked: bool):
    path = f"/api/v1/public/applications/{under_notice}/objections"
    objection = {"name": "李四", "contact": "13600000000", "content": "该机构场地面积与申报不符"}
    body = padded_json(objection, 150 * KIB)  # a valid objection, 150 KiB long
    answer = await post_raw(served.port, path, {"Content-Type": "application/json"}, body, chunked, held=not chunked)
    refused(answer, 64 * KIB)
    read_no_further(served, path, 64 * KIB, chunked)
    assert answer.headers["connection"] == "close"  # the rest of the body is not waited for

    view = await served.api.get("supervisor", f"/applications/{under_notice}")
    assert expect(view, 200)["objections"] == []  # nothing recorded
    fits = padded_json(objection, 60 * KIB)  # the same objection under the limit is taken
    answer = await post_raw(served.port, path, {"Content-Type": "application/json"}, fits, chunked)
    assert answer.status == 201, answer
    view = await served.api.get("supervisor", f"/applications/{under_notice}")
    assert len(expect(view, 200)["objections"]) == 1


@pytest_asyncio.fixture
async def declared(served: Served) -> str:
    driver = Driver(served.api)
    app_id = await driver.declare("county")
    await driver.opinions_given(app_id)  # 会商 first: the review below is refused only for its size
    return app_id


@MODES
async def test_an_oversize_act_is_refused_before_it_is_read(served: Served, declared: str, chunked: bool):
    path = f"/api/v1/applications/{declared}/county-review"
    headers = {"Content-Type": "application/json", **served.api.auth("bureau")}
    before = expect(await served.api.get("bureau", f"/applications/{declared}"), 200)["state"]
    review = {"decision": "pass", "opinion": "材料齐全，符合条件"}
    big = padded_json(review, 3 * MIB)
    answer = await post_raw(served.port, path, headers, big, chunked, chunk=64 * KIB, held=not chunked)
    refused(answer, MIB)
    read_no_further(served, path, MIB, chunked)
    assert expect(await served.api.get("bureau", f"/applications/{declared}"), 200)["state"] == before

    answer = await post_raw(served.port, path, headers, padded_json(review, MIB - KIB), chunked, chunk=64 * KIB)
    assert answer.status == 200, answer  # the same review under the limit is taken
    assert expect(await served.api.get("bureau", f"/applications/{declared}"), 200)["state"] != before


def _sessions(database_url: str, user_id: str) -> int:
    with Session(get_engine(database_url)) as s:
        return s.exec(select(func.count()).select_from(WebSession).where(col(WebSession.user_id) == user_id)).one()


@MODES
async def test_an_oversize_sign_in_is_refused_before_it_is_read(served: Served, chunked: bool):
    api = served.api
    login = unique("limits").lower()
    token = create_user(api.database_url, login, "city_reviewer", None, None)
    with Session(get_engine(api.database_url)) as s:
        user_id = s.exec(select(User).where(User.token_hash == hash_token(token))).one().id
    add_login(api.database_url, user_id, login, PASSWORD)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{served.port}") as browser:
        form = await browser.get("/login")
        match = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert match is not None
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    fields = {"csrf_token": match.group(1), "login": login, "password": PASSWORD, "next": "/"}
    content_type, body = multipart({**fields, "note": "x" * (300 * KIB)}, {})  # 300 KiB: a field under 1 MiB
    headers = {"Content-Type": content_type, "Cookie": cookie}

    answer = await post_raw(served.port, "/login", headers, body, chunked, held=not chunked)
    assert answer.status == 413 and answer.headers["content-type"].startswith("text/html")
    page = answer.body.decode()
    assert "提交内容过大" in page and "256 KiB" in page
    read_no_further(served, "/login", 256 * KIB, chunked)
    assert _sessions(api.database_url, user_id) == 0  # not signed in: the form was never read

    content_type, body = multipart({**fields, "note": "x" * (200 * KIB)}, {})
    answer = await post_raw(served.port, "/login", {**headers, "Content-Type": content_type}, body, chunked)
    assert answer.status == 303, answer  # the same sign-in under the limit goes through
    assert _sessions(api.database_url, user_id) == 1


def _materials(database_url: str, user_id: str) -> int:
    with Session(get_engine(database_url)) as s:
        return s.exec(select(func.count()).select_from(Material).where(col(Material.owner_user_id) == user_id)).one()


@MODES
async def test_an_oversize_upload_is_refused_before_it_is_read(served: Served, chunked: bool):
    api = served.api
    with Session(get_engine(api.database_url)) as s:
        user_id = s.exec(select(User).where(User.token_hash == hash_token(api.tokens["inspector"]))).one().id
    file_limit = api.app.state.settings.materials.material_max_bytes
    body_limit = file_limit + api.app.state.settings.bodies.body_multipart_overhead_bytes
    before = _materials(api.database_url, user_id)
    content_type, body = multipart({}, {"file": ("大文件.pdf", pdf("x" * (2 * file_limit)))})
    headers = {"Content-Type": content_type, **api.auth("inspector")}

    answer = await post_raw(served.port, "/api/v1/materials", headers, body, chunked, 256 * KIB, not chunked)
    detail = refused(answer, file_limit)  # the file's limit, as the route itself names it
    assert detail["body_limit"] == body_limit
    read_no_further(served, "/api/v1/materials", body_limit, chunked)
    assert answer.sent < len(body)  # the answer came while the client was still sending (kernel buffers aside)
    assert _materials(api.database_url, user_id) == before


def test_each_kind_of_route_has_its_limit():
    settings = Settings(database_url="sqlite://")
    bodies, materials = settings.bodies, settings.materials
    overhead = bodies.body_multipart_overhead_bytes
    declaration = materials.materials_max_application_bytes
    evidence = materials.objection_evidence_max_files * materials.objection_evidence_max_bytes
    expected = {
        "/api/v1/applications": Limit(bodies.body_json_max_bytes),
        "/api/v1/applications/a1/county-review": Limit(bodies.body_json_max_bytes),
        "/api/v1/applications/a1/resubmission": Limit(bodies.body_json_max_bytes),  # JSON: files go up on their own
        "/api/v1/public/applications/a1/objections": Limit(bodies.body_objection_max_bytes),
        "/api/v1/public/applications/a1/objections/evidence": Limit(
            materials.objection_evidence_max_bytes + overhead, materials.objection_evidence_max_bytes
        ),
        "/api/v1/materials": Limit(materials.material_max_bytes + overhead, materials.material_max_bytes),
        "/api/v1/historic-titles/import": Limit(5_000_000 + overhead, 5_000_000),
        "/login": Limit(bodies.body_form_max_bytes),
        "/applications/a1/acts/withdraw": Limit(bodies.body_form_max_bytes),
        "/notices/a1/objections": Limit(  # the page's objection carries its evidence images
            bodies.body_objection_max_bytes + evidence + overhead, evidence
        ),
        "/historic-titles": Limit(5_000_000 + bodies.body_form_max_bytes + overhead, 5_000_000),
        "/applications/new": Limit(declaration + bodies.body_form_max_bytes + overhead, declaration),
        "/applications/a1/resubmission": Limit(declaration + bodies.body_form_max_bytes + overhead, declaration),
        "/applications/a1/acts/revocation": Limit(declaration + bodies.body_form_max_bytes + overhead, declaration),
        "/api/v1/materials/../../applications/new": Limit(bodies.body_json_max_bytes),  # no such route: the smaller
    }
    assert {path: limit_for(path, settings) for path in expected} == expected
    assert (bodies.body_json_max_bytes, bodies.body_objection_max_bytes, bodies.body_form_max_bytes) == (
        MIB,
        64 * KIB,
        256 * KIB,
    )


def test_every_operation_that_takes_a_body_documents_the_413(sqlite_api):
    schema = sqlite_api.app.openapi()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            takes_a_body = path.startswith("/api/v1/") and method in ("post", "put", "patch")
            assert ("413" in operation["responses"]) == takes_a_body, (method, path)
    assert schema["paths"]["/api/v1/public/applications/{application_id}/objections"]["post"]["responses"]["413"]
