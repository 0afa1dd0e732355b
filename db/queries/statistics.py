"""Reads for the statistics page: applications counted by county, institution type and state; titles awarded and
revoked per year; the periods whose quotas are shown. ``scope`` is the caller's county (None: the whole city): a
county's users never read another county's rows; ``city`` the caller's city (None: every city, province-level).
The tallies are kept by county: a city's rows are its counties' (counted from the applications when another city
shares a county's name; titles then by the city's counties all the same)."""

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from db.models import Application, ApplicationTally, TitleTally
from db.rounds import Period
from regions.catalog import city as city_named
from regions.scope import tally_counties
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


def _counties(city: str | None) -> tuple[str, ...] | None:
    """The counties whose tallies are ``city``'s (None: every county; every city)."""
    if city is None:
        return None
    counties = tally_counties(city)
    return counties if counties is not None else tuple(c.name for c in city_named(city).counties)


def counts(session: Session, scope: str | None, city: str | None = None) -> list[Count]:
    """How many applications each (county, type, state) has; combinations with none are left out. Read from the
    tally the database keeps (migration 0009), not by counting every application."""
    if city is not None and tally_counties(city) is None:  # a county name shared: the tally cannot tell
        n = func.count()
        rows = (
            select(Application.county, Application.institution_type, Application.state, n)
            .where(Application.city == city, *([] if scope is None else [Application.county == scope]))
            .group_by(col(Application.county), col(Application.institution_type), col(Application.state))
        )
        return [Count(c, InstitutionType(t), Stage(s), int(k)) for c, t, s, k in session.exec(rows).all()]
    total = func.sum(ApplicationTally.n)
    q = (
        select(ApplicationTally.county, ApplicationTally.institution_type, ApplicationTally.state, total)
        .group_by(col(ApplicationTally.county), col(ApplicationTally.institution_type), col(ApplicationTally.state))
        .having(total > 0)
    )
    if scope is not None:
        q = q.where(ApplicationTally.county == scope)
    if (counties := _counties(city)) is not None:
        q = q.where(col(ApplicationTally.county).in_(counties))
    return [Count(county, InstitutionType(t), Stage(s), int(n)) for county, t, s, n in session.exec(q).all()]


def titles_by_year(session: Session, scope: str | None, city: str | None = None) -> list[YearTitles]:
    """Plaques awarded (授牌) and titles revoked (撤销) per year and level, by the date of the act (Asia/Shanghai):
    read from the tally the database keeps as the acts are recorded (migration 0009), not from every act."""
    total = func.sum(TitleTally.n)
    q = select(TitleTally.year, TitleTally.level, TitleTally.act, total).group_by(
        col(TitleTally.year), col(TitleTally.level), col(TitleTally.act)
    )
    if scope is not None:
        q = q.where(TitleTally.county == scope)
    if (counties := _counties(city)) is not None:
        q = q.where(col(TitleTally.county).in_(counties))
    tally: dict[tuple[int, Level], list[int]] = {}
    for year, level, act, n in session.exec(q).all():
        pair = tally.setdefault((int(year), Level(level)), [0, 0])
        pair[0 if act == Act.award else 1] += int(n)
    order = {Level.city: 0, Level.county: 1}
    return [
        YearTitles(year, level, awarded, revoked)
        for (year, level), (awarded, revoked) in sorted(tally.items(), key=lambda kv: (kv[0][0], order[kv[0][1]]))
        if awarded or revoked
    ]


def periods(session: Session) -> list[Period]:
    return list(session.exec(select(Period).order_by(col(Period.start_year))).all())


def current_period(all_periods: list[Period], year: int) -> Period | None:
    """The period ``year`` falls in (the latest starting, if periods overlap), else the latest defined."""
    covering = [p for p in all_periods if p.start_year <= year <= p.end_year]
    chosen = covering or all_periods
    return max(chosen, key=lambda p: (p.start_year, p.id)) if chosen else None
