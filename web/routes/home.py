"""The front page: the workbench of whoever is signed in (待办, the applications in their scope by state, 已办);
everyone else is sent to /login."""

from typing import Any

from fastapi import Request
from starlette.responses import Response

from api.deps import READERS, SessionDep
from db.queries.workbench import counts_by_state, declarers, done_by, live, notice_facts
from state.domain import Stage
from web.render import page
from web.routes import page_router
from web.tasks import waiting_for
from web.visitors import SignedIn

router = page_router()


@router.get("/")
def workbench(request: Request, actor: SignedIn, session: SessionDep) -> Response:
    context: dict[str, Any] = {"actor": actor, "reader": actor.role in READERS}
    if context["reader"]:
        rows = live(session, actor.county)
        notices = notice_facts(session, [r.id for r in rows if r.state == Stage.publicized])
        counted = counts_by_state(session, actor.county)
        context |= {
            "tasks": waiting_for(actor, rows, notices, declarers(session, [r.id for r in rows])),
            "counts": [(s, counted.get(s, 0)) for s in Stage],
            "done": done_by(session, actor.user_id, actor.county),
        }
    return page(request, "workbench.html", context)
