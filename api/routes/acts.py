"""The acts on one application (services/acts.py). Each is a workflow update, answered with the state after the
act and what the caller may do next; every refusal leaves the application as it was."""

from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import (
    ApplicationId,
    CityReviewer,
    CountyBureau,
    DepartmentUser,
    LevelOwner,
    ServiceContext,
)
from api.errors import ON_ACT, documented
from schemas.fields import OBJECTION_ID_PATTERN
from schemas.models import (
    ActOutcome,
    AwardCreate,
    CoSignatureCreate,
    FindingCreate,
    NoticeCreate,
    ReviewCreate,
    WithdrawalCreate,
)
from services import acts

router = APIRouter(prefix="/applications/{application_id}", tags=["acts"])
ObjectionId = Annotated[str, Path(pattern=OBJECTION_ID_PATTERN)]
ACT_RESPONSES = documented(*ON_ACT)


@router.post(
    "/county-review",
    response_model=ActOutcome,
    summary="County review (县级审核)",
    description="A pass needs the county DRC's and civil affairs' agreement (POST …/department-opinions).",
    responses=documented(*ON_ACT, rules={409: ("county_opinions_missing", "county_opinion_disagreed")}),
)
async def county_review(
    application_id: ApplicationId, body: ReviewCreate, actor: CountyBureau, ctx: ServiceContext
) -> ActOutcome:
    return (await acts.county_review(ctx, actor, application_id, body.decision == "pass", body.opinion)).answer()


@router.post(
    "/city-review",
    response_model=ActOutcome,
    summary="City review (市级评审)",
    responses=documented(*ON_ACT, rules={403: ("separation_of_duties",)}),
)
async def city_review(
    application_id: ApplicationId, body: ReviewCreate, actor: CityReviewer, ctx: ServiceContext
) -> ActOutcome:
    return (await acts.city_review(ctx, actor, application_id, body.decision == "pass", body.opinion)).answer()


@router.post(
    "/notice",
    response_model=ActOutcome,
    summary="Start the public notice (公示)",
    responses=documented(
        *ON_ACT,
        rules={
            409: ("no_quota_for_notice", "no_period_for_notice", "quota_full"),
            422: (
                "notice_not_in_future",
                "notice_not_before_review",
                "late_notice_needs_source_url",
                "source_url_http",
            ),
        },
    ),
)
async def start_notice(
    application_id: ApplicationId, body: NoticeCreate, actor: LevelOwner, ctx: ServiceContext
) -> ActOutcome:
    return (await acts.publicize(ctx, actor, application_id, body.published_on, body.source_url)).answer()


@router.post(
    "/objections/{objection_id}/finding",
    response_model=ActOutcome,
    summary="Record the finding on an objection (异议调查结论)",
    responses=ACT_RESPONSES,
)
async def record_finding(
    application_id: ApplicationId,
    objection_id: ObjectionId,
    body: FindingCreate,
    actor: LevelOwner,
    ctx: ServiceContext,
) -> ActOutcome:
    return (await acts.record_finding(ctx, actor, application_id, objection_id, body.upheld, body.finding)).answer()


@router.post(
    "/co-signatures",
    response_model=ActOutcome,
    summary="Co-sign the announcement for the caller's department (会签)",
    description="Kept for applications declared before batches (批次公布). An application announced by batch "
    "(`announced_by_batch`) is co-signed once in its batch (POST /announcements/{id}/co-signatures): refused here "
    "with 409 co_sign_by_batch_only (or co_sign_by_announcement once it is in a batch).",
    responses=documented(
        *ON_ACT,
        rules={403: ("separation_of_duties",), 409: ("co_sign_by_batch_only", "co_sign_by_announcement")},
    ),
)
async def co_sign(
    application_id: ApplicationId, body: CoSignatureCreate, actor: DepartmentUser, ctx: ServiceContext
) -> ActOutcome:
    return (await acts.co_sign(ctx, actor, application_id, body.document_no)).answer()


@router.post("/award", response_model=ActOutcome, summary="Award the plaque (授牌)", responses=ACT_RESPONSES)
async def award(application_id: ApplicationId, body: AwardCreate, actor: LevelOwner, ctx: ServiceContext) -> ActOutcome:
    return (await acts.award(ctx, actor, application_id, body.plaque_no, body.awarded_on)).answer()


@router.post(
    "/withdrawal", response_model=ActOutcome, summary="Withdraw the declaration (撤回)", responses=ACT_RESPONSES
)
async def withdraw(
    application_id: ApplicationId, body: WithdrawalCreate, actor: CountyBureau, ctx: ServiceContext
) -> ActOutcome:
    return (await acts.withdraw(ctx, actor, application_id, body.reason)).answer()
