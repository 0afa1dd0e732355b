"""The 申报表 PDF prints the readable 申报编号 in its footer, not the application's id; the inbox's notice of the
declaration names it too, and the 审批单 is filed under it."""

import io
import re

from pypdf import PdfReader

from tests.api.conftest import eventually, expect


async def test_the_declaration_form_and_the_notice_carry_the_number_not_the_id(api, driver):
    app_id = await driver.declare("county")

    async def numbered() -> bool:
        answer = await api.get("clerk", f"/applications/{app_id}/documents/declaration.pdf")
        return answer.status_code == 200 and "申报编号：兰山-" in "".join(
            p.extract_text() for p in PdfReader(io.BytesIO(answer.content)).pages
        )

    await eventually(numbered)
    pdf = await api.get("clerk", f"/applications/{app_id}/documents/declaration.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    number = re.search(r"申报编号：(兰山-\d{4}-\d{4})", text)
    assert number is not None and app_id not in text
    inbox = expect(await api.get("bureau", "/notifications", params={"limit": 200}), 200)
    mine = [n for n in inbox["items"] if n["about"] == app_id]
    assert mine and all(f"申报编号：{number.group(1)}" in n["body"] for n in mine)
    sheet = await api.get("bureau", f"/applications/{app_id}/documents/approval-sheet.pdf")
    sheet_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(sheet.content)).pages)
    assert number.group(1) in sheet_text and app_id not in sheet_text  # the 审批单 is filed under the number
