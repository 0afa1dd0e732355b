"""A revocation proposal (撤销提议) and the public 撤销公告, as the API shows them (services/revocations.py)."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.fields import FORBID, OptionalText2000
from state.domain import Department, Level, RevocationReason


class RevocationSignCreate(BaseModel):
    model_config = FORBID
    decision: Literal["sign", "decline"] = Field(description="sign: 同意撤销; decline: 不同意撤销 (ends the proposal)")
    reason: OptionalText2000 = Field(default="", description="required to decline")


class RevocationSignaturePublic(BaseModel):
    department: Department
    department_label: str
    name: str
    decision: Literal["sign", "decline"]
    decision_label: str = Field(description="同意撤销 / 不同意撤销")
    reason: str
    at: datetime


class RevocationPublic(BaseModel):
    """A proposal to revoke a title, its co-signatures so far and, once decided, the 撤销决定."""

    id: str = Field(description="the proposal's id")
    subject: Literal["application", "historic"]
    subject_id: str
    level: Level
    county: str
    institution_name: str
    ground: RevocationReason
    ground_label: str = Field(description="the notice's words for the ground")
    evidence: str
    proposer: str = Field(description="the proposing inspector's name")
    proposed_at: datetime
    state: Literal["pending", "revoked", "declined"]
    state_label: str = Field(description="待会签 / 已撤销 / 已否决")
    signatures: list[RevocationSignaturePublic]
    awaiting: list[Department] = Field(description="the departments whose word is still owed (while 待会签)")
    document_no: str | None = Field(description="the 撤销决定's 文号, once decided")
    decided_on: date | None = Field(description="its 成文日期 (the third signature's day)")
    document_url: str | None = Field(description="the 撤销决定 as PDF, once decided")


class PublicRevocation(BaseModel):
    """One 撤销公告: a title revoked by the issuing organs' decision."""

    institution_name: str
    level: Level
    level_label: str
    county: str
    ground: RevocationReason
    ground_label: str
    document_no: str
    decided_on: date
    document_url: str = Field(description="the public PDF of the 撤销决定")


class PublicRevocations(BaseModel):
    items: list[PublicRevocation]
    total: int
