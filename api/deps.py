"""Annotated dependencies: settings, database session, Temporal client, and who is calling (a bearer token,
resolved by services.identity; ``READERS`` and the role admission are its too)."""

from collections.abc import Awaitable, Callable, Iterator
from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session
from temporalio.client import Client

from config import Settings
from db.session import get_engine
from schemas.fields import ID_PATTERN
from services.context import Context
from services.identity import READERS as READERS
from services.identity import Credential, Principal, admit, identity_of
from services.identity.tokens import BEARER
from state.clock import SHANGHAI
from state.domain import Actor, Role

API_PREFIX = "/api/v1"

ApplicationId = Annotated[str, Path(pattern=ID_PATTERN, description="the application id returned by the declaration")]
# The city whose rows a public page shows (a city a region file defines); none: the deployment's.
CityParameter = Annotated[str, Query(max_length=50, description="城市名称（地区定义中的市名）；不填为本部署所在城市")]


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


def _bearer_credential(credentials: HTTPAuthorizationCredentials | None) -> Credential | None:
    return Credential(BEARER, credentials.credentials) if credentials is not None else None


async def _optional_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal | None:
    """No token: None; a token no provider knows: 401 ``token_unknown`` (services.identity resolves it)."""
    credential = _bearer_credential(credentials)
    if credential is None:
        return None
    return await identity_of(request.app.state).caller(credential)


OptionalPrincipal = Annotated[Principal | None, Depends(_optional_principal)]


async def _optional_user(principal: OptionalPrincipal) -> Actor | None:
    return principal.actor if principal is not None else None


OptionalUser = Annotated[Actor | None, Depends(_optional_user)]


async def _current_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    return await identity_of(request.app.state).caller(_bearer_credential(credentials))


CurrentPrincipal = Annotated[Principal, Depends(_current_principal)]


async def _current_user(principal: CurrentPrincipal) -> Actor:
    return principal.actor


CurrentUser = Annotated[Actor, Depends(_current_user)]


def role_in(*roles: Role) -> Callable[[Actor], Awaitable[Actor]]:
    """A dependency admitting only ``roles`` (services.identity.admit): 403 ``role_not_permitted`` for anyone
    else, before any application is looked at."""

    async def admit_role(actor: CurrentUser) -> Actor:
        return admit(actor, *roles)

    return admit_role


Reader = Annotated[Actor, Depends(role_in(*READERS))]
CountyBureau = Annotated[Actor, Depends(role_in(Role.county_bureau))]
CityReviewer = Annotated[Actor, Depends(role_in(Role.city_reviewer))]
LevelOwner = Annotated[Actor, Depends(role_in(Role.county_bureau, Role.city_reviewer))]
DepartmentUser = Annotated[Actor, Depends(role_in(Role.department))]
Inspector = Annotated[Actor, Depends(role_in(Role.inspector))]
