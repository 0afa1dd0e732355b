"""The supervisor's timeline: an application's Temporal history told as domain events (services/history.py)."""

from fastapi import APIRouter

from api.deps import ApplicationId, Reader, ServiceContext
from api.errors import ON_APPLICATION, documented
from schemas.models import Timeline
from services import history as service

router = APIRouter(prefix="/applications/{application_id}", tags=["history"])


@router.get(
    "/history",
    response_model=Timeline,
    summary="The application's complete timeline, from its workflow history",
    responses=documented(*ON_APPLICATION),
)
async def history(application_id: ApplicationId, actor: Reader, ctx: ServiceContext) -> Timeline:
    return await service.history(ctx, actor, application_id)
