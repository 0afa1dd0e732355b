"""归档包 (services/archive.py): an application's archive package once it is awarded or has ended, and a county's
year of packages in one ZIP (built in a temporary file, streamed, then removed)."""

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response, StreamingResponse

from api.deps import ApplicationId, Reader, ServiceContext
from api.errors import documented
from schemas.fields import County
from services import archive

router = APIRouter(tags=["archive"], default_response_class=Response)
ZIP_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"content": {archive.ZIP: {"schema": {"type": "string", "format": "binary"}}}, "description": "the ZIP"}
}


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename=\"archive.zip\"; filename*=UTF-8''{quote(name)}"}


@router.get(
    "/applications/{application_id}/archive.zip",
    summary="归档包: documents as kept, materials, history (JSON and PDF), a signed manifest",
    response_class=Response,
    responses={**ZIP_ANSWER, **documented(401, 403, 404, 409, 503, rules={409: ("not_archivable",)})},
)
async def application_archive(application_id: ApplicationId, actor: Reader, ctx: ServiceContext) -> Response:
    found = await archive.package(ctx, actor, application_id)
    return Response(found.content, media_type=archive.ZIP, headers=_attachment(found.name))


@router.get(
    "/archives/{year}.zip",
    summary="A county's archive packages of a year (Asia/Shanghai), each under its 申报编号",
    response_class=Response,
    responses={**ZIP_ANSWER, **documented(401, 403, 404, 503, rules={404: ("archive_year_empty",)})},
)
async def year_archive(
    year: Annotated[int, Path(ge=2000, le=2100)], county: Annotated[County, Query()], actor: Reader, ctx: ServiceContext
) -> Response:
    found = await archive.year_packages(ctx, actor, county, year)
    return StreamingResponse(found.chunks(), media_type=archive.ZIP, headers=_attachment(found.name))
