"""The bodies of acts on an application not in schemas/models.py: 退回补正 (a return for correction, a resubmission)
and a reviewer's scores; shared by the API and the pages."""

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from schemas.fields import FORBID, IsoDate, OptionalText100, OptionalText2000, Text2000, Text5000
from schemas.materials import ItemCode, MaterialRefCreate
from schemas.models import InstitutionCreate, ProgramInstitutionCreate
from state.domain import Act


class CorrectionRequestCreate(BaseModel):
    model_config = FORBID
    reason: Text5000 = Field(description="what is wrong and how to correct it (退回补正意见)")
    items: list[ItemCode] = Field(
        default=[],
        max_length=50,
        description="checklist items (GET /materials/checklist) or condition codes to correct",
    )


def _amended_tag(institution: Any) -> str:
    """Another program's institution states its facts by its fact table; the first program's, by its fields."""
    facts = isinstance(institution, dict) and "facts" in institution
    return "other_program" if isinstance(institution, ProgramInstitutionCreate) or facts else "first_program"


AmendedInstitution = Annotated[
    Annotated[InstitutionCreate, Tag("first_program")] | Annotated[ProgramInstitutionCreate, Tag("other_program")],
    Discriminator(_amended_tag),
]


class ResubmissionCreate(BaseModel):
    model_config = FORBID
    reason: Text2000 = Field(description="what was corrected (补正说明)")
    institution: AmendedInstitution = Field(description="the amended facts, in full (same institution and type)")
    materials: list[MaterialRefCreate] = Field(
        default=[], max_length=200, description="new files; each replaces every earlier file of its item"
    )


class ScoreCreate(BaseModel):  # one reviewer's scores (评分), 0-100 each
    # finite numbers: JSON parsers read NaN and Infinity
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    opinion: Text2000
    written: float | None = Field(default=None, ge=0, le=100)
    defence: float | None = Field(default=None, ge=0, le=100)
    field_inspection: float | None = Field(default=None, ge=0, le=100)
    # a panel's round: the day and place of the 现场答辩 / 实地考察 scored (required with its mark there)
    defence_on: IsoDate | None = None
    defence_place: OptionalText100 = ""
    inspected_on: IsoDate | None = None
    inspected_place: OptionalText100 = ""


STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)  # finite numbers: JSON parsers read NaN and Infinity
Mark = Annotated[float | None, Field(default=None, ge=0, le=100)]


class AmendedScores(BaseModel):
    """The marks as they should now stand (0-100; a part the round does not use stays empty)."""

    model_config = STRICT
    written: Mark = None
    defence: Mark = None
    field_inspection: Mark = None


class ScoreAmendmentCreate(BaseModel):  # 修改评分
    model_config = STRICT
    scores: AmendedScores
    reason: Text2000
    opinion: OptionalText2000 = ""  # the sheet's new opinion; empty keeps the one given with the scores


class ScoreAmendmentOutcome(BaseModel):
    id: str
    state: str
    allowed_acts: list[Act]
