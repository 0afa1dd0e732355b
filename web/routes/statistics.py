"""统计 (/statistics): applications by county, institution type and state; each county's quota, used and left, for a
period; titles awarded and revoked per year. Tables with ECharts charts (vendored, web/static/vendor), and the same
tables as XLSX (/statistics.xlsx). The figures are services/statistics.py's; a county's users see their county only,
in every table, chart and export."""

from datetime import datetime
from urllib.parse import quote

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from services.access import READERS
from services.refusals import Refusal
from services.statistics import Statistics, gather, workbook
from state.clock import SHANGHAI
from state.domain import COUNTIES, Stage
from web.context import context_of
from web.refusals import PageRefusal
from web.render import page
from web.routes import page_router
from web.visitors import SignedIn

router = page_router()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _gathered(request: Request, actor: SignedIn, period: str) -> Statistics:
    try:
        return await gather(actor, context_of(request), period)
    except Refusal as refusal:
        raise PageRefusal(refusal) from None


@router.get("/statistics")
async def statistics(request: Request, actor: SignedIn, period: str = "") -> Response:
    stats = await _gathered(request, actor, period)
    query = f"?period={quote(stats.period.id)}" if stats.period is not None else ""
    context = {
        "s": stats,
        "stages": list(Stage),
        "actor": actor,
        "xlsx": f"/statistics.xlsx{query}",
        "archive_counties": ([actor.county] if actor.county else list(COUNTIES)) if actor.role in READERS else [],
        "this_year": datetime.now(SHANGHAI).year,
    }
    return page(request, "statistics.html", context)


@router.get("/statistics.xlsx")
async def statistics_xlsx(request: Request, actor: SignedIn, period: str = "") -> Response:
    stats = await _gathered(request, actor, period)
    content = await run_in_threadpool(workbook, stats)
    name = f"{stats.scope or '全市'}标杆机构评定统计.xlsx"
    disposition = f"attachment; filename=\"statistics.xlsx\"; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})
