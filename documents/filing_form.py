"""备案表 (附件4, 县级就业服务质量标杆机构评定备案表) as PDF: the filed version's rows in a ruled landscape table, the
county bureau's name and the filing date under it, with its seal place."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Spacer

from documents.layout import Heading, build, chinese_date, grid, para, song, style
from documents.models import record
from documents.seal_places import SealPlace

PAGE = landscape(A4)
MARGIN = 15 * mm
HEADER_SHADE = colors.Color(0.93, 0.93, 0.93)
WIDTHS_MM = (12, 56, 44, 42, 40, 24, 26, 0)  # the last takes what is left


@record
class FilingForm:
    title: str
    heading: str  # 填报单位、年度、版本、报送时间
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    footer: str  # 合计 … 填报人 …
    organ: str  # the county bureau that files it
    filed_on: date | None  # None: a draft


def filing_form(form: FilingForm) -> bytes:
    width = PAGE[0] - 2 * MARGIN
    widths = [w * mm for w in WIDTHS_MM[:-1]]
    widths.append(width - sum(widths))
    cell = style(10, leading=14, align="centre")
    left = style(10, leading=14, align="left")
    rows: list[list[Flowable]] = [[para(c, cell) for c in form.columns]]
    for values in form.rows:
        rows.append([para(v, left if i in (1, 2) else cell) for i, v in enumerate(values)])
    signature = style(13, leading=24, align="right")
    story: list[Flowable] = [
        Heading(form.title, 18, space_after=4 * mm),
        para(form.heading, style(11, leading=18, align="left")),
        Spacer(1, 2 * mm),
        grid(rows, widths, [("BACKGROUND", (0, 0), (-1, 0), HEADER_SHADE)]),
        Spacer(1, 3 * mm),
        para(form.footer, style(11, leading=18, align="left")),
    ]
    if form.filed_on is not None:
        story += [
            Spacer(1, 12 * mm),
            para(form.organ, signature),
            SealPlace(form.organ, pdfmetrics.stringWidth(form.organ, song(), 13) / 2),
            para(chinese_date(form.filed_on), signature),
        ]
    return build(story, pagesize=PAGE, margins=(MARGIN, MARGIN, MARGIN, MARGIN), title=form.title)
