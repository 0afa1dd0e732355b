"""历史称号导入 (/historic-titles, admin): titles awarded before the system (e.g. the 2022 county-level results)
uploaded as the CSV the CLI (``biaogan import-titles FILE``) and ``POST /api/v1/historic-titles/import`` take. The
import is the same function (db.historic_import.import_titles): every row is validated first, and if any row is bad
the page lists each problem by its line, in Chinese, and nothing is written; otherwise every row is written (a title
already imported is skipped). The titles on record are listed below the form."""

import re

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import Response

from db.historic_import import COLUMNS, TYPE_ZH, ImportReport, RowError
from services import quotas
from services.refusals import Refusal
from state.domain import COUNTIES, Level, Role
from state.labels import level_title
from web.context import context_of
from web.page_calls import admit, words
from web.render import page
from web.routes import page_router
from web.visitors import SignedIn

router = page_router()
MAX_BYTES = quotas.HISTORIC_MAX_BYTES  # as POST /historic-titles/import
SHOWN = 200  # the titles listed, newest import first
COLUMN_WORDS = {
    "institution_name": "机构名称",
    "type": "机构类型（如 零工市场）",
    "county": "所属县区（如 兰山区）",
    "credit_code": "统一社会信用代码",
    "level": "称号等级（县级 或 市级）",
    "document_no": "评定文号",
    "date": "评定日期（如 2022-06-30）",
    "plaque_no": "奖牌编号（可空）",
}
TYPE_WORDS = {kind: zh for zh, kind in TYPE_ZH.items()}
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
_CREDIT_ZH = re.compile(r"\(([^()]*[\u4e00-\u9fff][^()]*)\)\s*$")
_SAME_AS = re.compile(r"line (\d+)")


def row_problem(e: RowError) -> str:
    """One problem of the file, in Chinese, with its line (the header is line 1)."""
    at = f"第{e.line}行"
    if e.code or (_CHINESE.match(e.message) and e.field != "credit_code"):
        return e.message  # said in Chinese where it is found
    if e.field == "file":
        return "文件不是 UTF-8 编码的文本，请在表格软件中另存为“CSV UTF-8”后重新上传"
    if e.field == "header":
        return "第1行（表头）缺少列，表头须为：" + ",".join(COLUMNS)
    if e.field == "row":
        if same := _SAME_AS.search(e.message):
            return f"{at}与第{same.group(1)}行是同一称号（统一社会信用代码、等级和评定文号相同）"
        return f"{at}的列数多于{len(COLUMNS)}列"
    if e.field == "institution_name":
        return f"{at}机构名称必填"
    if e.field == "type":
        return f"{at}机构类型不在可选之列，应为：{'、'.join(TYPE_ZH)}"
    if e.field == "county":
        return f"{at}县区不在本市县区之列，应为：{'、'.join(COUNTIES)}"
    if e.field == "credit_code":
        found = _CREDIT_ZH.search(e.message)
        return f"{at}统一社会信用代码有误" + (f"：{found.group(1)}" if found else "")
    if e.field == "level":
        return f"{at}称号等级应为“县级”或“市级”"
    if e.field == "document_no":
        return f"{at}评定文号必填（授予该称号的文件文号）"
    if e.field == "date":
        return f"{at}评定日期应为2000年1月1日至今天之间的日期，格式如 2022-06-30"
    return f"{at}有误，无法导入"


async def _page(
    request: Request,
    status: int = 200,
    report: ImportReport | None = None,
    problems: list[str] | None = None,
    refused: str = "",
) -> Response:
    titles, total = await run_in_threadpool(quotas.historic_titles, context_of(request), SHOWN)
    ctx = {
        "titles": titles,
        "total": total,
        "shown": SHOWN,
        "columns": [(c, COLUMN_WORDS[c]) for c in COLUMNS],
        "type_words": {k.value: v for k, v in TYPE_WORDS.items()},
        "level_words": {lv.value: level_title(lv) for lv in Level},
        "report": report,
        "problems": problems or [],
        "refused": refused,
    }
    return page(request, "historic_titles.html", ctx, status)


@router.get("/historic-titles")
async def historic_titles(request: Request, actor: SignedIn) -> Response:
    await admit(actor, Role.admin)
    return await _page(request)


@router.post("/historic-titles")
async def import_historic_titles(request: Request, actor: SignedIn) -> Response:
    await admit(actor, Role.admin)
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _page(request, 422, refused="请选择要导入的 CSV 文件")
    data = await upload.read(MAX_BYTES + 1)
    try:
        report = await quotas.import_historic_titles(context_of(request), data, upload.filename)
    except Refusal as refusal:  # too large: said by its rule
        return await _page(request, 422, refused=words(refusal))
    if report.errors:
        problems = [row_problem(e) for e in report.errors]
        return await _page(request, 422, report=report, problems=problems)
    return await _page(request, report=report)
