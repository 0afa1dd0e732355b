"""The caller's 常用意见 (saved opinions): their own list, kept for filling opinion fields; user preference data in
the read model, not process state (services/preferences.py). Each caller sees only their own."""

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import CurrentUser, ServiceContext
from api.errors import documented
from db.preferences import SavedOpinion
from schemas.fields import FORBID, Text1000
from services import preferences

router = APIRouter(tags=["preferences"])


class OpinionPublic(BaseModel):
    id: str
    text: str


class OpinionList(BaseModel):
    opinions: list[OpinionPublic]


class OpinionCreate(BaseModel):
    model_config = FORBID
    text: Text1000


def listed(rows: list[SavedOpinion]) -> OpinionList:
    return OpinionList(opinions=[OpinionPublic(id=o.id, text=o.text) for o in rows])


@router.get(
    "/me/opinions",
    response_model=OpinionList,
    summary="The caller's saved opinions (常用意见)",
    responses=documented(401),
)
def my_opinions(actor: CurrentUser, ctx: ServiceContext) -> OpinionList:
    return listed(preferences.opinions(actor, ctx))


@router.post(
    "/me/opinions",
    response_model=OpinionList,
    summary="Save an opinion as 常用意见 (the list after)",
    responses=documented(401),
)
def add_opinion(body: OpinionCreate, actor: CurrentUser, ctx: ServiceContext) -> OpinionList:
    return listed(preferences.add_opinion(actor, ctx, body.text))
