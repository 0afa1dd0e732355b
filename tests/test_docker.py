"""The production compose file and image: only the API published, no default database password, the whole
package in the image, and its data directory private."""

import re
import tomllib

import yaml

from config import ROOT

COMPOSE = ROOT / "docker" / "compose.yml"
DOCKERFILE = ROOT / "docker" / "Dockerfile"


def test_only_the_api_is_published_and_the_ops_tools_only_on_loopback():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    published = {name: s.get("ports", []) for name, s in services.items() if s.get("ports")}
    by_default = {name for name in published if not services[name].get("profiles")}
    assert by_default == {"api"}, published
    for name, ports in published.items():
        if name != "api":
            assert all(str(p).startswith("127.0.0.1:") for p in ports), (name, ports)
    assert "ports" not in services["temporal"]


def test_the_database_password_has_no_default():
    text = COMPOSE.read_text()
    assert "change-me" not in text and not re.search(r"\$\{POSTGRES_PASSWORD:-", text)
    uses = re.findall(r"\$\{POSTGRES_PASSWORD[^}]*\}", text)
    assert uses and all(u == "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}" for u in uses), uses


def test_the_image_holds_every_package_and_a_private_data_directory():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    copied = " ".join(line for line in DOCKERFILE.read_text().splitlines() if line.startswith("COPY"))
    for package in project["packages"]:
        assert f"COPY {package} ./{package}" in copied, package
    for module in project["py-modules"]:
        assert f"{module}.py" in copied, module
    assert "-m 0700 /app/data" in DOCKERFILE.read_text()
