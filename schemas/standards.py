"""The bodies and answers of a county's own conditions (附件5 评定标准), for the API and the pages alike."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from contracts.standards import MAX_CONDITIONS
from schemas.fields import OptionalText64, OptionalText500, OptionalText2000
from state.domain import InstitutionType

STRICT = ConfigDict(extra="forbid")


class ConditionIn(BaseModel):
    model_config = STRICT
    code: OptionalText64 = Field(examples=["tancheng_1_brand"], description="stable: ^[a-z0-9_]{1,64}$")
    text: OptionalText2000 = Field(examples=["具有县级就业服务特色品牌"], description="the condition, in Chinese")
    types: list[InstitutionType] = Field(
        default_factory=lambda: list(InstitutionType),
        max_length=len(InstitutionType),
        description="the institution types it applies to (default: every type)",
    )


class ConditionsPut(BaseModel):
    model_config = STRICT
    conditions: list[ConditionIn] = Field(
        max_length=MAX_CONDITIONS, description="the county's conditions as they shall stand; a code left out is retired"
    )
    reason: OptionalText500 = Field(min_length=1, description="设定依据")


class ConditionOut(BaseModel):
    code: str
    text: str
    types: list[InstitutionType]


class VersionOut(BaseModel):
    version: int
    conditions: list[ConditionOut]
    retired_now: list[str]
    reason: str
    set_by: str
    set_by_role: str
    set_at: datetime


class StandardsOut(BaseModel):
    county: str
    version: int  # 0: never set
    conditions: list[ConditionOut]
    retired: list[str]
    set_by: str | None
    set_at: datetime | None
    versions: list[VersionOut]  # newest first


class ConditionsSetOut(BaseModel):
    county: str
    version: int
    added: list[str]
    changed: list[str]
    retired: list[str]
    unchanged: bool
