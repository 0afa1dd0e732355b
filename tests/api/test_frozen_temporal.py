"""A frozen Temporal (its dev server stopped by SIGSTOP: connections open, nothing answered) is answered 503 with a
``code`` and ``Retry-After`` within the configured wait, by an act, a view, a public objection, a declaration (county
and city level) and a page; once the server runs again (SIGCONT) the same calls work."""

import asyncio
import os
import signal
import socket
import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlmodel import Session, select
from temporalio.client import Client

from app import create_app
from cli import dev_server_command
from db.session import get_engine
from db.users import User
from services.identity import create_user, hash_token, open_session
from tests.api.conftest import PRINCIPALS, UNLIMITED, Api, declaration_body, expect, opinions_given, seed_county_title
from tests.conftest import CONVERTER, RunningWorker, settings_for, unique
from web.visitors import SESSION_COOKIE

WAIT = 2.0  # BIAOGAN_WORKER_WAIT_SECONDS for this test's API
SLACK = 2.0  # a loaded machine's scheduling, on top of the wait (a declaration waited 30 s before)
REVIEW = {"decision": "pass", "opinion": "材料齐全"}
OBJECTION = {"name": "张三", "contact": "13800000000", "content": "该机构场地面积不实"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def own_temporal(data_dir: Path) -> AsyncIterator[tuple[subprocess.Popen[bytes], Client]]:
    """A dev server of the test's own (the shared one must never be frozen), and a client to it."""
    address = f"127.0.0.1:{_free_port()}"
    settings = settings_for(
        "sqlite://", "unused", temporal_address=address, temporal_ui_port=_free_port(), data_dir=data_dir
    )
    server = subprocess.Popen(dev_server_command(settings), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                client = await Client.connect(address, data_converter=CONVERTER)
                break
            except RuntimeError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                await asyncio.sleep(0.3)
        yield server, client
    finally:
        os.kill(server.pid, signal.SIGCONT)  # a stopped process does not act on SIGTERM until continued
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@asynccontextmanager
async def api_on(client: Client, database_url: str) -> AsyncIterator[Api]:
    address = client.service_client.config.target_host
    settings = settings_for(
        database_url, unique("frozen"), temporal_address=address, limits=UNLIMITED, worker_wait_seconds=WAIT
    )
    async with RunningWorker(client, settings):
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # a 500 is an answer here
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver/api/v1", timeout=60) as http:
                suffix = unique("u")
                tokens = {
                    name: create_user(database_url, f"{name}-{suffix}", role, county, department)
                    for name, (role, county, department) in PRINCIPALS.items()
                }
                yield Api(http, app, database_url, client=client, task_queue=settings.task_queue, tokens=tokens)


def signed_in(database_url: str, token: str) -> str:
    """A page session (its cookie) for the user of an API token."""
    with Session(get_engine(database_url)) as s:
        user = s.exec(select(User).where(User.token_hash == hash_token(token))).one()
    return open_session(database_url, user.id, datetime.now(UTC), 1)


async def timed(call) -> tuple[httpx.Response, float]:
    began = time.monotonic()
    response = await call
    return response, time.monotonic() - began


def unavailable(response: httpx.Response, seconds: float, what: str) -> None:
    assert response.status_code == 503, f"{what}: {response.status_code} {response.text[:300]}"
    assert seconds <= WAIT + SLACK, f"{what} answered after {seconds:.1f} s (the wait is {WAIT} s)"
    retry_after = response.headers.get("Retry-After", "")
    assert retry_after.isdigit() and 1 <= int(retry_after) <= WAIT, f"{what}: Retry-After {retry_after!r}"


async def test_a_frozen_temporal_is_answered_503_within_the_wait_and_works_again_after(database_url, tmp_path):
    async with own_temporal(tmp_path) as (server, client), api_on(client, database_url) as api:
        declared = expect(await api.post("clerk", "/applications", declaration_body("county")), 201)["id"]
        city_round = unique("RC")
        await api.ensure_round(city_round)
        expect(await api.get("supervisor", f"/applications/{declared}"), 200)  # the round's worker answers too
        county_body = await api.with_materials("clerk", declaration_body("county"))
        city_body = await api.with_materials("clerk", declaration_body("city", round_id=city_round))
        seed_county_title(database_url, city_body["institution"])
        page_session = signed_in(database_url, api.tokens["supervisor"])
        pages = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=api.app, raise_app_exceptions=False),
            base_url="http://testserver",
            cookies={SESSION_COOKIE: page_session},
            timeout=60,
        )

        os.kill(server.pid, signal.SIGSTOP)
        try:
            calls = {
                "act": api.post("bureau", f"/applications/{declared}/county-review", REVIEW),
                "view": api.get("supervisor", f"/applications/{declared}"),
                "objection": api.post(None, f"/public/applications/{declared}/objections", OBJECTION),
                "county declaration": api.http.post("/applications", json=county_body, headers=api.auth("clerk")),
                "city declaration": api.http.post("/applications", json=city_body, headers=api.auth("clerk")),
                "page": pages.get(f"/applications/{declared}"),
                "round page": pages.get(f"/rounds/{city_round}"),
            }
            answers = dict(zip(calls, await asyncio.gather(*(timed(c) for c in calls.values())), strict=True))
        finally:
            os.kill(server.pid, signal.SIGCONT)

        for what, (response, seconds) in answers.items():
            unavailable(response, seconds, what)
            if "page" in what:
                assert "服务暂不可用，请稍后重试" in response.text
                assert response.headers["content-type"].startswith("text/html")
            else:
                assert response.json()["detail"]["code"] in {"temporal_unavailable", "act_timeout"}, what

        # Running again: a declaration, a view, an act and the public's question are answered by the workflow.
        again = expect(await api.post("clerk", "/applications", declaration_body("county")), 201)["id"]
        assert expect(await api.get("supervisor", f"/applications/{again}"), 200)["state"] == "declared"
        await opinions_given(api, again)
        assert expect(await api.post("bureau", f"/applications/{again}/county-review", REVIEW), 200)["state"]
        objection = await api.post(None, f"/public/applications/{again}/objections", OBJECTION)
        assert objection.status_code == 404  # not under notice: the workflow said so
        assert (await pages.get(f"/applications/{again}")).status_code == 200
        await pages.aclose()
