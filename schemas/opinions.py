"""会商: a county department's opinion on a declaration (县区部门意见), as the API and the page take and show it."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.fields import FORBID, Text2000
from state.domain import Department


class DepartmentOpinionCreate(BaseModel):
    model_config = FORBID
    opinion: Literal["agree", "disagree"] = Field(description="同意 (agree) or 不同意 (disagree)")
    text: Text2000 = Field(description="the department's opinion in words (意见说明)")


class DepartmentOpinionPublic(BaseModel):
    department: Department = Field(description="drc or civil_affairs, of the application's county")
    opinion: Literal["agree", "disagree"]
    text: str
    by: str = Field(description="who recorded it")
    at: datetime
