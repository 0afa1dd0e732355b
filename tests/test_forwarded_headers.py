"""X-Forwarded-For is believed only from proxies named in configuration (``BIAOGAN_TRUSTED_PROXIES``, default
none): the API as ``biaogan up`` starts it (the real uvicorn, ``cli.api_command``) rate-limits objections by the
real peer, so a caller cannot escape the limit by varying the header."""

import asyncio
import os
import subprocess
import time

import httpx
import pytest

from cli import api_command
from config import ROOT, LimitSettings, Settings
from tests.conftest import RunningWorker, settings_for, unique
from tests.test_migrations import free_port, stop

OBJECTION = {"name": "张三", "contact": "13800000000", "content": "该机构场地面积不实"}


async def _objections(dev_env, tmp_path, trusted: list[str]) -> list[int]:
    """Six objections within the window, each claiming another client address; their status codes."""
    port = free_port()
    db = f"sqlite:///{tmp_path / 'fwd.db'}"
    settings = settings_for(
        db,
        unique("fwd"),
        temporal_address=dev_env.client.service_client.config.target_host,
        api_port=port,
        limits=LimitSettings(trusted_proxies=trusted),
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BIAOGAN_") and k != "DATABASE_URL"}
    env["BIAOGAN_PAYLOAD_KEYS"] = os.environ["BIAOGAN_PAYLOAD_KEYS"]  # the in-process worker's key
    env |= {
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": db,
        "BIAOGAN_TASK_QUEUE": settings.task_queue,
        "BIAOGAN_TEMPORAL_ADDRESS": settings.temporal_address,
        "BIAOGAN_API_PORT": str(port),
        "BIAOGAN_TRUSTED_PROXIES": str(trusted).replace("'", '"'),
    }
    log = (tmp_path / "api.log").open("w+")
    api = subprocess.Popen(api_command(settings), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        async with (
            RunningWorker(dev_env.client, settings),
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=20) as http,
        ):
            deadline = time.monotonic() + 60
            while True:
                try:
                    await http.get("/public/notices")
                    break
                except httpx.TransportError:
                    assert api.poll() is None and time.monotonic() < deadline, (tmp_path / "api.log").read_text()
                    await asyncio.sleep(0.2)
            codes = []
            for i in range(6):
                r = await http.post(
                    "/public/applications/nobody/objections",
                    json=OBJECTION,
                    headers={"X-Forwarded-For": f"203.0.113.{i + 1}"},
                )
                codes.append(r.status_code)
            return codes
    finally:
        stop(api)
        log.close()


async def test_by_default_a_varying_x_forwarded_for_still_gets_429(dev_env, tmp_path):
    codes = await _objections(dev_env, tmp_path, [])
    assert codes[:5] == [404] * 5 and codes[5] == 429, codes


async def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(dev_env, tmp_path):
    codes = await _objections(dev_env, tmp_path, ["127.0.0.1"])
    assert codes == [404] * 6, codes


def test_the_uvicorn_command_follows_the_configuration():
    default = api_command(Settings())
    assert "--no-proxy-headers" in default and "--forwarded-allow-ips" not in default
    behind = api_command(Settings(limits=LimitSettings(trusted_proxies=["10.0.0.1", "10.1.0.0/16"])))
    assert behind[behind.index("--forwarded-allow-ips") + 1] == "10.0.0.1,10.1.0.0/16"
    assert "--proxy-headers" in behind
    with pytest.raises(ValueError):
        LimitSettings(trusted_proxies=["not an address"])
