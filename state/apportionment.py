"""Apportioning a period's county-level quota among counties (Attachment 1 is not published: inputs are data).

Each county's share of the weighted score is ``w_pop * population / Σpopulation + w_perf * index / Σindex``;
seats are apportioned by the largest-remainder (Hamilton) method. Ties on the remainder go to the larger
weighted share, then to the county listed first in ``COUNTIES`` (a published, fixed order), so the result is
deterministic. ``working`` shows every step for the admin to check, adopt or adjust.
"""

from dataclasses import dataclass
from fractions import Fraction

from state.domain import COUNTIES


@dataclass(frozen=True)
class CountyFigures:
    county: str
    population: Fraction  # resident population (常住人口)
    performance: Fraction  # public employment service performance index


@dataclass(frozen=True)
class CountyShare:
    county: str
    share: Fraction  # weighted share of the total, sums to 1
    exact: Fraction  # total * share
    floor: int
    remainder: Fraction
    extra: int  # 1 when a remainder seat went to this county
    seats: int


@dataclass(frozen=True)
class Apportionment:
    total: int
    weight_population: Fraction
    weight_performance: Fraction
    shares: list[CountyShare]

    def seats(self) -> dict[str, int]:
        return {s.county: s.seats for s in self.shares}

    def working(self) -> list[str]:
        lines = [
            f"total {self.total}; weights population {self.weight_population}, performance {self.weight_performance}",
            "county: share → exact = floor + remainder → seats",
        ]
        for s in self.shares:
            lines.append(
                f"{s.county}: {float(s.share):.6f} → {float(s.exact):.4f} = {s.floor} + {float(s.remainder):.4f}"
                f"{' (+1 largest remainder)' if s.extra else ''} → {s.seats}"
            )
        return lines


class ApportionmentError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _order(county: str) -> int:
    return COUNTIES.index(county) if county in COUNTIES else len(COUNTIES)


def apportion(
    total: int, figures: list[CountyFigures], weight_population: Fraction, weight_performance: Fraction
) -> Apportionment:
    if total < 0:
        raise ApportionmentError("total", "the quota must not be negative")
    if not figures:
        raise ApportionmentError("counties", "at least one county is needed")
    names = [f.county for f in figures]
    if len(set(names)) != len(names):
        raise ApportionmentError("counties", "a county is listed twice")
    if weight_population < 0 or weight_performance < 0 or weight_population + weight_performance != 1:
        raise ApportionmentError("weights", "weights must be non-negative and add up to 1")
    if any(f.population < 0 or f.performance < 0 for f in figures):
        raise ApportionmentError("counties", "population and performance must not be negative")
    pop_sum = sum((f.population for f in figures), Fraction(0))
    perf_sum = sum((f.performance for f in figures), Fraction(0))
    if (weight_population and not pop_sum) or (weight_performance and not perf_sum):
        raise ApportionmentError("counties", "a weighted figure sums to zero")

    def share(f: CountyFigures) -> Fraction:
        s = Fraction(0)
        if weight_population:
            s += weight_population * f.population / pop_sum
        if weight_performance:
            s += weight_performance * f.performance / perf_sum
        return s

    exact = {f.county: (share(f), total * share(f)) for f in figures}
    floors = {c: int(e) for c, (_, e) in exact.items()}  # exact >= 0, so int() is the floor
    left = total - sum(floors.values())
    ranked = sorted(exact, key=lambda c: (-(exact[c][1] - floors[c]), -exact[c][0], _order(c)))
    extra = {c: int(i < left) for i, c in enumerate(ranked)}
    shares = [
        CountyShare(
            county=c,
            share=exact[c][0],
            exact=exact[c][1],
            floor=floors[c],
            remainder=exact[c][1] - floors[c],
            extra=extra[c],
            seats=floors[c] + extra[c],
        )
        for c in sorted(exact, key=_order)
    ]
    return Apportionment(total, weight_population, weight_performance, shares)
