"""Annotated dependencies: settings, database session, Temporal client, and who is calling."""

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session
from temporalio.client import Client

from api.auth import actor_for_token
from api.errors import Refusal, unauthenticated
from config import Settings
from db.session import get_engine
from state.domain import Actor, Role

API_PREFIX = "/api/v1"

bearer = HTTPBearer(auto_error=False, description="a token issued by `biaogan users create`")


def _settings(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(_settings)]


def _session(settings: SettingsDep) -> Iterator[Session]:
    with Session(get_engine(settings.database_url)) as session:
        yield session


SessionDep = Annotated[Session, Depends(_session)]


def _temporal(request: Request) -> Client:
    return request.app.state.temporal


TemporalClient = Annotated[Client, Depends(_temporal)]


def _optional_user(
    session: SessionDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Actor | None:
    if credentials is None:
        return None
    actor = actor_for_token(session, credentials.credentials)
    if actor is None:
        raise unauthenticated("unknown or disabled bearer token")
    return actor


OptionalUser = Annotated[Actor | None, Depends(_optional_user)]


def _current_user(actor: OptionalUser) -> Actor:
    if actor is None:
        raise unauthenticated()
    return actor


CurrentUser = Annotated[Actor, Depends(_current_user)]

# Who may read applications at all; county-scoped callers see only their county (see api.access).
READERS = (Role.county_bureau, Role.city_reviewer, Role.department, Role.inspector, Role.supervisor)


def role_in(*roles: Role) -> Callable[[Actor], Actor]:
    """A dependency admitting only ``roles``: 403 for anyone else, before any application is looked at."""
    names = ", ".join(r.value for r in roles)

    def admit(actor: CurrentUser) -> Actor:
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
