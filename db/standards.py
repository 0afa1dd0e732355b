"""The read model of the counties' own conditions (附件5 评定标准, 因地制宜): one row per version a county's standard
went through, written only by CountyStandardsWorkflow's activity and never edited. The current conditions of a
county are its latest version's; every earlier version stays, with who set it, when and why."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


class CountyConditionVersion(SQLModel, table=True):
    __tablename__ = "county_condition_version"
    __table_args__ = (UniqueConstraint("county", "version", name="uq_county_condition_version"),)

    id: int | None = Field(default=None, primary_key=True)
    county: str = Field(index=True)
    version: int
    # [{"code", "text", "types": [institution type, …]}], in the county's order
    conditions: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    retired_now: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # codes retired here
    retired: list[Any] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )  # every code retired so far
    reason: str
    actor_user_id: str
    actor_name: str
    actor_role: str
    set_at: datetime
