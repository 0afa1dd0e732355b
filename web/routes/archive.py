"""归档包 on the pages: an application's package (the 「下载归档包」 link on its page once it is awarded or has ended)
and a county's year of packages (the form on the statistics page). The same services as the API's
(services/archive.py), with the signed-in user: the same scope rule and the same refusals, said in Chinese."""

import re
from urllib.parse import quote

from starlette.responses import Response, StreamingResponse

from contracts.rules.applications import BATCH_FIELD_INVALID
from schemas.fields import ID_PATTERN
from services import archive
from services.access import not_found
from services.refusals import Refusal
from state.domain import COUNTIES
from web.page_context import PageContext
from web.page_router import page_router
from web.refusals import PageRefusal
from web.routes.applications import require_reader
from web.visitors import SignedIn

router = page_router()


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename=\"archive.zip\"; filename*=UTF-8''{quote(name)}"}


@router.get("/applications/{application_id}/archive.zip")
async def application_archive(application_id: str, actor: SignedIn, ctx: PageContext) -> Response:
    require_reader(actor)
    if not re.match(ID_PATTERN, application_id):
        raise PageRefusal(not_found(application_id))
    try:
        found = await archive.package(ctx, actor, application_id)
    except Refusal as refusal:
        raise PageRefusal(refusal, "暂无归档包" if refusal.status == 409 else "") from None
    return Response(found.content, media_type=archive.ZIP, headers=_attachment(found.name))


@router.get("/archives.zip")
async def year_archive(actor: SignedIn, ctx: PageContext, year: str = "", county: str = "") -> Response:
    require_reader(actor)
    if not re.fullmatch(r"20\d\d", year.strip()):
        raise PageRefusal(Refusal(422, BATCH_FIELD_INVALID, field="year", name="年度"))
    if county not in COUNTIES:
        raise PageRefusal(Refusal(422, BATCH_FIELD_INVALID, field="county", name="县区"))
    try:
        found = await archive.year_packages(ctx, actor, county, int(year))
    except Refusal as refusal:
        raise PageRefusal(refusal) from None
    return StreamingResponse(found.chunks(), media_type=archive.ZIP, headers=_attachment(found.name))
