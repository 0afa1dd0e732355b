"""The wheel (what the Docker image installs with a plain `pip install .`) holds every module and every file the
service reads: the subpackages (api.routes, db.queries, web.routes), the migrations, templates, static files and the
vendored scripts. An editable install finds them all from the source tree, so nothing else would notice."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "state",
    "contracts",
    "workflows",
    "activities",
    "clients",
    "api",
    "db",
    "documents",
    "web",
    "storage",
    "regions",
    "programs",
    "tomlpath",
)
SHIPPED = {".py", ".html", ".css", ".js", ".json", ".mako", ".txt", ".toml"}


def test_the_wheel_holds_every_module_and_file_the_service_reads(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    assert "absent from the `packages` configuration" not in built.stderr
    (wheel,) = tmp_path.glob("biaogan-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(["git", "ls-files", *PACKAGES], cwd=ROOT, capture_output=True, text=True, check=True)
    wanted = {p for p in tracked.stdout.split() if Path(p).suffix in SHIPPED or "/vendor/" in p}
    assert len(wanted) > 150
    assert not wanted - inside, sorted(wanted - inside)
