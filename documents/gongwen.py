"""The GB/T 9704-2012 page (A4, 版心 156 mm × 225 mm, 28 characters a line, 22 lines a page) and its parts:
the body text on that grid, the 版头, the signatures with seal places, the 版记."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import NamedTuple

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from documents.layout import GREY, RED, draw_heavy, fangsong, song
from documents.seal_places import SEAL_DIAMETER, mark_seal_place

TOP, LEFT, TYPE_WIDTH, TYPE_HEIGHT = 37 * mm, 28 * mm, 156 * mm, 225 * mm
RIGHT = A4[0] - LEFT - TYPE_WIDTH
BOTTOM = A4[1] - TOP - TYPE_HEIGHT
CELLS, ROWS = 28, 22
PITCH = TYPE_WIDTH / CELLS  # 5.57 mm: a 3号 (16 pt) character is set a little tighter than its em
LINE = TYPE_HEIGHT / ROWS
BODY_SIZE = 16.0
SEAL_PLACE = "（盖章）"

# 避头尾: marks that may not begin a line, and marks that may not end one.
CANNOT_START = "，。、；：！？）》」』”’〕】〉…—·%"
CANNOT_END = "（《「『“‘〔【〈"
_LATIN = re.compile(r"[0-9A-Za-z.\-@/:%]+")


class Line(NamedTuple):
    text: str
    indent: int  # in characters (cells)
    justified: bool  # spread to the 版心's right edge; a paragraph's last line is not


def _units(text: str) -> list[str]:
    """Characters, except that a run of Latin letters and digits (2026, 0539-8322113) stays whole."""
    out: list[str] = []
    i = 0
    while i < len(text):
        latin = _LATIN.match(text, i)
        end = latin.end() if latin else i + 1
        out.append(text[i:end])
        i = end
    return out


def grid_lines(text: str, *, font: str, size: float, indent: int) -> list[Line]:
    """The paragraph's lines of CELLS characters (a half-width character is half a cell).

    A closing mark that would begin a line pulls the character before it down with it, and an opening mark
    that would end a line goes down to the next: the line is one character short and spread to the right edge,
    and nothing hangs outside the 版心.
    """
    units = _units(text)
    lines: list[Line] = []
    current: list[str] = []
    used, start, i = 0.0, indent, 0
    while i < len(units):
        cells = pdfmetrics.stringWidth(units[i], font, size) / size
        if current and used + cells > CELLS - start + 1e-6:
            while len(current) > 1 and (units[i][0] in CANNOT_START or current[-1][-1] in CANNOT_END):
                current.pop()
                i -= 1
            lines.append(Line("".join(current), start, True))
            current, used, start = [], 0.0, 0
            continue
        current.append(units[i])
        used += cells
        i += 1
    lines.append(Line("".join(current), start, False))
    return lines


def draw_line(canvas: Canvas, line: Line, top: float, *, font: str, size: float) -> None:
    """One line of the grid whose top is at top: characters PITCH apart, or spread to the right edge."""
    left = line.indent * PITCH
    natural = pdfmetrics.stringWidth(line.text, font, size)
    count = len(line.text)
    if line.justified and count > 1:
        char_space = (TYPE_WIDTH - left - natural) / (count - 1)
    else:
        char_space = PITCH - size
    text = canvas.beginText(left, top - LINE / 2 - size * 0.38)
    text.setFont(font, size)
    text.setCharSpace(char_space)
    text.textOut(line.text)
    canvas.drawText(text)


class GridText(Flowable):
    """A paragraph of body text on the 公文 grid, first line indented two characters (0 for the 主送)."""

    def __init__(self, text: str, *, indent: int = 2, lines: Sequence[Line] | None = None):
        super().__init__()
        self.text = text
        self.indent = indent
        self.lines = (
            list(lines) if lines is not None else grid_lines(text, font=fangsong(), size=BODY_SIZE, indent=indent)
        )

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = len(self.lines) * LINE
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        fits = int((availHeight + 0.01) // LINE)
        if fits <= 0:
            return []
        if fits >= len(self.lines):
            return [self]
        return [GridText(self.text, lines=self.lines[:fits]), GridText(self.text, lines=self.lines[fits:])]

    def draw(self) -> None:
        for i, line in enumerate(self.lines):
            draw_line(self.canv, line, self.height - i * LINE, font=fangsong(), size=BODY_SIZE)


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
        canvas.setFont(fangsong(), BODY_SIZE)
        canvas.drawCentredString(self.width / 2, number_baseline, self.doc_number)
        rule = number_baseline - BODY_SIZE * 0.14 - 4 * mm
        canvas.setStrokeColor(RED)
        canvas.setLineWidth(1.3)
        canvas.line(0, rule, self.width, rule)
        canvas.restoreState()


class Signatures(Flowable):
    """发文机关署名, seal places and 成文日期 (GB/T 9704 7.3.5.1): the date right-aligned four characters in from
    the 版心's right edge; the organs in order, two a row, the last one centred over the date; each seal place
    centred a little above its name, so the seal presses name (and date) below its centre; the first row's
    seal places begin within a line of the text above."""

    SEAL_TOP = 3 * mm  # from the text above: "印章顶端应当上距正文一行之内"
    ROW_GAP = 3 * mm
    NAME_BELOW_CENTRE = 3 * mm

    def __init__(self, organs: Sequence[str], signed_on: str):
        super().__init__()
        self.organs = list(organs)
        self.signed_on = signed_on

    def columns(self) -> tuple[float, float]:
        """The centres of the left and right columns; the right one is the date's centre."""
        date_width = pdfmetrics.stringWidth(self.signed_on, fangsong(), BODY_SIZE) + (len(self.signed_on) - 1) * (
            PITCH - BODY_SIZE
        )
        right = TYPE_WIDTH - 4 * PITCH - date_width / 2
        return TYPE_WIDTH - right, right

    def slots(self) -> list[tuple[int, int]]:
        rows = max(1, math.ceil(len(self.organs) / 2))
        cells = [(row, column) for row in range(rows) for column in (0, 1)]
        if len(self.organs) % 2:
            cells.remove((rows - 1, 0))
        return cells[: len(self.organs)]

    def _centre_y(self, row: int) -> float:
        return self.height - self.SEAL_TOP - SEAL_DIAMETER / 2 - row * (SEAL_DIAMETER + self.ROW_GAP)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        rows = max(1, math.ceil(len(self.organs) / 2))
        # Down to the bottom of the date's line: the 附注 goes on the line after the date.
        self.height = (
            (self.SEAL_TOP + SEAL_DIAMETER / 2 + (rows - 1) * (SEAL_DIAMETER + self.ROW_GAP))
            + self.NAME_BELOW_CENTRE
            + 1.5 * LINE
        )
        return self.width, self.height

    def draw(self) -> None:
        left, right = self.columns()
        room = min(left, (right - left) / 2)  # half the width a name may take without crossing its neighbour
        for i, (name, (row, col)) in enumerate(zip(self.organs, self.slots(), strict=True)):
            centre_x = (left, right)[col]
            centre_y = self._centre_y(row)
            self._seal_place(centre_x, centre_y)
            mark_seal_place(self.canv, name, centre_x, centre_y)
            size = min(BODY_SIZE, 2 * room / max(pdfmetrics.stringWidth(name, fangsong(), 1), 1))
            name_mid = centre_y - self.NAME_BELOW_CENTRE
            self._centred(name, centre_x, name_mid + LINE / 2, size)
            if i == len(self.organs) - 1:
                self._centred(self.signed_on, centre_x, name_mid - LINE / 2, BODY_SIZE)

    def _centred(self, text: str, x: float, top: float, size: float) -> None:
        canvas = self.canv
        canvas.setFillColor(colors.black)
        width = pdfmetrics.stringWidth(text, fangsong(), size) + (len(text) - 1) * (PITCH - BODY_SIZE)
        text_object = canvas.beginText(x - width / 2, top - LINE / 2 - size * 0.38)
        text_object.setFont(fangsong(), size)
        text_object.setCharSpace(PITCH - BODY_SIZE)
        text_object.textOut(text)
        canvas.drawText(text_object)

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
    """版记 in 4号: 抄送 (ending in 。) and 印发机关 … 印发日期 between full-width rules, thick outside, thin between,
    its last line the 版心's last line (a TopPadder puts it there)."""

    SIZE = 14.0

    def __init__(self, copied_to: str, printed_by: str, printed_on: str):
        super().__init__()
        self.copied_to = copied_to.rstrip("。")
        self.printed_by = printed_by
        self.printed_on = printed_on

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = LINE * (2 if self.copied_to else 1)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        size = self.SIZE
        canvas.saveState()
        canvas.setFont(fangsong(), size)
        canvas.setLineWidth(1.0)  # 0.35 mm
        canvas.line(0, self.height, self.width, self.height)
        canvas.line(0, 0, self.width, 0)
        y = self.height
        if self.copied_to:
            y -= LINE
            canvas.drawString(size, y + (LINE - size) / 2 + size * 0.12, f"抄送：{self.copied_to}。")
            canvas.setLineWidth(0.7)  # 0.25 mm
            canvas.line(0, y, self.width, y)
        y -= LINE
        baseline = y + (LINE - size) / 2 + size * 0.12
        canvas.drawString(size, baseline, self.printed_by)
        canvas.drawRightString(self.width - size, baseline, f"{self.printed_on}印发")
        canvas.restoreState()
