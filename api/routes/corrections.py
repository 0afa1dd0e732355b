"""退回补正 over HTTP (services/corrections.py): a reviewer returns a declaration to the declaring county for
correction, and the county resubmits it corrected."""

from fastapi import APIRouter

from api.deps import ApplicationId, CountyBureau, LevelOwner, ServiceContext, Today
from api.errors import CONDITION_RULES, ON_ACT, documented
from api.too_large import TOO_LARGE
from schemas.applications import CorrectionRequestCreate, ResubmissionCreate
from schemas.models import ActOutcome
from services import corrections

router = APIRouter(prefix="/applications/{application_id}", tags=["acts"])


@router.post(
    "/correction-request",
    response_model=ActOutcome,
    summary="Return the declaration to the declaring county for correction (退回补正)",
    responses=documented(*ON_ACT, rules={422: ("correction_item_unknown",)}),
)
async def request_correction(
    application_id: ApplicationId, body: CorrectionRequestCreate, actor: LevelOwner, ctx: ServiceContext
) -> ActOutcome:
    """By the review that has it: the county bureau while declared, the city reviewer while a city-level
    application is county-reviewed. The county has ``BIAOGAN_CORRECTION_WORKING_DAYS`` working days."""
    return (await corrections.request_correction(ctx, actor, application_id, body)).answer()


@router.post(
    "/resubmission",
    response_model=ActOutcome,
    summary="Resubmit the corrected declaration (补正后重新报送)",
    responses={
        **documented(
            *ON_ACT,
            rules={
                422: (
                    *CONDITION_RULES,
                    "identity_changed",
                    "material_unknown",
                    "material_type_not_accepted",
                    "material_missing",
                    "material_expired",
                )
            },
        ),
        **TOO_LARGE,
    },
)
async def resubmit(
    application_id: ApplicationId, body: ResubmissionCreate, actor: CountyBureau, ctx: ServiceContext, day: Today
) -> ActOutcome:
    """The declaring county: the amended facts in full (every applicable condition attested again), and new files
    for the items to correct (every item the return named among the checklist's must have one); the other items'
    files stand. The application goes back to the review that returned it; both versions stay on record."""
    return (await corrections.resubmit(ctx, actor, application_id, body, day)).answer()
