"""The answers about programs (评定项目定义): the programs in force and one program with its versions."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class LevelOut(BaseModel):
    key: str
    title: str


class TypeOut(BaseModel):
    key: str
    label: str


class ProgramOut(BaseModel):
    id: str
    title: str
    version: int = Field(description="the version in force (the highest)")
    sha256: str = Field(description="of the definition file's bytes as published")
    levels: list[LevelOut]
    types: list[TypeOut]


class ProgramsOut(BaseModel):
    items: list[ProgramOut]


class ChangeOut(BaseModel):
    path: str = Field(examples=["notice.working_days"])
    kind: Literal["added", "removed", "changed"]
    before: Any = None
    after: Any = None


class ProgramVersionOut(BaseModel):
    version: int
    sha256: str
    published_by: str
    published_at: datetime
    reason: str
    changes: list[ChangeOut] = Field(description="against the version before (none for version 1)")


class ProgramDetailOut(ProgramOut):
    definition: dict[str, Any] = Field(description="the version in force, as programs/model.py's Program")
    versions: list[ProgramVersionOut] = Field(description="every version, the first first")
