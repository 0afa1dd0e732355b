"""申报表 (附件2): the unit's facts, what it declares for, its record, its type's own facts, the conditions attested,
the materials, the unit's integrity pledge (诚信承诺) with its seal and its head's signature, the county's opinions.

A draft (printed before declaring, to be sealed, signed and uploaded as the checklist's 申报表) is marked 草稿（待盖章）
on every page; its number is the system's to give at declaration, and it says so."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any, Protocol

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from documents.layout import GRID_LINE, Heading, build, chinese_date, file_size, grid, number, para, song, style
from documents.models import COUNTY_DEPARTMENTS, DeclarationForm, DepartmentOpinion

BLANK_DATE = "年　月　日"
SEAL_PLACE = "（盖章）"
PLEDGE = (
    "本单位郑重承诺：本申报表所填内容及所附申报材料真实、准确、完整，如有虚假，自愿承担相应责任、接受撤销评定结果。"
)
DRAFT_MARK = "草稿（待盖章）"
DRAFT_NOTE = (
    "本表为申报前打印的草稿：经申报单位盖章、负责人签字，县区人力资源社会保障、发展改革、民政部门签署意见并盖章后，"
    "作为申报材料“申报表”扫描上传。申报编号于申报后由系统生成。"
)
NUMBER_TO_COME = "（申报后由系统生成）"
NUMBER_PENDING = "（生成中）"  # declared a moment ago: the read model has not numbered it yet

MARGINS = (20 * mm, 20 * mm, 22 * mm, 20 * mm)  # top, right, bottom, left
WIDTH = A4[0] - MARGINS[1] - MARGINS[3]
LABEL_SHADE = colors.Color(0.94, 0.94, 0.94)
MARK_RED = colors.Color(0.75, 0.0, 0.0)
SIZE = 10.5


def declaration_form(form: DeclarationForm) -> bytes:
    """The 申报表 (or its draft) as PDF bytes."""
    label = style(SIZE, leading=14, align="centre")
    cell = style(SIZE, leading=15, align="left")
    section = style(12.5, leading=18, align="left", space_before=5 * mm, space_after=2 * mm)
    title = f"{form.level}就业服务质量标杆机构申报表"
    story: list[Flowable] = [para("附件2", style(12, align="left")), Spacer(1, 3 * mm)]
    story.append(Heading(title, 20, space_after=3 * mm))
    if form.draft:
        story += [
            para(DRAFT_MARK, style(14, leading=20, align="centre", colour=MARK_RED)),
            para(DRAFT_NOTE, style(9.5, leading=13, align="left", space_before=1 * mm, space_after=2 * mm)),
        ]
    story += [
        number_and_date(form, cell),
        kept_section("一、单位基本情况", _unit(form, label, cell), section),
        kept_section("二、申报类型及级别", _kind_and_level(form, label, cell), section),
        kept_section("三、主要业绩及服务情况", _record(form, label, cell), section),
        kept_section(f"四、分类评定指标（{form.institution_type}）", _type_facts(form, label, cell), section),
        kept_section("五、评定条件说明", _conditions(form, label, cell), section),
        kept_section(
            "六、申报材料清单",
            _checklist(form, label, cell)
            if form.draft
            else _materials(form, label, style(9.5, leading=13, align="left")),
            section,
        ),
        kept_section("七、诚信承诺", pledge_box(), section),
        kept_section("八、县区部门意见", _opinions(form, cell), section),
    ]

    return build(
        story,
        pagesize=A4,
        margins=MARGINS,
        title=f"{form.institution_name} 就业服务质量标杆机构申报表" + ("（草稿）" if form.draft else ""),
        on_page=page_margins(form),
    )


def kept_section(heading: str, body: Flowable, section: ParagraphStyle) -> KeepTogether:
    """A section's heading kept with its table (a table longer than a page still breaks, under its heading)."""
    return KeepTogether([para(heading, section), body])


class Stamped(Protocol):
    """What a 申报表's number, dates and draft mark are read from (the first program's form and another's)."""

    @property
    def number(self) -> str: ...
    @property
    def draft(self) -> bool: ...
    @property
    def declared_on(self) -> date | None: ...
    @property
    def printed_on(self) -> date | None: ...


def number_of(form: Stamped) -> str:
    return form.number or (NUMBER_TO_COME if form.draft else NUMBER_PENDING)


