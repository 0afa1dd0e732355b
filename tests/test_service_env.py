"""The CLI finds the running service's settings: ``biaogan up`` writes them to ``<data dir>/service.env`` and every
other command reads that file (the shell's own variables win), so ``biaogan users create`` in a fresh shell writes
to the service's database and not silently to another one."""

import os
import stat
import subprocess
import sys

from sqlmodel import Session, select

from cli import read_service_env, write_service_env
from config import ROOT, Settings
from db.schema import upgrade
from db.session import get_engine
from db.users import User


def test_users_create_in_a_fresh_shell_writes_to_the_services_database(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    service_db = f"sqlite:///{tmp_path / 'service.db'}"  # not <data dir>/biaogan.db: the CLI must be told
    upgrade(service_db)
    path = write_service_env(
        Settings(data_dir=data, database_url=service_db, temporal_address="127.0.0.1:17999", api_port=18123),
        {"BIAOGAN_OBJECTION_LIMIT": "7", "HOME": "/root"},
    )
    assert path == data / "service.env" and stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert f"DATABASE_URL={service_db}" in text and "BIAOGAN_API_PORT=18123" in text
    assert "BIAOGAN_OBJECTION_LIMIT=7" in text and "HOME" not in text

    env = {k: v for k, v in os.environ.items() if not k.startswith("BIAOGAN_") and k != "DATABASE_URL"}
    env |= {"PYTHONPATH": str(ROOT), "BIAOGAN_DATA_DIR": str(data)}  # what a shell knows: where the data is
    done = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "users", "create", "--name", "市人社局管理员", "--role", "admin"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    with Session(get_engine(service_db)) as s:
        assert [u.name for u in s.exec(select(User)).all()] == ["市人社局管理员"]
    assert not (data / "biaogan.db").exists()


def test_the_shells_own_variables_win(tmp_path):
    write_service_env(Settings(data_dir=tmp_path, task_queue="from-file", api_port=18124), {})
    shell = {"BIAOGAN_DATA_DIR": str(tmp_path), "BIAOGAN_TASK_QUEUE": "from-shell"}
    assert read_service_env(shell) == tmp_path / "service.env"
    assert shell["BIAOGAN_TASK_QUEUE"] == "from-shell" and shell["BIAOGAN_API_PORT"] == "18124"
    assert read_service_env({"BIAOGAN_DATA_DIR": str(tmp_path / "elsewhere")}) is None
