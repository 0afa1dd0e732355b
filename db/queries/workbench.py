"""Reads for the workbench pages: applications in a user's scope (filtered, searched, paged), what the machine's
guards need to know of those under notice, and the acts a user has performed. ``scope`` is the caller's county:
None for the whole city, else only that county's applications are ever read; ``city`` the caller's city (None: every
city, for a province-level account: services.access.city_scope)."""

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Connection, Integer, Row, Select, bindparam, or_
from sqlalchemy.orm import QueryableAttribute, defer
from sqlmodel import Session, col, func, select

from db.models import Application, ApplicationEvent, ApplicationTally, Objection
from regions.scope import tally_counties
from state.domain import Act, Department, InstitutionType, Level, Stage
from state.machine import FINAL_STAGES

# The institution's full record, left unread by list queries. At class level the field is SQLAlchemy's
# InstrumentedAttribute, which SQLModel types as the field's value (a dict).
_INSTITUTION = cast("QueryableAttribute[dict[str, Any]]", Application.institution)


@dataclass(frozen=True)
class Filters:
    state: Stage | None = None
    county: str | None = None
    level: Level | None = None
    institution_type: InstitutionType | None = None
    round_id: str | None = None
    text: str = ""  # part of the institution's name or of its credit code


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_FILTERED = ("state", "county", "level", "institution_type", "round_id")  # Filters' fields matched exactly


def _where(scope: str | None, f: Filters, city: str | None = None) -> list[Any]:
    where: list[Any] = []
    if city is not None:
        where.append(Application.city == city)
    if scope is not None:
        where.append(Application.county == scope)
    for name in _FILTERED:
        value = getattr(f, name)
        if value is not None:
            where.append(getattr(Application, name) == value)
    text = f.text.strip()
    if text:
        where.append(
            or_(
                col(Application.institution_name).like(_like(text), escape="\\"),
                col(Application.credit_code).like(_like(text.upper()), escape="\\"),
            )
        )
    return where


def tallied_city(city: str | None) -> list[Any] | None:
    """The tally's condition for ``city`` (its counties; none for every city); None when the tally cannot tell the
    city's rows (a county name another city shares): count the applications then."""
    if city is None:
        return []
    counties = tally_counties(city)
    return None if counties is None else [col(ApplicationTally.county).in_(counties)]


def _count(scope: str | None, f: Filters, city: str | None = None) -> Any:
    """How many applications in scope match ``f``: from the tally the database keeps (a few hundred rows at most)
    when only exact filters are given; by counting the matching applications when a text is searched."""
    of_city = tallied_city(city)
    if f.text.strip() or of_city is None:
        return select(func.count()).select_from(Application).where(*_where(scope, f, city))
    where: list[Any] = of_city + ([] if scope is None else [ApplicationTally.county == scope])
    where += [getattr(ApplicationTally, name) == getattr(f, name) for name in _FILTERED if getattr(f, name) is not None]
    return select(func.coalesce(func.sum(ApplicationTally.n), 0)).where(*where)


def find(
    session: Session, scope: str | None, f: Filters, offset: int, limit: int, city: str | None = None
) -> tuple[list[Application], int]:
    """One page of the applications in scope matching ``f``, newest first, and how many match in all."""
    where = _where(scope, f, city)
    total = session.exec(_count(scope, f, city)).one()
    rows = session.exec(
        select(Application)
        .where(*where)
        .options(defer(_INSTITUTION))
        .order_by(col(Application.declared_at).desc(), col(Application.id))
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), total


# What a summary shows (api.present.summary): the list reads these columns and nothing else.
_SUMMARY: tuple[Any, ...] = (  # columns (SQLModel types them as their values)
    Application.id,
    Application.number,
    Application.level,
    Application.county,
    Application.round_id,
    Application.institution_name,
    Application.institution_type,
    Application.state,
    Application.notice_first_day,
    Application.notice_last_day,
    Application.notice_ends_at,
    Application.notice_confirmed,
    Application.notice_recorded_on,
    Application.notice_source_url,
    Application.flagged,
    Application.declared_at,
    Application.updated_at,
)


@lru_cache(maxsize=128)
def _summary_statements(
    scoped: bool, given: tuple[str, ...], searched: bool, city: str = ""
) -> tuple[Select[Any], Select[Any]]:
    """The count and the page for one shape of filter, built once: the values travel as parameters (``scope``,
    each given filter by name, ``name_like``/``code_like``, ``offset``, ``limit``, ``city``), so a request neither
    builds a statement nor computes its cache key. ``city``: "" for every city, "tally" when the tally tells the
    city's rows by its counties (``city_counties``), "rows" when it cannot."""
    where: list[Any] = []
    if city:
        where.append(Application.city == bindparam("city"))
    if scoped:
        where.append(Application.county == bindparam("scope"))
    where += [getattr(Application, name) == bindparam(name) for name in given]
    if searched:
        where.append(
            or_(
                col(Application.institution_name).like(bindparam("name_like"), escape="\\"),
                col(Application.credit_code).like(bindparam("code_like"), escape="\\"),
            )
        )
    if searched or city == "rows":
        count = select(func.count()).select_from(Application).where(*where)
    else:  # from the tally the database keeps: a few hundred rows at most, however many applications there are
        tallied: list[Any] = [ApplicationTally.county == bindparam("scope")] if scoped else []
        if city:
            tallied.append(col(ApplicationTally.county).in_(bindparam("city_counties", expanding=True)))
        tallied += [getattr(ApplicationTally, name) == bindparam(name) for name in given]
        count = select(func.coalesce(func.sum(ApplicationTally.n), 0)).where(*tallied)
    page = (
        select(*_SUMMARY)
        .where(*where)
        .order_by(col(Application.declared_at).desc(), col(Application.id))
        .offset(bindparam("offset", type_=Integer))
        .limit(bindparam("limit", type_=Integer))
    )
    return count, page


