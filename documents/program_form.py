"""Another program's 申报表, drawn from its definition (documents.models.ProgramForm): the program's title and the
level's, 一、基本情况 (each fact of the type's fact table), 二、评定条件核实说明 (each applicable condition with the
county's attestation), 三、申报材料 (the checklist, 已提交 or 未提交), 四、诚信承诺 as the first program's form has it,
and 五、the declaring county's bureau's opinion box. The look is the first program's 申报表 (documents/declaration.py);
long texts break across pages there as here."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Table, TableStyle

from documents.declaration import (
    BLANK_DATE,
    DRAFT_MARK,
    LABEL_SHADE,
    MARGINS,
    MARK_RED,
    NUMBER_PENDING,
    NUMBER_TO_COME,
    SIZE,
    WIDTH,
    SealAndDate,
    breakable,
    kept_section,
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
        _number_and_date(form, cell),
        kept_section("一、基本情况", _facts(form, label, cell), section),
        kept_section("二、评定条件核实说明", _conditions(form, label, cell), section),
        kept_section("三、申报材料", _materials(form, label, cell), section),
        kept_section("四、诚信承诺", pledge_box(), section),
        kept_section("五、县区人力资源社会保障部门意见", _opinion(form, cell), section),
    ]

    def margins(canvas: Canvas, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(song(), 9)
        canvas.setFillColor(colors.Color(0.3, 0.3, 0.3))
        left, right = MARGINS[3], A4[0] - MARGINS[1]
        y = 12 * mm
        canvas.drawString(left, y, f"申报编号：{_number(form)}")
        canvas.drawCentredString(A4[0] / 2, y, f"第{document.page}页")
        canvas.drawRightString(right, y, _dated(form))
        if form.draft:
            canvas.setFillColor(MARK_RED)
            canvas.setFont(song(), 10.5)
            canvas.drawRightString(right, A4[1] - 12 * mm, DRAFT_MARK)
        canvas.restoreState()

    return build(
        story,
        pagesize=A4,
        margins=MARGINS,
        title=f"{form.institution_name} {form.level_title}申报表" + ("（草稿）" if form.draft else ""),
        on_page=margins,
    )


def _number(form: ProgramForm) -> str:
    return form.number or (NUMBER_TO_COME if form.draft else NUMBER_PENDING)


def _dated(form: ProgramForm) -> str:
    if form.declared_on is not None:
        return f"申报日期：{chinese_date(form.declared_on)}"
    return f"打印日期：{chinese_date(form.printed_on)}" if form.printed_on else "申报日期：（申报时填写）"


def _number_and_date(form: ProgramForm, cell: ParagraphStyle) -> Table:
    right = style(SIZE, leading=15, align="right")
    table = Table([[para(f"申报编号：{_number(form)}", cell), para(_dated(form), right)]], colWidths=[WIDTH / 2] * 2)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), song()),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


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