def dated(form: Stamped) -> str:
    if form.declared_on is not None:
        return f"申报日期：{chinese_date(form.declared_on)}"
    return f"打印日期：{chinese_date(form.printed_on)}" if form.printed_on else "申报日期：（申报时填写）"


def page_margins(form: Stamped) -> Callable[[Canvas, Any], None]:
    """Each page's foot (申报编号, 第N页, the date) and, on a draft, the 草稿 mark at its head."""

    def margins(canvas: Canvas, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(song(), 9)
        canvas.setFillColor(colors.Color(0.3, 0.3, 0.3))
        left, right = MARGINS[3], A4[0] - MARGINS[1]
        y = 12 * mm
        canvas.drawString(left, y, f"申报编号：{number_of(form)}")
        canvas.drawCentredString(A4[0] / 2, y, f"第{document.page}页")
        canvas.drawRightString(right, y, dated(form))
        if form.draft:
            canvas.setFillColor(MARK_RED)
            canvas.setFont(song(), 10.5)
            canvas.drawRightString(right, A4[1] - 12 * mm, DRAFT_MARK)
        canvas.restoreState()

    return margins


def number_and_date(form: Stamped, cell: ParagraphStyle) -> Table:
    right = style(SIZE, leading=15, align="right")
    table = Table([[para(f"申报编号：{number_of(form)}", cell), para(dated(form), right)]], colWidths=[WIDTH / 2] * 2)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), song()),  # no cell in Helvetica, which no PDF of ours embeds
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


class SealAndDate(Flowable):
    """（盖章） over the date, right-aligned, drawn as is: a Paragraph would collapse the 　 in 年　月　日."""

    def __init__(self, signed_on: str):
        super().__init__()
        self.signed_on = signed_on

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = 2 * SIZE * 1.7
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFont(song(), SIZE)
        right = self.width - SIZE
        self.canv.drawRightString(right, SIZE * 2.1, SEAL_PLACE)
        self.canv.drawRightString(right, SIZE * 0.4, self.signed_on)


class SignaturePlaces(Flowable):
    """The unit's seal place and its head's signature, each on a line to write on, over the date line."""

    LINE = 42 * mm

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = SIZE * 7
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFont(song(), SIZE)
        canvas.setLineWidth(0.5)
        y = SIZE * 4.6
        for x, words in ((SIZE, "申报单位（盖章）："), (self.width / 2, "负责人（签字）：")):
            canvas.drawString(x, y, words)
            start = x + len(words) * SIZE + 2
            canvas.line(start, y - 2, min(start + self.LINE, self.width - SIZE), y - 2)
        canvas.drawRightString(self.width - SIZE, SIZE * 1.2, f"日期：{BLANK_DATE}")


def pledge_box() -> Table:
    body = para(PLEDGE, style(SIZE, leading=17, indent_chars=2))
    table = Table([[body], [SignaturePlaces()]], colWidths=[WIDTH], splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), song()),
                ("BOX", (0, 0), (-1, -1), 0.6, GRID_LINE),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def breakable(table: Table) -> Table:
    """The table, allowed to break inside a row: a free text may be longer than a page (5000 characters of 特色亮点)."""
    table.splitInRow = 1
    return table


def _labelled(
    rows: list[tuple[str, str] | tuple[str, str, str, str]], label: ParagraphStyle, cell: ParagraphStyle, tall: int = 0
) -> Table:
    """A facts table: a pair of (label, value) per row, or two pairs side by side; the last ``tall`` rows get room to
    be read (and, on a form printed blank, to be written in). Pairs alone take two columns, no span: a long text's
    row then breaks across pages cleanly (reportlab lays out a spanned cell's broken half wrongly)."""
    if all(len(row) == 2 for row in rows):
        cells: list[list[Any]] = [[para(row[0], label), para(row[-1], cell)] for row in rows]
        widths = [38 * mm, WIDTH - 38 * mm]
        extra: list[tuple[Any, ...]] = []
    else:
        cells = []
        extra = []
        for i, row in enumerate(rows):
            if len(row) == 2:
                cells.append([para(row[0], label), para(row[1], cell), "", ""])
                extra.append(("SPAN", (1, i), (3, i)))
            else:
                cells.append([para(row[0], label), para(row[1], cell), para(row[2], label), para(row[3], cell)])
                extra.append(("BACKGROUND", (2, i), (2, i), LABEL_SHADE))
        widths = [38 * mm, 47 * mm, 38 * mm, WIDTH - 123 * mm]
    shade = ("BACKGROUND", (0, 0), (0, -1), LABEL_SHADE)
    heights = [0.0] * (len(rows) - tall) + [18 * mm] * tall
    return breakable(grid(cells, widths, [*extra, shade], header=False, min_heights=heights))