def summaries(
    connection: Connection, scope: str | None, f: Filters, offset: int, limit: int, city: str | None = None
) -> tuple[list[Row[Any]], int]:
    """As ``find``, the summary's columns only (rows, not ORM objects): the API's list, read without a Session."""
    given = tuple(name for name in _FILTERED if getattr(f, name) is not None)
    text = f.text.strip()
    params: dict[str, Any] = {name: getattr(f, name) for name in given} | {"offset": offset, "limit": limit}
    if scope is not None:
        params["scope"] = scope
    if text:
        params |= {"name_like": _like(text), "code_like": _like(text.upper())}
    shape = ""
    if city is not None:
        counties = tally_counties(city)
        shape = "rows" if counties is None else "tally"
        params["city"] = city
        if counties is not None:
            params["city_counties"] = list(counties)
    count, page = _summary_statements(scope is not None, given, bool(text), shape)
    total = connection.execute(count, params).scalar_one()
    return list(connection.execute(page, params).all()), total


def live(session: Session, scope: str | None, limit: int = 5000, city: str | None = None) -> list[Application]:
    """Applications in scope whose procedure has not ended, oldest first (the longest waiting come first)."""
    where = _where(scope, Filters(), city)
    where.append(col(Application.state).not_in(list(FINAL_STAGES)))
    return list(
        session.exec(
            select(Application)
            .where(*where)
            .options(defer(_INSTITUTION))
            .order_by(col(Application.declared_at), col(Application.id))
            .limit(limit)
        ).all()
    )


@dataclass
class NoticeFacts:
    """What the machine's guards need beyond the application row, for one under notice."""

    closed: bool = False
    pending_objections: int = 0
    signed: set[Department] = field(default_factory=set)


def notice_facts(session: Session, application_ids: list[str]) -> dict[str, NoticeFacts]:
    out = {i: NoticeFacts() for i in application_ids}
    if not application_ids:
        return out
    events = session.exec(
        select(ApplicationEvent.application_id, ApplicationEvent.act, ApplicationEvent.details).where(
            col(ApplicationEvent.application_id).in_(application_ids),
            col(ApplicationEvent.act).in_([Act.close_notice, Act.co_sign]),
        )
    ).all()
    for application_id, act, details in events:
        if act == Act.close_notice:
            out[application_id].closed = True
        elif (details or {}).get("department") in {d.value for d in Department}:
            out[application_id].signed.add(Department(details["department"]))
    pending = session.exec(
        select(Objection.application_id, func.count())
        .where(col(Objection.application_id).in_(application_ids), col(Objection.upheld).is_(None))
        .group_by(col(Objection.application_id))
    ).all()
    for application_id, count in pending:
        out[application_id].pending_objections = count
    return out


def done_by(
    session: Session, user_id: str, scope: str | None, limit: int = 20, city: str | None = None
) -> list[tuple[ApplicationEvent, str]]:
    """The acts ``user_id`` performed, newest first, each with the institution's name."""
    where = [ApplicationEvent.actor_user_id == user_id]
    if city is not None:
        where.append(Application.city == city)
    if scope is not None:
        where.append(Application.county == scope)
    rows = session.exec(
        select(ApplicationEvent, Application.institution_name)
        .join(Application, col(Application.id) == col(ApplicationEvent.application_id))
        .where(*where)
        .order_by(col(ApplicationEvent.at).desc(), col(ApplicationEvent.id).desc())
        .limit(limit)
    ).all()
    return [(event, name) for event, name in rows]


def counts_by_state(session: Session, scope: str | None, city: str | None = None) -> dict[Stage, int]:
    """From the tally the database keeps (from the applications when the tally cannot tell the city's rows); states
    with none are left out."""
    of_city = tallied_city(city)
    if of_city is None:
        rows = select(Application.state, func.count()).where(*_where(scope, Filters(), city))
        counted = session.exec(rows.group_by(col(Application.state))).all()
        return {Stage(state): int(n) for state, n in counted if n}
    total = func.sum(ApplicationTally.n)
    q = select(ApplicationTally.state, total).group_by(col(ApplicationTally.state)).having(total > 0).where(*of_city)
    if scope is not None:
        q = q.where(ApplicationTally.county == scope)
    return {Stage(state): int(count) for state, count in session.exec(q).all()}


def declarers(session: Session, application_ids: list[str]) -> dict[str, str]:
    """The account that declared each application (separation of duties: it does not review its own)."""
    if not application_ids:
        return {}
    rows = session.exec(
        select(ApplicationEvent.application_id, ApplicationEvent.actor_user_id).where(
            ApplicationEvent.act == Act.declare, col(ApplicationEvent.application_id).in_(application_ids)
        )
    ).all()
    return dict(rows)
