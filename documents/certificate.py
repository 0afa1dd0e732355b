"""奖牌证书 (附件3 style): a bordered landscape certificate for the plaque awarded (授牌)."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from documents.layout import RED, chinese_date, draw_heavy, song
from documents.models import Certificate
from documents.seal_places import mark_seal_place

PAGE = landscape(A4)
GOLD = colors.Color(0.75, 0.58, 0.22)
PAPER = colors.Color(1.0, 0.985, 0.95)


def plaque_certificate(certificate: Certificate) -> bytes:
    """The certificate as PDF bytes: one landscape A4 page."""
    buffer = io.BytesIO()
    # Start in the embedded face, not Helvetica (types-reportlab types initialFontName as a float: a stub slip).
    canvas = Canvas(buffer, pagesize=PAGE, invariant=1, lang="zh-CN", initialFontName=song())  # type: ignore[arg-type]
    canvas.setTitle(f"{certificate.plaque_number} {certificate.institution_name}")
    canvas.setCreator("biaogan")
    width, height = PAGE
    _frame(canvas, width, height)
    middle = width / 2

    _level_badge(canvas, middle, 160 * mm, certificate.level)
    title_size = min(50.0, 240 * mm / max(pdfmetrics.stringWidth(certificate.title, song(), 1), 1))
    draw_heavy(canvas, middle, 131 * mm, certificate.title, title_size, colour=RED)
    _ornament(canvas, middle, 119 * mm)

    name_size = min(30.0, 230 * mm / max(pdfmetrics.stringWidth(certificate.institution_name, song(), 1), 1))
    draw_heavy(canvas, middle, 98 * mm, certificate.institution_name, name_size)
    canvas.setFont(song(), 18)
    canvas.setFillColor(colors.black)
    canvas.drawCentredString(middle, 82 * mm, certificate.line or f"{certificate.year}年度")

    canvas.setFont(song(), 13)
    canvas.drawString(34 * mm, 38 * mm, f"奖牌编号：{certificate.plaque_number}")

    signers = [*certificate.issuing_departments, chinese_date(certificate.issued_on)]
    block = max(pdfmetrics.stringWidth(text, song(), 14) for text in signers)
    centre = width - 34 * mm - block / 2
    canvas.setFont(song(), 14)
    for i, text in enumerate(signers):
        canvas.drawCentredString(centre, 38 * mm + (len(signers) - 1 - i) * 8 * mm, text)
    # The lead organ's seal presses the issuers' names and the date.
    mark_seal_place(canvas, certificate.issuing_departments[0], centre, 38 * mm + (len(signers) - 1) * 4 * mm + 2 * mm)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _frame(canvas: Canvas, width: float, height: float) -> None:
    canvas.saveState()
    canvas.setFillColor(PAPER)
    canvas.rect(0, 0, width, height, stroke=0, fill=1)
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(5)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1.2)
    canvas.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)
    for x in (16 * mm, width - 16 * mm):
        for y in (16 * mm, height - 16 * mm):
            canvas.setFillColor(GOLD)
            canvas.rect(x - 2.5 * mm, y - 2.5 * mm, 5 * mm, 5 * mm, stroke=0, fill=1)
    canvas.restoreState()


def _level_badge(canvas: Canvas, x: float, y: float, level: str) -> None:
    size = 22
    text_width = pdfmetrics.stringWidth(level, song(), size)
    box_width, box_height = text_width + 16 * mm, size + 5 * mm
    canvas.saveState()
    canvas.setFillColor(RED)
    canvas.roundRect(x - box_width / 2, y - box_height / 2, box_width, box_height, 3 * mm, stroke=0, fill=1)
    canvas.restoreState()
    draw_heavy(canvas, x, y - size * 0.36, level, size, colour=colors.white)


def _ornament(canvas: Canvas, x: float, y: float) -> None:
    canvas.saveState()
    canvas.setStrokeColor(GOLD)
    canvas.setFillColor(GOLD)
    canvas.setLineWidth(1)
    for side in (-1, 1):
        canvas.line(x + side * 6 * mm, y, x + side * 80 * mm, y)
    path = canvas.beginPath()
    path.moveTo(x, y + 2.5 * mm)
    path.lineTo(x + 2.5 * mm, y)
    path.lineTo(x, y - 2.5 * mm)
    path.lineTo(x - 2.5 * mm, y)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