def _unit(form: DeclarationForm, label: ParagraphStyle, cell: ParagraphStyle) -> Table:
    area = number(form.premises_area_m2) if form.premises_area_m2 is not None else ""
    staff = f"{form.staff_count}人" if form.staff_count is not None else ""
    founded = chinese_date(form.founded_on) if form.founded_on else ""
    rows: list[tuple[str, str] | tuple[str, str, str, str]] = [
        ("机构名称", form.institution_name),
        ("统一社会信用代码", form.credit_code, "成立日期", founded),
        ("所在县区", form.county, "工作人员数", staff),
        ("地址", form.address),
        ("负责人", form.person_in_charge, "服务场所面积（㎡）", area),
        ("联系人", form.contact_person, "联系电话", form.contact_phone),
    ]
    return _labelled(rows, label, cell)


def _kind_and_level(form: DeclarationForm, label: ParagraphStyle, cell: ParagraphStyle) -> Table:
    rows: list[tuple[str, str] | tuple[str, str, str, str]] = [
        ("机构类型", form.institution_type, "申报级别", form.level)
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
        rows.append(("县级标杆称号文号及日期", held))
    return _labelled(rows, label, cell)


def _record(form: DeclarationForm, label: ParagraphStyle, cell: ParagraphStyle) -> Table:
    rows: list[tuple[str, str] | tuple[str, str, str, str]] = [
        ("获得市级及以上荣誉", "是" if form.city_or_higher_honours else "否"),
        ("服务内容", form.services),
        ("特色亮点", form.highlights),
        ("所获荣誉", form.honours),
    ]
    return _labelled(rows, label, cell, tall=3)


def _type_facts(form: DeclarationForm, label: ParagraphStyle, cell: ParagraphStyle) -> Table:
    rows: list[tuple[str, str] | tuple[str, str, str, str]] = list(form.type_facts) or [
        ("分类指标", "本类型机构无须填报量化指标，按评定条件逐项说明")
    ]
    return _labelled(rows, label, cell)


def _conditions(form: DeclarationForm, label: ParagraphStyle, cell: ParagraphStyle) -> Table:
    rows: list[list[Any]] = [[para("序号", label), para("评定条件", label), para("申报说明", label)]]
    for i, item in enumerate(form.conditions, start=1):
        rows.append([para(str(i), label), para(item.condition, cell), para(item.statement, cell)])
    if not form.conditions:
        rows.append([para("—", label), para("（未填写）", cell), ""])
    return breakable(grid(rows, [12 * mm, 79 * mm, WIDTH - 91 * mm], [("BACKGROUND", (0, 0), (-1, 0), LABEL_SHADE)]))


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
    return breakable(grid(rows, widths, [("BACKGROUND", (0, 0), (-1, 0), LABEL_SHADE)]))


def _checklist(form: DeclarationForm, label: ParagraphStyle, cell: ParagraphStyle) -> Table:
    """A draft's materials: the checklist's items, each to be uploaded when declaring."""
    rows: list[list[Any]] = [[para(text, label) for text in ("序号", "材料名称", "要求")]]
    for i, item in enumerate(form.to_attach, start=1):
        rows.append([para(str(i), label), para(item.title, cell), para("必需" if item.required else "可选", label)])
    if not form.to_attach:
        rows.append([para("—", label), para("（无）", cell), ""])
    return breakable(grid(rows, [12 * mm, WIDTH - 42 * mm, 30 * mm], [("BACKGROUND", (0, 0), (-1, 0), LABEL_SHADE)]))


def _opinions(form: DeclarationForm, cell: ParagraphStyle) -> Table:
    opinions = list(form.opinions) or [DepartmentOpinion(name) for name in COUNTY_DEPARTMENTS]
    head = style(SIZE, leading=14, align="centre")
    rows: list[list[Any]] = [
        [para(f"{o.department}意见", head) for o in opinions],
        [para(o.opinion, cell) for o in opinions],
        [SealAndDate(chinese_date(o.signed_on) if o.signed_on else BLANK_DATE) for o in opinions],
    ]
    columns = len(opinions)
    # The opinions' row is at least 42 mm, room to write by hand; a long opinion makes it taller.
    table = Table(rows, colWidths=[WIDTH / columns] * columns, minRowHeights=[0, 42 * mm, 0], splitInRow=1)
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
