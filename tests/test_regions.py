"""The region files (regions/): Linyi read from regions/definitions/shandong.toml gives exactly what the code had
before; a broken file is refused naming its line and field in Chinese; a second city is data only."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import cli
from regions import catalog
from regions.loader import DEFINITIONS, RegionError, key_lines, load_directory, load_file, parse
from state.domain import COUNTIES, Department, Level
from state.labels import CITY, DEPARTMENTS_BY_LEVEL, department_label, issuing_organs, organ_name
from state.numbering import SHORT_NAMES, application_number, short_name
from state.organs import CITY_PREFIX, lead_prefix

ROOT = Path(__file__).resolve().parents[1]
SHANDONG = DEFINITIONS / "shandong.toml"
SECOND = Path(__file__).resolve().parent / "region_files" / "rizhao.toml"

# What state/domain.py, state/labels.py, state/numbering.py and state/organs.py said before the region files.
OLD_COUNTIES = (
    "兰山区", "罗庄区", "河东区", "沂南县", "郯城县", "沂水县", "兰陵县", "费县",
    "平邑县", "莒南县", "蒙阴县", "临沭县", "高新区", "经开区", "临港区", "沂河新区",
)  # fmt: skip
OLD_SHORT = (
    "兰山", "罗庄", "河东", "沂南", "郯城", "沂水", "兰陵", "费县", "平邑", "莒南", "蒙阴", "临沭",
    "高新", "经开", "临港", "沂河",
)  # fmt: skip
OLD_SUFFIX = {
    Level.city: {Department.hrss: "人力资源和社会保障局", Department.drc: "发展和改革委员会", Department.civil_affairs: "民政局"},
    Level.county: {Department.hrss: "人力资源和社会保障局", Department.drc: "发展和改革局", Department.civil_affairs: "民政局"},
}  # fmt: skip
OLD_SHORT_NAMES = {
    Level.city: {Department.hrss: "人力资源社会保障局", Department.drc: "发展改革委", Department.civil_affairs: "民政局"},
    Level.county: {Department.hrss: "人力资源社会保障局", Department.drc: "发展改革局", Department.civil_affairs: "民政局"},
}  # fmt: skip


def test_linyi_read_from_its_region_file_is_what_the_code_had_before():
    assert COUNTIES == OLD_COUNTIES
    assert CITY == "临沂市"
    assert CITY_PREFIX == "临人社字" == lead_prefix(Level.city)
    assert dict(zip(OLD_COUNTIES, OLD_SHORT, strict=True)) == SHORT_NAMES
    assert [short_name(c) for c in OLD_COUNTIES] == list(OLD_SHORT)
    assert [lead_prefix(Level.county, c) for c in OLD_COUNTIES] == [f"{s}人社字" for s in OLD_SHORT]
    assert application_number("沂河新区", 2026, 7) == "沂河-2026-0007"
    for level in Level:
        assert dict(DEPARTMENTS_BY_LEVEL[level]) == OLD_SHORT_NAMES[level]
        for department in Department:
            assert department_label(department, level) == OLD_SHORT_NAMES[level][department]
    for department in Department:
        assert organ_name(department, Level.city) == "临沂市" + OLD_SUFFIX[Level.city][department]
        for county in OLD_COUNTIES:
            assert organ_name(department, Level.county, county) == county + OLD_SUFFIX[Level.county][department]
    assert issuing_organs(Level.city) == ("临沂市人力资源和社会保障局", "临沂市发展和改革委员会", "临沂市民政局")
    assert issuing_organs(Level.county, "费县") == ("费县人力资源和社会保障局", "费县发展和改革局", "费县民政局")
    # the checks of before: a city-level organ has no county, a county-level one needs one of ours
    with pytest.raises(ValueError):
        organ_name(Department.drc, Level.city, "兰山区")
    with pytest.raises(ValueError):
        organ_name(Department.drc, Level.county, "朝阳区")
    with pytest.raises(ValueError):
        lead_prefix(Level.county)
    assert lead_prefix(Level.county, "朝阳区") == "朝阳人社字"  # a county no file lists: after its short name


def test_the_package_s_file_names_the_province_and_marks_the_four_zones():
    (province,) = load_directory(DEFINITIONS)
    assert province.province == "山东省"
    (linyi,) = province.cities
    assert linyi.name == "临沂市" and linyi.hrss.code == "临人社字"
    assert [z.name for z in linyi.zones()] == ["高新区", "经开区", "临港区", "沂河新区"]
    assert {c.kind for c in linyi.counties if c not in linyi.zones()} == {"区", "县"}


def _line_of(text: str, fragment: str) -> int:
    (index,) = [i for i, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return index


def _refused(text: str) -> RegionError:
    with pytest.raises(RegionError) as caught:
        parse(text, "山东.toml")
    return caught.value


@pytest.mark.parametrize(
    ("old", "new", "marker", "field", "problem"),
    [
        (
            'code = "兰山人社字"',
            'code = "兰山人社"',
            "兰山人社",
            "cities[0].counties[0].hrss（临沂市 › 兰山区 › 人力资源和社会保障部门）",
            "机关代字“兰山人社”须以“字”结尾",
        ),
        (
            ', code = "罗庄人社字"',
            "",
            "罗庄区人力资源",
            "cities[0].counties[1].hrss.code（临沂市 › 罗庄区 › 人力资源和社会保障部门 › 机关代字）",
            "缺少此项",
        ),
        (
            'kind = "县"\nshort = "费县"',
            'kind = "镇"\nshort = "费县"',
            "镇",
            "cities[0].counties[7].kind（临沂市 › 费县 › 类别）",
            "只能是以下之一：区、县、县级市、功能区",
        ),
        (
            'short = "河东"',
            'short = "河东"\nwebsite = "河东"',
            "website",
            "cities[0].counties[2].website（临沂市 › 河东区 › website）",
            "不认识的字段",
        ),
        (
            'drc = { name = "临沂市发展和改革委员会"',
            "drc = { name = 7",
            "name = 7",
            "cities[0].drc.name（临沂市 › 发展和改革部门 › 名称）",
            "应为文字",
        ),
    ],
)
def test_a_broken_file_is_refused_naming_its_file_line_and_field_in_chinese(old, new, marker, field, problem):
    text = SHANDONG.read_text(encoding="utf-8")
    assert old in text
    broken = text.replace(old, new, 1)
    error = _refused(broken)
    assert error.line == _line_of(broken, marker), str(error)
    assert error.field == field
    assert problem in error.problem
    assert str(error).startswith(f"地区定义文件 山东.toml 第{error.line}行，字段 {field}：")


def test_an_organ_not_named_after_its_place_points_at_the_county():
    text = SHANDONG.read_text(encoding="utf-8")
    broken = text.replace('name = "河东区民政局"', 'name = "临沂市民政局"', 1)
    error = _refused(broken)
    assert error.field == "cities[0].counties[2]（临沂市 › 河东区）" and "须以所在地“河东区”开头" in error.problem
    assert error.line == _line_of(broken, 'name = "河东区"') - 1  # its [[cities.counties]] header


def test_the_counties_of_a_second_city_in_one_file_are_counted_afresh():
    second = SECOND.read_text(encoding="utf-8").split("[[cities]]", 1)[1]
    text = SHANDONG.read_text(encoding="utf-8") + "\n[[cities]]" + second
    lines = key_lines(text)
    assert lines[("cities", 1, "counties", 0, "name")] == _line_of(text, 'name = "东港区"')
    assert lines[("cities", 0, "counties", 15, "hrss", "code")] == _line_of(text, "沂河人社字")
    broken = text.replace('kind = "县"\nshort = "五莲"', 'kind = "乡"\nshort = "五莲"')
    error = _refused(broken)
    assert error.field == f"cities[1].counties[2].kind（{second_city_name()} › 五莲县 › 类别）"
    assert error.line == _line_of(broken, 'kind = "乡"')


def second_city_name() -> str:
    return load_file(SECOND).cities[0].name


def test_a_missing_province_is_refused_without_a_line():
    error = _refused(SHANDONG.read_text(encoding="utf-8").replace('province = "山东省"', "", 1))
    assert (error.line, error.field, error.problem) == (None, "province（省份）", "缺少此项")
    assert str(error) == "地区定义文件 山东.toml，字段 province（省份）：缺少此项"


def test_text_that_is_not_toml_is_refused_with_its_line():
    text = SHANDONG.read_text(encoding="utf-8").replace('short = "郯城"', 'short = "郯城', 1)
    error = _refused(text)
    assert error.line == _line_of(text, 'short = "郯城') and "不是有效的 TOML 文本" in error.problem
    with pytest.raises(RegionError, match="无法读取"):
        load_file(ROOT / "无此文件.toml")


def test_a_second_city_is_data_only_read_from_a_directory(tmp_path, monkeypatch):
    shutil.copy(SECOND, tmp_path / "second.toml")
    (province,) = load_directory(tmp_path)
    (city,) = province.cities
    name = city.name
    with pytest.raises(KeyError, match="没有城市"):
        catalog.city(name)
    monkeypatch.setenv(catalog.DIRECTORY_VARIABLE, str(tmp_path))
    assert set(catalog.cities()) == {"临沂市", name}
    assert catalog.city(name) == city
    assert tuple(c.name for c in city.counties)[:4] == ("东港区", "岚山区", "五莲县", "莒县")
    assert [z.kind for z in city.zones()] == ["功能区", "功能区"]
    assert issuing_organs(Level.city, city=name) == (
        f"{name}人力资源和社会保障局",
        f"{name}发展和改革委员会",
        f"{name}民政局",
    )
    assert organ_name(Department.drc, Level.county, "莒县", city=name) == "莒县发展和改革局"
    assert lead_prefix(Level.city, city=name) == "日人社字"
    assert lead_prefix(Level.county, "东港区", city=name) == "东人社字"
    assert lead_prefix(Level.county, f"{name[:2]}经济技术开发区", city=name) == "日经开人社字"
    assert short_name("五莲县", city=name) == "五莲"
    with pytest.raises(ValueError):
        organ_name(Department.hrss, Level.county, "兰山区", city=name)  # not a county of that city
    # the deployment stays Linyi: the defaults do not move
    assert issuing_organs(Level.city)[0] == "临沂市人力资源和社会保障局" and COUNTIES == OLD_COUNTIES
    monkeypatch.setenv(catalog.CITY_VARIABLE, name)
    assert catalog._deployment() == city  # what a deployment for that city would serve
    monkeypatch.setenv(catalog.DIRECTORY_VARIABLE, str(tmp_path / "无此目录"))
    with pytest.raises(RegionError, match="目录不存在"):
        catalog.cities()


def test_no_python_file_names_the_second_city():
    second = "日" + "照"
    files = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True)
    named = [p for p in files.stdout.split() if second in (ROOT / p).read_text(encoding="utf-8")]
    assert not named, named
    assert second in SECOND.read_text(encoding="utf-8")  # the check looks for words that are there


def test_the_commands_print_the_schema_and_check_a_file(capsys, tmp_path):
    cli.main(["regions", "schema"])
    schema = json.loads(capsys.readouterr().out)
    assert {"province", "cities"} <= set(schema["properties"]) and "County" in schema["$defs"]
    assert "功能区" in json.dumps(schema, ensure_ascii=False)
    cli.main(["regions", "check", str(SECOND)])
    out = capsys.readouterr().out
    assert "4 个县区、2 个功能区" in out and "日人社字" in out and out.rstrip().endswith("检查通过")
    broken = tmp_path / "broken.toml"
    broken.write_text(SECOND.read_text(encoding="utf-8").replace('code = "东人社字"', 'code = "东人社"'), "utf-8")
    with pytest.raises(SystemExit) as exited:
        cli.main(["regions", "check", str(broken)])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert f"地区定义文件 {broken} 第{_line_of(broken.read_text('utf-8'), '东人社')}行" in err


def test_the_settings_show_the_region_read_at_import(monkeypatch):
    from config import RegionSettings, Settings

    assert Settings().regions.regions_city == "临沂市"
    monkeypatch.setenv(catalog.CITY_VARIABLE, "济南市")
    with pytest.raises(ValueError, match="read at import is 临沂市"):
        RegionSettings()
