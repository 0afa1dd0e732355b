"""Reads of the counties' own conditions (db/standards.py): the current list of each county, a county's versions."""

from functools import lru_cache

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from contracts.standards import CountyCondition, StandardsStart
from db.standards import CountyConditionVersion
from state.domain import InstitutionType


def current(session: Session, county: str | None = None) -> dict[str, CountyConditionVersion]:
    """The latest version of each county's conditions (of ``county`` alone when given)."""
    rows = session.exec(_latest(county is not None), params={"county": county}).all()
    return {r.county: r for r in rows}


@lru_cache(maxsize=2)
def _latest(of_one_county: bool) -> SelectOfScalar[CountyConditionVersion]:
    """``current``'s statement, built once (a declaration reads it): the county travels as a parameter."""
    latest = select(CountyConditionVersion.county, func.max(CountyConditionVersion.version).label("version"))
    if of_one_county:
        latest = latest.where(CountyConditionVersion.county == bindparam("county"))
    newest = latest.group_by(col(CountyConditionVersion.county)).subquery()
    return select(CountyConditionVersion).join(
        newest,
        (col(CountyConditionVersion.county) == newest.c.county)
        & (col(CountyConditionVersion.version) == newest.c.version),
    )


def versions(session: Session, county: str, limit: int = 100) -> list[CountyConditionVersion]:
    """A county's versions, newest first."""
    q = (
        select(CountyConditionVersion)
        .where(CountyConditionVersion.county == county)
        .order_by(col(CountyConditionVersion.version).desc())
        .limit(limit)
    )
    return list(session.exec(q).all())


def texts_ever(session: Session, county: str) -> dict[str, str]:
    """Every code the county ever used and its latest text (a retired code's too): for documents of declarations
    that attested it."""
    out: dict[str, str] = {}
    for v in reversed(versions(session, county, limit=10_000)):
        out.update({c["code"]: c["text"] for c in v.conditions})
    return out


def seed(session: Session, county: str) -> StandardsStart:
    """Where a county's workflow starts: its latest recorded version (none: empty, version 0). A workflow started
    afresh (the first time, or after its run was ended) so goes on from the record, never numbering a version twice
    or reusing a retired code."""
    last = current(session, county).get(county)
    if last is None:
        return StandardsStart(county=county)
    return StandardsStart(
        county=county,
        conditions=[
            CountyCondition(c["code"], c["text"], [InstitutionType(t) for t in c["types"]]) for c in last.conditions
        ],
        retired=list(last.retired),
        version=last.version,
        set_by=last.actor_name,
        set_at=last.set_at,
    )
