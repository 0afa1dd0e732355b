"""Reads of applications: the notice board, a joint announcement's batch, a round's notice list."""

from datetime import datetime
from typing import Any, cast

from sqlalchemy import bindparam
from sqlalchemy.orm import QueryableAttribute, defer
from sqlmodel import Session, col, select

from db.models import Application, ApplicationEvent
from regions.catalog import DEPLOYMENT
from state.domain import Act, Level, Stage

# The institution's full record, left unread by list queries. At class level the field is SQLAlchemy's
# InstrumentedAttribute, which SQLModel types as the field's value (a dict).
_INSTITUTION = cast("QueryableAttribute[dict[str, Any]]", Application.institution)
_DETAILS = cast("QueryableAttribute[dict[str, Any]]", ApplicationEvent.details)


def announced_with(session: Session, document_no: str) -> list[Application]:
    """Every application announced by the joint document ``document_no`` (its batch), in announcement order. The
    document number is matched by the database (in the act's details), not by reading every announcement."""
    events = session.exec(
        select(ApplicationEvent.application_id)
        .where(
            col(ApplicationEvent.act).in_([Act.co_sign, Act.announce]),  # by itself, or by its batch
            ApplicationEvent.state_after == Stage.announced,
            _DETAILS["document_no"].as_string() == document_no,
        )
        .order_by(col(ApplicationEvent.at), col(ApplicationEvent.id))
    ).all()
    ids = list(events)
    if not ids:
        return []
    rows = {a.id: a for a in session.exec(select(Application).where(col(Application.id).in_(ids))).all()}
    return [rows[i] for i in dict.fromkeys(ids) if i in rows]


def noticed_in_round(session: Session, round_id: str) -> list[Application]:
    """The applications of a round that went under public notice (the round's 公示名单)."""
    return list(
        session.exec(
            select(Application)
            .where(Application.round_id == round_id, col(Application.notice_published_on).is_not(None))
            .order_by(col(Application.county), col(Application.institution_name))
        ).all()
    )


_CLOSED = (
    select(ApplicationEvent.id)
    .where(ApplicationEvent.application_id == Application.id, ApplicationEvent.act == Act.close_notice)
    .exists()
)


def _under_notice_at(now: datetime) -> tuple[Any, ...]:
    """Under public notice at ``now``: publicized, its window not over, and not closed by its workflow."""
    return Application.state == Stage.publicized, col(Application.notice_ends_at) > now, ~_CLOSED


def under_notice(session: Session, now: datetime, limit: int = 1000, city: str | None = None) -> list[Application]:
    """Everything under public notice at ``now`` (in ``city``; None: every city), the institution's full record left
    unread."""
    of_city = [] if city is None else [Application.city == city]
    return list(
        session.exec(
            select(Application)
            .where(*_under_notice_at(now), *of_city)
            .options(defer(_INSTITUTION))
            .order_by(col(Application.notice_ends_at), col(Application.id))
            .limit(limit)
        ).all()
    )


def one_under_notice(session: Session, application_id: str, now: datetime) -> Application | None:
    """The application, if it is under public notice at ``now``."""
    return session.exec(select(Application).where(Application.id == application_id, *_under_notice_at(now))).first()


# Built once (every act reads it): the id travels as a parameter.
_PLACE = select(Application.level, Application.county, Application.state, Application.city).where(
    Application.id == bindparam("id")
)


def place_of(session: Session, application_id: str) -> tuple[Level, str, Stage, str] | None:
    """An application's level, county, state and city, as far as admitting a caller goes."""
    row = session.exec(_PLACE, params={"id": application_id}).first()
    return (Level(row[0]), row[1], Stage(row[2]), row[3] or DEPLOYMENT.name) if row else None
