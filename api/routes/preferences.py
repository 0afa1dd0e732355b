"""The caller's 常用意见 (saved opinions): their own list, kept for filling opinion fields; user preference data in
the read model, not process state, so written here directly (db/preferences.py). Each caller sees only their own."""

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import CurrentUser, SessionDep
from api.errors import documented
from db.preferences import OPINION_LENGTH, SavedOpinion, opinions_of, save_opinion, text_problem
from schemas.fields import FORBID, Text1000
from services.refusals import Refusal

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


def checked_opinion(text: str) -> str:
    text = text.strip()
    problem = text_problem(text, "常用意见", OPINION_LENGTH, multiline=True)
    if problem:
        raise Refusal(422, problem[1], field="text", rule=problem[0])
    return text


@router.get(
    "/me/opinions",
    response_model=OpinionList,
    summary="The caller's saved opinions (常用意见)",
    responses=documented(401),
)
def my_opinions(actor: CurrentUser, session: SessionDep) -> OpinionList:
    return listed(opinions_of(session, actor.user_id))


@router.post(
    "/me/opinions",
    response_model=OpinionList,
    summary="Save an opinion as 常用意见 (the list after)",
    responses=documented(401),
)
def add_opinion(body: OpinionCreate, actor: CurrentUser, session: SessionDep) -> OpinionList:
    return listed(save_opinion(session, actor.user_id, checked_opinion(body.text)))
