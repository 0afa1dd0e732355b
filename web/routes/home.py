"""The front page: the workbench of whoever is signed in; everyone else is sent to /login."""

from fastapi import Request

from web.render import page
from web.routes import page_router
from web.visitors import SignedIn

router = page_router()


@router.get("/")
async def workbench(request: Request, actor: SignedIn):
    return page(request, "workbench.html", {"actor": actor})
