"""Bodies of the materials API (uploads, checklists, conditions) and the material records acts carry."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from schemas.fields import FORBID, ID_PATTERN
from state.domain import Act

ItemCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,64}$")]
MaterialId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]


class MaterialRefCreate(BaseModel):
    """One file attached to a declaration: the checklist item it is for, and the id its upload returned."""

    model_config = FORBID
    item: ItemCode = Field(description="the checklist item's code (GET /materials/checklist)")
    material_id: MaterialId = Field(description="the id POST /materials returned; uploaded by the caller")


class MaterialUploaded(BaseModel):
    id: str
    sha256: str = Field(description="SHA-256 of the bytes, hex")
    size: int = Field(description="bytes")
    content_type: str = Field(description="told by the file's bytes: application/pdf, image/jpeg or image/png")
    filename: str


class ChecklistItemPublic(BaseModel):
    code: str
    title: str = Field(description="the item in Chinese")
    required: bool
    accepts: list[str] = Field(description="accepted file types")


class Checklist(BaseModel):
    type: str
    level: str
    items: list[ChecklistItemPublic]


class ConditionPublic(BaseModel):
    code: str = Field(description="the key of the declaration's institution.attestations")
    text: str = Field(description="the notice's words")
    kind: str = Field(description="basic (基本条件), level (the level's), county (the county's)")


class Conditions(BaseModel):
    type: str
    level: str
    county: str | None
    items: list[ConditionPublic]


class MaterialPublic(BaseModel):
    """A file as an act recorded it."""

    item: str
    title: str = Field(description="the checklist item in Chinese")
    material_id: str
    filename: str
    sha256: str
    size: int
    content_type: str
    uploader: str
    uploader_id: str
    uploaded_at: datetime


class ActRef(BaseModel):
    seq: int
    act: Act
    at: datetime


class ApplicationMaterial(MaterialPublic):
    act: ActRef = Field(description="the act that submitted it")
    current: bool = Field(description="false once a later act replaced this item's files (补正)")


class ApplicationMaterials(BaseModel):
    id: str
    items: list[ApplicationMaterial]
