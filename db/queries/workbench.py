"""Reads for the workbench pages: applications in a user's scope (filtered, searched, paged), what the machine's
guards need to know of those under notice, and the acts a user has performed. ``county`` is the caller's scope:
None for the whole city, else only that county's applications are ever read."""

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Connection, Integer, Row, Select, bindparam, or_
from sqlalchemy.orm import QueryableAttribute, defer
from sqlmodel import Session, col, func, select

from db.models import Application, ApplicationEvent, ApplicationTally, Objection
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


def _where(scope: str | None, f: Filters) -> list[Any]:
    where: list[Any] = []
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


def _count(scope: str | None, f: Filters) -> Any:
    """How many applications in scope match ``f``: from the tally the database keeps (a few hundred rows at most)
    when only exact filters are given; by counting the matching applications when a text is searched."""
    if f.text.strip():
        return select(func.count()).select_from(Application).where(*_where(scope, f))
    where: list[Any] = [] if scope is None else [ApplicationTally.county == scope]
    where += [getattr(ApplicationTally, name) == getattr(f, name) for name in _FILTERED if getattr(f, name) is not None]
    return select(func.coalesce(func.sum(ApplicationTally.n), 0)).where(*where)


def find(session: Session, scope: str | None, f: Filters, offset: int, limit: int) -> tuple[list[Application], int]:
    """One page of the applications in scope matching ``f``, newest first, and how many match in all."""
    where = _where(scope, f)
    total = session.exec(_count(scope, f)).one()
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
def _summary_statements(scoped: bool, given: tuple[str, ...], searched: bool) -> tuple[Select[Any], Select[Any]]:
    """The count and the page for one shape of filter, built once: the values travel as parameters (``scope``,
    each given filter by name, ``name_like``/``code_like``, ``offset``, ``limit``), so a request neither builds
    a statement nor computes its cache key."""
    where: list[Any] = []
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
    if searched:
        count = select(func.count()).select_from(Application).where(*where)
    else:  # from the tally the database keeps: a few hundred rows at most, however many applications there are
        tallied: list[Any] = [ApplicationTally.county == bindparam("scope")] if scoped else []
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
    connection: Connection, scope: str | None, f: Filters, offset: int, limit: int
) -> tuple[list[Row[Any]], int]:
    """As ``find``, the summary's columns only (rows, not ORM objects): the API's list, read without a Session."""
    given = tuple(name for name in _FILTERED if getattr(f, name) is not None)
    text = f.text.strip()
    params: dict[str, Any] = {name: getattr(f, name) for name in given} | {"offset": offset, "limit": limit}
    if scope is not None:
        params["scope"] = scope
    if text:
        params |= {"name_like": _like(text), "code_like": _like(text.upper())}
    count, page = _summary_statements(scope is not None, given, bool(text))
    total = connection.execute(count, params).scalar_one()
    return list(connection.execute(page, params).all()), total


def live(session: Session, scope: str | None, limit: int = 5000) -> list[Application]:
    """Applications in scope whose procedure has not ended, oldest first (the longest waiting come first)."""
    where = _where(scope, Filters())
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


def done_by(session: Session, user_id: str, scope: str | None, limit: int = 20) -> list[tuple[ApplicationEvent, str]]:
    """The acts ``user_id`` performed, newest first, each with the institution's name."""
    where = [ApplicationEvent.actor_user_id == user_id]
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


def counts_by_state(session: Session, scope: str | None) -> dict[Stage, int]:
    """From the tally the database keeps; states with none are left out."""
    total = func.sum(ApplicationTally.n)
    q = select(ApplicationTally.state, total).group_by(col(ApplicationTally.state)).having(total > 0)
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
