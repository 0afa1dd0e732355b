"""Settings derived from other settings: links in notifications open the API where it actually runs."""

import socket

import pytest

from config import ChannelSettings, Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ("BIAOGAN_PUBLIC_BASE_URL", "BIAOGAN_API_HOST", "BIAOGAN_API_PORT"):
        monkeypatch.delenv(name, raising=False)


def test_the_links_base_defaults_to_the_apis_own_host_and_port(monkeypatch):
    assert Settings().channels.public_base_url == "http://127.0.0.1:8000"
    assert Settings(api_host="10.1.2.3", api_port=9000).channels.public_base_url == "http://10.1.2.3:9000"
    monkeypatch.setenv("BIAOGAN_API_PORT", "8123")
    assert Settings().channels.public_base_url == "http://127.0.0.1:8123"
    assert Settings(api_host="::1").channels.public_base_url == "http://[::1]:8123"
    # Listening on every interface: the links name this host, not 0.0.0.0 (which opens nothing elsewhere).
    assert Settings(api_host="0.0.0.0").channels.public_base_url == f"http://{socket.getfqdn()}:8123"


def test_a_configured_base_wins(monkeypatch):
    monkeypatch.setenv("BIAOGAN_API_PORT", "8123")
    monkeypatch.setenv("BIAOGAN_PUBLIC_BASE_URL", "https://biaogan.example.cn/")
    assert Settings().channels.public_base_url == "https://biaogan.example.cn"
    given = Settings(channels=ChannelSettings(public_base_url="https://oa.example.cn"))
    assert given.channels.public_base_url == "https://oa.example.cn"
