"""Reads for the batch acts' result page: the institutions' names of the applications acted on, in the caller's
scope only (None: the whole city)."""

from sqlmodel import Session, col, select

from db.models import Application


def names_of(session: Session, scope: str | None, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    query = select(Application.id, Application.institution_name).where(col(Application.id).in_(ids))
    if scope is not None:
        query = query.where(Application.county == scope)
    return {i: name for i, name in session.exec(query).all()}
