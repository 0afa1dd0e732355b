"""Periods, quotas, the apportionment helper and the historic-title import (admins write; readers read).

Every change goes through a workflow (PeriodWorkflow, QuotaWorkflow) that records who, when, old → new and why.
"""

import tempfile
from fractions import Fraction
from pathlib import Path as FsPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from sqlmodel import Session
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from activities.quota import live_usage
from api.deps import READERS, SettingsDep, TemporalClient, role_in
from api.errors import documented
from clients import quota as quota_workflows
from config import Settings
from contracts.quota import MAX_TOTAL, DefinePeriod, PeriodView, QuotaSet, SetQuota, UsageRequest
from db.historic_import import COLUMNS as HISTORIC_COLUMNS
from db.historic_import import import_titles
from db.queries.rounds import periods
from db.rounds import Period
from db.session import get_engine
from schemas.fields import EARLIEST, LATEST, County, Name40, Text500, json_number
from services.refusals import Refusal, from_temporal
from state.apportionment import Apportionment, ApportionmentError, CountyFigures, apportion
from state.domain import COUNTIES, Actor, Level, Role
from workflows.quota import QuotaWorkflow, quota_workflow_id, scopes_for

router = APIRouter(tags=["periods and quotas"], responses=documented(401, 403, 404, 409, 503))
Admin = Annotated[Actor, Depends(role_in(Role.admin))]
QuotaReader = Annotated[Actor, Depends(role_in(*READERS, Role.admin))]
PERIOD_ID_PATTERN = r"^[A-Za-z0-9_\-\u4e00-\u9fff]{1,40}$"
PeriodId = Annotated[str, Path(pattern=PERIOD_ID_PATTERN)]
STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)  # finite numbers: JSON parsers read NaN and Infinity
# Places are JSON integers: true is not 1, "1" is not 1 (6.0 is 6, as JSON Schema has it).
Places = Annotated[int, Field(strict=False, ge=0, le=MAX_TOTAL), BeforeValidator(json_number)]
WholeNumber = Annotated[int, Field(strict=False), BeforeValidator(json_number)]
Figure = Annotated[float, Field(strict=False), BeforeValidator(json_number)]
FIGURE_MAX = 1e12  # population and performance figures: far above any county's


class PeriodCreate(BaseModel):
    model_config = STRICT
    name: Name40 = Field(examples=["十四五"])
    start_year: int = Field(ge=EARLIEST.year, le=LATEST.year)
    end_year: int = Field(ge=EARLIEST.year, le=LATEST.year)
    reason: Text500


class QuotaCreate(BaseModel):
    model_config = STRICT
    totals: dict[str, Places] = Field(
        min_length=1,
        description=f'{{"city": 9}} for the city level; {{county: places}} for the county level; 0..{MAX_TOTAL} each'
        " (a whole number; not below the places already used)",
    )
    reason: Text500


class CountyFiguresIn(BaseModel):
    model_config = STRICT
    county: County
    population: Figure = Field(ge=0, le=FIGURE_MAX, description="resident population (常住人口)")
    performance: Figure = Field(ge=0, le=FIGURE_MAX, description="public employment service performance index")


class ApportionmentRequest(BaseModel):
    model_config = STRICT
    total: WholeNumber = Field(ge=0, le=MAX_TOTAL, examples=[90])
    weight_population: Figure = Field(ge=0, le=1)
    weight_performance: Figure = Field(ge=0, le=1)
    counties: list[CountyFiguresIn] = Field(min_length=1, max_length=100)


class ApportionmentAdopt(ApportionmentRequest):
    adjustments: dict[str, Places] = Field(
        default_factory=dict,
        description="county -> places, replacing the computed seats",
    )
    reason: Text500


class ApportionmentPreview(BaseModel):
    total: int
    seats: dict[str, int]
    shares: list[dict[str, Any]]
    working: list[str]
    example_data_note: str = "Attachment 1 is not published: figures are the caller's input, never built in"


class QuotaPublic(BaseModel):
    period_id: str
    level: Level
    totals: dict[str, int]
    used: dict[str, int]
    remaining: dict[str, int]


class ImportPublic(BaseModel):
    rows: int
    written: int
    skipped: int
    errors: list[dict[str, Any]]


