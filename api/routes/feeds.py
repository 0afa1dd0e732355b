"""The bureau's website pulls the feed (services/feeds.py): JSON Feed 1.1 of the notices, results and revocations,
with ETag and Last-Modified (304 when unchanged); and an announced batch's 公布文件 the feed links, for anyone."""

from typing import Annotated

from fastapi import APIRouter, Header, Path
from fastapi.responses import Response

from api.deps import ServiceContext
from api.errors import documented
from schemas.fields import ID_PATTERN
from services import announcements, feed_formats, feeds
from services.pdf import PDF

router = APIRouter(prefix="/public", tags=["public"])
AnnouncementId = Annotated[str, Path(pattern=ID_PATTERN, description="the batch's id")]


@router.api_route(  # HEAD too: a CMS or feed reader checks a feed's ETag and date without its body
    "/feed.json",
    methods=["GET", "HEAD"],
    summary="JSON Feed 1.1: each 公示 as it opened, each batch's 公布文件, each 撤销决定, newest first (no account)",
    response_class=Response,
    responses={
        200: {"content": {"application/feed+json": {}}, "description": "the feed"},
        304: {"description": "unchanged since the ETag (If-None-Match) or date (If-Modified-Since) given"},
        **documented(),
    },
)
async def feed_json(
    ctx: ServiceContext,
    if_none_match: Annotated[str | None, Header(max_length=2000)] = None,
    if_modified_since: Annotated[str | None, Header(max_length=100)] = None,
) -> Response:
    feed = await feeds.feed(ctx)
    body = feed_formats.json_feed(feed)
    headers = feed_formats.validators(body, feed)
    if feed_formats.not_modified(headers, if_none_match, if_modified_since):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=feed_formats.JSON_TYPE, headers=headers)


@router.get(
    "/announcements/{announcement_id}/document.pdf",
    summary="An announced batch's 公布文件 (public: 主动公开; ETag: its SHA-256)",
    response_class=Response,
    responses={
        200: {"content": {PDF: {}}, "description": "the document (PDF)"},
        **documented(404, rules={404: ("announcement_not_found",)}),
    },
)
async def announcement_document(announcement_id: AnnouncementId, ctx: ServiceContext) -> Response:
    pdf = await announcements.public_document(ctx, announcement_id)
    return Response(pdf.content, media_type=PDF, headers=pdf.headers)
