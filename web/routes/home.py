"""The front page: the workbench of whoever is signed in (待办 with arrival, deadline, overdue and urges; the
applications in their scope by state; 已办), and for the admin the first-run setup checklist; everyone else is sent
to /login. The 待办 is services/tasks.py's, the same list GET /api/v1/tasks answers."""

from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from starlette.responses import Response

from db.queries.setup import setup_steps
from db.queries.workbench import counts_by_state, done_by
from services.access import city_scope
from services.batch import BATCH_ACTS
from services.roles import READERS
from services.tasks import grouped, todo
from state.domain import Role, Stage
from web.context import context_of
from web.render import page
from web.routes import page_router
from web.visitors import SignedIn

router = page_router()


@router.get("/")
def workbench(request: Request, actor: SignedIn) -> Response:
    ctx = context_of(request)
    context: dict[str, Any] = {"actor": actor, "reader": actor.role in READERS}
    with ctx.session() as session:
        if context["reader"]:
            items = todo(actor, session, ctx.settings.filing, datetime.now(UTC))
            counted = counts_by_state(session, actor.county, city_scope(actor))
            context |= {
                "tasks": grouped(items),
                "total": len(items),
                "overdue": sum(1 for i in items if i.overdue),
                "counts": [(s, counted.get(s, 0)) for s in Stage],
                "done": done_by(session, actor.user_id, actor.county, city=city_scope(actor)),
                # the acts this user may do over several applications at once (批量办理; the batch area's table)
                "batchable": {k: b for k, b in BATCH_ACTS.items() if actor.role in b.roles},
            }
        if actor.role == Role.admin:
            steps = setup_steps(session, ctx.settings.notice)
            context |= {"steps": steps, "missing": sum(1 for s in steps if not s.done)}
    return page(request, "workbench.html", context)
