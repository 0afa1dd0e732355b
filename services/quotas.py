"""Periods and quotas (名额): defining a period, setting a period's quota (never below the places used), reading a
quota with its live usage, releasing a revoked title's place (admin, with a reason) and listing the places
released, apportioning the county-level quota (largest remainder) and adopting the split, and the
historic-title import. Every change goes through its workflow (PeriodWorkflow, QuotaWorkflow), which records who,
when, old → new and why. Under both api/routes/quotas.py and web/routes/quotas.py."""

import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqlmodel import col, func, select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from activities.quota import live_usage
from clients import quota as quota_workflows
from contracts.quota import DefinePeriod, PeriodView, PlaceReleased, QuotaSet, ReleasePlace, SetQuota, UsageRequest
from contracts.rules import administration as rules
from contracts.rules import places as place_rules
from db import models
from db.historic_import import ImportReport, import_titles
from db.queries.rounds import periods
from db.rounds import HistoricTitle, Period, QuotaChange, QuotaPlace
from schemas.rounds import (
    ApportionmentAdopt,
    ApportionmentPreview,
    ApportionmentRequest,
    PlaceReleasePublic,
    QuotaPublic,
)
from services.context import Context
from services.refusals import Refusal, from_temporal
from state.apportionment import Apportionment, ApportionmentError, CountyFigures, apportion
from state.domain import Actor, Level, Stage
from workflows.quota import QuotaWorkflow, quota_workflow_id, scopes_for

LEVEL_ZH = {Level.city: "市级", Level.county: "县级"}
HISTORIC_MAX_BYTES = 5_000_000
# What state/apportionment says (English until it names rules), in the notice's words.
APPORTIONMENT_WORDS = (
    ("must not be negative", "名额和各项指标不能为负数"),
    ("at least one county is needed", "至少填写一个县区的数据"),
    ("a county is listed twice", "县区重复填写"),
    ("weights must be non-negative and add up to 1", "人口与绩效两项权重须不小于0且之和为1"),
    ("a weighted figure sums to zero", "加权的指标合计为0，无法分配"),
)


def _period_exists(ctx: Context, period_id: str) -> bool:
    with ctx.session() as s:
        return s.get(Period, period_id) is not None


async def _require_period(ctx: Context, period_id: str) -> None:
    if not await run_in_threadpool(_period_exists, ctx, period_id):
        raise Refusal(404, rules.PERIOD_NOT_DEFINED, period_id=period_id)


def below_used(database_url: str, period_id: str, level: Level, totals: dict[str, int]) -> Refusal | None:
    """409 when a total asked is below the places its scope already uses (live usage, as the quota's read counts
    it): a quota is never set under what has been granted. Unknown scopes are the workflow's to refuse (422)."""
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
    return Refusal(
        409,
        rules.QUOTA_BELOW_USED,
        scope_zh="全市" if first["scope"] == "city" else first["scope"],
        level_zh=LEVEL_ZH[level],
        total=first["total"],
        used=first["used"],
        field="totals",
        level=level.value,
        below=below,
    )


async def _set(ctx: Context, period_id: str, level: Level, act: SetQuota) -> QuotaSet:
    # What QuotaWorkflow refuses of the totals, said before asking it.
    if not act.totals:
        raise Refusal(422, rules.borrowed("quota_totals_required"), field="totals")
    known = scopes_for(level)
    if unknown := [scope for scope in act.totals if scope not in known]:
        scope_zh = "全市" if unknown[0] == "city" else unknown[0]
        where = "、".join("全市" if k == "city" else k for k in known)
        raise Refusal(
            422,
            rules.borrowed("quota_scope_unknown"),
            scope=scope_zh,
            level_label=LEVEL_ZH[level],
            known=where,
            field="totals",
        )
    refused = await run_in_threadpool(below_used, ctx.database_url, period_id, level, act.totals)
    if refused is not None:
        raise refused
    try:
        return await quota_workflows.set_quota(ctx.client, ctx.settings.task_queue, period_id, level, act)
    except (WorkflowUpdateFailedError, RPCError) as e:
        raise from_temporal(e, f"quota {period_id}/{level.value}") from None


async def list_periods(ctx: Context) -> list[dict[str, Any]]:
    """Periods (规划期), e.g. 十四五 2021–2025."""

    def rows() -> list[dict[str, Any]]:
        with ctx.session() as s:
            return [p.model_dump() for p in periods(s)]

    return await run_in_threadpool(rows)


