"""The 申报表 and its draft read back with pdfplumber: the sections in the notice's order, the 诚信承诺 a section of its
own with the declaring unit's seal place, its head's signature and a date line, the county's three opinion boxes each
with a seal place, the draft marked 草稿（待盖章） on every page with its number still to come, no id anywhere, and no
character past the margins."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

import pdfplumber
import pytest

from documents import AttestedCondition, DepartmentOpinion, declaration_form
from tests.documents.samples import DECLARATION, DRAFT

MM = 72 / 25.4
PAGE_WIDTH = 595.28
LEFT, RIGHT = 20 * MM, PAGE_WIDTH - 20 * MM  # the 申报表's type area (documents/declaration.py MARGINS)
TOP, BOTTOM = 20 * MM, 22 * MM
SECTIONS = (
    "一、单位基本情况",
    "二、申报类型及级别",
    "三、主要业绩及服务情况",
    "四、分类评定指标（零工市场）",
    "五、评定条件说明",
    "六、申报材料清单",
    "七、诚信承诺",
    "八、县区部门意见",
)
PLEDGE = "申报材料真实、准确、完整，如有虚假，自愿承担相应责任、接受撤销评定结果"
AN_ID = re.compile(r"A[0-9a-f]{20}|[0-9a-f]{12,}")


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text top to bottom, without line breaks or spaces (a cell's text may wrap; 年　月　日 is 年月日)."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return ["".join(page.extract_text().split()) for page in document.pages]


def body_text(pdf: bytes) -> str:
    """The text inside the type area of every page (no footer, no draft mark), without line breaks or spaces."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        inside = [page.within_bbox((0, TOP, page.width, page.height - BOTTOM)) for page in document.pages]
        return "".join("".join(page.extract_text().split()) for page in inside)


def between(whole: str, start: str, end: str | None = None) -> str:
    after = whole[whole.index(start) + len(start) :]
    return after[: after.index(end)] if end else after


@pytest.mark.parametrize("form", [DECLARATION, DRAFT], ids=["declared", "draft"])
def test_the_sections_come_in_the_notices_order(form) -> None:
    whole = "".join(page_texts(declaration_form(form)))
    at = [whole.find(heading) for heading in SECTIONS]
    assert -1 not in at and at == sorted(at), dict(zip(SECTIONS, at, strict=True))
    assert "附件2" in whole and "市级就业服务质量标杆机构申报表" in whole
    unit = between(whole, "一、单位基本情况", "二、")
    assert "兰山区零工市场" in unit and "12371302MB2857341X" in unit and "李明" in unit and "0539-8123456" in unit
    kind = between(whole, "二、申报类型及级别", "三、")
    assert "零工市场" in kind and "市级" in kind and "兰人社字〔2025〕12号" in kind
    record = between(whole, "三、主要业绩及服务情况", "四、")
    assert "零工信息发布" in record and "15分钟零工服务圈" in record and "2024年山东省充分就业社区" in record
    conditions = between(whole, "五、评定条件说明", "六、")
    assert "有固定的服务场所、稳定专业的服务团队" in conditions and "自有场所620㎡，专职人员12人" in conditions


def test_the_type_facts_have_their_own_section() -> None:
    training = replace(
        DECLARATION,
        institution_type="职业培训机构",
        type_facts=(
            ("培训合格率", "98%"),
            ("学员整体满意率", "96.5%"),
            ("近三年历次办学质量督导评估等次", "优秀、优秀"),
        ),
    )
    whole = "".join(page_texts(declaration_form(training)))
    facts = between(whole, "四、分类评定指标（职业培训机构）", "五、")
    assert "培训合格率98%" in facts and "学员整体满意率96.5%" in facts and "优秀、优秀" in facts
    none = "".join(page_texts(declaration_form(replace(DECLARATION, type_facts=()))))
    assert "本类型机构无须填报量化指标" in between(none, "四、", "五、")


@pytest.mark.parametrize("form", [DECLARATION, DRAFT], ids=["declared", "draft"])
def test_the_integrity_pledge_is_a_section_of_its_own_with_seal_signature_and_date(form) -> None:
    whole = "".join(page_texts(declaration_form(form)))
    pledge = between(whole, "七、诚信承诺", "八、县区部门意见")
    assert PLEDGE in pledge
    assert "申报单位（盖章）：" in pledge and "负责人（签字）：" in pledge and "日期：年月日" in pledge
    assert "承诺" not in between(whole, "八、县区部门意见")  # no longer under the county's opinions


