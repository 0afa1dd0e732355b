"""The readable 申报编号 a page prints for an application it knows by its id (db/numbers.py), read once per request
and remembered on it; empty before the declaration's projection has numbered it."""

from fastapi import Request
from sqlmodel import Session

from config import Settings
from db.numbers import ID_IN_TEXT, numbered_text, numbers_of
from db.session import get_engine


def application_number(request: Request, application_id: str) -> str:
    known: dict[str, str] | None = getattr(request.state, "application_numbers", None)
    if known is None:
        known = request.state.application_numbers = {}
    if application_id not in known:
        settings: Settings = request.app.state.settings
        with Session(get_engine(settings.database_url)) as session:
            known[application_id] = numbers_of(session, [application_id]).get(application_id, "")
    return known[application_id]


def with_numbers(text: str, request: Request) -> str:
    """A page's text with each application id in it said as its number (a flag names the revoked application)."""
    if not ID_IN_TEXT.search(text):
        return text
    settings: Settings = request.app.state.settings
    with get_engine(settings.database_url).connect() as connection:
        return numbered_text(connection, text)
