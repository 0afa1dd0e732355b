"""A second real program, data only: the MIIT's national demonstration bases for small and micro enterprises
(programs/definitions/, cited in the file). Copied to a directory of its own, it validates, its rules give their
verdicts on its own facts, and it is checked and published like Linyi's; no Python file names it or its types."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from config import ROOT
from db import programs as store
from db.schema import upgrade
from programs.evaluate import checklist, conditions, failures, required_facts
from programs.load import DEFINITIONS, SEED, read
from services.programs import check, publish

LINYI = read(SEED).program
# Named by the document it cites, not by its file name (which is its id, and no Python file names that): a third
# definition beside it changes nothing here.
(FILE,) = [
    p for p in sorted(DEFINITIONS.glob("*.toml")) if read(p).program.source.document_no == "工信部企业〔2016〕194号"
]


@pytest.fixture
def copied(tmp_path) -> Path:
    """The definition in a directory of its own, under another name: nothing finds it by where it lives."""
    target = tmp_path / "elsewhere" / "second.toml"
    target.parent.mkdir()
    shutil.copy(FILE, target)
    return target


def test_it_validates_from_anywhere_and_cites_its_document(copied):
    program = read(copied).program
    assert program.source.document_no == "工信部企业〔2016〕194号"
    assert program.source.organs == ["工业和信息化部"]
    assert program.validity_years == 3


def test_it_differs_from_linyi_in_notice_levels_types_conditions_and_materials(copied):
    program = read(copied).program
    assert program.notice.working_days == 15 != LINYI.notice.working_days
    assert [lv.key for lv in program.levels] != [lv.key for lv in LINYI.levels] and len(program.levels) == 1
    level = program.levels[0]
    assert level.requires is not None and level.requires.title == "省级小型微型企业创业创新（示范）基地"
    assert not {t.key for t in program.institution_types} & {t.key for t in LINYI.institution_types}
    linyi_conditions = {c.code for c in LINYI.conditions.basic}
    assert not {c.code for c in program.conditions.basic} & linyi_conditions
    assert not {i.code for i in program.materials.items} & {i.code for i in LINYI.materials.items}
    assert program.quota is None and program.filing is None and program.correction is None


GOOD = {
    "provincial_title": True,
    "years_operating": 3,
    "resident_smes": 80,
    "workforce": 1500,
    "service_staff": 10,
    "mentors": 3,
    "partner_agencies": 5,
    "low_fee_share": 20,
    "service_functions": ["信息服务", "创业辅导", "创新支持", "人员培训"],
}


@pytest.mark.parametrize(
    ("changed", "failed"),
    [
        ({}, []),
        ({"years_operating": 2}, [("xw_years_min_3", "基地成立时间3年以上：填报值为2")]),
        ({"resident_smes": 79, "workforce": 1499}, [("xw_smes_min_80", None), ("xw_workforce_min_1500", None)]),
        ({"mentors": 2}, [("xw_mentors_min_3", "其中创业辅导师不少于3人：填报值为2")]),
        ({"low_fee_share": 19.99}, [("xw_low_fee_min_20", None)]),
        (
            {"provincial_title": False},
            [("xw_provincial_title", "经省级中小企业主管部门认定的小型微型企业创业创新（示范）基地：填报值为否")],
        ),
        ({"service_functions": ["信息服务", "创业辅导", "创新支持"]}, [("xw_functions_min_4", None)]),
        (
            {"service_staff": None, "partner_agencies": None},
            [("xw_staff_min_10", "专职从事创业创新服务的人员不少于10人：未填报"), ("xw_partners_min_5", None)],
        ),
    ],
)
def test_its_rules_give_their_verdicts_for_every_type(copied, changed, failed):
    program = read(copied).program
    for kind in program.institution_types:
        found = failures(program, kind.key, "national", GOOD | changed)
        assert [f.code for f in found] == [code for code, _ in failed], kind.key
        for f, (_, message) in zip(found, failed, strict=True):
            assert message is None or f.message == message


def test_its_checklist_conditions_and_required_facts(copied):
    program = read(copied).program
    kind = program.institution_types[2].key
    items = checklist(program, kind, "national")
    assert len(items) == 10 and [i.required for i in items].count(False) == 1
    assert items[0].title == "国家小型微型企业创业创新示范基地申请报告" and items[0].accepts == ("application/pdf",)
    assert len(conditions(program, kind, "national")) == 3
    assert set(required_facts(program, kind, "national")) == {f.name for f in program.facts}


def test_it_is_checked_and_published_like_linyi(copied, tmp_path):
    url = f"sqlite:///{tmp_path / 'second.db'}"
    upgrade(url)
    program_id = read(copied).program.id
    assert check(url, copied).in_force is None
    first = publish(url, copied, "系统管理员", "首次发布")
    assert (first.version.version, first.new) == (1, True)
    assert not publish(url, copied, "系统管理员", "再次发布").new
    copied.write_text(copied.read_text("utf-8").replace("working_days = 15", "working_days = 10"), encoding="utf-8")
    said = check(url, copied)
    assert [(c.path, c.before, c.after) for c in said.changes] == [("notice.working_days", 15, 10)]
    second = publish(url, copied, "系统管理员", "公示期调整")
    assert second.version.version == 2 and [v.version for v in store.versions(url, program_id)] == [1, 2]
    assert [r.program_id for r in store.all_in_force(url)] == sorted([program_id, "linyi-2026"])

    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": url, "BIAOGAN_DATA_DIR": str(tmp_path)}
    cli = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "programs", "check", str(copied)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert cli.returncode == 0, cli.stderr
    assert "与现行第2版相同，无改动" in cli.stdout


def test_no_python_file_names_the_program_or_its_types():
    raw = tomllib.loads(FILE.read_text("utf-8"))
    names = [raw["id"], *(t["key"] for t in raw["institution_types"])]
    skipped = {".venv", ".cache", "node_modules", ".git"}
    sources = [p for p in ROOT.rglob("*.py") if not skipped & set(p.relative_to(ROOT).parts)]
    assert len(sources) > 200
    named = [f"{p.relative_to(ROOT)}: {n}" for p in sources for n in names if n in p.read_text("utf-8")]
    assert not named, named