def test_the_county_opinions_keep_three_boxes_each_with_its_text_and_a_seal_place() -> None:
    whole = "".join(page_texts(declaration_form(DECLARATION)))
    opinions = between(whole, "八、县区部门意见")
    for department in ("兰山区人力资源社会保障局意见", "兰山区发展改革局意见", "兰山区民政局意见"):
        assert department in opinions
    assert opinions.count("（盖章）") == 3 and "同意推荐。" in opinions and "2026年3月5日" in opinions
    written = replace(
        DECLARATION,
        opinions=(
            DepartmentOpinion("兰山区人力资源社会保障局", "材料齐全，同意申报"),
            DepartmentOpinion("兰山区发展改革局", "同意"),
            DepartmentOpinion("兰山区民政局", "无异议"),
        ),
    )
    given = between("".join(page_texts(declaration_form(written))), "八、县区部门意见")
    assert "材料齐全，同意申报" in given and "无异议" in given and given.count("（盖章）") == 3


def test_a_draft_is_marked_on_every_page_and_its_number_is_still_to_come() -> None:
    pages = page_texts(declaration_form(DRAFT))
    assert len(pages) >= 2
    for page in pages:
        assert "草稿（待盖章）" in page
        assert "申报编号：（申报后由系统生成）" in page and "打印日期：2026年3月1日" in page
    whole = "".join(pages)
    assert "申报日期" not in whole  # not declared yet
    assert "经申报单位盖章、负责人签字" in whole and "作为申报材料“申报表”扫描上传" in whole
    checklist = between(whole, "六、申报材料清单", "七、")
    assert "诚信承诺书（申报单位盖章、负责人签字）必需" in checklist
    assert "荣誉证书（市级及以上荣誉称号、项目奖励等）可选" in checklist
    opinions = between(whole, "八、县区部门意见")
    assert opinions.count("年月日") == 3 and opinions.count("（盖章）") == 3  # blank, to seal by hand


def test_a_declared_form_prints_its_number_and_never_an_id() -> None:
    whole = "".join(page_texts(declaration_form(DECLARATION)))
    assert whole.count("申报编号：兰山-2026-0007") >= 2 and "草稿" not in whole  # under the title and in the footer
    not_yet = "".join(page_texts(declaration_form(replace(DECLARATION, number=""))))
    assert "申报编号：（生成中）" in not_yet  # declared a moment ago: the number is being given, no id instead
    for form in (DECLARATION, DRAFT, replace(DECLARATION, number="")):
        assert not AN_ID.search("".join(page_texts(declaration_form(form))))


LONG = replace(
    DRAFT,
    institution_name="临沂市兰山区" + "人力资源和社会保障服务中心零工市场" * 6,
    address="SHANDONGLINYILANSHANDISTRICTJINQUESHANROAD" * 4 + "1234567890" * 8,
    contact_person="欧阳" * 30,
    contact_phone="0539-81234567",
    services="零工信息发布、供需对接、技能培训" * 40,
    highlights="0" * 5000,  # the longest the API takes, longer than a page: the row breaks across pages
    honours="、".join(["2024年山东省充分就业社区"] * 20),
    county_title_doc_number="兰人社字〔2025〕123456789号" * 3,
    type_facts=(("服务场所面积（㎡）", "10000000"), ("近三年历次办学质量督导评估等次", "优秀、" * 40)),
    conditions=tuple(AttestedCondition("有固定的服务场所" * 8, "经核实，" + "符合" * 998) for _ in range(3)),
    printed_on=date(2026, 12, 31),
)
LONG_OPINIONS = replace(
    DECLARATION,
    opinions=(
        DepartmentOpinion("兰山区人力资源社会保障局", "同意推荐" * 500, date(2026, 3, 5)),
        DepartmentOpinion("兰山区发展改革局"),
        DepartmentOpinion("兰山区民政局"),
    ),
)
MARGIN_LINES = ("申报编号：", "草稿（待盖章）")  # the footer and a draft's mark, in the margins by design


def margin_lines(page) -> list[str]:
    """The lines of text above or below the type area (a character partly outside counts as outside)."""
    bottom = page.height - BOTTOM + 0.5

    def outside(o: dict) -> bool:
        return o.get("object_type") == "char" and not (o["top"] >= TOP - 0.5 and o["bottom"] <= bottom)

    return page.filter(outside).extract_text().splitlines()


@pytest.mark.parametrize(
    "form", [DECLARATION, DRAFT, LONG, LONG_OPINIONS], ids=["declared", "draft", "long texts", "long opinion"]
)
def test_no_character_runs_past_the_margins(form) -> None:
    with pdfplumber.open(io.BytesIO(declaration_form(form))) as document:
        for number, page in enumerate(document.pages, start=1):
            assert page.chars
            outside = [c["text"] for c in page.chars if c["x0"] < LEFT - 0.5 or c["x1"] > RIGHT + 0.5]
            assert outside == [], (number, "".join(outside))
            for line in margin_lines(page):
                assert line.replace(" ", "").startswith(MARGIN_LINES), (number, line)
    if form is LONG_OPINIONS:  # the opinion's box grew with it: all of it printed, its seal place below it
        opinions = between(body_text(declaration_form(form)), "八、县区部门意见")
        assert opinions.count("同意推荐") == 500 and opinions.rindex("同意推荐") < opinions.index("（盖章）")
