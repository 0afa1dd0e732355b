"""Competitive selection (择优): a round's candidates ranked by weighted score, exactly (no float ties).

A candidate's score for a review method is the mean of the reviewers' marks for that method; the weighted
score is Σ weight × mean over the methods the round uses. A method nobody scored counts 0 and makes the
candidate's scores incomplete (rounds without a panel); a panel's round is ranked by ``rank_panel``. Ties go to city-level-or-higher honours (优先), then to the earlier
declaration, then (for a total order) to the application id.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

METHODS = ("written", "defence", "field_inspection")  # 书面评审, 现场答辩, 实地考察
METHOD_ZH = {
    "written": "书面评审",
    "defence": "现场答辩",
    "field_inspection": "实地考察",
}


@dataclass
class Candidate:
    application_id: str
    institution_name: str
    county: str
    declared_at: datetime
    honours: bool  # 市级及以上荣誉
    sheets: list[dict[str, float | None]] = field(default_factory=list)  # one per reviewer: method -> mark
    reviewers: list[str] = field(default_factory=list)  # the sheets' reviewers (user ids), in the same order


@dataclass
class Ranked:
    rank: int
    candidate: Candidate
    score: Fraction
    means: dict[str, Fraction | None]
    complete: bool
    tie_broken_by: str = ""  # "honours" / "declaration" when that decided against the next candidate
    # A panel's round (rank_panel): the full sheets counted, how many it needs, and the members still owing one.
    selectable: bool = True
    counted: int = 0
    required: int = 0
    missing: list[str] = field(default_factory=list)
    marks: dict[str, dict[str, float | None]] = field(default_factory=dict)


def exact(value: float | str) -> Fraction:
    """A mark or weight as the decimal people typed (85.5 is 171/2, not a binary float)."""
    return Fraction(Decimal(str(value)))


def weight_problems(weights: dict[str, float]) -> list[str]:
    """The rules a round's weights break, by code (contracts/rules/administration.py says them)."""
    out = []
    unknown = sorted(set(weights) - set(METHODS))
    if unknown:
        out.append("unknown_review_method")
    if not weights:
        out.append("review_method_required")
    if any(w <= 0 for w in weights.values()):
        out.append("weight_positive")
    if weights and not unknown and sum(exact(w) for w in weights.values()) != 1:
        out.append("weights_sum")
    return out


def complete(c: Candidate, weights: dict[str, float], reviewers_required: int) -> bool:
    """At least ``reviewers_required`` reviewers scored every method the round uses."""
    full = [s for s in c.sheets if all(s.get(m) is not None for m in weights)]
    return len(full) >= reviewers_required


def weighted(c: Candidate, weights: dict[str, float]) -> tuple[Fraction, dict[str, Fraction | None]]:
    return weighted_sheets(c.sheets, weights)


def weighted_sheets(
    sheets: list[dict[str, float | None]], weights: dict[str, float]
) -> tuple[Fraction, dict[str, Fraction | None]]:
    means: dict[str, Fraction | None] = {}
    total = Fraction(0)
    for method, weight in weights.items():
        marks = [exact(v) for s in sheets if (v := s.get(method)) is not None]
        mean = sum(marks, Fraction(0)) / len(marks) if marks else None
        means[method] = mean
        total += exact(weight) * (mean or 0)
    return total, means


def rank(candidates: list[Candidate], weights: dict[str, float], reviewers_required: int = 1) -> list[Ranked]:
    scored = [(c, *weighted(c, weights)) for c in candidates]
    scored.sort(key=lambda t: (-t[1], not t[0].honours, t[0].declared_at, t[0].application_id))
    out = [
        Ranked(
            rank=i + 1,
            candidate=c,
            score=s,
            means=m,
            complete=complete(c, weights, reviewers_required),
        )
        for i, (c, s, m) in enumerate(scored)
    ]
    for a, b in pairwise(out):
        if a.score == b.score:
            a.tie_broken_by = "honours" if a.candidate.honours != b.candidate.honours else "declaration"
    return out


def required_scores(panel_min: int, recused: int) -> int:
    """How many full score sheets a panel round's candidate needs to be selectable: the panel's minimum less the
    members who recused from it, and never fewer than 2 (one member alone does not select)."""
    return max(2, panel_min - recused)


def rank_panel(
    candidates: list[Candidate],
    weights: dict[str, float],
    members: list[str],
    recused: dict[str, set[str]],
    panel_min: int,
) -> list[Ranked]:
    """A panel round (评审组): only members' sheets count, a recused member's not at all for that candidate; the mean
    per method is over the marks given (a missing mark is never 0). A candidate with fewer full sheets than
    ``required_scores`` cannot be selected and ranks after those that can. ``complete``: every member who has not
    recused has scored every method."""
    rows = []
    for c in candidates:
        out = recused.get(c.application_id, set())
        sitting = [m for m in members if m not in out]
        sheets = {r: s for r, s in zip(c.reviewers, c.sheets, strict=False) if r in sitting}
        full = [r for r, s in sheets.items() if all(s.get(m) is not None for m in weights)]
        score, means = weighted_sheets(list(sheets.values()), weights)
        need = required_scores(panel_min, len(set(members) & out))
        rows.append((c, score, means, sheets, full, sitting, need))
    rows.sort(key=lambda t: (len(t[4]) < t[6], -t[1], not t[0].honours, t[0].declared_at, t[0].application_id))
    ranked = [
        Ranked(
            rank=i + 1,
            candidate=c,
            score=score,
            means=means,
            complete=len(full) == len(sitting),
            selectable=len(full) >= need,
            counted=len(full),
            required=need,
            missing=[m for m in sitting if m not in full],
            marks={r: {m: s.get(m) for m in weights} for r, s in sheets.items()},
        )
        for i, (c, score, means, sheets, full, sitting, need) in enumerate(rows)
    ]
    for a, b in pairwise(ranked):
        if a.score == b.score and a.selectable == b.selectable:
            a.tie_broken_by = "honours" if a.candidate.honours != b.candidate.honours else "declaration"
    return ranked
