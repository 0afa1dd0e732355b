"""Another program's 申报表 (documents/program_form.py) read back with pdfplumber: its title and the level's, its five
sections in order, each fact's label and value, the conditions with the county's statements, the checklist with
已提交/未提交, the pledge, the county bureau's opinion box; a draft marked on every page; a 5,000-character fact
breaks across pages whole, and no character runs past the margins."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pdfplumber
import pytest

from documents import AttestedCondition, ChecklistState, DepartmentOpinion, ProgramForm, program_form
from tests.documents.test_declaration_form import LEFT, MARGIN_LINES, RIGHT, margin_lines, page_texts

FORM = ProgramForm(
    program_title="南昌市市级创业孵化基地认定",
    level_title="南昌市市级创业孵化基地",
    level="市级",
    county="东湖区",
    institution_name="南昌青创孵化运营有限公司",
    institution_type="社会化创业孵化基地",
    number="东湖-2026-0001",
    declared_on=date(2026, 5, 6),
    facts=(("基地名称", "东湖青年创业孵化基地"), ("孵化场地面积", "1600㎡"), ("运营机构依法设立并具备法人资格", "是")),
    conditions=(AttestedCondition("经县（区）人社部门认定为县区级创业孵化基地。", "经核实，符合"),),
    materials=(ChecklistState("市级创业孵化基地申报表", True, True), ChecklistState("在孵创业实体名册", True, False)),
    opinion=DepartmentOpinion("东湖区人力资源和社会保障局", "同意推荐", date(2026, 5, 7)),
)
DRAFT = replace(
    FORM,
    number="",
    declared_on=None,
    draft=True,
    printed_on=date(2026, 5, 1),
    opinion=DepartmentOpinion("东湖区人力资源和社会保障局"),
)
LONG = replace(
    DRAFT,
    facts=(("地址", "红谷滩" * 10), ("基地简介", "孵" * 5000)),  # a fact longer than a page: its row breaks
    conditions=tuple(AttestedCondition("创业孵化功能完善" * 10, "经核实，" + "符合" * 998) for _ in range(3)),
)
SECTIONS = (
    "一、基本情况",
    "二、评定条件核实说明",
    "三、申报材料",
    "四、诚信承诺",
    "五、县区人力资源社会保障部门意见",
    "东湖区人力资源和社会保障局意见",
)


def test_the_form_says_the_programs_words_in_its_sections_order() -> None:
    text = "".join(page_texts(program_form(FORM)))
    assert text.startswith("南昌市市级创业孵化基地申报表评定项目：南昌市市级创业孵化基地认定")
    positions = [text.index(s) for s in SECTIONS]
    assert positions == sorted(positions)
    for said in ("申报编号：东湖-2026-0001", "所在县区东湖区", "机构类型社会化创业孵化基地", "申报级别市级"):
        assert said in text, said
    assert "孵化场地面积1600㎡" in text and "运营机构依法设立并具备是" in text  # the label wraps
    assert "经县（区）人社部门认定为县区级创业孵化基1经核实，符合" in text  # the condition wraps by its number
    assert "市级创业孵化基地申报表必需已提交" in text and "在孵创业实体名册必需未提交" in text
    assert "如有虚假，自愿承担相应责任" in text and "同意推荐" in text and "2026年5月7日" in text
    assert "草稿" not in text and "标杆" not in text


def test_a_draft_is_marked_on_every_page_its_number_to_come() -> None:
    pages = page_texts(program_form(LONG))
    assert len(pages) > 2
    assert all("草稿（待盖章）" in p for p in pages)
    assert "申报编号：（申报后由系统生成）" in pages[0] and "打印日期：2026年5月1日" in pages[0]


def test_a_long_fact_breaks_across_pages_whole() -> None:
    pages = page_texts(program_form(LONG))
    body = "".join(pages)
    assert body.count("孵") >= 5000  # every character printed, none cut at a page's foot
    carrying = [i for i, p in enumerate(pages) if "孵孵孵孵孵孵孵孵孵孵" in p]
    assert len(carrying) >= 2  # the row continues on the next page


@pytest.mark.parametrize("form", [FORM, DRAFT, LONG], ids=["declared", "draft", "long texts"])
def test_no_character_runs_past_the_margins(form: ProgramForm) -> None:
    with pdfplumber.open(io.BytesIO(program_form(form))) as document:
        for number, page in enumerate(document.pages, start=1):
            outside = [c["text"] for c in page.chars if c["x0"] < LEFT - 0.5 or c["x1"] > RIGHT + 0.5]
            assert outside == [], (number, "".join(outside))
            for line in margin_lines(page):
                assert line.replace(" ", "").startswith(MARGIN_LINES), (number, line)
