"""办理过程: an application's timeline for the 档案室, one row per event (when, what, who, what it says), in an archive
package (services/archive.py). Chinese only: the caller gives every line already told in Chinese. A long history runs
on over as many pages as it needs, the table's head repeated on each, the pages numbered."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer

from documents.layout import Heading, build, grid, para, song, style

PAGE = A4
MARGINS = (18 * mm, 15 * mm, 18 * mm, 15 * mm)
WIDTH = PAGE[0] - MARGINS[1] - MARGINS[3]
SHADE = colors.Color(0.94, 0.94, 0.94)


@dataclass(frozen=True)
class ProcessEntry:
    at: str  # 2026年5月10日 09:30
    what: str  # 县级审核通过, 公示期限确定, 流程结束
    who: str  # 张三（县区人社局·兰山区）, or "" for the system
    said: str  # the reason, the details, the state it left, in one text


@dataclass(frozen=True)
class ProcessRecord:
    title: str  # 某某机构申报办理过程
    facts: list[tuple[str, str]]  # 申报编号, 机构名称, 县区, 级别, 办理状态
    entries: list[ProcessEntry]
    packed: str  # 打包人及时间
    notes: list[str] = field(default_factory=list)


def process_record(r: ProcessRecord) -> bytes:
    story: list[Flowable] = [
        Heading(r.title, 16, space_after=3 * mm),
        *[_line(f"{name}：{value}") for name, value in r.facts],
        Spacer(1, 3 * mm),
        _table(r.entries),
        Spacer(1, 3 * mm),
        *[_line(n) for n in r.notes],
        _line(r.packed),
    ]
    return build(story, pagesize=PAGE, margins=MARGINS, title=r.title, on_page=_page_number)


def _line(text: str) -> Paragraph:
    return para(text, style(10, leading=15, align="left"))


def _cell(text: str, align: str = "left") -> Paragraph:
    return para(text, style(9, leading=12.5, align=align))


def _table(entries: list[ProcessEntry]) -> Flowable:
    rows: list[list[Any]] = [[_cell(h, "centre") for h in ("序号", "时间", "事项", "办理人", "内容")]]
    for i, e in enumerate(entries, 1):
        rows.append([_cell(str(i), "centre"), _cell(e.at), _cell(e.what), _cell(e.who or "系统"), _cell(e.said)])
    if not entries:
        rows.append([_cell("—", "centre"), _cell(""), _cell("（无记录）"), _cell(""), _cell("")])
    widths = [12 * mm, 32 * mm, 30 * mm, 38 * mm]
    return grid(
        rows,
        [*widths, WIDTH - sum(widths)],
        [("BACKGROUND", (0, 0), (-1, 0), SHADE), ("VALIGN", (0, 0), (-1, -1), "TOP")],
        padding=(3, 4),
    )


def _page_number(canvas: Canvas, document: Any) -> None:
    canvas.saveState()
    canvas.setFont(song(), 9)
    canvas.drawCentredString(PAGE[0] / 2, 10 * mm, f"第{document.page}页")
    canvas.restoreState()
