"""Tables of periods, quotas, rounds and imported historic titles (written only by activities and the import).

``quota_place`` is the database's own guard on a quota: one row per place a title holds, numbered 1..total in
its scope. Two active rows can never share a slot of the same period, level and scope, and an application can
never hold two active places (partial unique indexes on ``released_at IS NULL``, SQLite and PostgreSQL alike).
A released place (its application rejected or withdrawn, or a revoked title's released by an admin) keeps its row,
with ``released_at`` set.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

ACTIVE = text("released_at IS NULL")


class Period(SQLModel, table=True):
    """A five-year-plan period (e.g. 十四五, 2021–2025): reference data set by admins."""

    __tablename__ = "period"

    id: str = Field(primary_key=True)  # e.g. "14th-fyp"
    name: str  # e.g. "十四五"
    start_year: int
    end_year: int
    updated_at: datetime


class PeriodChange(SQLModel, table=True):
    __tablename__ = "period_change"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)  # <workflow id>-<seq>
    period_id: str = Field(index=True)
    old: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    new: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    reason: str
    actor_user_id: str
    actor_name: str
    actor_role: str
    at: datetime


class QuotaChange(SQLModel, table=True):
    """Who changed which quota, when, from what to what, and why (one row per scope changed)."""

    __tablename__ = "quota_change"
    __table_args__ = (UniqueConstraint("key", "scope", name="uq_quota_change_key_scope"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True)  # <workflow id>-<seq>: one decision, possibly several scopes
    period_id: str = Field(index=True)
    level: str
    scope: str  # "city" for the city-level total, else a county
    old_total: int | None = None
    new_total: int
    reason: str
    actor_user_id: str
    actor_name: str
    actor_role: str
    at: datetime
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class QuotaPlace(SQLModel, table=True):
    """One place of a quota held by one title (or title in the notice/announcement pipeline)."""

    __tablename__ = "quota_place"
    __table_args__ = (
        Index(
            "uq_quota_place_active_slot",
            "period_id",
            "level",
            "scope",
            "slot_no",
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        ),
        Index(
            "uq_quota_place_active_application",
            "application_id",
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        ),
        Index("ix_quota_place_release_key", "release_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    period_id: str = Field(index=True)
    level: str
    scope: str
    slot_no: int
    application_id: str = Field(index=True)  # an application id, or "historic:<id>" for an imported title
    round_id: str = ""
    reserved_at: datetime
    released_at: datetime | None = None
    release_reason: str | None = None  # Chinese: the application's end, or the admin's reason
    # An admin's release of a revoked title's place (None when the application's end released it).
    released_by_user_id: str | None = None
    released_by_name: str | None = None
    released_by_role: str | None = None
    release_key: str | None = None  # the admin's release, once (unique index, migration 0017_releases)


class EvaluationRound(SQLModel, table=True):
    """The read model of a round (批次), projected by RoundWorkflow on every change of phase."""

    __tablename__ = "evaluation_round"

    id: str = Field(primary_key=True)
    name: str
    level: str = Field(index=True)
    period_id: str = Field(index=True)
    owner_county: str | None = Field(default=None, index=True)
    opens_at: datetime
    closes_at: datetime
    phase: str
    weights: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_by: str
    updated_at: datetime


class HistoricTitle(SQLModel, table=True):
    """A title awarded before the system (e.g. the 2022 county-level results), imported from CSV."""

    __tablename__ = "historic_title"
    __table_args__ = (UniqueConstraint("credit_code", "level", "document_no", name="uq_historic_title"),)

    id: int | None = Field(default=None, primary_key=True)
    institution_name: str
    institution_type: str
    county: str = Field(index=True)
    credit_code: str = Field(index=True)
    level: str
    document_no: str
    awarded_on: date
    plaque_no: str = ""
    source: str = ""  # the file it came from
    imported_at: datetime
