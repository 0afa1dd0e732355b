"""修改评分: a reviewer amends their own score sheet, with a reason, while the review is still open
(services.acts.amend_score; the application's ``amend_score`` update)."""

from fastapi import APIRouter

from api.deps import ApplicationId, LevelOwner, ServiceContext
from api.errors import documented
from schemas.applications import ScoreAmendmentCreate, ScoreAmendmentOutcome
from services import acts

router = APIRouter(tags=["rounds"], responses=documented(401, 403, 404, 409, 422, 503))


@router.post(
    "/applications/{application_id}/scores/amendments",
    response_model=ScoreAmendmentOutcome,
    summary="A reviewer amends their own scores (修改评分)",
)
async def amend_scores(
    application_id: ApplicationId, body: ScoreAmendmentCreate, actor: LevelOwner, ctx: ServiceContext
) -> ScoreAmendmentOutcome:
    marks = body.scores
    done = await acts.amend_score(
        ctx, actor, application_id, body.reason, body.opinion, marks.written, marks.defence, marks.field_inspection
    )
    return ScoreAmendmentOutcome(id=application_id, state=done.state.value, allowed_acts=done.allowed_acts)
