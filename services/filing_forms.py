"""Attachment 4 of the notice (县级就业服务质量标杆机构评定备案表) as XLSX (openpyxl), CSV and PDF."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

import documents
from contracts.filing import FilingEntry
from state.domain import InstitutionType
from state.labels import type_label
from state.spreadsheet import safe_cell

TITLE = "县级就业服务质量标杆机构评定备案表"
COLUMNS = ("序号", "机构名称", "机构类型", "统一社会信用代码", "评定文号", "评定日期", "奖牌编号", "备注")
WIDTHS = (6, 36, 24, 24, 24, 12, 16, 20)
TYPE_ZH: dict[InstitutionType, str] = {
    InstitutionType.public_agency: "公共就业服务机构",
    InstitutionType.township_platform: "乡镇（街道）基层公共就业服务平台",
    InstitutionType.village_platform: "村（社区）基层公共就业服务平台",
    InstitutionType.gig_market: "零工市场",
    InstitutionType.hr_agency: "经营性人力资源服务机构",
    InstitutionType.training: "职业培训机构",
}


@dataclass
class Form:
    county: str
    year: int
    version: int | None  # None: a draft, not filed
    filed_at: datetime | None  # Asia/Shanghai
    filed_by: str
    entries: list[FilingEntry]

    @property
    def heading(self) -> str:
        parts = [f"填报单位：{self.county}人力资源和社会保障局", f"年度：{self.year}"]
        if self.version is None:
            parts.append("草稿（未报送）")
        else:
            parts.append(f"版本：第{self.version}版")
            if self.filed_at:
                parts.append(f"报送时间：{self.filed_at.strftime('%Y-%m-%d %H:%M')}")
        return "    ".join(parts)

    def filename(self, ext: str) -> str:
        suffix = "草稿" if self.version is None else f"第{self.version}版"
        return f"{self.county}{self.year}年度县级标杆机构评定备案表（{suffix}）.{ext}"


def type_zh(kind: InstitutionType | str) -> str:
    """The type as the 备案表 names it (the first program's full names), else as its program does."""
    first = {t.value: name for t, name in TYPE_ZH.items()}
    return first.get(kind.value if isinstance(kind, InstitutionType) else kind) or type_label(kind)


def row_values(e: FilingEntry) -> list[Any]:
    return [
        e.seq,
        e.institution_name,
        type_zh(e.institution_type),
        e.credit_code,
        e.document_no,
        e.announced_on,
        e.plaque_no,
        e.remark,
    ]


_THIN = Side(style="thin")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def header_row(ws: Any, row: int, columns: Sequence[str], widths: Sequence[int]) -> None:
    """A table's bold, bordered header, and its columns' widths."""
    for col, (name, width) in enumerate(zip(columns, widths, strict=True), 1):
        cell = ws.cell(row=row, column=col, value=safe_cell(name))
        cell.font, cell.border = Font(bold=True), BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[cell.column_letter].width = width


@dataclass
class Table:
    """One sheet of an export: a title line, a header and rows (every cell through safe_cell)."""

    sheet: str
    title: str
    columns: Sequence[str]
    widths: Sequence[int]
    rows: list[list[Any]]


def tables_xlsx(tables: Sequence[Table]) -> bytes:
    """Plain tables as one workbook, a sheet each, in the 备案表's style (used by the statistics export)."""
    wb = Workbook()
    first = wb.active
    assert isinstance(first, Worksheet)  # a new workbook has one sheet, a worksheet
    wb.remove(first)
    for t in tables:
        ws = wb.create_sheet(t.sheet[:31])
        ws.cell(row=1, column=1, value=safe_cell(t.title)).font = Font(bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(t.columns))
        header_row(ws, 2, t.columns, t.widths)
        for r, values in enumerate(t.rows, 3):
            for col, value in enumerate(values, 1):
                ws.cell(row=r, column=col, value=safe_cell(value)).border = BORDER
        ws.freeze_panes = "A3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx(form: Form) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook has one sheet, a worksheet
    ws.title = "附件4"
    last = len(COLUMNS)
    ws.cell(row=1, column=1, value=TITLE).font = Font(bold=True, size=16)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    ws.cell(row=2, column=1, value=safe_cell(form.heading))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    header_row(ws, 3, COLUMNS, WIDTHS)
    for r, entry in enumerate(form.entries, 4):
        for col, value in enumerate(row_values(entry), 1):
            cell = ws.cell(row=r, column=col, value=safe_cell(value))
            cell.border = BORDER
            if col == 6:
                cell.number_format = "yyyy-mm-dd"
            if col == 4:
                cell.number_format = "@"  # text: a credit code is not a number
    footer = 4 + len(form.entries) + 1
    ws.cell(row=footer, column=1, value=safe_cell(f"合计：{len(form.entries)}家    填报人：{form.filed_by}"))
    ws.merge_cells(start_row=footer, start_column=1, end_row=footer, end_column=last)
    ws.freeze_panes = "A4"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(form: Form) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese right; one header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for e in form.entries:
        values = row_values(e)
        values[5] = e.announced_on.isoformat()
        writer.writerow([safe_cell(v) for v in values])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def disposition(filename: str) -> str:
    return f"attachment; filename=\"filing.{filename.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(filename)}"


def pdf(form: Form, organ: str) -> bytes:
    """The form as PDF: a filed version carries the county bureau's name, the filing date and its seal place; a
    draft (nothing filed yet) says so in its heading and has neither."""
    rows = [[str(v) if not isinstance(v, date) else v.isoformat() for v in row_values(e)] for e in form.entries]
    return documents.filing_form(
        documents.FilingForm(
            title=TITLE,
            heading=form.heading,
            columns=COLUMNS,
            rows=rows,
            footer=f"合计：{len(form.entries)}家    填报人：{form.filed_by}",
            organ=organ,
            filed_on=form.filed_at.date() if form.version is not None and form.filed_at else None,
        )
    )
