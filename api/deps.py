"""Annotated dependencies: settings, database session, Temporal client, and who is calling."""

from collections.abc import Awaitable, Callable, Iterator
from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session
from temporalio.client import Client

from api.auth import TokenCache, actor_for_token
from config import Settings
from db.session import get_engine
from schemas.fields import ID_PATTERN
from services.context import Context
from services.refusals import Refusal, unauthenticated
from state.clock import SHANGHAI
from state.domain import Actor, Role

API_PREFIX = "/api/v1"

ApplicationId = Annotated[str, Path(pattern=ID_PATTERN, description="the application id returned by the declaration")]


def today() -> date:
    """Today in Asia/Shanghai: the procedure's dates are Shanghai dates."""
    return datetime.now(SHANGHAI).date()


# Routes take today as a dependency: the tests on the time-skipping server override it with the server's day.
Today = Annotated[date, Depends(today)]


bearer = HTTPBearer(auto_error=False, description="a token issued by `biaogan users create`")


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(_settings)]


def _session(settings: SettingsDep) -> Iterator[Session]:
    with Session(get_engine(settings.database_url)) as session:
        yield session


SessionDep = Annotated[Session, Depends(_session)]


async def _temporal(request: Request) -> Client:
    client: Client = request.app.state.temporal
    return client


TemporalClient = Annotated[Client, Depends(_temporal)]


async def _context(request: Request) -> Context:
    return Context(request.app.state.temporal, request.app.state.settings)


# What a route hands the service it calls (services/): the Temporal client and the settings.
ServiceContext = Annotated[Context, Depends(_context)]


def _lookup(database_url: str, token: str) -> Actor | None:
    # A session of its own, closed at once: acts then wait on Temporal without holding a database connection.
    with Session(get_engine(database_url)) as session:
        return actor_for_token(session, token)


async def _optional_user(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Actor | None:
    if credentials is None:
        return None
    cache: TokenCache = request.app.state.token_cache
    actor = cache.get(credentials.credentials)
    if actor is None:
        actor = await run_in_threadpool(_lookup, request.app.state.settings.database_url, credentials.credentials)
        if actor is None:
            raise unauthenticated("unknown or disabled bearer token")
        cache.put(credentials.credentials, actor)
    return actor


OptionalUser = Annotated[Actor | None, Depends(_optional_user)]


async def _current_user(actor: OptionalUser) -> Actor:
    if actor is None:
        raise unauthenticated()
    return actor


CurrentUser = Annotated[Actor, Depends(_current_user)]

# Who may read applications at all; county-scoped callers see only their county (see api.access).
READERS = (Role.county_bureau, Role.city_reviewer, Role.department, Role.inspector, Role.supervisor)


def role_in(*roles: Role) -> Callable[[Actor], Awaitable[Actor]]:
    """A dependency admitting only ``roles``: 403 for anyone else, before any application is looked at."""
    names = ", ".join(r.value for r in roles)

    async def admit(actor: CurrentUser) -> Actor:
        if actor.role not in roles:
            raise Refusal(403, f"this is for role {names}, not {actor.role.value!r}")
        return actor

    return admit


Reader = Annotated[Actor, Depends(role_in(*READERS))]
CountyBureau = Annotated[Actor, Depends(role_in(Role.county_bureau))]
CityReviewer = Annotated[Actor, Depends(role_in(Role.city_reviewer))]
LevelOwner = Annotated[Actor, Depends(role_in(Role.county_bureau, Role.city_reviewer))]
DepartmentUser = Annotated[Actor, Depends(role_in(Role.department))]
Inspector = Annotated[Actor, Depends(role_in(Role.inspector))]
