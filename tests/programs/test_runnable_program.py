"""A second runnable program: 南昌市市级创业孵化基地认定 (programs/definitions/nanchang-incubator-2024.toml) with its
region file (tests/region_files/jiangxi.toml). Copied to a directory of their own, both validate, the program's
region resolves to the city and its counties, its issuers are that city's organs, and its rules give their verdicts
per type."""

import shutil
from pathlib import Path

import pytest

from programs.evaluate import failures, required_facts
from programs.load import DEFINITIONS, SEED, read
from programs.model import Program
from regions.loader import load_directory
from regions.model import City

PROGRAM = DEFINITIONS / "nanchang-incubator-2024.toml"
REGION = Path(__file__).resolve().parents[1] / "region_files" / "jiangxi.toml"
LINYI = read(SEED).program

COUNTIES = ["东湖区", "西湖区", "青云谱区", "青山湖区", "新建区", "红谷滩区", "南昌县", "安义县", "进贤县"]

# A base meeting every threshold of both types; each case changes what it names.
GOOD = {
    "name": "南昌某创业孵化运营有限公司",
    "credit_code": "91360100MA35ABCD1X",
    "base_name": "某创业孵化基地",
    "county_title_doc_no": "东湖人社字〔2023〕12号",
    "legal_person": True,
    "incubation_main_business": True,
    "years_operating": 2,
    "incubation_area_m2": 1500,
    "area_in_use_pct": 70,
    "incubated_entities": 15,
    "jobs_created": 120,
    "success_rate_pct": 50,
    "exit_rate_pct": 60,
}


@pytest.fixture
def copied(tmp_path) -> tuple[Program, City]:
    """Both files in directories of their own: nothing finds them by where they live in the repository."""
    (tmp_path / "programs").mkdir()
    (tmp_path / "regions").mkdir()
    shutil.copy(PROGRAM, tmp_path / "programs" / "second.toml")
    shutil.copy(REGION, tmp_path / "regions" / "jiangxi.toml")
    program = read(tmp_path / "programs" / "second.toml").program
    stem, city_name = program.region.split("/")
    assert (tmp_path / "regions" / f"{stem}.toml").is_file()
    (province,) = load_directory(tmp_path / "regions")
    assert province.province == "江西省"
    (city,) = [c for c in province.cities if c.name == city_name]
    return program, city


def test_it_validates_with_one_city_level_that_asks_for_a_county_title(copied):
    program, _ = copied
    assert program.id == "nanchang-incubator-2024" and program.source.document_no == "洪人社规〔2024〕1号"
    assert [lv.key for lv in program.levels] == ["city"]
    assert {lv.key for lv in program.levels} <= {"county", "city"}
    requires = program.levels[0].requires
    assert requires is not None and (requires.lower, requires.title) == ("county", "县（区）级创业孵化基地")
    assert [t.key for t in program.institution_types] == ["social_base", "student_base"]
    facts = {f.name: f for f in program.facts}
    assert facts["name"].required is True and facts["credit_code"].required is True
    assert facts["credit_code"] == {f.name: f for f in LINYI.facts}["credit_code"]
    assert program.review.competitive is False
    assert program.quota is None and program.filing is None and program.correction is None


def test_its_notice_is_seven_working_days_not_linyi_s_five(copied):
    program, _ = copied
    assert program.notice.working_days == 7 != LINYI.notice.working_days == 5
    assert program.notice.published_by == "hrss"


def test_its_region_resolves_to_nanchang_and_its_issuers_are_the_city_s_organs(copied):
    program, city = copied
    assert (city.name, city.short, city.hrss.code) == ("南昌市", "南昌", "洪人社字")
    assert [c.name for c in city.counties if c.kind != "功能区"] == COUNTIES
    assert {c.kind for c in city.counties if c.kind != "功能区"} == {"区", "县"}
    assert "湾里管理局" in [z.name for z in city.zones()]
    organs = city.organs()
    assert list(program.issuing) == ["city"]
    for level, departments in program.issuing.items():
        assert all(d in organs for d in departments), level
    assert [organs[d].name for d in program.issuing["city"]] == ["南昌市人力资源和社会保障局"]
    assert program.source.organs[0] == organs[program.notice.published_by].name


@pytest.mark.parametrize(
    ("kind", "changed", "failed"),
    [
        ("social_base", {}, []),
        (
            "social_base",
            {"incubation_area_m2": 1400},
            [("social_area_min_1500", "社会化基地孵化场地面积不低于1500平方米：填报值为1400")],
        ),
        ("social_base", {"incubation_area_m2": 1500}, []),
        ("social_base", {"jobs_created": 119, "exit_rate_pct": 59.9}, ["nc_exit_rate_min_60", "social_jobs_min_120"]),
        (
            "student_base",
            {"incubation_area_m2": 1000, "area_in_use_pct": 50, "incubated_entities": 10, "jobs_created": 85},
            [],
        ),
        ("student_base", {"incubation_area_m2": 999}, ["student_area_min_1000"]),
        (
            "student_base",
            {"county_title_doc_no": ""},
            [("nc_county_title", "经县（区）人社部门认定为县区级创业孵化基地：未填报")],
        ),
        (
            "student_base",
            {"years_operating": 1, "legal_person": False},
            ["nc_legal_person", "nc_operating_min_2_years"],
        ),
    ],
)
def test_its_rules_give_their_verdicts_per_type(copied, kind, changed, failed):
    program, _ = copied
    found = failures(program, kind, "city", GOOD | changed)
    expected = [f if isinstance(f, tuple) else (f, None) for f in failed]
    assert [f.code for f in found] == [code for code, _ in expected]
    for f, (_, message) in zip(found, expected, strict=True):
        assert message is None or f.message == message


def test_a_declaration_must_state_every_fact_the_rules_test(copied):
    program, _ = copied
    for kind in ("social_base", "student_base"):
        assert set(GOOD) <= set(required_facts(program, kind, "city"))


def test_no_product_file_names_the_second_program_or_its_city():
    """The engine runs it from data alone: no Python file outside the tests (and the script that draws the README's
    pictures from the tests' samples) names its id, its types, its title's words, its city, its province, or its
    organs' 机关代字."""
    raw = read(PROGRAM).program
    names = [raw.id, *(t.key for t in raw.institution_types), "创业孵化", "南昌", "江西", "洪人社", "jiangxi"]
    root = Path(__file__).resolve().parents[2]
    skipped = {".venv", ".cache", "node_modules", ".git", "tests", "scripts"}  # scripts: the README's pictures
    sources = [p for p in root.rglob("*.py") if not skipped & set(p.relative_to(root).parts)]
    assert len(sources) > 200
    named = [f"{p.relative_to(root)}: {n}" for p in sources for n in names if n in p.read_text("utf-8")]
    assert not named, named
