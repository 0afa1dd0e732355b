"""Reads for the statistics page: applications counted by county, institution type and state; titles awarded and
revoked per year; the periods whose quotas are shown. ``scope`` is the caller's county (None: the whole city): a
county's users never read another county's rows."""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from db.models import Application, ApplicationEvent
from db.rounds import Period
from state.domain import Act, InstitutionType, Level, Stage


@dataclass(frozen=True)
class Count:
    county: str
    institution_type: InstitutionType
    state: Stage
    n: int


@dataclass(frozen=True)
class YearTitles:
    year: int
    level: Level
    awarded: int
    revoked: int


def counts(session: Session, scope: str | None) -> list[Count]:
    """How many applications each (county, type, state) has; combinations with none are left out."""
    q = select(Application.county, Application.institution_type, Application.state, func.count()).group_by(
        Application.county, Application.institution_type, Application.state
    )
    if scope is not None:
        q = q.where(Application.county == scope)
    return [Count(county, InstitutionType(t), Stage(s), n) for county, t, s, n in session.exec(q).all()]


def _local_year(session: Session, moment: Any) -> Any:
    """The year of a stored UTC moment in Asia/Shanghai, computed by the database (UTC+8 all year since 1991)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("year", func.timezone("Asia/Shanghai", moment))
    return func.strftime("%Y", moment, "+8 hours")  # SQLite keeps the moment as UTC text


def titles_by_year(session: Session, scope: str | None) -> list[YearTitles]:
    """Plaques awarded (授牌) and titles revoked (撤销) per year and level, by the date of the act: counted by the
    database (one row per year, level and act), not by reading every act."""
    year = _local_year(session, col(ApplicationEvent.at)).label("year")
    q = (
        select(ApplicationEvent.act, Application.level, year, func.count())
        .join(Application, col(Application.id) == col(ApplicationEvent.application_id))
        .where(col(ApplicationEvent.act).in_([Act.award, Act.revoke]))
        .group_by(col(ApplicationEvent.act), col(Application.level), year)
    )
    if scope is not None:
        q = q.where(Application.county == scope)
    tally: dict[tuple[int, Level], list[int]] = {}
    for act, level, in_year, n in session.exec(q).all():
        pair = tally.setdefault((int(in_year), Level(level)), [0, 0])
        pair[0 if act == Act.award else 1] += n
    order = {Level.city: 0, Level.county: 1}
    return [
        YearTitles(year, level, awarded, revoked)
        for (year, level), (awarded, revoked) in sorted(tally.items(), key=lambda kv: (kv[0][0], order[kv[0][1]]))
    ]


def periods(session: Session) -> list[Period]:
    return list(session.exec(select(Period).order_by(col(Period.start_year))).all())


def current_period(all_periods: list[Period], year: int) -> Period | None:
    """The period ``year`` falls in (the latest starting, if periods overlap), else the latest defined."""
    covering = [p for p in all_periods if p.start_year <= year <= p.end_year]
    chosen = covering or all_periods
    return max(chosen, key=lambda p: (p.start_year, p.id)) if chosen else None
