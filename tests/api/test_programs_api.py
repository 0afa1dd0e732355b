"""评定项目定义 over HTTP: the programs in force (Linyi's first, seeded as version 1 with the database), one program's
definition with every version and what each changed, and an unknown program refused 404 with its rule."""

import secrets
from pathlib import Path

from programs.load import SEED, read
from services.programs import publish
from tests.api.conftest import expect


def copy_of_linyi(tmp_path: Path) -> tuple[str, Path]:
    """The Linyi definition under an id of its own (so the shared database's Linyi is left as it is)."""
    program_id = f"t-{secrets.token_hex(4)}"
    text = SEED.read_text("utf-8").replace('id = "linyi-2026"', f'id = "{program_id}"', 1)
    path = tmp_path / f"{program_id}.toml"
    path.write_text(text, encoding="utf-8")
    return program_id, path


async def test_the_programs_in_force_and_one_program_s_versions(api, tmp_path):
    program_id, first = copy_of_linyi(tmp_path)
    second = tmp_path / "second.toml"
    second.write_text(first.read_text("utf-8").replace("working_days = 5", "working_days = 7"), encoding="utf-8")
    publish(api.database_url, first, "系统管理员", "测试项目首次发布")
    publish(api.database_url, second, "系统管理员", "公示期延长为7个工作日")

    listed = expect(await api.get("clerk", "/programs"), 200)["items"]
    by_id = {p["id"]: p for p in listed}
    linyi = by_id["linyi-2026"]
    assert linyi["title"] == "临沂市就业服务质量标杆机构评定" and linyi["version"] >= 1
    assert [lv["key"] for lv in linyi["levels"]] == ["county", "city"]
    assert [t["label"] for t in linyi["types"]][3] == "零工市场"
    assert by_id[program_id]["version"] == 2
    assert by_id[program_id]["sha256"] == read(second).sha256

    found = expect(await api.get("supervisor", f"/programs/{program_id}"), 200)
    assert found["definition"]["notice"]["working_days"] == 7
    assert found["definition"]["institution_types"][1]["rules"][0]["value"] == 5
    assert [(v["version"], v["published_by"], v["reason"]) for v in found["versions"]] == [
        (1, "系统管理员", "测试项目首次发布"),
        (2, "系统管理员", "公示期延长为7个工作日"),
    ]
    assert found["versions"][0]["changes"] == []
    assert all(v["published_at"].endswith(("+00:00", "Z")) for v in found["versions"])  # a moment, with its offset
    assert found["versions"][1]["changes"] == [
        {"path": "notice.working_days", "kind": "changed", "before": 5, "after": 7}
    ]


async def test_an_unknown_program_is_404_with_its_rule_and_a_stranger_is_401(api):
    refused = expect(await api.get("admin", "/programs/no-such-program"), 404)
    assert refused["detail"]["rule"] == "program_unknown"
    assert refused["detail"]["message"] == "没有此评定项目：no-such-program"
    assert (await api.get(None, "/programs")).status_code == 401
