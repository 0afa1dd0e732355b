"""Largest-remainder apportionment of the county-level quota: exact totals, remainders, ties."""

from fractions import Fraction as F

import pytest

from state.apportionment import ApportionmentError, CountyFigures, apportion


def figs(*rows):
    return [CountyFigures(c, F(p), F(s)) for c, p, s in rows]


def test_exact_shares_need_no_remainder_seats():
    a = apportion(90, figs(("兰山区", 2, 1), ("罗庄区", 1, 2)), F(1, 2), F(1, 2))
    assert a.seats() == {"兰山区": 45, "罗庄区": 45}
    assert all(s.extra == 0 for s in a.shares)


def test_largest_remainders_get_the_leftover_seats_and_totals_are_exact():
    # population only: 5/12, 4/12, 3/12 of 10 → 4.1667, 3.3333, 2.5 → floors 4,3,2 (9), one seat left → 2.5 wins
    a = apportion(10, figs(("兰山区", 5, 0), ("罗庄区", 4, 0), ("河东区", 3, 0)), F(1), F(0))
    assert a.seats() == {"兰山区": 4, "罗庄区": 3, "河东区": 3}
    assert sum(a.seats().values()) == 10
    assert [s.extra for s in a.shares] == [0, 0, 1]


def test_the_working_shows_each_step():
    a = apportion(10, figs(("兰山区", 5, 0), ("罗庄区", 4, 0), ("河东区", 3, 0)), F(1), F(0))
    text = "\n".join(a.working())
    assert "河东区: 0.250000 → 2.5000 = 2 + 0.5000 (+1 largest remainder) → 3" in text


def test_tied_remainders_go_to_the_county_listed_first():
    # equal figures: 3 counties, 4 seats → 1.333 each; one leftover seat; tie → fixed county order
    a = apportion(4, figs(("河东区", 1, 1), ("罗庄区", 1, 1), ("兰山区", 1, 1)), F(1, 2), F(1, 2))
    assert a.seats() == {"兰山区": 2, "罗庄区": 1, "河东区": 1}
    again = apportion(4, list(reversed(figs(("河东区", 1, 1), ("罗庄区", 1, 1), ("兰山区", 1, 1)))), F(1, 2), F(1, 2))
    assert again.seats() == a.seats()  # input order does not matter


def test_weights_blend_population_and_performance():
    a = apportion(9, figs(("兰山区", 3, 1), ("罗庄区", 1, 3)), F(2, 3), F(1, 3))
    # 兰山区 share = 2/3*3/4 + 1/3*1/4 = 7/12 → 5.25 ; 罗庄区 5/12 → 3.75 → one leftover to 罗庄区
    assert a.seats() == {"兰山区": 5, "罗庄区": 4}


@pytest.mark.parametrize(
    "total,weights,rows,field",
    [
        (-1, (F(1), F(0)), [("兰山区", 1, 1)], "total"),
        (9, (F(1, 2), F(1, 3)), [("兰山区", 1, 1)], "weights"),
        (9, (F(1), F(0)), [("兰山区", 1, 1), ("兰山区", 2, 2)], "counties"),
        (9, (F(1), F(0)), [("兰山区", 0, 1)], "counties"),
        (9, (F(1), F(0)), [], "counties"),
    ],
)
def test_bad_input_names_the_field(total, weights, rows, field):
    with pytest.raises(ApportionmentError) as e:
        apportion(total, figs(*rows), *weights)
    assert e.value.field == field
