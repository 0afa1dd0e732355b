"""What the documents share: the Song face, Chinese dates and sizes, paragraph styles, heavy headings."""

from __future__ import annotations

import functools
import io
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
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle
from reportlab.platypus import paragraph as _paragraph

from documents.titles import title_lines

# GB/T 9704 sets the title and the organ mark in 小标宋 and everything else in 仿宋. Neither is free; the closest
# faces Debian ships that reportlab can embed (TrueType outlines: Noto CJK is CFF-based OpenType, which TTFont
# refuses, and cwTeX's 仿宋 in fonts-cwtex-fs has only traditional characters):
# - 小标宋 (a heavy Song): AR PL UMing CN (fonts-arphic-uming), a Song/Ming face, filled and stroked for weight;
# - 仿宋 (Song structure in thin, even, Kai-like strokes): AR PL UKai CN (fonts-arphic-ukai). UMing's contrast
#   strokes and wedge serifs are what 仿宋 drops, so the Kai face is nearer to it than the Ming one.
EMBEDDED_FONT = "UMingCN"
FONT_FILES: tuple[tuple[str, int], ...] = (("/usr/share/fonts/truetype/arphic/uming.ttc", 0),)
FANGSONG_FONT = "UKaiCN"
FANGSONG_FILES: tuple[tuple[str, int], ...] = (("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),)
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
GRID_LINE = colors.Color(0.2, 0.2, 0.2)


def _register(name: str, files: tuple[tuple[str, int], ...]) -> bool:
    for path, index in files:
        if os.path.exists(path):
            try:
                pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
                return True
            except TTFError:
                continue
    return False


@functools.cache
def song() -> str:
    """The Song face's registered name: the embedded UMing when its file is installed, else STSong-Light."""
    if _register(EMBEDDED_FONT, FONT_FILES):
        return EMBEDDED_FONT
    pdfmetrics.registerFont(UnicodeCIDFont(STANDARD_FONT))
    return STANDARD_FONT


@functools.cache
def fangsong() -> str:
    """The 仿宋 stand-in's registered name: the embedded UKai when its file is installed, else the Song face."""
    return FANGSONG_FONT if _register(FANGSONG_FONT, FANGSONG_FILES) else song()


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
    font: str | None = None,
) -> ParagraphStyle:
    alignment = ALIGNMENTS[align]
    return ParagraphStyle(
        f"{font or 'song'}-{size}-{align}",
        fontName=font or song(),
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


class Heading(Flowable):
    """A centred heavy title over as few lines as fit, broken between words (documents.titles).

    line: each line's height; by default 1.45 times the size.
    """

    def __init__(
        self,
        text: str,
        size: float,
        *,
        colour: colors.Color = colors.black,
        space_after: float = 0,
        line: float | None = None,
    ):
        super().__init__()
        self.text = text
        self.size = size
        self.colour = colour
        self.space_after = space_after
        self.line = line if line is not None else size * 1.45
        self.lines: list[str] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.lines = title_lines(self.text, lambda s: pdfmetrics.stringWidth(s, song(), self.size), availWidth)
        self.height = len(self.lines) * self.line + self.space_after
        return self.width, self.height

    def draw(self) -> None:
        for i, line in enumerate(self.lines):
            # The ideographs' ink (-0.12 to 0.88 of the size about the baseline) centred in the line.
            y = self.height - (i + 0.5) * self.line - self.size * 0.38
            draw_heavy(self.canv, self.width / 2, y, line, self.size, colour=self.colour)


def grid(
    rows: list[list[Any]],
    widths: list[float],
    extra: Sequence[tuple[Any, ...]] = (),
    *,
    header: bool = True,
    padding: tuple[float, float] = (4, 5),
    min_heights: list[float] | None = None,
) -> Table:
    """A ruled form table; header repeats its first row on each page; padding is (top, bottom)."""
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, minRowHeights=min_heights)
    table.setStyle(
        TableStyle(
            [
                # A cell holding a bare string would otherwise be set in Helvetica, which no PDF of ours embeds.
                ("FONTNAME", (0, 0), (-1, -1), song()),
                ("GRID", (0, 0), (-1, -1), 0.6, GRID_LINE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), padding[0]),
                ("BOTTOMPADDING", (0, 0), (-1, -1), padding[1]),
                *extra,
            ]
        )
    )
    return table


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
        # reportlab's canvas starts each page in Helvetica, a font no PDF of ours embeds: start in ours instead.
        initialFontName=song(),
    )
    document.build(list(story))
    return buffer.getvalue()


def _nothing(canvas: Canvas, document: Any) -> None:
    pass
