"""``GET /api/v1/me``: who the caller is, as services.identity resolved their bearer token."""

from fastapi import APIRouter

from api.deps import CurrentPrincipal
from api.errors import documented
from schemas.identity import MePublic

router = APIRouter(tags=["identity"])


@router.get(
    "/me",
    response_model=MePublic,
    summary="The caller: id, name, role, county, department and how they signed in",
    responses=documented(401),
)
async def me(principal: CurrentPrincipal) -> MePublic:
    return MePublic(
        id=principal.id,
        name=principal.name,
        role=principal.role,
        county=principal.county,
        department=principal.department,
        signed_in_by=principal.signed_in_by,
    )
