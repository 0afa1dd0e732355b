"""What every page's header shows of a signed-in user's to-do (待办): how many items they owe and how many of them
are overdue, counted once per request (db/queries/tasks.py ``owed``) and linking to the workbench."""

from datetime import UTC, datetime

from fastapi import Request
from sqlmodel import Session

from config import Settings
from db.queries.tasks import Owed, owed
from db.session import get_engine
from state.domain import Actor


def owed_of(request: Request, actor: Actor | None) -> Owed:
    """The header's 待办 count, remembered on the request (a page and its fragments ask once)."""
    if actor is None:
        return Owed()
    remembered = getattr(request.state, "owed", None)
    if isinstance(remembered, Owed):
        return remembered
    settings: Settings = request.app.state.settings
    with Session(get_engine(settings.database_url)) as session:
        counted = owed(session, actor, datetime.now(UTC))
    request.state.owed = counted
    return counted


def aria_label(counted: Owed) -> str:
    """待办 5 项，其中逾期 2 项."""
    said = f"待办 {counted.count} 项"
    return f"{said}，其中逾期 {counted.overdue} 项" if counted.overdue else said
