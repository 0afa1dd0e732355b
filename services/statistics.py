"""统计: applications by county, institution type and state; each county's quota, used and left, for a period;
titles awarded and revoked per year; the charts' data (every label in Chinese) and the same tables as XLSX (written
by services.filing_forms with every cell formula-neutralised). A county's users see their county only; everyone else
their city (a province-level account: every city)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fastapi.concurrency import run_in_threadpool

from contracts.quota import CITY_SCOPE
from db.queries import statistics as queries
from db.rounds import Period
from regions.catalog import DEPLOYMENT, cities
from regions.catalog import city as city_named
from services import filing_forms
from services.access import city_scope
from services.context import Context
from services.quotas import quota_or_none
from services.roles import READERS, admit
from state.clock import SHANGHAI
from state.domain import Actor, InstitutionType, Level, Stage
from state.labels import LEVELS, STAGES, type_label


@dataclass
class QuotaRow:
    scope: str  # a county, or 市级 for the city-level quota
    total: int
    used: int
    left: int


@dataclass
class Statistics:
    scope: str | None
    rows: list[dict[str, Any]]  # one per (county, type) with any application: counts by state and total
    by_county: dict[str, dict[Stage, int]]
    period: Any  # db.rounds.Period | None
    periods: list[Any]
    quota: list[QuotaRow]
    quota_set: bool
    titles: list[queries.YearTitles]
    charts: dict[str, Any] = field(default_factory=dict)


def _reads(
    ctx: Context, scope: str | None, city: str | None
) -> tuple[list[queries.Count], list[queries.YearTitles], list[Period]]:
    with ctx.session() as session:
        counted = queries.counts(session, scope, city)
        return counted, queries.titles_by_year(session, scope, city), queries.periods(session)


def counties_read(city: str | None) -> list[str]:
    """The counties of the caller's city, in its documents' order; every known city's for a province-level one."""
    if city is not None:
        return [c.name for c in city_named(city).counties]
    return list(dict.fromkeys(c.name for each in cities().values() for c in each.counties))


async def gather(actor: Actor, ctx: Context, period_id: str) -> Statistics:
    """The statistics ``actor`` may see (a county's users: their county only), for ``period_id`` or the current
    period."""
    admit(actor, *READERS)
    scope = actor.county
    of_city = city_scope(actor)
    counties = counties_read(of_city)
    counted, titles, periods = await run_in_threadpool(_reads, ctx, scope, of_city)
    table: dict[tuple[str, InstitutionType], dict[Stage, int]] = {}
    by_county: dict[str, dict[Stage, int]] = {c: {} for c in counties if scope is None or c == scope}
    for c in counted:
        cell = table.setdefault((c.county, c.institution_type), {})
        cell[c.state] = cell.get(c.state, 0) + c.n
        if c.county in by_county:
            by_county[c.county][c.state] = by_county[c.county].get(c.state, 0) + c.n
    county_order = {c: i for i, c in enumerate(counties)}
    type_order = {t: i for i, t in enumerate(InstitutionType)}
    rows = [
        {"county": county, "type": kind, "counts": cells, "total": sum(cells.values())}
        for (county, kind), cells in sorted(
            table.items(), key=lambda kv: (county_order.get(kv[0][0], 99), type_order[kv[0][1]])
        )
    ]
    chosen = next((p for p in periods if p.id == period_id), None) or queries.current_period(
        periods, datetime.now(SHANGHAI).year
    )
    quota: list[QuotaRow] = []
    quota_set = False
    if chosen is not None and of_city in (None, DEPLOYMENT.name):  # the quotas are the deployment's city's
        if scope is None:
            city = await quota_or_none(actor, ctx, chosen.id, Level.city)
            if city is not None and CITY_SCOPE in city.totals:
                quota_set = True
                quota.append(
                    QuotaRow("市级", city.totals[CITY_SCOPE], city.used.get(CITY_SCOPE, 0), city.remaining[CITY_SCOPE])
                )
        county = await quota_or_none(actor, ctx, chosen.id, Level.county)
        if county is not None:
            quota_set = quota_set or bool(county.totals)
            for name in counties:
                if name in county.totals:
                    quota.append(QuotaRow(name, county.totals[name], county.used.get(name, 0), county.remaining[name]))
    stats = Statistics(scope, rows, by_county, chosen, periods, quota, quota_set, titles)
    stats.charts = _charts(stats)
    return stats


def _charts(s: Statistics) -> dict[str, Any]:
    """What web/static/statistics.js draws: every label already in Chinese."""
    counties = list(s.by_county)
    present = [st for st in Stage if any(s.by_county[c].get(st) for c in counties)]
    years = sorted({t.year for t in s.titles})

    def per_year(level: Level, awarded: bool) -> list[int]:
        found = {t.year: (t.awarded if awarded else t.revoked) for t in s.titles if t.level == level}
        return [found.get(y, 0) for y in years]

    county_quota = [q for q in s.quota if q.scope != "市级"]
    return {
        "states": {
            "counties": counties,
            "series": [{"name": STAGES[st], "data": [s.by_county[c].get(st, 0) for c in counties]} for st in present],
        },
        "quota": {
            "counties": [q.scope for q in county_quota],
            "used": [q.used for q in county_quota],
            "left": [q.left for q in county_quota],
        },
        "titles": {
            "years": [f"{y}年" for y in years],
            "series": [{"name": f"{LEVELS[lv]}授牌", "data": per_year(lv, True)} for lv in (Level.city, Level.county)]
            + [{"name": f"{LEVELS[lv]}撤销", "data": per_year(lv, False)} for lv in (Level.city, Level.county)],
        },
    }


def workbook(s: Statistics) -> bytes:
    where = s.scope or "全市"
    counts = filing_forms.Table(
        "申报情况",
        f"{where}标杆机构申报情况（按县区、机构类型、状态）",
        ["县区", "机构类型", *(STAGES[st] for st in Stage), "合计"],
        [10, 28, *(10 for _ in Stage), 8],
        [[r["county"], type_label(r["type"]), *(r["counts"].get(st, 0) for st in Stage), r["total"]] for r in s.rows],
    )
    period = f"（{s.period.name} {s.period.start_year}—{s.period.end_year}年）" if s.period is not None else ""
    quota = filing_forms.Table(
        "名额使用",
        f"{where}名额使用情况{period}",
        ["范围", "名额", "已用", "剩余"],
        [12, 8, 8, 8],
        [[q.scope, q.total, q.used, q.left] for q in s.quota],
    )
    titles = filing_forms.Table(
        "授牌和撤销",
        f"{where}各年度授牌和撤销情况",
        ["年度", "等级", "授牌", "撤销"],
        [8, 10, 8, 8],
        [[t.year, LEVELS[t.level], t.awarded, t.revoked] for t in s.titles],
    )
    return filing_forms.tables_xlsx([counts, quota, titles])
