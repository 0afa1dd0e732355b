"""评定项目定义 (/programs, the admin and supervisors): every program in force, its source document, levels and types,
and every version with who published it, when, why and what it changed, in Chinese. Versions are published only by
``biaogan programs publish`` (services/programs.py)."""

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from services import programs
from state.domain import Role
from web.context import context_of
from web.page_calls import admit
from web.render import page
from web.routes import page_router
from web.visitors import SignedIn

router = page_router()
PROGRAM_READERS = (Role.admin, Role.supervisor)


@router.get("/programs")
async def programs_page(request: Request, actor: SignedIn) -> Response:
    await admit(actor, *PROGRAM_READERS)
    url = context_of(request).database_url

    def load() -> list[programs.ProgramView]:
        return [programs.view(url, row.program_id) for _, row in programs.in_force(url)]

    return page(request, "programs.html", {"views": await run_in_threadpool(load), "actor": actor})
