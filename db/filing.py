"""Tables of the yearly filing (备案) and of notification delivery. Written only by activities, except
``NotificationRead`` (a caller marking an inbox item read)."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


class FilingStatus(SQLModel, table=True):
    """One row per county and year: what the city's board shows. ``seq`` only grows: a late projection
    of an older state never overwrites a newer one."""

    __tablename__ = "filing_status"

    id: str = Field(primary_key=True)  # "<county>:<year>"
    county: str = Field(index=True)
    year: int = Field(index=True)
    workflow_id: str
    deadline_day: date
    deadline_at: datetime
    state: str = Field(index=True)  # open | overdue | filed_on_time | filed_late
    filed_at: datetime | None = None
    working_days_late: int | None = None
    current_version: int = 0
    reminders_sent: int = 0
    escalations_sent: int = 0
    plan_confirmed: bool = True
    seq: int = 0
    updated_at: datetime


class FilingVersion(SQLModel, table=True):
    """One recorded filing (version 1) or correction (2, 3, …); never edited after it is written."""

    __tablename__ = "filing_version"
    __table_args__ = (UniqueConstraint("county", "year", "version", name="uq_filing_county_year_version"),)

    id: int | None = Field(default=None, primary_key=True)
    county: str = Field(index=True)
    year: int = Field(index=True)
    version: int
    kind: str  # filing | correction
    actor_user_id: str
    actor_name: str
    reason: str = ""
    note: str = ""
    filed_at: datetime
    on_time: bool
    working_days_late: int
    digest: str
    entries: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class FilingDelivery(SQLModel, table=True):
    """Where one recorded version went (评定结果报省、市备案): one row per version and addressee (``city``: the city
    reviewers' inbox; ``province``: the channels configured for it), with the outcome and the channels' own records
    (``notification_delivery``). Written by the delivery activity once the delivery is done or given up."""

    __tablename__ = "filing_delivery"
    __table_args__ = (
        UniqueConstraint("county", "year", "version", "addressee", name="uq_filing_delivery_version_addressee"),
    )

    id: int | None = Field(default=None, primary_key=True)
    county: str = Field(index=True)
    year: int = Field(index=True)
    version: int
    addressee: str  # city | province
    state: str  # delivered | failed | unconfigured
    channels: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    notice_key: str
    at: datetime


class Delivery(SQLModel, table=True):
    """One message on one external channel to one address for one notification and recipient.
    ``key`` (a hash of all four) is unique, so a retried activity never sends a delivered message again."""

    __tablename__ = "notification_delivery"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    notice_key: str = Field(index=True)
    channel: str  # email | webhook
    recipient: str  # "<role>:<county or ->"
    address: str
    status: str = Field(index=True)  # sending | sent | failed | rejected
    attempts: int = 0
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    last_error: str | None = None


class NotificationRead(SQLModel, table=True):
    """An inbox item is addressed to a role (and county); each user marks it read for themselves."""

    __tablename__ = "notification_read"
    __table_args__ = (UniqueConstraint("notification_id", "user_id", name="uq_notification_read_user"),)

    id: int | None = Field(default=None, primary_key=True)
    notification_id: int = Field(index=True)
    user_id: str = Field(index=True)
    read_at: datetime
