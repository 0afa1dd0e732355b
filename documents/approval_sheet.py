"""审批单: one application's facts, every act and opinion (who, role and unit, when), the reviewers' scores, the
notice and its objections with their findings, and the documents issued: the sheet an office prints and files."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from documents.layout import Heading, build, grid, para, song, style
from documents.models import ApprovalSheet

WIDTH = A4[0] - 40 * mm
SHADE = colors.Color(0.94, 0.94, 0.94)
NONE = "（无）"


def approval_sheet(sheet: ApprovalSheet) -> bytes:
    """The 审批单 as PDF bytes."""
    section = style(12.5, leading=18, align="left", space_before=5 * mm, space_after=2 * mm)
    story: list[Flowable] = [
        Heading(sheet.title or f"{sheet.level}就业服务质量标杆机构评定审批单", 18, space_after=3 * mm),
        para(f"机构名称：{sheet.institution_name}　　当前状态：{sheet.state}", style(10.5, align="centre")),
        Spacer(1, 2 * mm),
        para("一、机构基本情况", section),
        _facts(sheet),
        para("二、办理经过及意见", section),
        _acts(sheet),
    ]
    if sheet.scores:
        story += [para("三、评审评分", section), _scores(sheet)]
    story += [para(f"{'四' if sheet.scores else '三'}、公示及异议处理", section), *_notice(sheet)]
    story += [para(f"{'五' if sheet.scores else '四'}、形成文书", section), _documents(sheet)]

    def footer(canvas: Canvas, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(song(), 9)
        canvas.setFillColor(colors.Color(0.3, 0.3, 0.3))
        y = 12 * mm
        canvas.drawString(20 * mm, y, sheet.institution_name)
        canvas.drawCentredString(A4[0] / 2, y, f"第{document.page}页")
        canvas.drawRightString(A4[0] - 20 * mm, y, f"打印时间：{sheet.printed_at}")
        canvas.restoreState()

    return build(
        story,
        pagesize=A4,
        margins=(20 * mm, 20 * mm, 22 * mm, 20 * mm),
        title=f"{sheet.institution_name} {'审批单' if sheet.title else '评定审批单'}",
        on_page=footer,
    )


def _grid(rows: list[list[Any]], widths: list[float], *, header: bool = True) -> Table:
    shade = ("BACKGROUND", (0, 0), (-1, 0) if header else (0, -1), SHADE)
    return grid(rows, widths, [shade], header=header, padding=(3, 4))


def _head(texts: list[str]) -> list[Paragraph]:
    return [para(t, style(10, leading=13, align="centre")) for t in texts]


def _cell(text: str) -> Paragraph:
    return para(text, style(9.5, leading=13, align="left"))


def _facts(sheet: ApprovalSheet) -> Table:
    label = style(10, leading=13, align="centre")
    rows: list[list[Any]] = [[para(k, label), _cell(v)] for k, v in sheet.facts]
    return _grid(rows, [40 * mm, WIDTH - 40 * mm], header=False)


def _acts(sheet: ApprovalSheet) -> Table:
    rows: list[list[Any]] = [_head(["序号", "时间", "事项", "办理人", "角色及单位", "意见及说明"])]
    for i, a in enumerate(sheet.acts, start=1):
        said = [a.opinion] if a.opinion else []
        said += [f"{name}：{value}" for name, value in a.details]
        rows.append(
            [_cell(str(i)), _cell(a.at), _cell(a.act), _cell(a.who), _cell(a.role), _cell("\n".join(said) or "—")]
        )
    widths = [12 * mm, 24 * mm, 24 * mm, 20 * mm, 32 * mm, WIDTH - 112 * mm]
    return _grid(rows, widths)


def _scores(sheet: ApprovalSheet) -> Table:
    rows: list[list[Any]] = [_head(["序号", "评审人", "时间", "得分", "评审意见"])]
    for i, s in enumerate(sheet.scores, start=1):
        rows.append([_cell(str(i)), _cell(s.reviewer), _cell(s.at), _cell(s.parts), _cell(s.opinion or "—")])
    return _grid(rows, [12 * mm, 24 * mm, 24 * mm, 44 * mm, WIDTH - 104 * mm])


def _notice(sheet: ApprovalSheet) -> list[Flowable]:
    out: list[Flowable] = [para(sheet.notice or "未经公示。", style(10.5, leading=16, align="left"))]
    if sheet.notice or sheet.objections:
        out.append(Spacer(1, 2 * mm))
        rows: list[list[Any]] = [_head(["序号", "提出时间", "异议内容", "调查核实结论", "核实时间"])]
        for i, o in enumerate(sheet.objections, start=1):
            rows.append([_cell(str(i)), _cell(o.lodged_at), _cell(o.content), _cell(o.finding), _cell(o.found_at)])
        if not sheet.objections:
            rows.append([_cell("—"), _cell("公示期间未收到异议"), "", "", ""])
        out.append(_grid(rows, [12 * mm, 24 * mm, WIDTH - 94 * mm, 34 * mm, 24 * mm]))
    return out


def _documents(sheet: ApprovalSheet) -> Table:
    rows: list[list[Any]] = [_head(["序号", "文书", "文号或编号", "日期"])]
    for i, d in enumerate(sheet.documents, start=1):
        rows.append([_cell(str(i)), _cell(d.title), _cell(d.number), _cell(d.issued_on)])
    if not sheet.documents:
        rows.append([_cell("—"), _cell(NONE), "", ""])
    return _grid(rows, [12 * mm, 60 * mm, WIDTH - 102 * mm, 30 * mm])
