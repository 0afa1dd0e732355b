"""联合公布文件 in the GB/T 9704-2012 layout: red organ mark, 发文字号, red line, title, body, seals, date."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer, Table
from reportlab.platypus.flowables import TopPadder

from documents.gongwen import (
    BOTTOM,
    LEFT,
    LINE,
    RIGHT,
    TOP,
    TYPE_WIDTH,
    Colophon,
    GridText,
    RedHead,
    Signatures,
)
from documents.layout import Heading, build, chinese_date, fangsong, grid, para, song, style
from documents.models import CITY, Announcement, ListedInstitution

TITLE_SIZE = 22.0  # 2号
PAGE_NUMBER_SIZE = 14.0  # 4号
# Where the ink of UMing's "—" lies, as a fraction of the size above the baseline: the dash's height is what
# GB/T 9704 fixes (一字线上距版心下边缘 7 mm), so the baseline is placed from it.
DASH_RISE = 0.38


def announcement(document: Announcement) -> bytes:
    """The 公布文件 as PDF bytes: the body on numbered pages, then the 版记 alone at the foot of an even page
    (a blank page first when the body ends on an even page); neither of those pages is numbered."""
    _, body_pages = _render(_body(document), numbered=None)
    story = _body(document)
    story += [PageBreak()] + ([_Blank(), PageBreak()] if body_pages % 2 == 0 else [])
    story.append(TopPadder(_colophon(document)))
    pdf, _ = _render(story, numbered=body_pages, title=f"{document.doc_number} {document.title}")
    return pdf


def organ_full_name(name: str, city: str = CITY) -> str:
    """An organ as a 公文 names it: a county's bureau with the city before it (临沂市兰山区民政局)."""
    return name if name.startswith(city) else city + name


def opening_paragraph(count: int, level: str, objections: bool = False) -> str:
    """The paragraph before the list: 公示期满无异议 only when no objection was lodged against any of them."""
    notice = "公示期间收到的异议经调查核实，异议不成立" if objections else "公示期满无异议"
    return (
        f"按照就业服务质量标杆机构评定工作安排，经申报、评审、公示等程序，{notice}，"
        f"决定评定以下{count}家机构为{level}就业服务质量标杆机构，现予以公布。"
    )


def _body(document: Announcement) -> list[Flowable]:
    organs = [organ_full_name(name, document.city) for name in document.organs]
    count = len(document.institutions)
    opening = list(document.opening) or [opening_paragraph(count, document.level)]
    closing = list(document.closing) or [
        (
            "希望被评定的标杆机构珍惜荣誉，充分发挥标杆引领、典型带动作用，持续提升就业服务质量。"
            "对出现申报材料虚假失实、机构注销、发生违法违规违纪问题、就业服务工作被证实达不到标准"
            "以及产生其他应当撤销评定情形的，将予以撤销。"
        )
    ]
    return [
        RedHead(organs, document.doc_number),
        # 2号 title two lines under the red rule (in RedHead), the 主送 one blank line under the title.
        Heading(document.title, TITLE_SIZE, line=LINE, space_after=LINE),
        GridText(document.addressees, indent=0),
        *[GridText(text) for text in opening],
        Spacer(1, LINE * 0.3),
        _list_table(document.institutions),
        Spacer(1, LINE * 0.3),
        *[GridText(text) for text in closing[:-1]],
        # The last paragraph travels with the seals: GB/T 9704 allows no seal page without body text.
        KeepTogether(
            [
                GridText(closing[-1]),
                Signatures(organs, chinese_date(document.signed_on)),
                GridText(f"（{document.disclosure}）") if document.disclosure else Spacer(1, 0),
            ]
        ),
    ]


def _colophon(document: Announcement) -> Colophon:
    printed_by = document.printed_by or f"{organ_full_name(document.organs[0], document.city)}办公室"
    printed_on = document.printed_on or document.signed_on
    return Colophon(document.copied_to, printed_by, chinese_date(printed_on))


class _Blank(Flowable):
    """Holds a page open so that the PageBreak after it leaves a blank page."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, 1

    def draw(self) -> None:
        pass


def _render(story: list[Flowable], *, numbered: int | None, title: str = "") -> tuple[bytes, int]:
    """The PDF and its page count; pages after the first numbered ones carry no number."""
    pages = [0]

    def page_number(canvas: Canvas, document: Any) -> None:
        pages[0] = document.page
        if numbered is None or document.page <= numbered:
            _page_number(canvas, document.page)

    pdf = build(story, pagesize=A4, margins=(TOP, RIGHT, BOTTOM, LEFT), title=title, on_page=page_number)
    return pdf, pages[0]


def _page_number(canvas: Canvas, page: int) -> None:
    """4号 Song page number between 一字线, the dashes 7 mm below the 版心; odd pages right, even left, a
    character in from the edge."""
    size = PAGE_NUMBER_SIZE
    text = f"— {page} —"
    canvas.saveState()
    canvas.setFont(song(), size)
    y = BOTTOM - 7 * mm - size * DASH_RISE
    if page % 2:
        canvas.drawRightString(A4[0] - RIGHT - size, y, text)
    else:
        canvas.drawString(LEFT + size, y, text)
    canvas.restoreState()


def _list_table(institutions: Sequence[ListedInstitution]) -> Table:
    centre = style(13, leading=19, align="centre", font=fangsong())
    left = style(13, leading=19, align="left", font=fangsong())
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
    return grid(rows, widths, padding=(3, 5))
