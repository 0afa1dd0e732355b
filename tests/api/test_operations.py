"""What operators see: health and readiness of the API and the worker, request ids, JSON logs (Prometheus metrics:
tests/api/test_scope_gaps.py)."""

import asyncio
import json
import logging

import httpx

import logs
from app import create_app
from tests.api.conftest import Driver, expect, temporal_address
from tests.conftest import RunningWorker, settings_for, unique
from worker import serve_health


async def test_health_readiness_and_request_ids_of_the_api(sqlite_api):
    root = "http://testserver"
    assert expect(await sqlite_api.http.get(f"{root}/healthz"), 200) == {"status": "ok"}
    ready = expect(await sqlite_api.http.get(f"{root}/readyz"), 200)
    assert ready["checks"] == {"temporal": "ok", "worker": "ok", "database": "ok"}

    app_id = await Driver(sqlite_api).declare("county")
    headers = {**sqlite_api.auth("supervisor"), "X-Request-Id": "req-42"}
    answer = await sqlite_api.http.get(f"/applications/{app_id}", headers=headers)
    assert answer.status_code == 200 and answer.headers["X-Request-Id"] == "req-42"
    assert len((await sqlite_api.get(None, "/public/notices")).headers["X-Request-Id"]) == 32  # made up when absent
    # /metrics, behind its token: tests/api/test_scope_gaps.py


async def test_not_ready_without_a_worker(dev_env, sqlite_url):
    lonely = settings_for(sqlite_url, unique("noworker"), temporal_address=temporal_address(dev_env))
    app = create_app(lonely)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            answer = await http.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["worker"].startswith("no worker polls task queue")
    assert answer.json()["checks"]["database"] == "ok"


async def _get(port: int, path: str) -> tuple[int, str]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.0\r\n\r\n".encode())
    await writer.drain()
    raw = (await reader.read()).decode()
    writer.close()
    return int(raw.split()[1]), raw.split("\r\n\r\n", 1)[1].strip()


async def test_the_worker_answers_health_and_readiness(dev_env, sqlite_url):
    settings = settings_for(sqlite_url, unique("wh"))
    server = await serve_health(dev_env.client, settings, 0)
    port = server.sockets[0].getsockname()[1]
    try:
        assert await _get(port, "/healthz") == (200, "ok")
        assert (await _get(port, "/readyz"))[0] == 503  # nobody polls this task queue yet
        async with RunningWorker(dev_env.client, settings):
            for _ in range(50):
                if (await _get(port, "/readyz"))[0] == 200:
                    break
                await asyncio.sleep(0.1)
            assert await _get(port, "/readyz") == (200, "ready")
        assert (await _get(port, "/nothing"))[0] == 404
    finally:
        server.close()


def test_json_log_lines_carry_the_request_and_workflow_ids():
    formatter = logs.JsonFormatter()
    token = logs.REQUEST_ID.set("req-7")
    try:
        record = logging.LogRecord("biaogan.api", logging.INFO, __file__, 1, "GET %s", ("/x",), None)
        line = json.loads(formatter.format(record))
    finally:
        logs.REQUEST_ID.reset(token)
    assert line["message"] == "GET /x" and line["request_id"] == "req-7" and line["level"] == "INFO"
    record = logging.LogRecord("temporalio.workflow", logging.WARNING, __file__, 1, "flag", (), None)
    record.temporal_workflow = {"workflow_id": "application-A1", "run_id": "r", "workflow_type": "ApplicationWorkflow"}
    line = json.loads(formatter.format(record))
    assert line["workflow_id"] == "application-A1" and "request_id" not in line


async def test_an_address_or_a_method_no_route_has_is_refused_in_chinese_with_its_rule(sqlite_api):
    unknown = expect(await sqlite_api.http.get("/no-such-address"), 404)["detail"]
    assert unknown == {"message": "没有这个接口地址，请核对网址", "rule": "no_such_address"}
    wrong = await sqlite_api.http.delete("/applications", headers=sqlite_api.auth("supervisor"))
    assert wrong.status_code == 405 and set(wrong.headers["Allow"].split(", ")) == {"GET", "POST"}
    assert wrong.json()["detail"] == {"message": "此接口不接受这种请求方法", "rule": "method_not_allowed"}
