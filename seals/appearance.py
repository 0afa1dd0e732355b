"""The visible seal the system draws: a red round seal, the organ's name around its top, a star in the middle,
「测试印章」 under the star and, along the bottom, 测试印章，非法定电子印章 — so nobody takes it for a legal seal.

Drawn by reportlab as a one-page PDF the size of the seal; pyHanko imports that page as the signature field's
appearance (an annotation: the page's own text is left as it was)."""

from __future__ import annotations

import io
import math
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from documents.layout import song
from documents.seal_places import SEAL_DIAMETER

SEAL_RED = colors.Color(0.85, 0.05, 0.05)
MARK = "测试印章"
DISCLAIMER = "测试印章，非法定电子印章"
SIZE = SEAL_DIAMETER  # the page is the seal's square


def _star(canvas: Canvas, x: float, y: float, radius: float) -> None:
    path = canvas.beginPath()
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.382
        angle = math.pi / 2 + i * math.pi / 5
        point = (x + r * math.cos(angle), y + r * math.sin(angle))
        if i == 0:
            path.moveTo(*point)
        else:
            path.lineTo(*point)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


def _around(canvas: Canvas, text: str, x: float, y: float, radius: float) -> None:
    """The name along the top arc, read left to right, each character upright towards the centre."""
    span = min(math.radians(250), math.radians(20) * len(text))
    size = min(13.0, 0.82 * radius * span / max(len(text), 1))
    step = span / max(len(text) - 1, 1)
    start = math.pi / 2 + span / 2
    for i, character in enumerate(text):
        angle = start - i * step
        canvas.saveState()
        canvas.translate(x + radius * math.cos(angle), y + radius * math.sin(angle))
        canvas.rotate(math.degrees(angle) - 90)
        canvas.setFont(song(), size)
        canvas.drawCentredString(0, -size * 0.85, character)
        canvas.restoreState()


@lru_cache(maxsize=64)
def seal_page(organ: str) -> bytes:
    """The seal of ``organ`` as a one-page PDF, SIZE square."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(SIZE, SIZE), invariant=1, initialFontName=song())  # type: ignore[arg-type]
    centre = SIZE / 2
    outer = SIZE / 2 - 1.2 * mm
    canvas.setStrokeColor(SEAL_RED)
    canvas.setFillColor(SEAL_RED)
    canvas.setLineWidth(1.1 * mm)
    canvas.circle(centre, centre, outer, stroke=1, fill=0)
    _around(canvas, organ, centre, centre, outer - 1.6 * mm)
    _star(canvas, centre, centre + 1 * mm, 7.5 * mm)
    canvas.setFont(song(), 10)
    canvas.drawCentredString(centre, centre - 10 * mm, MARK)
    size = 5.4
    width = pdfmetrics.stringWidth(DISCLAIMER, song(), size)
    canvas.setFont(song(), size * min(1.0, 24 * mm / width))
    canvas.drawCentredString(centre, centre - 15 * mm, DISCLAIMER)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
