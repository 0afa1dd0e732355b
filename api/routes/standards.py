"""A county's own conditions for its county-level titles (附件5 评定标准, 因地制宜): read (signed in; a county's callers
their own county's) and set (the admin, or the county's own bureau); the use cases are services/standards.py's. The
condition book declarations attest (GET /api/v1/conditions) adds the county's current conditions to the notice's."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from api.deps import READERS, ServiceContext, role_in
from api.errors import documented
from schemas.fields import County
from schemas.standards import ConditionsPut, ConditionsSetOut, StandardsOut
from services import standards
from state.domain import Actor, Role

router = APIRouter(tags=["county standards"], responses=documented(401, 403, 404, 503))
Setter = Annotated[Actor, Depends(role_in(Role.admin, Role.county_bureau))]
StandardsReader = Annotated[Actor, Depends(role_in(*READERS, Role.admin))]
CountyPath = Annotated[County, Path(description="county or district (县区)")]
__all__ = ["ConditionsPut", "router"]


@router.get(
    "/counties/{county}/conditions",
    response_model=StandardsOut,
    summary="A county's own conditions for its county-level titles (附件5), with every version",
)
async def get_county_conditions(county: CountyPath, actor: StandardsReader, ctx: ServiceContext) -> StandardsOut:
    return await standards.county_conditions(actor, ctx, county)


@router.put(
    "/counties/{county}/conditions",
    response_model=ConditionsSetOut,
    summary="Set a county's own conditions (the admin or the county's bureau; each change recorded as a version)",
    responses=documented(
        401,
        403,
        404,
        409,
        503,
        rules={
            403: ("standards_setter",),
            422: ("reason_required", "condition_text_required", "condition_code_taken"),
        },
    ),
)
async def put_county_conditions(
    county: CountyPath, body: ConditionsPut, actor: Setter, ctx: ServiceContext
) -> ConditionsSetOut:
    return await standards.set_county_conditions(actor, ctx, county, body)
