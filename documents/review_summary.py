"""评审汇总表: a round's competitive review on one sheet: per candidate, each panel member's marks per method (回避
and 缺评 marked), the mean per method, the weighted score, the rank and whether it falls within the places (名额内/外).
Chinese only: members by name, candidates by institution name and 申报编号."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from documents.layout import Heading, build, grid, para, style

PAGE = landscape(A4)
WIDTH = PAGE[0] - 30 * mm
SHADE = colors.Color(0.94, 0.94, 0.94)


@dataclass
class SummaryRow:
    rank: int
    institution_name: str
    number: str  # 申报编号, "" before one is assigned
    marks: dict[str, dict[str, str]]  # member name -> method label -> mark, "回避" or "缺评"
    means: dict[str, str]  # method label -> mean
    weighted: str
    counted: str  # "2/2" full sheets counted / required
    place: str  # 名额内 / 名额外 / 待定 / 评分不足


@dataclass
class ReviewSummary:
    round_name: str
    phase: str
    methods: list[str]  # method labels with their weights, e.g. 书面评审（50%）
    members: list[str]  # member names with their units
    rows: list[SummaryRow]
    recusals: list[str] = field(default_factory=list)  # "张三回避甲机构：理由"
    missing: list[str] = field(default_factory=list)  # "张三未评甲机构"
    closing: str = ""  # who closed the review and why


def review_summary(s: ReviewSummary) -> bytes:
    section = style(12, leading=17, align="left", space_before=4 * mm, space_after=2 * mm)
    story: list[Flowable] = [
        Heading(f"{s.round_name}评审汇总表", 17, space_after=3 * mm),
        para(f"评审阶段：{s.phase}　　评审方式：{'、'.join(s.methods)}", style(10, align="centre")),
        para(f"评审组成员：{'、'.join(s.members)}", style(10, align="centre")),
        Spacer(1, 2 * mm),
        para("一、评分汇总", section),
        _table(s),
        para("二、回避情况", section),
        *[_line(t) for t in s.recusals or ["（无）"]],
        para("三、缺评情况", section),
        *[_line(t) for t in s.missing or ["（无）"]],
    ]
    if s.closing:
        story += [para("四、评审结束", section), _line(s.closing)]
    return build(story, pagesize=PAGE, margins=(15 * mm, 15 * mm, 15 * mm, 15 * mm), title=f"{s.round_name}评审汇总表")


def _line(text: str) -> Paragraph:
    return para(text, style(10, leading=15, align="left"))


def _cell(text: str) -> Paragraph:
    return para(text, style(8.5, leading=11, align="centre"))


def _table(s: ReviewSummary) -> Table:
    head = ["排名", "机构名称", "申报编号", "评审组成员", *s.methods, "加权得分", "有效评分", "名额"]
    rows: list[list[object]] = [[_cell(h) for h in head]]
    spans: list[tuple[object, ...]] = [("BACKGROUND", (0, 0), (-1, 0), SHADE)]
    width_m = len(s.methods)
    for r in s.rows:
        first = len(rows)
        members = list(r.marks) or ["（无评分）"]
        for i, name in enumerate(members):
            marks = r.marks.get(name, {})
            said = [str(r.rank), r.institution_name, r.number or "（未编号）"] if i == 0 else ["", "", ""]
            outcome = [r.weighted, r.counted, r.place] if i == 0 else ["", "", ""]
            rows.append([_cell(t) for t in [*said, name, *[marks.get(m, "") for m in s.methods], *outcome]])
        rows.append([_cell(t) for t in ["", "", "", "平均分", *[r.means.get(m, "") for m in s.methods], "", "", ""]])
        last = len(rows) - 1
        for col in (0, 1, 2):
            spans.append(("SPAN", (col, first), (col, last)))
        for col in (4 + width_m, 5 + width_m, 6 + width_m):
            spans.append(("SPAN", (col, first), (col, last)))
        spans.append(("BACKGROUND", (3, last), (-1, last), SHADE))
    fixed = [12 * mm, 50 * mm, 30 * mm, 40 * mm]
    tail = [22 * mm, 20 * mm, 20 * mm]
    rest = (WIDTH - sum(fixed) - sum(tail)) / max(width_m, 1)
    return grid(rows, [*fixed, *[rest] * width_m, *tail], spans, padding=(2, 3))
