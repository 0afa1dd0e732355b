"""公示名单: the list under public notice, the notice window and how to object; several 公示, one per issuing organ
(the city bureau's of city-level candidates, each county bureau's of its county-level ones), each on its own pages
with its own window, contacts and signature."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, PageBreak, Spacer, Table

from documents.layout import Heading, build, chinese_date, grid, para, song, style
from documents.models import ListedInstitution, NoticeList
from documents.seal_places import SealPlace

WIDTH = A4[0] - 50 * mm
HEADER_SHADE = colors.Color(0.93, 0.93, 0.93)


def notice_window(start: date, end: date) -> str:
    """2026年9月28日至2026年10月9日"""
    return f"{chinese_date(start)}至{chinese_date(end)}"


def notice_list(notice: NoticeList) -> bytes:
    """The 公示 as PDF bytes."""
    return notice_lists([notice], notice.title)


def notice_lists(notices: Sequence[NoticeList], title: str) -> bytes:
    """Several 公示 in one PDF, each from a new page (at least one)."""
    story: list[Flowable] = []
    for i, notice in enumerate(notices):
        if i:
            story.append(PageBreak())
        story.extend(_story(notice))
    return build(story, pagesize=A4, margins=(25 * mm, 25 * mm, 25 * mm, 25 * mm), title=title)


def _story(notice: NoticeList) -> list[Flowable]:
    body = style(13, leading=24, indent_chars=2)
    intro = notice.intro or (
        "根据就业服务质量标杆机构评定工作安排，经申报、评审，"
        f"拟评定以下{len(notice.institutions)}家机构为就业服务质量标杆机构，现予以公示。"
    )
    window = f"公示时间：{notice_window(notice.window_start, notice.window_end)}"
    if notice.working_days:
        window += f"（{notice.working_days}个工作日）"
    objection = (
        "公示期间，任何单位和个人对公示名单有异议的，请以书面形式实名提出，写明异议事项和理由，"
        "并提供联系方式及必要的证明材料。匿名或逾期提出的异议不予受理。"
    )
    contact = [f"异议受理单位：{notice.objection_receiver}"] if notice.objection_receiver else []
    contact += [f"异议受理电话：{notice.objection_phone}", f"电子邮箱：{notice.objection_email}"]
    if notice.objection_address:
        contact.append(f"通信地址：{notice.objection_address}")
    signature = style(13, leading=24, align="right")
    return [
        Heading(notice.title, 19, space_after=8 * mm),
        para(intro, body),
        Spacer(1, 3 * mm),
        _list_table(notice.institutions),
        Spacer(1, 4 * mm),
        para(window, body),
        para(objection, body),
        *[para(line, body) for line in contact],
        Spacer(1, 10 * mm),
        para(notice.issuing_organ, signature),
        SealPlace(notice.issuing_organ, pdfmetrics.stringWidth(notice.issuing_organ, song(), 13) / 2),
        para(chinese_date(notice.issued_on), signature),
    ]


def _list_table(institutions: Sequence[ListedInstitution]) -> Table:
    centre = style(11, leading=15, align="centre")
    left = style(11, leading=15, align="left")
    head = ["序号", "机构名称", "机构类型", "所在县区", "级别"]
    rows: list[list[Flowable]] = [[para(text, centre) for text in head]]
    for i, item in enumerate(institutions, start=1):
        rows.append(
            [
                para(str(i), centre),
                para(item.name, left),
                para(item.institution_type, centre),
                para(item.county, centre),
                para(item.level, centre),
            ]
        )
    widths = [13 * mm, 66 * mm, 42 * mm, 22 * mm, WIDTH - 143 * mm]
    return grid(rows, widths, [("BACKGROUND", (0, 0), (-1, 0), HEADER_SHADE)])
