"""Attachment 4 is safe to open: a text cell that a spreadsheet program would read as a formula (it starts
with =, +, -, @, a tab or a carriage return) is written with a leading single quote, in XLSX and in CSV."""

import csv
import io
from datetime import date, datetime

from openpyxl import load_workbook

from contracts.filing import FilingEntry
from services.filing_forms import Form, csv_bytes, xlsx
from state.calendar import TZ
from state.domain import InstitutionType, Stage
from state.spreadsheet import safe_cell

NAME, DOC, PLAQUE, REMARK = '=HYPERLINK("http://x","y")', "=1+2", "@SUM(A1)", "-1+1"


def form() -> Form:
    entry = FilingEntry(
        seq=1,
        application_id="A1",
        institution_name=NAME,
        institution_type=InstitutionType.gig_market,
        credit_code="91371300MA3C5KXX1K",
        document_no=DOC,
        announced_on=date(2026, 5, 1),
        plaque_no=PLAQUE,
        state=Stage.announced,
        remark=REMARK,
    )
    return Form("兰山区", 2026, 1, datetime(2026, 12, 18, 10, tzinfo=TZ), "+张三", [entry])


def test_the_helper_quotes_only_text_that_starts_like_a_formula():
    for risky in ("=1", "+1", "-1", "@A1", "\t=1", "\r=1"):
        assert safe_cell(risky) == "'" + risky
    for harmless in ("兰山区", "1-2", "", "a=b", "'=1"):
        assert safe_cell(harmless) == harmless
    assert safe_cell(3) == 3 and safe_cell(date(2026, 5, 1)) == date(2026, 5, 1) and safe_cell(None) is None


def test_xlsx_cells_that_look_like_formulas_are_quoted_text():
    ws = load_workbook(io.BytesIO(xlsx(form()))).active
    row = {ws.cell(row=3, column=c).value: ws.cell(row=4, column=c) for c in range(1, 9)}
    for column, raw in (("机构名称", NAME), ("评定文号", DOC), ("奖牌编号", PLAQUE), ("备注", REMARK)):
        assert (row[column].value, row[column].data_type) == ("'" + raw, "s")
    assert row["评定日期"].value == datetime(2026, 5, 1) and row["序号"].value == 1
    assert not [c.coordinate for r in ws.iter_rows() for c in r if c.data_type == "f"]


def test_csv_fields_that_look_like_formulas_are_quoted():
    table = list(csv.reader(io.StringIO(csv_bytes(form()).decode("utf-8-sig"))))
    assert table[1] == [
        "1",
        "'" + NAME,
        "零工市场",
        "91371300MA3C5KXX1K",
        "'" + DOC,
        "2026-05-01",
        "'" + PLAQUE,
        "'" + REMARK,
    ]