async def define_period(
    actor: Actor, ctx: Context, period_id: str, name: str, start_year: int, end_year: int, reason: str
) -> PeriodView:
    if not 2000 <= start_year <= end_year <= 2100:  # as PeriodWorkflow refuses it, said before asking it
        raise Refusal(422, rules.borrowed("period_years"), start_year=start_year, end_year=end_year, field="start_year")
    act = DefinePeriod(actor=actor, name=name, start_year=start_year, end_year=end_year, reason=reason)
    try:
        return await quota_workflows.define_period(ctx.client, ctx.settings.task_queue, period_id, act)
    except (ApplicationError, WorkflowUpdateFailedError, RPCError) as e:
        raise from_temporal(e, f"period {period_id}") from None


async def set_quota(
    actor: Actor, ctx: Context, period_id: str, level: Level, totals: dict[str, int], reason: str
) -> QuotaSet:
    await _require_period(ctx, period_id)
    return await _set(ctx, period_id, level, SetQuota(actor, totals, reason))


async def get_quota(actor: Actor, ctx: Context, period_id: str, level: Level) -> QuotaPublic:
    """A quota and its live usage; a county's callers see their county's places alone. 404 when none is set."""
    handle = ctx.client.get_workflow_handle_for(QuotaWorkflow.run, quota_workflow_id(period_id, level))
    try:
        usage = await handle.query(QuotaWorkflow.usage, UsageRequest())
    except RPCError as e:
        if e.status == RPCStatusCode.NOT_FOUND:
            scope = "全市" if level == Level.city else "各县区"
            quota_not_set = rules.borrowed("quota_not_set")
            raise Refusal(404, quota_not_set, period_id=period_id, scope=scope, level_label=LEVEL_ZH[level]) from None
        raise from_temporal(e, f"quota {period_id}/{level.value}") from None
    totals = usage.totals
    if level == Level.county and actor.county is not None:  # a county's callers see their own county's places only
        totals = {k: v for k, v in totals.items() if k == actor.county}
    used = await run_in_threadpool(live_usage, ctx.database_url, period_id, level, list(totals))
    remaining = {k: max(0, v - used.get(k, 0)) for k, v in totals.items()}
    return QuotaPublic(period_id=period_id, level=level, totals=totals, used=used, remaining=remaining)


async def quota_or_none(actor: Actor, ctx: Context, period_id: str, level: Level) -> QuotaPublic | None:
    """The quota, or None when none is set for the period at this level (other refusals propagate)."""
    try:
        return await get_quota(actor, ctx, period_id, level)
    except Refusal as refusal:
        if refusal.status == 404:
            return None
        raise


def _held_level(ctx: Context, period_id: str, application_id: str) -> Level | None:
    """The level at which the application holds a place in the period now; None when it holds none."""
    with ctx.session() as s:
        level = s.exec(
            select(QuotaPlace.level).where(
                QuotaPlace.period_id == period_id,
                QuotaPlace.application_id == application_id,
                col(QuotaPlace.released_at).is_(None),
            )
        ).first()
        return Level(level) if level else None


async def release_place(actor: Actor, ctx: Context, period_id: str, application_id: str, reason: str) -> PlaceReleased:
    """Release the place a revoked title keeps for the period (admin; the reason recorded). 409 when the
    application holds no place in the period or its title is not revoked (QuotaWorkflow's activity decides)."""
    await _require_period(ctx, period_id)
    level = await run_in_threadpool(_held_level, ctx, period_id, application_id)
    if level is None:
        raise Refusal(409, place_rules.PLACE_NOT_HELD, period_id=period_id, application_id=application_id)
    act = ReleasePlace(actor=actor, application_id=application_id, reason=reason)
    handle = ctx.client.get_workflow_handle_for(QuotaWorkflow.run, quota_workflow_id(period_id, level))
    try:
        return await handle.execute_update(QuotaWorkflow.release, act)
    except (WorkflowUpdateFailedError, RPCError) as e:
        raise from_temporal(e, f"quota {period_id}/{level.value}") from None


def released_places(actor: Actor, ctx: Context, period_id: str) -> list[PlaceReleasePublic]:
    """The period's released places (已释放名额), newest first: which application, who, when, why; a county's
    callers see the city's and their own county's."""
    with ctx.session() as s:
        q = (
            select(QuotaPlace, models.Application.number, models.Application.institution_name)
            .join(
                models.Application,
                col(models.Application.id) == col(QuotaPlace.application_id),
                isouter=True,
            )
            .where(QuotaPlace.period_id == period_id, col(QuotaPlace.released_at).is_not(None))
            .order_by(col(QuotaPlace.released_at).desc(), col(QuotaPlace.id).desc())
        )
        if actor.county is not None:
            q = q.where((QuotaPlace.level == Level.city.value) | (QuotaPlace.scope == actor.county))
        return [
            PlaceReleasePublic(
                application_id=p.application_id,
                number=number,
                institution_name=name,
                level=Level(p.level),
                scope=p.scope,
                slot_no=p.slot_no,
                released_at=p.released_at,
                released_by=p.released_by_name,
                reason=p.release_reason or "",
            )
            for p, number, name in s.exec(q).all()
            if p.released_at is not None
        ]


