"""The bodies of 退回补正 (a return for correction, a resubmission): shared by the API and the pages."""

from pydantic import BaseModel, Field

from schemas.fields import FORBID, Text2000, Text5000
from schemas.materials import ItemCode, MaterialRefCreate
from schemas.models import InstitutionCreate


class CorrectionRequestCreate(BaseModel):
    model_config = FORBID
    reason: Text5000 = Field(description="what is wrong and how to correct it (退回补正意见)")
    items: list[ItemCode] = Field(
        default=[],
        max_length=50,
        description="checklist items (GET /materials/checklist) or condition codes to correct",
    )


class ResubmissionCreate(BaseModel):
    model_config = FORBID
    reason: Text2000 = Field(description="what was corrected (补正说明)")
    institution: InstitutionCreate = Field(description="the amended facts, in full (same institution and type)")
    materials: list[MaterialRefCreate] = Field(
        default=[], max_length=200, description="new files; each replaces every earlier file of its item"
    )
