"""The read model (written only by activities) and reference data, as SQLModel tables."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from regions.catalog import DEPLOYMENT
from state.domain import Act, Level, Role, Stage


class ApplicationBase(SQLModel):
    level: Level = Field(index=True)
    county: str = Field(index=True)
    round_id: str = Field(default="", index=True)
    institution_name: str
    institution_type: str = Field(index=True)  # the program's type key (InstitutionType's values for the first)
    credit_code: str = Field(index=True)
    state: Stage = Field(index=True)
    notice_published_on: date | None = None
    notice_first_day: date | None = None
    notice_last_day: date | None = None
    notice_ends_at: datetime | None = Field(default=None, index=True)
    notice_confirmed: bool | None = None
    notice_source_url: str | None = None  # a notice recorded late (补录): the page it was published on
    notice_recorded_on: date | None = None  # and the day it was recorded here
    flagged: bool = False
    # The program declared into, its version, and the city that runs it (migration 0028: earlier rows are the first
    # program's version 1, in 临沂市).
    program_id: str = Field(default="", index=True)
    program_version: int = 1
    city: str = DEPLOYMENT.name  # a row written without one (tests, imports) is the deployment's, as the migration's


class Application(ApplicationBase, table=True):
    __table_args__ = (
        Index("ix_application_county_state_declared", "county", "state", "declared_at"),
        Index("ix_application_state_notice_ends", "state", "notice_ends_at"),
        # Migration 0009 (bench/scale.py): each filter's page in the lists' order, the statistics' counts, and the
        # search by part of a name or credit code (trigram indexes on PostgreSQL, plain ones on SQLite).
        Index("ix_application_declared_at_id", "declared_at", "id"),
        Index("ix_application_number", "number", unique=True),  # migration 0012
        Index("ix_application_state_declared", "state", "declared_at"),
        Index("ix_application_county_declared", "county", "declared_at"),
        Index("ix_application_level_declared", "level", "declared_at"),
        Index("ix_application_type_declared", "institution_type", "declared_at"),
        Index("ix_application_round_declared", "round_id", "declared_at"),
        Index("ix_application_county_type_state", "county", "institution_type", "state"),
        Index("ix_application_city_declared", "city", "declared_at"),
        Index(
            "ix_application_name_trgm",
            "institution_name",
            postgresql_using="gin",
            postgresql_ops={"institution_name": "gin_trgm_ops"},
        ),
        Index(
            "ix_application_credit_code_trgm",
            "credit_code",
            postgresql_using="gin",
            postgresql_ops={"credit_code": "gin_trgm_ops"},
        ),
    )

    id: str = Field(primary_key=True)
    workflow_id: str = Field(unique=True)
    number: str | None = None  # the readable 申报编号 (db/numbers.py), once assigned
    version: int = 0  # seq of the last act projected; an older projection never overwrites a newer one
    institution: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    declared_at: datetime
    updated_at: datetime


class ApplicationEvent(SQLModel, table=True):
    """One accepted act, exactly once per (application, seq)."""

    __tablename__ = "application_event"
    __table_args__ = (
        UniqueConstraint("application_id", "seq", name="uq_event_application_seq"),
        Index("ix_application_event_act_at", "act", "at"),  # migration 0009
        Index("ix_application_event_application_act", "application_id", "act"),
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: str = Field(index=True)
    seq: int
    act: Act
    actor_user_id: str
    actor_name: str
    actor_role: Role
    actor_department: str | None = None
    actor_county: str | None = None
    reason: str = ""
    state_after: Stage
    at: datetime
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Objection(SQLModel, table=True):
    id: str = Field(primary_key=True)  # <application id>-O<n>, fixed by the workflow
    application_id: str = Field(index=True)
    name: str
    contact: str
    content: str
    lodged_at: datetime
    upheld: bool | None = None
    finding: str | None = None
    found_at: datetime | None = None


class Notification(SQLModel, table=True):
    """The in-app inbox. ``key`` makes each delivery happen once per act and recipient."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    application_id: str = Field(index=True)
    recipient_role: Role = Field(index=True)
    recipient_county: str | None = Field(default=None, index=True)
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None = None


class ApplicationTally(SQLModel, table=True):
    """How many applications each (county, level, type, state, round) has: kept by the database itself (triggers on
    ``application``, migration 0009), so that a list's total and the statistics' counts read a few hundred rows
    however many applications there are. Never written by the code."""

    __tablename__ = "application_tally"

    county: str = Field(primary_key=True)
    level: Level = Field(primary_key=True)
    institution_type: str = Field(primary_key=True)
    state: Stage = Field(primary_key=True)
    round_id: str = Field(primary_key=True)
    n: int = 0


class TitleTally(SQLModel, table=True):
    """Plaques awarded and titles revoked per year (Asia/Shanghai), level and county: kept by the database itself
    (a trigger on ``application_event``, migration 0009). Never written by the code."""

    __tablename__ = "title_tally"

    year: int = Field(primary_key=True)
    level: Level = Field(primary_key=True)
    county: str = Field(primary_key=True)
    act: Act = Field(primary_key=True)
    n: int = 0
