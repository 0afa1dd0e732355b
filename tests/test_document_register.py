"""The register of document numbers (db/document_register.py, activities/register.py): per organ and year a
sequence without gaps, one number per key (a retried draw finds its number), distinct under concurrent draws, in the
form GB/T 9704 gives (临人社字〔2026〕7号); on SQLite and PostgreSQL."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from activities.register import RegisterActivities
from contracts.register import DrawNumber
from db.document_register import draw_number, register_rows
from state.domain import Level
from state.organs import DOCUMENT_NUMBER, document_number, lead_prefix


def organ() -> str:
    return f"测{uuid.uuid4().hex[:6]}人社字"


def test_numbers_follow_each_other_per_organ_and_year(database_url):
    prefix = organ()
    first = draw_number(database_url, prefix, 2026, f"a:{uuid.uuid4()}", "公布文件")
    second = draw_number(database_url, prefix, 2026, f"b:{uuid.uuid4()}", "撤销决定")
    next_year = draw_number(database_url, prefix, 2027, f"c:{uuid.uuid4()}", "公布文件")
    assert (first, second, next_year) == (
        f"{prefix}〔2026〕1号",
        f"{prefix}〔2026〕2号",
        f"{prefix}〔2027〕1号",
    )
    rows = register_rows(database_url, prefix, 2026)
    assert [(r["seq"], r["purpose"]) for r in rows] == [(1, "公布文件"), (2, "撤销决定")]


def test_a_retried_draw_finds_the_number_it_drew(database_url):
    prefix, key = organ(), f"announcement:{uuid.uuid4()}"
    activity = RegisterActivities(database_url)
    again = [activity.draw_document_number(DrawNumber(prefix, 2026, key, "公布文件")) for _ in range(3)]
    assert again == [f"{prefix}〔2026〕1号"] * 3
    assert len(register_rows(database_url, prefix)) == 1


def test_concurrent_draws_get_distinct_consecutive_numbers(database_url):
    prefix = organ()
    keys = [f"k:{uuid.uuid4()}" for _ in range(12)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = list(pool.map(lambda k: draw_number(database_url, prefix, 2026, k, "公布文件"), keys))
    assert len(set(numbers)) == 12
    seqs = sorted(int(DOCUMENT_NUMBER.fullmatch(n)["seq"]) for n in numbers)  # type: ignore[index]
    assert seqs == list(range(1, 13))


def test_the_lead_organs_prefixes_and_the_form_of_a_number():
    assert lead_prefix(Level.city) == "临人社字"
    assert lead_prefix(Level.county, "兰山区") == "兰山人社字"
    assert document_number("临人社字", 2026, 7) == "临人社字〔2026〕7号"
    assert DOCUMENT_NUMBER.fullmatch("临人社字〔2026〕7号")
    assert not DOCUMENT_NUMBER.fullmatch("临人社字[2026]7号")  # the year in 六角括号, never square brackets
    assert not DOCUMENT_NUMBER.fullmatch("临人社字〔2026〕07号")  # no leading zero (GB/T 9704 7.2.4)
    with pytest.raises(ValueError):
        lead_prefix(Level.county)
    with pytest.raises(ValueError):
        document_number("临人社字", 2026, 0)
