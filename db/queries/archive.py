"""Reads for the archive packages (services/archive.py): a county's applications in the given states, each with the
moment it reached the state it is in (its latest act that left it there)."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from db.models import Application, ApplicationEvent
from state.domain import Stage


@dataclass(frozen=True)
class Settled:
    application_id: str
    number: str  # the 申报编号 ("" before one is assigned)
    state: Stage
    since: datetime  # UTC: when it reached ``state``


def settled_in(session: Session, county: str, states: Collection[Stage]) -> list[Settled]:
    rows = session.exec(
        select(Application.id, Application.number, Application.state).where(
            Application.county == county, col(Application.state).in_(list(states))
        )
    ).all()
    if not rows:
        return []
    since: dict[tuple[str, Stage], datetime] = {}
    events = session.exec(
        select(ApplicationEvent.application_id, ApplicationEvent.state_after, ApplicationEvent.at).where(
            col(ApplicationEvent.application_id).in_([r[0] for r in rows])
        )
    ).all()
    for application_id, state, at in events:
        moment = at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite hands back naive UTC
        key = (application_id, Stage(state))
        if key not in since or moment > since[key]:
            since[key] = moment
    return [
        Settled(application_id, number or "", Stage(state), since[(application_id, Stage(state))])
        for application_id, number, state in rows
        if (application_id, Stage(state)) in since
    ]
