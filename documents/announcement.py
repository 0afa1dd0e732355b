"""联合公布文件 in the GB/T 9704-2012 layout: red organ mark, 发文字号, red line, title, body, seals, date."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle
from reportlab.platypus.flowables import TopPadder

from documents.layout import GREY, RED, Heading, build, chinese_date, draw_heavy, para, song, style
from documents.models import Announcement, ListedInstitution

# GB/T 9704-2012: A4, 版心 156 mm × 225 mm, top margin 37 mm, left 28 mm; body in 3号 (16 pt), 22 lines a page.
TOP, LEFT, RIGHT, BOTTOM = 37 * mm, 28 * mm, 26 * mm, 35 * mm
TYPE_WIDTH = A4[0] - LEFT - RIGHT
BODY_SIZE = 16.0
LINE = 225 * mm / 22
SEAL_DIAMETER = 42 * mm
SEAL_PLACE = "（盖章）"


def announcement(document: Announcement) -> bytes:
    """The 公布文件 as PDF bytes."""
    body = style(BODY_SIZE, leading=LINE, indent_chars=2)
    count = len(document.institutions)
    opening = list(document.opening) or [
        (
            "按照就业服务质量标杆机构评定工作安排，经申报、评审、公示等程序，公示期满无异议，"
            f"决定评定以下{count}家机构为{document.level}就业服务质量标杆机构，现予以公布。"
        )
    ]
    closing = list(document.closing) or [
        (
            "希望被评定的标杆机构珍惜荣誉，充分发挥标杆引领、典型带动作用，持续提升就业服务质量。"
            "对出现申报材料虚假失实、机构注销、发生违法违规违纪问题、就业服务工作被证实达不到标准"
            "以及产生其他应当撤销评定情形的，将予以撤销。"
        )
    ]
    story: list[Flowable] = [
        RedHead(document.organs, document.doc_number),
        Heading(document.title, 22, space_after=LINE * 0.8),
        para(document.addressees, style(BODY_SIZE, leading=LINE, align="left")),
        *[para(text, body) for text in opening],
        Spacer(1, LINE * 0.3),
        _list_table(document.institutions),
        Spacer(1, LINE * 0.3),
        *[para(text, body) for text in closing[:-1]],
        # The last paragraph travels with the seals: GB/T 9704 allows no seal page without body text.
        KeepTogether(
            [
                para(closing[-1], body),
                Spacer(1, LINE),
                SealBlock(document.organs, chinese_date(document.signed_on)),
                para(f"（{document.disclosure}）", body) if document.disclosure else Spacer(1, 0),
            ]
        ),
    ]
    if document.printed_by:
        printed_on = document.printed_on or document.signed_on
        story.append(TopPadder(Colophon(document.copied_to, document.printed_by, chinese_date(printed_on))))

    return build(
        story,
        pagesize=A4,
        margins=(TOP, RIGHT, BOTTOM, LEFT),
        title=f"{document.doc_number} {document.title}",
        on_page=_page_number,
    )


def _page_number(canvas: Canvas, document: Any) -> None:
    """4号 page number 7 mm below the type area, odd pages right and even pages left, one character in."""
    size = 14
    text = f"— {document.page} —"
    canvas.saveState()
    canvas.setFont(song(), size)
    y = BOTTOM - 7 * mm - size * 0.8
    if document.page % 2:
        canvas.drawRightString(A4[0] - RIGHT - size, y, text)
    else:
        canvas.drawString(LEFT + size, y, text)
    canvas.restoreState()


class RedHead(Flowable):
    """版头: the organs' mark in red (joint issue: names stacked, lead first, 文件 to their right),
    the document number two lines below, the red separator 4 mm under it, then two blank lines."""

    def __init__(self, organs: Sequence[str], doc_number: str):
        super().__init__()
        self.organs = list(organs)
        self.doc_number = doc_number

    def _mark_sizes(self) -> tuple[float, float, float]:
        """(name size, 文件 size, names' width), as large as fits the type area, at most 34 pt."""
        longest = max((pdfmetrics.stringWidth(name, song(), 1) for name in self.organs), default=0)
        stacked = len(self.organs) > 1
        word_scale = 1.4 if stacked else 1.0
        per_point = longest + 0.6 + 2 * word_scale  # names, a gap, then 文件, in units of the name size
        size = min(34.0, TYPE_WIDTH / per_point)
        return size, size * word_scale, longest * size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        size, _, _ = self._mark_sizes()
        self.mark_height = max(1, len(self.organs)) * size * 1.25
        self.height = 35 * mm + self.mark_height + 3 * LINE + 4 * mm + 2 * LINE
        self.width = availWidth
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        size, word_size, names_width = self._mark_sizes()
        gap = 0.6 * size
        total = names_width + gap + pdfmetrics.stringWidth("文件", song(), word_size)
        left = (self.width - total) / 2
        mark_top = self.height - 35 * mm
        for i, name in enumerate(self.organs):
            baseline = mark_top - i * size * 1.25 - size * 0.98
            draw_heavy(canvas, left, baseline, name, size, colour=RED, anchor="left", width=names_width)
        middle = mark_top - self.mark_height / 2
        draw_heavy(
            canvas, left + names_width + gap, middle - word_size * 0.36, "文件", word_size, colour=RED, anchor="left"
        )

        number_baseline = mark_top - self.mark_height - 2 * LINE - (LINE + BODY_SIZE * 0.76) / 2
        canvas.saveState()
        canvas.setFont(song(), BODY_SIZE)
        canvas.drawCentredString(self.width / 2, number_baseline, self.doc_number)
        rule = number_baseline - BODY_SIZE * 0.14 - 4 * mm
        canvas.setStrokeColor(RED)
        canvas.setLineWidth(1.3)
        canvas.line(0, rule, self.width, rule)
        canvas.restoreState()


class SealBlock(Flowable):
    """The organs' names in two columns, each under a seal place; the last organ on the right of the
    last row with the 成文日期 below it, so its seal presses both name and date (GB/T 9704 7.3.5.1)."""

    ROW = SEAL_DIAMETER + 5 * mm

    def __init__(self, organs: Sequence[str], signed_on: str):
        super().__init__()
        self.organs = list(organs)
        self.signed_on = signed_on

    def slots(self) -> list[tuple[int, int]]:
        rows = max(1, math.ceil(len(self.organs) / 2))
        cells = [(row, column) for row in range(rows) for column in (0, 1)]
        if len(self.organs) % 2:
            cells.remove((rows - 1, 0))
        return cells[: len(self.organs)]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        rows = max(1, math.ceil(len(self.organs) / 2))
        self.height = rows * self.ROW + LINE * 0.6
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        column = self.width / 2
        last = len(self.organs) - 1
        for i, (name, (row, col)) in enumerate(zip(self.organs, self.slots(), strict=True)):
            centre_x = column * col + column / 2
            centre_y = self.height - row * self.ROW - SEAL_DIAMETER / 2 - 2 * mm
            size = min(BODY_SIZE, 0.95 * column / max(pdfmetrics.stringWidth(name, song(), 1), 1))
            lines = [(name, size)] + ([(self.signed_on, BODY_SIZE)] if i == last else [])
            self._seal_place(centre_x, centre_y)
            first = centre_y + (len(lines) - 1) * LINE / 2
            for k, (text, text_size) in enumerate(lines):
                canvas.setFont(song(), text_size)
                canvas.setFillColor(colors.black)
                canvas.drawCentredString(centre_x, first - k * LINE - text_size * 0.36, text)

    def _seal_place(self, x: float, y: float) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(GREY)
        canvas.setLineWidth(0.6)
        canvas.setDash(3, 3)
        canvas.circle(x, y, SEAL_DIAMETER / 2)
        canvas.setFillColor(GREY)
        canvas.setFont(song(), 10)
        canvas.drawCentredString(x, y + SEAL_DIAMETER / 2 - 9 * mm, SEAL_PLACE)
        canvas.restoreState()


class Colophon(Flowable):
    """版记: 抄送 and 印发机关/印发日期 between full-width rules, at the foot of the last page."""

    def __init__(self, copied_to: str, printed_by: str, printed_on: str):
        super().__init__()
        self.copied_to = copied_to
        self.printed_by = printed_by
        self.printed_on = printed_on

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = LINE * (2 if self.copied_to else 1) + 2
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        size = 14
        canvas.saveState()
        canvas.setFont(song(), size)
        canvas.setLineWidth(1.0)
        canvas.line(0, self.height, self.width, self.height)
        canvas.line(0, 0, self.width, 0)
        y = self.height
        if self.copied_to:
            y -= LINE
            canvas.drawString(size, y + (LINE - size) / 2 + size * 0.12, f"抄送：{self.copied_to}")
            canvas.setLineWidth(0.7)
            canvas.line(0, y, self.width, y)
        y -= LINE
        baseline = y + (LINE - size) / 2 + size * 0.12
        canvas.drawString(size, baseline, self.printed_by)
        canvas.drawRightString(self.width - size, baseline, f"{self.printed_on}印发")
        canvas.restoreState()


def _list_table(institutions: Sequence[ListedInstitution]) -> Table:
    centre = style(13, leading=19, align="centre")
    left = style(13, leading=19, align="left")
    rows: list[list[Flowable]] = [[para(text, centre) for text in ("序号", "机构名称", "机构类型", "所在县区")]]
    for i, item in enumerate(institutions, start=1):
        rows.append(
            [
                para(str(i), centre),
                para(item.name, left),
                para(item.institution_type, centre),
                para(item.county, centre),
            ]
        )
    widths = [14 * mm, 76 * mm, 42 * mm, TYPE_WIDTH - 132 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table
