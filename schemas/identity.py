"""Who the caller is, as the API answers it (``GET /api/v1/me``)."""

from pydantic import BaseModel, Field

from state.domain import Department, Role


class MePublic(BaseModel):
    id: str = Field(description="the user's id")
    name: str
    role: Role
    county: str | None = Field(description="the county of a county bureau or a county department; else null")
    department: Department | None = Field(description="a department user's department (会签部门); else null")
    signed_in_by: str = Field(description='how the caller signed in: "token" for a bearer token')
