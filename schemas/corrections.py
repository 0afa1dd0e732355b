"""What the API shows of a return for correction (退回补正)."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from state.domain import Act, Role


class CorrectionPublic(BaseModel):
    act: Act
    requested_by: str
    requested_by_role: Role
    reason: str
    items: list[str] = Field(description="the checklist items and conditions to correct")
    requested_at: datetime
    last_day: date = Field(description="the last working day to resubmit")
    ends_at: datetime = Field(description="when it is withdrawn if not resubmitted (逾期视为撤回)")
    remind_at: datetime | None
    confirmed: bool = Field(description="every year in the span has an official (State Council) arrangement")