def _period_exists(database_url: str, period_id: str) -> bool:
    with Session(get_engine(database_url)) as s:
        return s.get(Period, period_id) is not None


LEVEL_ZH = {Level.city: "市级", Level.county: "县级"}


def below_used(database_url: str, period_id: str, level: Level, totals: dict[str, int]) -> Refusal | None:
    """409 when a total asked is below the places its scope already uses (live usage, as GET /quotas counts it):
    a quota is never set under what has been granted. Unknown scopes are the workflow's to refuse (422)."""
    known = scopes_for(level)
    used = live_usage(database_url, period_id, level, [scope for scope in totals if scope in known])
    below = [
        {"scope": scope, "total": total, "used": used[scope]}
        for scope, total in totals.items()
        if used.get(scope, 0) > total
    ]
    if not below:
        return None
    first = below[0]
    scope_zh = "全市" if first["scope"] == "city" else first["scope"]
    return Refusal(
        409,
        f"{scope_zh}{LEVEL_ZH[level]}名额不能设为{first['total']}个：已使用{first['used']}个名额，名额不能少于已使用数"
        f" (the total {first['total']} for {first['scope']} is below the {first['used']} places already used)",
        field="totals",
        rule="quota_below_used",
        level=level.value,
        below=below,
    )


async def set_quota(client: Client, settings: Settings, period_id: str, level: Level, act: SetQuota) -> QuotaSet:
    refused = await run_in_threadpool(below_used, settings.database_url, period_id, level, act.totals)
    if refused is not None:
        raise refused
    task_queue = settings.task_queue
    try:
        return await quota_workflows.set_quota(client, task_queue, period_id, level, act)
    except (WorkflowUpdateFailedError, RPCError) as e:
        raise from_temporal(e, f"quota {period_id}/{level.value}") from None


@router.get("/periods", summary="Periods (规划期), e.g. 十四五 2021–2025")
async def list_periods(_: QuotaReader, settings: SettingsDep) -> list[dict[str, Any]]:
    def rows() -> list[dict[str, Any]]:
        with Session(get_engine(settings.database_url)) as s:
            return [p.model_dump() for p in periods(s)]

    return await run_in_threadpool(rows)


@router.put(
    "/periods/{period_id}",
    response_model=PeriodView,
    summary="Define or correct a period (admin; recorded)",
)
async def define_period(
    period_id: PeriodId,
    body: PeriodCreate,
    actor: Admin,
    client: TemporalClient,
    settings: SettingsDep,
) -> PeriodView:
    act = DefinePeriod(
        actor=actor,
        name=body.name,
        start_year=body.start_year,
        end_year=body.end_year,
        reason=body.reason,
    )
    try:
        return await quota_workflows.define_period(client, settings.task_queue, period_id, act)
    except (ApplicationError, WorkflowUpdateFailedError, RPCError) as e:
        raise from_temporal(e, f"period {period_id}") from None


@router.put(
    "/quotas/{period_id}/{level}",
    response_model=QuotaSet,
    summary="Set a period's quota (admin; recorded)",
)
async def put_quota(
    period_id: PeriodId,
    level: Level,
    body: QuotaCreate,
    actor: Admin,
    client: TemporalClient,
    settings: SettingsDep,
) -> QuotaSet:
    if not await run_in_threadpool(_period_exists, settings.database_url, period_id):
        raise Refusal(404, f"period {period_id!r} not found; define it first")
    return await set_quota(client, settings, period_id, level, SetQuota(actor, body.totals, body.reason))


@router.get(
    "/quotas/{period_id}/{level}",
    response_model=QuotaPublic,
    summary="A quota and its live usage (a county's callers: their county's alone)",
)
async def get_quota(
    period_id: PeriodId,
    level: Level,
    actor: QuotaReader,
    client: TemporalClient,
    settings: SettingsDep,
) -> QuotaPublic:
    try:
        usage = await client.get_workflow_handle_for(QuotaWorkflow.run, quota_workflow_id(period_id, level)).query(
            QuotaWorkflow.usage, UsageRequest()
        )
    except RPCError as e:
        raise from_temporal(e, f"quota {period_id}/{level.value}") from None
    totals = usage.totals
    if level == Level.county and actor.county is not None:  # a county's callers see their own county's places only
        totals = {k: v for k, v in totals.items() if k == actor.county}
    used = await run_in_threadpool(live_usage, settings.database_url, period_id, level, list(totals))
    remaining = {k: max(0, v - used.get(k, 0)) for k, v in totals.items()}
    return QuotaPublic(
        period_id=period_id,
        level=level,
        totals=totals,
        used=used,
        remaining=remaining,
    )


