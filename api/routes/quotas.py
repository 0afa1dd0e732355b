"""Periods, quotas, the apportionment helper and the historic-title import (admins write; readers read). The use
cases are services/quotas.py's: every change goes through a workflow (PeriodWorkflow, QuotaWorkflow) that records
who, when, old → new and why."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor

from api.deps import READERS, ServiceContext, role_in
from api.errors import documented
from contracts.quota import PeriodView, PlaceReleased, QuotaSet
from db.historic_import import COLUMNS as HISTORIC_COLUMNS
from schemas.rounds import (
    PERIOD_ID_PATTERN,
    ApportionmentAdopt,
    ApportionmentPreview,
    ApportionmentRequest,
    ImportPublic,
    PeriodCreate,
    PlaceReleaseCreate,
    PlaceReleasePublic,
    QuotaCreate,
    QuotaPublic,
)
from services import quotas
from state.domain import Actor, Level, Role


class LevelConvertor(Convertor[str]):
    """``{level:level}``: a quota's path names a level (city, county), so /quotas/{period}/releases is never taken
    for one (a method it does not take answers 405, not 422 for a level)."""

    regex = "|".join(level.value for level in Level)

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("level", LevelConvertor())
router = APIRouter(tags=["periods and quotas"], responses=documented(401, 403, 404, 409, 503))
Admin = Annotated[Actor, Depends(role_in(Role.admin))]
QuotaReader = Annotated[Actor, Depends(role_in(*READERS, Role.admin))]
PeriodId = Annotated[str, Path(pattern=PERIOD_ID_PATTERN)]
__all__ = [
    "ApportionmentAdopt",
    "ApportionmentRequest",
    "PeriodCreate",
    "PlaceReleaseCreate",
    "QuotaCreate",
    "QuotaPublic",
    "router",
]


@router.get("/periods", summary="Periods (规划期), e.g. 十四五 2021–2025")
async def list_periods(_: QuotaReader, ctx: ServiceContext) -> list[dict[str, Any]]:
    return await quotas.list_periods(ctx)


@router.put("/periods/{period_id}", response_model=PeriodView, summary="Define or correct a period (admin; recorded)")
async def define_period(period_id: PeriodId, body: PeriodCreate, actor: Admin, ctx: ServiceContext) -> PeriodView:
    return await quotas.define_period(actor, ctx, period_id, body.name, body.start_year, body.end_year, body.reason)


@router.put(
    "/quotas/{period_id}/{level:level}", response_model=QuotaSet, summary="Set a period's quota (admin; recorded)"
)
async def put_quota(
    period_id: PeriodId, level: Level, body: QuotaCreate, actor: Admin, ctx: ServiceContext
) -> QuotaSet:
    return await quotas.set_quota(actor, ctx, period_id, level, body.totals, body.reason)


@router.post(
    "/quotas/{period_id}/releases",
    response_model=PlaceReleased,
    summary="Release the place a revoked title keeps for the period (admin; the reason recorded)",
    responses=documented(rules={409: ("place_not_held", "place_not_revoked")}),
)
async def release_place(
    period_id: PeriodId, body: PlaceReleaseCreate, actor: Admin, ctx: ServiceContext
) -> PlaceReleased:
    return await quotas.release_place(actor, ctx, period_id, body.application_id, body.reason)


@router.get(
    "/quotas/{period_id}/releases",
    response_model=list[PlaceReleasePublic],
    summary="The period's released places (已释放名额): which application, who, when, why",
)
async def released_places(period_id: PeriodId, actor: QuotaReader, ctx: ServiceContext) -> list[PlaceReleasePublic]:
    return await run_in_threadpool(quotas.released_places, actor, ctx, period_id)


@router.get(
    "/quotas/{period_id}/{level:level}",
    response_model=QuotaPublic,
    summary="A quota and its live usage (a county's callers: their county's alone)",
)
async def get_quota(period_id: PeriodId, level: Level, actor: QuotaReader, ctx: ServiceContext) -> QuotaPublic:
    return await quotas.get_quota(actor, ctx, period_id, level)


@router.post(
    "/quotas/{period_id}/county/apportionment",
    response_model=ApportionmentPreview,
    summary="Preview a county split (largest remainder)",
)
async def preview_apportionment(period_id: PeriodId, body: ApportionmentRequest, _: Admin) -> ApportionmentPreview:
    return quotas.preview(body)


@router.post(
    "/quotas/{period_id}/county/apportionment/adoption",
    response_model=QuotaSet,
    summary="Adopt (and adjust) a county split",
)
async def adopt_apportionment(
    period_id: PeriodId, body: ApportionmentAdopt, actor: Admin, ctx: ServiceContext
) -> QuotaSet:
    return await quotas.adopt(actor, ctx, period_id, body)


@router.post(
    "/historic-titles/import",
    response_model=ImportPublic,
    summary="Import historic titles from CSV (text/csv body; nothing is written if any row is bad)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {
                    "schema": {
                        "type": "string",
                        "maxLength": 5_000_000,
                        "pattern": f"^{','.join(HISTORIC_COLUMNS)}\\r?\\n",
                        "description": "UTF-8 CSV, this header line first, then one row per title",
                    }
                }
            },
        }
    },
    responses=documented(rules={422: ("rows", "too_large")}),
)
async def import_historic_titles(request: Request, _: Admin, ctx: ServiceContext) -> ImportPublic:
    report = await quotas.import_historic_titles(ctx, await request.body())
    if refused := quotas.refused_rows(report):
        raise refused
    return ImportPublic(rows=report.rows, written=report.written, skipped=report.skipped, errors=[])
