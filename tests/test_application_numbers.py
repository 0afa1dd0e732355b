"""The readable 申报编号 (兰山-2026-0007), given by the projection of the declaration (activities/read_model.py,
db/numbers.py): a sequence per county and declaration year (Asia/Shanghai), stable under replays and retries,
distinct and consecutive when declarations of one county are projected at once; on SQLite and PostgreSQL."""

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from sqlalchemy import text
from sqlmodel import Session

from activities.read_model import project_into
from contracts.application import ActRecord, Projection
from db.models import Application
from db.numbers import numbered_text, numbers_of
from db.session import get_engine
from state.domain import Act, Actor, InstitutionType, Level, Role, Stage
from state.numbering import application_number, short_name

CLERK = Actor("clerk", "申报员", Role.county_bureau, "兰山区")


def projection(
    county: str, at: datetime, act: Act = Act.declare, seq: int = 1, app_id: str | None = None
) -> Projection:
    app_id = app_id or f"N{uuid.uuid4().hex}"
    return Projection(
        application_id=app_id,
        workflow_id=f"application-{app_id}",
        level=Level.county,
        county=county,
        round_id="",
        institution={"name": "某机构"} if act == Act.declare else None,
        institution_name="某机构",
        institution_type=InstitutionType.gig_market,
        credit_code="CODE" + app_id[:10],
        state=Stage.declared,
        notice=None,
        flagged=False,
        act=ActRecord(seq=seq, act=act, actor=CLERK, at=at, reason="", state_after=Stage.declared),
    )


def project(url: str, p: Projection) -> str:
    with get_engine(url).begin() as connection:
        project_into(connection, p)
    with Session(get_engine(url)) as s:
        row = s.get(Application, p.application_id)
        assert row is not None and row.number is not None
        return row.number


def seq_of(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


def test_each_county_and_year_has_its_own_sequence(database_url):
    a, b = f"甲{uuid.uuid4().hex[:4]}区", f"乙{uuid.uuid4().hex[:4]}县"
    # 2026-12-31 16:30 UTC is already 2027 in Shanghai: the year is the Shanghai one
    new_year = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    late_2026 = datetime(2026, 12, 31, 15, 30, tzinfo=UTC)
    numbers = [project(database_url, projection(c, at)) for c, at in [(a, late_2026), (a, late_2026), (b, late_2026)]]
    numbers += [project(database_url, projection(c, new_year)) for c in (a, b, b)]
    sa, sb = short_name(a), short_name(b)
    assert numbers == [
        f"{sa}-2026-0001",
        f"{sa}-2026-0002",
        f"{sb}-2026-0001",
        f"{sa}-2027-0001",
        f"{sb}-2027-0001",
        f"{sb}-2027-0002",
    ]


def test_a_replayed_or_retried_projection_keeps_its_number_and_skips_none(database_url):
    county = f"丙{uuid.uuid4().hex[:4]}区"
    at = datetime(2026, 5, 1, 2, tzinfo=UTC)
    first = projection(county, at)
    number = project(database_url, first)
    assert project(database_url, first) == number  # the declaration projected again (a retry)
    later = projection(county, at, Act.county_review_pass, seq=2, app_id=first.application_id)
    assert project(database_url, later) == number  # a later act does not renumber
    assert project(database_url, projection(county, at)) == application_number(county, 2026, 2)
    with Session(get_engine(database_url)) as s:
        assert numbers_of(s, [first.application_id]) == {first.application_id: number}
        rows = (
            s.connection()
            .execute(text("SELECT count(*) FROM application_number WHERE county = :c"), {"c": county})
            .scalar_one()
        )
    assert rows == 2


def test_concurrent_declarations_in_one_county_get_distinct_consecutive_numbers(database_url):
    county = f"丁{uuid.uuid4().hex[:4]}县"
    at = datetime(2026, 3, 2, 1, tzinfo=UTC)
    given = [projection(county, at) for _ in range(12)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = list(pool.map(lambda p: project(database_url, p), given))
    assert len(set(numbers)) == 12
    assert sorted(seq_of(n) for n in numbers) == list(range(1, 13))
    assert all(re.fullmatch(rf"{short_name(county)}-2026-\d{{4}}", n) for n in numbers)


def test_the_short_names_of_the_city_s_counties():
    assert [short_name(c) for c in ("兰山区", "费县", "沂河新区", "高新区", "郯城县")] == [
        "兰山",
        "费县",
        "沂河",
        "高新",
        "郯城",
    ]
    assert application_number("兰山区", 2026, 7) == "兰山-2026-0007"


def test_a_text_naming_applications_by_id_names_them_by_number(database_url):
    county = f"戊{uuid.uuid4().hex[:4]}区"
    at = datetime(2026, 4, 1, 2, tzinfo=UTC)
    p = projection(county, at, app_id="A" + uuid.uuid4().hex[:20])
    number = project(database_url, p)
    unknown = "A" + "0" * 20
    note = f"县级标杆称号已撤销（申报 {p.application_id}）；另见 {unknown}"
    with get_engine(database_url).connect() as connection:
        said = numbered_text(connection, note)
    assert said == f"县级标杆称号已撤销（申报 {number}）；另见 {unknown}"  # one not numbered stays as it was
