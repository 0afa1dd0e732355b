"""What the documents share: the Song face, Chinese dates and sizes, paragraph styles, heavy headings."""

from __future__ import annotations

import functools
import io
import math
import os
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Literal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib import textsplit as _textsplit
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph
from reportlab.platypus import paragraph as _paragraph

# AR PL UMing CN (Debian fonts-arphic-uming): a TrueType Song/Ming face reportlab can embed. Noto CJK is
# CFF-based OpenType, which reportlab's TTFont refuses.
EMBEDDED_FONT = "UMingCN"
FONT_FILES: tuple[tuple[str, int], ...] = (("/usr/share/fonts/truetype/arphic/uming.ttc", 0),)
# PDF's standard Simplified Chinese font: nothing embedded, the reader supplies a substitute face.
STANDARD_FONT = "STSong-Light"

# reportlab's CJK wrap keeps listed marks off a line's start, but its list lacks the full-width ，：；！？
# and closing quotes/brackets, so a Chinese line could begin with "，". Adding them only tightens the rule.
_CANNOT_START = "，：；！？”’》〉｝"
# Single-font paragraphs wrap in textsplit, mixed ones in paragraph; getattr because the stubs omit the name.
for _module in (_textsplit, _paragraph):
    _listed: str = getattr(_module, "ALL_CANNOT_START")  # noqa: B009
    setattr(_module, "ALL_CANNOT_START", _listed + "".join(c for c in _CANNOT_START if c not in _listed))  # noqa: B010

ALIGNMENTS: dict[str, Literal[0, 1, 2, 4]] = {
    "left": TA_LEFT,
    "centre": TA_CENTER,
    "right": TA_RIGHT,
    "justify": TA_JUSTIFY,
}

RED = colors.Color(0.86, 0.0, 0.0)
GREY = colors.Color(0.55, 0.55, 0.55)


@functools.cache
def song() -> str:
    """The registered font name: the embedded UMing when its file is installed, else STSong-Light."""
    for path, index in FONT_FILES:
        if os.path.exists(path):
            try:
                pdfmetrics.registerFont(TTFont(EMBEDDED_FONT, path, subfontIndex=index))
                return EMBEDDED_FONT
            except TTFError:
                continue
    pdfmetrics.registerFont(UnicodeCIDFont(STANDARD_FONT))
    return STANDARD_FONT


def chinese_date(day: date) -> str:
    """2026年12月1日: Arabic numerals, no leading zeros, as GB/T 9704 writes 成文日期."""
    return f"{day.year}年{day.month}月{day.day}日"


def file_size(size_bytes: int) -> str:
    if size_bytes < 1024:
        return f"{size_bytes} B"
    if size_bytes < 1024 * 1024:
        return f"{size_bytes / 1024:.1f} KB"
    return f"{size_bytes / (1024 * 1024):.1f} MB"


def number(value: float) -> str:
    """520 rather than 520.0; 520.5 stays."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def markup(text: str) -> str:
    """User text inside a Paragraph: escaped, its line breaks kept."""
    return "<br/>".join(escape(line) for line in text.splitlines()) if text else ""


def style(
    size: float,
    *,
    leading: float | None = None,
    align: str = "justify",
    indent_chars: float = 0,
    space_before: float = 0,
    space_after: float = 0,
    colour: colors.Color = colors.black,
) -> ParagraphStyle:
    alignment = ALIGNMENTS[align]
    return ParagraphStyle(
        f"song-{size}-{align}",
        fontName=song(),
        fontSize=size,
        leading=leading if leading is not None else size * 1.5,
        alignment=alignment,
        firstLineIndent=indent_chars * size,
        spaceBefore=space_before,
        spaceAfter=space_after,
        textColor=colour,
        wordWrap="CJK",
    )


def para(text: str, paragraph_style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup(text), paragraph_style)


def draw_heavy(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    colour: colors.Color = colors.black,
    anchor: str = "centre",
    width: float | None = None,
) -> None:
    """Text filled and stroked: there is no bold cut of the Song face, and titles want 小标宋's weight.

    With width, the characters are spread evenly over it (分散对齐), as joint organ marks line up.
    """
    font = song()
    natural = pdfmetrics.stringWidth(text, font, size)
    char_space = 0.0
    if width is not None and len(text) > 1:
        char_space = (width - natural) / (len(text) - 1)
        natural = width
    left = {"centre": x - natural / 2, "left": x, "right": x - natural}[anchor]
    canvas.saveState()
    canvas.setFillColor(colour)
    canvas.setStrokeColor(colour)
    canvas.setLineWidth(size * 0.03)
    text_object = canvas.beginText(left, y)
    text_object.setFont(font, size)
    text_object.setTextRenderMode(2)
    text_object.setCharSpace(char_space)
    text_object.textOut(text)
    canvas.drawText(text_object)
    canvas.restoreState()


def balanced_lines(text: str, size: float, width: float) -> list[str]:
    """Split a title into as few lines as fit, of near-equal length (公文 titles are not ragged)."""
    font = song()
    lines: list[str] = []
    for part in text.splitlines() or [""]:
        count = max(1, math.ceil(pdfmetrics.stringWidth(part, font, size) / width))
        while True:
            per_line = math.ceil(len(part) / count) if part else 1
            pieces = [part[i : i + per_line] for i in range(0, len(part), per_line)] or [""]
            if all(pdfmetrics.stringWidth(p, font, size) <= width for p in pieces):
                break
            count += 1
        lines.extend(pieces)
    return lines


class Heading(Flowable):
    """A centred heavy title, balanced over as many lines as it needs."""

    def __init__(self, text: str, size: float, *, colour: colors.Color = colors.black, space_after: float = 0):
        super().__init__()
        self.text = text
        self.size = size
        self.colour = colour
        self.space_after = space_after
        self.lines: list[str] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.lines = balanced_lines(self.text, self.size, availWidth)
        self.height = len(self.lines) * self.size * 1.45 + self.space_after
        return self.width, self.height

    def draw(self) -> None:
        for i, line in enumerate(self.lines):
            y = self.height - self.space_after - (i + 1) * self.size * 1.45 + self.size * 0.35
            draw_heavy(self.canv, self.width / 2, y, line, self.size, colour=self.colour)


PageCallback = Callable[[Canvas, Any], None]


def build(
    story: Sequence[Flowable],
    *,
    pagesize: tuple[float, float],
    margins: tuple[float, float, float, float],
    title: str,
    on_page: PageCallback | None = None,
) -> bytes:
    """The PDF of a story; margins are (top, right, bottom, left) in points."""
    buffer = io.BytesIO()
    top, right, bottom, left = margins
    width, height = pagesize
    # Zero frame padding: the margins given are the type area's edges (GB/T 9704 版心), not 6 pt inside them.
    frame = Frame(
        left,
        bottom,
        width - left - right,
        height - top - bottom,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    page = PageTemplate(id="page", frames=[frame], onPage=on_page or _nothing)
    document = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        pageTemplates=[page],
        title=title,
        author="",
        creator="biaogan",
        lang="zh-CN",
        invariant=1,  # same input, same bytes: no creation time or random file id
    )
    document.build(list(story))
    return buffer.getvalue()


def _nothing(canvas: Canvas, document: Any) -> None:
    pass
