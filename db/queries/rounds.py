"""Reads of rounds and periods: the rounds a caller may see, the periods in order."""

from sqlalchemy import or_
from sqlmodel import Session, col, select

from db.rounds import EvaluationRound, Period
from state.domain import Level


def rounds_seen_by(session: Session, county: str | None) -> list[EvaluationRound]:
    """Newest window first; a county's callers see the city's rounds and their own county's."""
    q = select(EvaluationRound).order_by(col(EvaluationRound.opens_at).desc())
    if county is not None:
        q = q.where(or_(col(EvaluationRound.level) == Level.city.value, col(EvaluationRound.owner_county) == county))
    return list(session.exec(q).all())


def periods(session: Session) -> list[Period]:
    return list(session.exec(select(Period).order_by(col(Period.start_year))).all())