def releasable(ctx: Context, period_id: str) -> list[tuple[str, str]]:
    """The revoked titles that still hold a place in the period, as (application id, 申报编号 and name): what an
    admin may release."""
    with ctx.session() as s:
        q = (
            select(QuotaPlace.application_id, models.Application.number, models.Application.institution_name)
            .join(models.Application, col(models.Application.id) == col(QuotaPlace.application_id))
            .where(
                QuotaPlace.period_id == period_id,
                col(QuotaPlace.released_at).is_(None),
                models.Application.state == Stage.revoked,
            )
            .order_by(col(QuotaPlace.level), col(QuotaPlace.scope), col(QuotaPlace.slot_no))
        )
        return [(app_id, f"{number or ''} {name}".strip()) for app_id, number, name in s.exec(q).all()]


def changes(ctx: Context, period_id: str, limit: int = 50) -> list[QuotaChange]:
    """The period's recorded quota changes, newest first."""
    with ctx.session() as s:
        q = select(QuotaChange).where(QuotaChange.period_id == period_id).order_by(col(QuotaChange.at).desc())
        return list(s.exec(q.limit(limit)).all())


def _apportionment_refusal(e: ApportionmentError) -> Refusal:
    said = str(e)
    problem = next((zh for words, zh in APPORTIONMENT_WORDS if words in said), "填写的数据有误")
    return Refusal(422, rules.APPORTIONMENT, problem=problem, field=e.field)


def _apportion(body: ApportionmentRequest) -> Apportionment:
    figures = [
        CountyFigures(c.county, Fraction(str(c.population)), Fraction(str(c.performance))) for c in body.counties
    ]
    try:
        return apportion(
            body.total, figures, Fraction(str(body.weight_population)), Fraction(str(body.weight_performance))
        )
    except ApportionmentError as e:
        raise _apportionment_refusal(e) from None


def preview(body: ApportionmentRequest) -> ApportionmentPreview:
    """A county split by the largest remainder, with its working."""
    plan = _apportion(body)
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


async def adopt(actor: Actor, ctx: Context, period_id: str, body: ApportionmentAdopt) -> QuotaSet:
    """Adopt a split (adjusted county by county) as the period's county-level quota."""
    plan = _apportion(body)
    seats = plan.seats()
    bad = [c for c in body.adjustments if c not in seats]
    if bad:
        raise Refusal(422, rules.ADJUSTMENT_NOT_IN_SPLIT, county=bad[0], field="adjustments")
    adjusted = {**seats, **body.adjustments}
    if sum(adjusted.values()) != body.total or any(v < 0 for v in adjusted.values()):
        raise Refusal(422, rules.ADJUSTED_TOTAL, adjusted=sum(adjusted.values()), total=body.total, field="adjustments")
    await _require_period(ctx, period_id)
    details = {"working": "\n".join(plan.working()), "computed": str(seats), "adjustments": str(body.adjustments)}
    return await _set(ctx, period_id, Level.county, SetQuota(actor, adjusted, body.reason, details))


def _import(ctx: Context, data: bytes, name: str | None) -> ImportReport:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / (Path(name).name if name else "upload.csv")
        path.write_bytes(data)
        return import_titles(path, ctx.database_url, None)


async def import_historic_titles(ctx: Context, data: bytes, name: str | None = None) -> ImportReport:
    """Import historic titles from CSV: every row is validated first, and if any row is bad nothing is written."""
    if len(data) > HISTORIC_MAX_BYTES:
        raise Refusal(422, rules.HISTORIC_FILE_TOO_LARGE, field="body")
    return await run_in_threadpool(_import, ctx, data, name)


def refused_rows(report: ImportReport) -> Refusal | None:
    """The import's bad rows as one 422 (nothing was written), with each row's problem; None when none."""
    errors = [
        {"line": e.line, "field": e.field, "message": e.message, **({"code": e.code} if e.code else {})}
        for e in report.errors
    ]
    if not errors:
        return None
    return Refusal(422, rules.HISTORIC_ROWS, count=len(errors), field="body", errors=errors)


def historic_titles(ctx: Context, shown: int) -> tuple[list[HistoricTitle], int]:
    """The ``shown`` latest imported historic titles (newest import first), and how many there are."""
    with ctx.session() as s:
        q = select(HistoricTitle).order_by(col(HistoricTitle.imported_at).desc(), col(HistoricTitle.id).desc())
        total = s.exec(select(func.count()).select_from(HistoricTitle)).one()
        return list(s.exec(q.limit(shown)).all()), total
