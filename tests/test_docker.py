"""The production compose file and image: only the proxy published, no default password, the whole package in
the image, its data directory private; and the stack of several processes (docker/compose.yml): Temporal on
PostgreSQL with SQL visibility, N workers, N API processes behind nginx, which is the one proxy they trust, and
MinIO as the S3 store they all use. (No Docker engine runs here: the files are checked as written.)"""

import ipaddress
import json
import re
import tomllib

import yaml

from config import ROOT, BlobSettings, LimitSettings, MaterialSettings

COMPOSE = ROOT / "docker" / "compose.yml"
DOCKERFILE = ROOT / "docker" / "Dockerfile"
NGINX = ROOT / "docker" / "nginx.conf"


def services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def test_only_the_proxy_is_published_and_the_ops_tools_only_on_loopback():
    found = services()
    published = {name: s.get("ports", []) for name, s in found.items() if s.get("ports")}
    by_default = {name for name in published if not found[name].get("profiles")}
    assert by_default == {"proxy"}, published
    for name, ports in published.items():
        if name != "proxy":
            assert all(str(p).startswith("127.0.0.1:") for p in ports), (name, ports)
    for name in ("temporal", "api", "worker", "minio", "postgres"):
        assert "ports" not in found[name], name


def test_the_passwords_have_no_default():
    text = COMPOSE.read_text()
    assert "change-me" not in text and not re.search(
        r"\$\{(POSTGRES_PASSWORD|MINIO_ROOT_PASSWORD|BIAOGAN_WEB_SECRET):-", text
    )
    for variable in ("POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD", "BIAOGAN_WEB_SECRET"):
        uses = re.findall(rf"\$\{{{variable}[^}}]*\}}", text)
        assert uses and all(u == f"${{{variable}:?set {variable}}}" for u in uses), uses


def test_the_image_holds_every_package_and_a_private_data_directory():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    copied = " ".join(line for line in DOCKERFILE.read_text().splitlines() if line.startswith("COPY"))
    for pattern in project["packages"]["find"]["include"]:  # e.g. "api*": the package and its subpackages
        package = pattern.rstrip("*")
        assert f"COPY {package} ./{package}" in copied, package
    for module in project["py-modules"]:
        assert f"{module}.py" in copied, module
    assert "-m 0700 /app/data" in DOCKERFILE.read_text()


def test_temporal_keeps_its_history_and_its_visibility_on_postgresql():
    temporal = services()["temporal"]["environment"]
    assert temporal["DB"] == "postgres12" and temporal["POSTGRES_SEEDS"] == "postgres"
    assert temporal["ENABLE_ES"] == "false" and temporal["VISIBILITY_DBNAME"]  # SQL visibility, no Elasticsearch
    assert "ES_SEEDS" not in temporal


def test_several_workers_and_apis_behind_the_one_proxy_they_trust():
    found = services()
    for name, variable in (("worker", "BIAOGAN_WORKERS"), ("api", "BIAOGAN_APIS")):
        replicas = str(found[name]["deploy"]["replicas"])
        assert re.fullmatch(rf"\$\{{{variable}:-([2-9]|\d\d+)\}}", replicas), (name, replicas)
    proxy = found["proxy"]
    address = ipaddress.ip_address(proxy["networks"]["app"]["ipv4_address"])
    subnet = yaml.safe_load(COMPOSE.read_text())["networks"]["app"]["ipam"]["config"][0]["subnet"]
    assert address in ipaddress.ip_network(subnet)
    api = found["api"]
    assert "app" in api["networks"] and api["expose"] == ["8000"]
    trusted = LimitSettings(trusted_proxies=json.loads(api["environment"]["BIAOGAN_TRUSTED_PROXIES"])).trusted_proxies
    assert any(address in ipaddress.ip_network(t, strict=False) for t in trusted), trusted
    assert trusted == [str(address)]  # the proxy alone: no other peer may name a client
    assert proxy["volumes"] == ["./nginx.conf:/etc/nginx/nginx.conf:ro"]


def test_the_proxy_passes_to_every_api_and_names_the_client_itself():
    conf = NGINX.read_text()
    assert re.search(r"server api:8000\b", conf) and "proxy_pass http://api;" in conf
    # set to the peer, not appended ($proxy_add_x_forwarded_for): a client cannot name another address
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf and "proxy_add_x_forwarded_for" not in conf
    size = re.search(r"client_max_body_size (\d+)m;", conf)
    assert size and int(size.group(1)) * 1024 * 1024 > MaterialSettings().material_max_bytes
    listen = re.search(r"listen (\d+);", conf)
    assert listen and services()["proxy"]["ports"] == [f"8000:{listen.group(1)}"]


def test_every_process_keeps_uploads_in_minio_and_counts_limits_in_the_database():
    found = services()
    for name in ("worker", "api"):
        env = found[name]["environment"]
        if "<<" in env:
            env = {**env.pop("<<"), **env}
        blobs = BlobSettings(
            storage=env["BIAOGAN_STORAGE"],
            s3_endpoint_url=env["BIAOGAN_S3_ENDPOINT_URL"],
            s3_bucket=env["BIAOGAN_S3_BUCKET"],
        )
        assert blobs.storage == "s3" and blobs.s3_endpoint_url == "http://minio:9000", name
        assert env["BIAOGAN_S3_SECRET_ACCESS_KEY"] == "${MINIO_ROOT_PASSWORD:?set MINIO_ROOT_PASSWORD}"
        assert env["BIAOGAN_RATE_LIMIT_STORE"] == "database"
    assert "bucket" in found["worker"]["depends_on"]  # the workers (and after them the APIs) wait for the bucket
    assert f"store/{blobs.s3_bucket}" in found["bucket"]["entrypoint"]  # the bucket they use is made
    assert found["minio"]["environment"]["MINIO_ROOT_USER"] == env["BIAOGAN_S3_ACCESS_KEY_ID"]


def test_the_image_has_the_faces_the_pdfs_embed():
    """documents/layout.py embeds the AR PL faces; the image installs the packages that hold them."""
    layout = (ROOT / "documents" / "layout.py").read_text()
    installs = [line for line in DOCKERFILE.read_text().splitlines() if "apt-get install" in line]
    for package, face in (("fonts-arphic-uming", "uming.ttc"), ("fonts-arphic-ukai", "ukai.ttc")):
        assert face in layout
        assert any(package in line for line in installs), package
