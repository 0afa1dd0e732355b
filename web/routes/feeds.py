"""The bureau's website (services/feeds.py): the Atom feed its CMS pulls (ETag, Last-Modified, 304 when unchanged),
and /public/embed/notices, a bare list of what is under notice now and the latest results that its pages may frame.
Only that page may be framed, and only by the sites in BIAOGAN_EMBED_ORIGINS (none set: by this site alone); every
other answer keeps api/security_headers.py's frame-ancestors 'none' and X-Frame-Options: DENY. Neither needs a
visitor: no cookie is read or set."""

from typing import Annotated

from fastapi import APIRouter, Header, Request
from starlette.responses import Response

from services import feed_formats, feeds
from web.context import context_of
from web.render import templates

router = APIRouter()


@router.api_route(feeds.ATOM_PATH, methods=["GET", "HEAD"])  # HEAD: the ETag and date without the body
async def feed_atom(
    request: Request,
    if_none_match: Annotated[str | None, Header()] = None,
    if_modified_since: Annotated[str | None, Header()] = None,
) -> Response:
    feed = await feeds.feed(context_of(request))
    body = feed_formats.atom(feed)
    headers = feed_formats.validators(body, feed)
    if feed_formats.not_modified(headers, if_none_match, if_modified_since):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=feed_formats.ATOM_TYPE, headers=headers)


def embed_policy(origins: list[str]) -> str:
    """The embed page's Content-Security-Policy: its own stylesheet and nothing else; framed by this site and the
    configured origins (validated as scheme://host[:port] by config.FeedSettings)."""
    ancestors = " ".join(["'self'", *origins])
    return (
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
        f"frame-ancestors {ancestors}"
    )


@router.api_route(feeds.EMBED_PATH, methods=["GET", "HEAD"])
async def embed_notices(request: Request) -> Response:
    ctx = context_of(request)
    shown = await feeds.embedded(ctx)
    context = {"shown": shown, "notice_title": feeds.notice_title, "atom": feeds.ATOM_PATH}
    response = templates.TemplateResponse(request, "embed_notices.html", context)
    # CSP frame-ancestors governs where it supersedes X-Frame-Options (every current browser); an older browser
    # honours SAMEORIGIN alone, and so frames it on this site only.
    response.headers["Content-Security-Policy"] = embed_policy(ctx.settings.feeds.origins())
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
