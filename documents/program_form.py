"""Another program's 申报表, drawn from its definition (documents.models.ProgramForm): the program's title and the
level's, 一、基本情况 (each fact of the type's fact table), 二、评定条件核实说明 (each applicable condition with the
county's attestation), 三、申报材料 (the checklist, 已提交 or 未提交), 四、诚信承诺 as the first program's form has it,
and 五、the declaring county's bureau's opinion box. The look is the first program's 申报表 (documents/declaration.py);
long texts break across pages there as here."""

from __future__ import annotations

from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from documents.declaration import (
    BLANK_DATE,
    DRAFT_MARK,
    LABEL_SHADE,
    MARGINS,
    MARK_RED,
    SIZE,
    WIDTH,
    SealAndDate,
    breakable,
    kept_section,
    number_and_date,
    page_margins,
    pledge_box,
)
from documents.layout import GRID_LINE, Heading, build, chinese_date, grid, para, song, style
from documents.models import ProgramForm


def draft_note(form: ProgramForm) -> str:
    return (
        f"本表为申报前打印的草稿：经申报单位盖章、负责人签字，{form.opinion.department}签署意见并盖章后，"
        "作为申报材料扫描上传。申报编号于申报后由系统生成。"
    )


def program_form(form: ProgramForm) -> bytes:
    """The 申报表 (or its draft) of another program as PDF bytes."""
    label = style(SIZE, leading=14, align="centre")
    cell = style(SIZE, leading=15, align="left")
    section = style(12.5, leading=18, align="left", space_before=5 * mm, space_after=2 * mm)
    story: list[Flowable] = [
        Heading(f"{form.level_title}申报表", 20, space_after=2 * mm),
        para(f"评定项目：{form.program_title}", style(11, leading=16, align="centre", space_after=3 * mm)),
    ]
    if form.draft:
        story += [
            para(DRAFT_MARK, style(14, leading=20, align="centre", colour=MARK_RED)),
            para(draft_note(form), style(9.5, leading=13, align="left", space_before=1 * mm, space_after=2 * mm)),
        ]
    story += [
        number_and_date(form, cell),
        kept_section("一、基本情况", _facts(form, label, cell), section),
        kept_section("二、评定条件核实说明", _conditions(form, label, cell), section),
        kept_section("三、申报材料", _materials(form, label, cell), section),
        kept_section("四、诚信承诺", pledge_box(), section),
        kept_section("五、县区人力资源社会保障部门意见", _opinion(form, cell), section),
    ]

    return build(
        story,
        pagesize=A4,
        margins=MARGINS,
        title=f"{form.institution_name} {form.level_title}申报表" + ("（草稿）" if form.draft else ""),
        on_page=page_margins(form),
    )


def _facts(form: ProgramForm, label: ParagraphStyle, cell: ParagraphStyle) -> Table:
    """One (label, value) per row, no span: a long value's row breaks across pages cleanly."""
    rows = [
        ("所在县区", form.county),
        ("机构类型", form.institution_type),
        ("申报级别", form.level),
        *form.facts,
    ]
    cells: list[list[Any]] = [[para(k, label), para(v, cell)] for k, v in rows]
    shade = ("BACKGROUND", (0, 0), (0, -1), LABEL_SHADE)
    return breakable(grid(cells, [48 * mm, WIDTH - 48 * mm], [shade], header=False))


def _conditions(form: ProgramForm, label: ParagraphStyle, cell: ParagraphStyle) -> Table:
    rows: list[list[Any]] = [[para("序号", label), para("评定条件", label), para("县区核实说明", label)]]
    for i, item in enumerate(form.conditions, start=1):
        rows.append([para(str(i), label), para(item.condition, cell), para(item.statement, cell)])
    if not form.conditions:
        rows.append([para("—", label), para("（无）", cell), ""])
    return breakable(grid(rows, [12 * mm, 79 * mm, WIDTH - 91 * mm], [("BACKGROUND", (0, 0), (-1, 0), LABEL_SHADE)]))


def _materials(form: ProgramForm, label: ParagraphStyle, cell: ParagraphStyle) -> Table:
    rows: list[list[Any]] = [[para(text, label) for text in ("序号", "材料名称", "要求", "提交情况")]]
    for i, item in enumerate(form.materials, start=1):
        rows.append(
            [
                para(str(i), label),
                para(item.title, cell),
                para("必需" if item.required else "可选", label),
                para("已提交" if item.submitted else "未提交", label),
            ]
        )
    if not form.materials:
        rows.append([para("—", label), para("（无）", cell), "", ""])
    widths = [12 * mm, WIDTH - 62 * mm, 22 * mm, 28 * mm]
    return breakable(grid(rows, widths, [("BACKGROUND", (0, 0), (-1, 0), LABEL_SHADE)]))


def _opinion(form: ProgramForm, cell: ParagraphStyle) -> Table:
    o = form.opinion
    head = style(SIZE, leading=14, align="centre")
    rows: list[list[Any]] = [
        [para(f"{o.department}意见", head)],
        [para(o.opinion, cell)],
        [SealAndDate(chinese_date(o.signed_on) if o.signed_on else BLANK_DATE)],
    ]
    table = Table(rows, colWidths=[WIDTH], minRowHeights=[0, 42 * mm, 0], splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), song()),
                ("BOX", (0, 0), (-1, -1), 0.6, GRID_LINE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID_LINE),
                ("BACKGROUND", (0, 0), (-1, 0), LABEL_SHADE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table
