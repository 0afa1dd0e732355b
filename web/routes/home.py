"""The front page."""

from fastapi import Request

from web.render import page
from web.routes import page_router

router = page_router()


@router.get("/")
async def home(request: Request):
    return page(request, "home.html")
