"""修改评分: a reviewer amends their own score sheet, with a reason, while the review is still open (the
application's ``amend_score`` update, workflows/application_scores.py)."""

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.access import acts_for, declarer_of, fetch_view, perform
from api.deps import ApplicationId, LevelOwner, SettingsDep, TemporalClient
from api.errors import documented
from contracts.scores import AmendScoreAct
from schemas.fields import OptionalText2000, Text2000
from state.domain import Act
from workflows.application import ApplicationWorkflow

router = APIRouter(tags=["rounds"], responses=documented(401, 403, 404, 409, 422, 503))

STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)  # finite numbers: JSON parsers read NaN and Infinity
Mark = Annotated[float | None, Field(default=None, ge=0, le=100)]


class AmendedScores(BaseModel):
    """The marks as they should now stand (0-100; a part the round does not use stays empty)."""

    model_config = STRICT
    written: Mark = None
    defence: Mark = None
    field_inspection: Mark = None


class ScoreAmendmentCreate(BaseModel):
    model_config = STRICT
    scores: AmendedScores
    reason: Text2000
    opinion: OptionalText2000 = ""  # the sheet's new opinion; empty keeps the one given with the scores


class ScoreAmendmentOutcome(BaseModel):
    id: str
    state: str
    allowed_acts: list[Act]


@router.post(
    "/applications/{application_id}/scores/amendments",
    response_model=ScoreAmendmentOutcome,
    summary="A reviewer amends their own scores (修改评分)",
)
async def amend_scores(
    application_id: ApplicationId,
    body: ScoreAmendmentCreate,
    actor: LevelOwner,
    client: TemporalClient,
    settings: SettingsDep,
) -> ScoreAmendmentOutcome:
    before = await fetch_view(client, application_id, actor)
    act = AmendScoreAct(
        actor=actor,
        reason=body.reason,
        written=body.scores.written,
        defence=body.scores.defence,
        field_inspection=body.scores.field_inspection,
        opinion=body.opinion,
    )
    place, result = await perform(
        client,
        settings.database_url,
        application_id,
        actor,
        Act.amend_score,
        lambda h: h.execute_update(ApplicationWorkflow.amend_score, act),
    )
    allowed = acts_for(actor, result.allowed_acts, place.level, place.county, declarer_of(before))
    return ScoreAmendmentOutcome(id=application_id, state=result.state.value, allowed_acts=allowed)
