"""API users: who may call the API, in which role and scope. Only a SHA-256 hash of each token is kept."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from state.domain import Department, Role
from state.labels import CITY


class User(SQLModel, table=True):
    __tablename__ = "api_user"
    __table_args__ = (UniqueConstraint("external_issuer", "external_subject", name="uq_api_user_external_subject"),)

    id: str = Field(primary_key=True)
    name: str
    role: Role = Field(index=True)
    # The city they work for (regions/): reads are scoped to it (services.access.city_scope); "" for a
    # province-level account (省级: supervisors and admins only), which reads every city.
    city: str = Field(default=CITY)
    county: str | None = None  # county bureau and county-level department users
    department: Department | None = None  # department users
    token_hash: str = Field(unique=True, index=True)
    created_at: datetime
    disabled_at: datetime | None = None
    # Who they are at the province's 统一身份认证 (OpenID Connect): the provider's issuer and its ``sub``.
    external_issuer: str | None = None
    external_subject: str | None = None