def _apportion(body: ApportionmentRequest) -> Apportionment:
    unknown = [c.county for c in body.counties if c.county not in COUNTIES]
    if unknown:
        raise Refusal(
            422,
            f"unknown county {unknown[0]!r}",
            field="counties",
            rule="unknown_county",
        )
    figures = [
        CountyFigures(c.county, Fraction(str(c.population)), Fraction(str(c.performance))) for c in body.counties
    ]
    try:
        return apportion(
            body.total,
            figures,
            Fraction(str(body.weight_population)),
            Fraction(str(body.weight_performance)),
        )
    except ApportionmentError as e:
        raise Refusal(422, str(e), field=e.field, rule="apportionment") from None


def _preview(plan: Apportionment) -> ApportionmentPreview:
    shares = [
        {
            "county": s.county,
            "share": float(s.share),
            "exact": float(s.exact),
            "floor": s.floor,
            "remainder": float(s.remainder),
            "extra": s.extra,
            "seats": s.seats,
        }
        for s in plan.shares
    ]
    return ApportionmentPreview(total=plan.total, seats=plan.seats(), shares=shares, working=plan.working())


@router.post(
    "/quotas/{period_id}/county/apportionment",
    response_model=ApportionmentPreview,
    summary="Preview a county split (largest remainder)",
)
async def preview_apportionment(period_id: PeriodId, body: ApportionmentRequest, _: Admin) -> ApportionmentPreview:
    return _preview(_apportion(body))


@router.post(
    "/quotas/{period_id}/county/apportionment/adoption",
    response_model=QuotaSet,
    summary="Adopt (and adjust) a county split",
)
async def adopt_apportionment(
    period_id: PeriodId,
    body: ApportionmentAdopt,
    actor: Admin,
    client: TemporalClient,
    settings: SettingsDep,
) -> QuotaSet:
    plan = _apportion(body)
    seats = plan.seats()
    bad = [c for c in body.adjustments if c not in seats]
    if bad:
        raise Refusal(
            422,
            f"adjustment for {bad[0]!r}, which is not in the split",
            field="adjustments",
            rule="unknown_county",
        )
    adjusted = {**seats, **body.adjustments}
    if sum(adjusted.values()) != body.total or any(v < 0 for v in adjusted.values()):
        raise Refusal(
            422,
            f"adjusted places add up to {sum(adjusted.values())}, not the total {body.total}",
            field="adjustments",
            rule="total",
        )
    if not await run_in_threadpool(_period_exists, settings.database_url, period_id):
        raise Refusal(404, f"period {period_id!r} not found; define it first")
    details = {
        "working": "\n".join(plan.working()),
        "computed": str(seats),
        "adjustments": str(body.adjustments),
    }
    return await set_quota(client, settings, period_id, Level.county, SetQuota(actor, adjusted, body.reason, details))


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
async def import_historic_titles(request: Request, _: Admin, settings: SettingsDep) -> ImportPublic:
    body = await request.body()
    if len(body) > 5_000_000:
        raise Refusal(422, "the file is larger than 5 MB", field="body", rule="too_large")
    with tempfile.TemporaryDirectory() as d:
        path = FsPath(d) / "upload.csv"
        path.write_bytes(body)
        report = await run_in_threadpool(import_titles, path, settings.database_url, None)
    errors = [
        {"line": e.line, "field": e.field, "message": e.message, **({"code": e.code} if e.code else {})}
        for e in report.errors
    ]
    if errors:
        raise Refusal(
            422,
            f"{len(errors)} problem(s); nothing was imported",
            field="body",
            rule="rows",
            errors=errors,
        )
    return ImportPublic(rows=report.rows, written=report.written, skipped=report.skipped, errors=[])
