"""申报表 (附件2): the institution's facts, the basic conditions attested, the materials, the county's opinions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from documents.layout import GRID_LINE, Heading, build, chinese_date, file_size, grid, number, para, song, style
from documents.models import COUNTY_DEPARTMENTS, DeclarationForm, DepartmentOpinion

BLANK_DATE = "年　月　日"
SEAL_PLACE = "（盖章）"
PLEDGE = "申报单位承诺：以上所填内容及所附材料真实、准确、完整，如有虚假失实，愿按规定撤销评定。"

WIDTH = A4[0] - 40 * mm
LABEL_SHADE = colors.Color(0.94, 0.94, 0.94)


def declaration_form(form: DeclarationForm) -> bytes:
    """The 申报表 as PDF bytes."""
    label = style(10.5, leading=14, align="centre")
    cell = style(10.5, leading=15, align="left")
    section = style(12.5, leading=18, align="left", space_before=5 * mm, space_after=2 * mm)
    story: list[Flowable] = [
        para("附件2", style(12, align="left")),
        Spacer(1, 3 * mm),
        Heading(f"{form.level}就业服务质量标杆机构申报表", 20, space_after=5 * mm),
        para("一、机构基本情况", section),
        _facts(form, label, cell),
        para("二、评定基本条件", section),
        _conditions(form, label, cell),
        para("三、申报材料清单", section),
        _materials(form, label, style(9.5, leading=13, align="left")),
        KeepTogether(
            [
                para("四、县区部门意见", section),
                para(PLEDGE, style(10.5, leading=16, indent_chars=2, space_after=3 * mm)),
                _opinions(form, cell),
            ]
        ),
    ]

    def footer(canvas: Canvas, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(song(), 9)
        canvas.setFillColor(colors.Color(0.3, 0.3, 0.3))
        y = 12 * mm
        canvas.drawString(20 * mm, y, f"申报编号：{form.application_id}")
        canvas.drawCentredString(A4[0] / 2, y, f"第{document.page}页")
        canvas.drawRightString(A4[0] - 20 * mm, y, f"申报日期：{chinese_date(form.declared_on)}")
        canvas.restoreState()

    return build(
        story,
        pagesize=A4,
        margins=(20 * mm, 20 * mm, 22 * mm, 20 * mm),
        title=f"{form.institution_name} 就业服务质量标杆机构申报表",
        on_page=footer,
    )


class SealAndDate(Flowable):
    """（盖章） over the date, right-aligned, drawn as is: a Paragraph would collapse the 　 in 年　月　日."""

    SIZE = 10.5

    def __init__(self, signed_on: str):
        super().__init__()
        self.signed_on = signed_on

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = 2 * self.SIZE * 1.7
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFont(song(), self.SIZE)
        right = self.width - self.SIZE
        self.canv.drawRightString(right, self.SIZE * 2.1, SEAL_PLACE)
        self.canv.drawRightString(right, self.SIZE * 0.4, self.signed_on)


def _facts(form: DeclarationForm, label: ParagraphStyle, cell: ParagraphStyle) -> Table:
    def k(text: str) -> Paragraph:
        return para(text, label)

    def v(text: str) -> Paragraph:
        return para(text, cell)

    rows: list[list[Any]] = [
        [k("机构名称"), v(form.institution_name), "", ""],
        [k("机构类型"), v(form.institution_type), k("所在县区"), v(form.county)],
        [
            k("统一社会信用代码"),
            v(form.credit_code),
            k("成立日期"),
            v(chinese_date(form.founded_on) if form.founded_on else ""),
        ],
        [k("地址"), v(form.address), "", ""],
        [k("负责人"), v(form.person_in_charge), k("联系人"), v(form.contact_person)],
        [
            k("联系电话"),
            v(form.contact_phone),
            k("工作人员数"),
            v(f"{form.staff_count}人" if form.staff_count is not None else ""),
        ],
        [
            k("服务场所面积（㎡）"),
            v(number(form.premises_area_m2) if form.premises_area_m2 is not None else ""),
            k("申报级别"),
            v(form.level),
        ],
        [k("服务内容"), v(form.services), "", ""],
        [k("特色亮点"), v(form.highlights), "", ""],
        [k("所获荣誉"), v(form.honours), "", ""],
    ]
    if form.level == "市级" or form.county_title_doc_number:
        held = " ".join(
            part
            for part in (
                form.county_title_doc_number,
                chinese_date(form.county_title_on) if form.county_title_on else "",
            )
            if part
        )
        rows.append([k("县级标杆称号文号及日期"), v(held), "", ""])
    spans = [("SPAN", (1, i), (3, i)) for i, row in enumerate(rows) if row[2] == ""]
    shade = [("BACKGROUND", (0, 0), (0, -1), LABEL_SHADE), ("BACKGROUND", (2, 1), (2, 6), LABEL_SHADE)]
    # Free-text rows get room to be read (and, on a form printed blank, to be written in).
    heights = [0.0] * 7 + [18 * mm] * 3 + [0.0] * (len(rows) - 10)
    widths = [38 * mm, 47 * mm, 38 * mm, WIDTH - 123 * mm]
    return grid(rows, widths, [*spans, *shade], header=False, min_heights=heights)


def _conditions(form: DeclarationForm, label: ParagraphStyle, cell: ParagraphStyle) -> Table:
    rows: list[list[Any]] = [[para("序号", label), para("评定条件", label), para("申报说明", label)]]
    for i, item in enumerate(form.conditions, start=1):
        rows.append([para(str(i), label), para(item.condition, cell), para(item.statement, cell)])
    if not form.conditions:
        rows.append([para("—", label), para("（未填写）", cell), ""])
    return grid(rows, [12 * mm, 79 * mm, WIDTH - 91 * mm], [("BACKGROUND", (0, 0), (-1, 0), LABEL_SHADE)])


BEIJING = timezone(timedelta(hours=8))  # documents import no other room: the zone as state.clock has it


def _uploaded(moment: datetime | None) -> str:
    """2026年3月2日 14:30, Beijing time; — when not known."""
    if moment is None:
        return "—"
    local = moment.astimezone(BEIJING) if moment.tzinfo else moment
    return f"{chinese_date(local.date())} {local:%H:%M}"


def _materials(form: DeclarationForm, label: ParagraphStyle, small: ParagraphStyle) -> Table:
    head = ["序号", "材料名称", "文件名", "大小", "上传时间"]
    rows: list[list[Any]] = [[para(text, label) for text in head]]
    for i, item in enumerate(form.materials, start=1):
        rows.append(
            [
                para(str(i), label),
                para(item.title, small),
                para(item.file_name, small),
                para(file_size(item.size_bytes), small),
                para(_uploaded(item.uploaded_at), small),
            ]
        )
    if not form.materials:
        rows.append([para("—", label), para("（无）", small), "", "", ""])
    widths = [12 * mm, 52 * mm, 56 * mm, 22 * mm, WIDTH - 142 * mm]
    return grid(rows, widths, [("BACKGROUND", (0, 0), (-1, 0), LABEL_SHADE)])


def _opinions(form: DeclarationForm, cell: ParagraphStyle) -> Table:
    opinions = list(form.opinions) or [DepartmentOpinion(name) for name in COUNTY_DEPARTMENTS]
    head = style(10.5, leading=14, align="centre")
    rows: list[list[Any]] = [
        [para(f"{o.department}意见", head) for o in opinions],
        [para(o.opinion, cell) for o in opinions],
        [SealAndDate(chinese_date(o.signed_on) if o.signed_on else BLANK_DATE) for o in opinions],
    ]
    columns = len(opinions)
    table = Table(rows, colWidths=[WIDTH / columns] * columns, rowHeights=[None, 42 * mm, None])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), song()),
                ("BOX", (0, 0), (-1, -1), 0.6, GRID_LINE),
                ("LINEAFTER", (0, 0), (-2, -1), 0.6, GRID_LINE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID_LINE),
                ("BACKGROUND", (0, 0), (-1, 0), LABEL_SHADE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table
