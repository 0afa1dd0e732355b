"""API users: who may call the API, in which role and scope. Only a SHA-256 hash of each token is kept."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from state.domain import Department, Role


class User(SQLModel, table=True):
    __tablename__ = "api_user"

    id: str = Field(primary_key=True)
    name: str
    role: Role = Field(index=True)
    county: str | None = None  # county bureau and county-level department users
    department: Department | None = None  # department users
    token_hash: str = Field(unique=True, index=True)
    created_at: datetime
    disabled_at: datetime | None = None
