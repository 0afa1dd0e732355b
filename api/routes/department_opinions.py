"""会商: the county's DRC or civil affairs records its opinion on a declaration (县区部门意见) from its own account,
while the application is declared; the latest of each counts, and the county review passes only when both agree
(services.acts.give_department_opinion; the application's ``give_department_opinion`` update)."""

from fastapi import APIRouter

from api.deps import ApplicationId, DepartmentUser, ServiceContext
from api.errors import ON_ACT, documented
from schemas.models import ActOutcome
from schemas.opinions import DepartmentOpinionCreate
from services import acts

router = APIRouter(tags=["acts"])


@router.post(
    "/applications/{application_id}/department-opinions",
    response_model=ActOutcome,
    summary="A county department's opinion on a declaration (县区部门意见)",
    responses=documented(
        *ON_ACT,
        rules={
            403: ("opinion_by_department", "opinion_by_consulted_department", "opinion_by_own_county"),
            409: ("opinion_not_now",),
        },
    ),
)
async def give_department_opinion(
    application_id: ApplicationId, body: DepartmentOpinionCreate, actor: DepartmentUser, ctx: ServiceContext
) -> ActOutcome:
    """The county's 发展改革局 or 民政局 says 同意 or 不同意, with its words; said again, the new one counts."""
    done = await acts.give_department_opinion(ctx, actor, application_id, body.opinion, body.text)
    return done.answer()
