"""What a page hands the services it calls, as FastAPI dependencies: the Context (web.context.context_of), for the
pages that read the read model directly a database session, and today's (Shanghai) date."""

from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from services.context import Context
from state.clock import SHANGHAI
from web.context import context_of

PageContext = Annotated[Context, Depends(context_of)]


def _session(ctx: PageContext) -> Iterator[Session]:
    with ctx.session() as s:
        yield s


PageSession = Annotated[Session, Depends(_session)]


def _today() -> date:
    """Today in Asia/Shanghai: the procedure's dates are Shanghai dates."""
    return datetime.now(SHANGHAI).date()


PageToday = Annotated[date, Depends(_today)]
