"""``biaogan programs check`` and ``publish`` on a real database: a new database starts with the Linyi definition as
version 1; check says what a file would change; publish records a new immutable version, or says the same content is
in force already; a file with a mistake is refused by both, naming file, line and key, with a non-zero exit."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import ROOT
from db import programs as store
from db.schema import upgrade
from programs.load import SEED
from services.identity import add_user
from services.programs import publish
from services.refusals import Refusal


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'biaogan.db'}"
    upgrade(url)
    token = add_user(url, "系统管理员甲", "admin").token
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("BIAOGAN_") and k != "DATABASE_URL"},
        "BIAOGAN_DATA_DIR": str(tmp_path),
        "DATABASE_URL": url,
        "BIAOGAN_TOKEN": token,
    }


def biaogan(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "programs", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_a_new_database_has_the_linyi_definition_as_version_1(env):
    (row,) = store.versions(env["DATABASE_URL"], "linyi-2026")
    assert (row.version, row.published_by) == (1, "系统")
    assert row.sha256 == hashlib.sha256(SEED.read_bytes()).hexdigest() and row.content == SEED.read_text("utf-8")
    upgrade(env["DATABASE_URL"])  # again: nothing more
    assert len(store.versions(env["DATABASE_URL"], "linyi-2026")) == 1


def test_check_then_publish_a_change_and_the_same_content_again(env, tmp_path):
    same = biaogan(env, "check", str(SEED))
    assert same.returncode == 0 and "与现行第1版相同，无改动" in same.stdout
    changed = tmp_path / "linyi.toml"
    changed.write_text(SEED.read_text("utf-8").replace("working_days = 5", "working_days = 7"), encoding="utf-8")
    checked = biaogan(env, "check", str(changed))
    assert checked.returncode == 0, checked.stderr
    assert "与现行第1版相比，1处改动：" in checked.stdout
    assert "修改 notice.working_days（公示 › 工作日数）：5 → 7" in checked.stdout
    assert len(store.versions(env["DATABASE_URL"], "linyi-2026")) == 1  # check records nothing

    done = biaogan(env, "publish", str(changed), "--reason", "公示期延长为7个工作日")
    assert done.returncode == 0, done.stderr
    assert "已发布评定项目 linyi-2026 第2版" in done.stdout and "修改 notice.working_days" in done.stdout
    again = biaogan(env, "publish", str(changed), "--reason", "再次发布")
    assert again.returncode == 0 and "与现行第2版内容相同，已在施行，未新增版本" in again.stdout
    rows = store.versions(env["DATABASE_URL"], "linyi-2026")
    assert [(r.version, r.published_by, r.reason) for r in rows] == [
        (1, "系统", rows[0].reason),
        (2, "系统管理员甲", "公示期延长为7个工作日"),
    ]
    assert rows[1].content == changed.read_text("utf-8")


def test_a_file_with_a_mistake_is_refused_by_check_and_publish_naming_file_line_and_key(env, tmp_path):
    wrong = tmp_path / "wrong.toml"
    text = SEED.read_text("utf-8").replace("working_days = 5", 'working_days = "五"')
    wrong.write_text(text, encoding="utf-8")
    line = text[: text.index('working_days = "五"')].count("\n") + 1
    for args in (("check", str(wrong)), ("publish", str(wrong), "--reason", "试")):
        refused = biaogan(env, *args)
        assert refused.returncode != 0
        assert f"wrong.toml 第{line}行：notice.working_days 应为整数" in refused.stderr
        assert "定义有误（1处），未予采用" in refused.stderr
    assert len(store.versions(env["DATABASE_URL"], "linyi-2026")) == 1


def test_publish_needs_a_reason_and_an_admin(env, tmp_path):
    with pytest.raises(Refusal) as e:
        publish(env["DATABASE_URL"], SEED, "甲", "  ")
    assert e.value.extra["rule"] == "program_reason_required" and e.value.status == 422
    stranger = biaogan({**env, "BIAOGAN_TOKEN": "not-a-token"}, "publish", str(SEED), "--reason", "试")
    assert stranger.returncode != 0 and "该令牌不是系统管理员的令牌" in stranger.stderr


def test_schema_prints_the_json_schema_of_a_definition(env):
    import json

    printed = biaogan(env, "schema")
    schema = json.loads(printed.stdout)
    assert printed.returncode == 0 and schema["title"] == "Program"
    assert {"levels", "institution_types", "notice", "revocation_grounds"} <= set(schema["properties"])


def test_the_file_is_read_from_where_it_is_given(env, tmp_path):
    missing = biaogan(env, "check", str(tmp_path / "nowhere.toml"))
    assert missing.returncode != 0 and "nowhere.toml：文件不存在或无法读取" in missing.stderr
    assert Path(SEED).is_file()


def test_an_unknown_program_is_refused_with_its_rule(env):
    from services.programs import view

    with pytest.raises(Refusal) as e:
        view(env["DATABASE_URL"], "no-such-program")
    assert (e.value.status, e.value.extra["rule"]) == (404, "program_unknown")
    assert e.value.message == "没有此评定项目：no-such-program"
