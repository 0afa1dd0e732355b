"""The 评审汇总表 of a round (documents/review_summary.py): its ranking and panel as the workflow holds them, the
candidates' 申报编号 from the read model. Read by those who read the ranking, and by the panel's members."""

from fastapi.concurrency import run_in_threadpool
from sqlmodel import col, select

from contracts.rounds import PanelMember, PanelView, RankingRow, RankingTable
from db import models
from db.rounds import EvaluationRound
from documents.review_summary import ReviewSummary, SummaryRow, review_summary
from services import panel, rounds
from services.context import Context
from services.pdf import Pdf
from state.domain import Actor, Level, Role
from state.labels import ROUND_PHASES
from state.ranking import METHOD_ZH


def unit(m: PanelMember, level: Level) -> str:
    return panel.unit(m.role, m.department, m.county, level)


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _place(row: RankingRow) -> str:
    if row.chosen is True:
        return "名额内"
    if not row.selectable:
        return "评分不足，不予择优"
    return "名额外" if row.chosen is False else "待定"


def summary(name: str, level: Level, weights: dict[str, float], table: RankingTable, found: PanelView,
            numbers: dict[str, str]) -> ReviewSummary:  # fmt: skip
    methods = [m for m in METHOD_ZH if m in weights]
    labels = {m: f"{METHOD_ZH[m]}（{round(weights[m] * 100)}%）" for m in methods}
    names = {m.user_id: m.name for m in found.members}
    recused = {(x.member_id, x.application_id) for x in found.recusals}
    institutions = {r.application_id: r.institution_name for r in table.rows}
    rows = []
    for r in table.rows:
        marks: dict[str, dict[str, str]] = {}
        for m in found.members:
            given = r.marks.get(m.user_id, {})
            if (m.user_id, r.application_id) in recused:
                marks[m.name] = {labels[x]: "回避" for x in methods}
            else:
                marks[m.name] = {labels[x]: _fmt(v) if (v := given.get(x)) is not None else "缺评" for x in methods}
        rows.append(
            SummaryRow(
                rank=r.rank,
                institution_name=r.institution_name,
                number=numbers.get(r.application_id, ""),
                marks=marks,
                means={labels[x]: _fmt(r.means.get(x)) for x in methods},
                weighted=f"{r.weighted_score:.2f}",
                counted=f"{r.counted}/{r.required}" if r.required else str(r.reviewers),
                place=_place(r),
            )
        )
    closing = ""
    if table.decided_by is not None:
        closing = f"{table.decided_by.name}结束评审：{table.reason}"
    return ReviewSummary(
        round_name=name,
        phase=ROUND_PHASES.get(table.phase.value, ""),
        methods=[labels[m] for m in methods],
        members=[f"{m.name}（{unit(m, level)}）" for m in found.members],
        rows=rows,
        recusals=[
            f"{names.get(x.member_id, x.member_name)}回避{institutions.get(x.application_id, '')}：{x.reason}"
            for x in found.recusals
        ],
        missing=[f"{x.member_name}未评{x.institution_name}" for x in table.missing],
        closing=closing,
    )


async def review_summary_pdf(actor: Actor, ctx: Context, round_id: str) -> Pdf:
    w = await rounds.window(ctx.client, round_id)
    found = await panel.panel_of(ctx, round_id)
    member = actor.user_id in {m.user_id for m in found.members}
    if not member:
        if actor.role not in rounds.RANKING_READERS or not rounds.may_see(actor, w.level, w.owner_county):
            raise rounds.not_found(round_id)
        if actor.role == Role.county_bureau and (w.level != Level.county or w.owner_county != actor.county):
            raise rounds.not_found(round_id)
    table = await rounds.ranking_table(ctx, round_id)
    ids = [r.application_id for r in table.rows]

    def read() -> tuple[dict[str, float], dict[str, str]]:
        with ctx.session() as s:
            recorded = s.get(EvaluationRound, round_id)
            rows = s.exec(
                select(models.Application.id, models.Application.number).where(col(models.Application.id).in_(ids))
            ).all()
            return (dict(recorded.weights) if recorded else {}), {i: n for i, n in rows if n}

    weights, numbers = await run_in_threadpool(read)
    content = review_summary(summary(w.name, w.level, weights, table, found, numbers))
    return Pdf(content, "review-summary.pdf")
