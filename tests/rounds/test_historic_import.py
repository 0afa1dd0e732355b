"""Import of historic titles from CSV: a good file is written whole (once, however often imported), a bad
file is reported with line numbers and writes nothing; imported titles count against their period's quota."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from contracts.quota import Reserve
from db.historic_import import COLUMNS, county_title_of, import_titles, validate_file
from db.rounds import HistoricTitle
from db.schema import upgrade
from db.session import get_engine
from state.domain import Level
from tests.api.conftest import serve
from tests.conftest import settings_for, unique
from tests.factory import bureau, credit_code
from tests.rounds.conftest import RoundWorker
from workflows.quota import QuotaWorkflow

HEADER = ",".join(COLUMNS)


def titles(database_url: str, codes: list[str]) -> list[HistoricTitle]:
    with Session(get_engine(database_url)) as s:
        return list(s.exec(select(HistoricTitle).where(HistoricTitle.credit_code.in_(codes))).all())  # type: ignore[attr-defined]


def write(tmp_path, lines: list[str]) -> str:
    path = tmp_path / f"{unique('titles')}.csv"
    path.write_text("\ufeff" + "\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return str(path)


def test_a_good_file_is_written_whole_and_only_once(tmp_path, database_url):
    codes = [credit_code() for _ in range(3)]
    path = write(
        tmp_path,
        [
            f"兰山区人力资源市场,public_agency,兰山区,{codes[0]},county,兰人社发〔2022〕12号,2022-12-15,LS-001",
            f"罗庄区零工驿站,零工市场,罗庄区,{codes[1].lower()},县级,罗人社发〔2022〕8号,2022-12-18,",
            "",
            f"沂南县职业培训学校,training,沂南县,{codes[2]},county,沂南人社发〔2022〕3号,2022-12-19,YN-7",
        ],
    )
    seen: list[tuple[int, int]] = []
    report = import_titles(path, database_url, lambda done, total: seen.append((done, total)))
    assert report.ok and (report.rows, report.written, report.skipped) == (3, 3, 0)
    assert seen == [(1, 3), (2, 3), (3, 3)]
    rows = {t.credit_code: t for t in titles(database_url, codes)}
    assert sorted(rows) == sorted(codes)
    assert rows[codes[1]].institution_type == "gig_market" and rows[codes[1]].level == "county"
    assert county_title_of(database_url, codes[0].lower()) == (
        "兰人社发〔2022〕12号",
        rows[codes[0]].awarded_on,
    )
    assert county_title_of(database_url, credit_code()) is None

    again = import_titles(path, database_url, None)
    assert (again.written, again.skipped) == (0, 3) and len(titles(database_url, codes)) == 3


def test_a_bad_file_reports_line_numbers_and_writes_nothing(tmp_path, database_url):
    good = credit_code()
    base = credit_code()
    wrong_check = base[:-1] + ("0" if base[-1] != "0" else "1")
    dup = credit_code()
    path = write(
        tmp_path,
        [
            f"好机构,public_agency,兰山区,{good},county,兰人社发〔2022〕1号,2022-12-15,",  # line 2: fine
            f"坏代码,public_agency,兰山区,{wrong_check},county,兰人社发〔2022〕2号,2022-12-15,",  # line 3
            f"坏县区,gig_market,北京市,{credit_code()},county,X〔2022〕3号,2022-12-15,",  # line 4
            f"坏日期,training,费县,{credit_code()},county,费人社〔2022〕4号,2022-13-01,",  # line 5
            f"坏类型,museum,费县,{credit_code()},provincial,费人社〔2022〕5号,2022-12-01,",  # line 6: two problems
            f"重复,hr_agency,费县,{dup},county,费人社〔2022〕6号,2022-12-01,",  # line 7
            f"重复,hr_agency,费县,{dup},county,费人社〔2022〕6号,2022-12-01,",  # line 8: the same title again
        ],
    )
    with Session(get_engine(database_url)) as s:
        before = s.exec(select(func.count()).select_from(HistoricTitle)).one()
    report = import_titles(path, database_url, lambda *_: None)
    assert not report.ok and report.written == 0
    assert [(e.line, e.field) for e in report.errors] == [
        (3, "credit_code"),
        (4, "county"),
        (5, "date"),
        (6, "type"),
        (6, "level"),
        (8, "row"),
    ]
    assert "line 7" in report.errors[-1].message or "as line 7" in report.errors[-1].message
    with Session(get_engine(database_url)) as s:
        assert s.exec(select(func.count()).select_from(HistoricTitle)).one() == before
    assert titles(database_url, [good, dup]) == []  # not even the good rows


def test_a_missing_column_is_reported_on_the_header_line(tmp_path, database_url):
    path = tmp_path / "no-date.csv"
    path.write_text(
        "institution_name,type,county,credit_code,level,document_no,plaque_no\n",
        encoding="utf-8",
    )
    report = import_titles(str(path), database_url, None)
    assert [(e.line, e.field) for e in report.errors] == [(1, "header")] and "date" in report.errors[0].message


async def test_imported_titles_of_the_period_count_against_its_quota(dev_env, tmp_path):
    db = f"sqlite:///{tmp_path / 'historic.db'}"
    upgrade(db)
    path = write(
        tmp_path,
        [
            f"兰山区甲,public_agency,兰山区,{credit_code()},county,兰人社发〔2022〕1号,2022-12-15,",
            f"兰山区乙,gig_market,兰山区,{credit_code()},county,兰人社发〔2022〕1号,2022-12-15,",
            f"罗庄区丙,gig_market,罗庄区,{credit_code()},county,罗人社发〔2022〕1号,2022-12-15,",  # another county
            f"兰山区丁,gig_market,兰山区,{credit_code()},county,兰人社发〔2020〕1号,2020-12-15,",  # another period
        ],
    )
    assert import_titles(path, db, None).written == 4
    async with RoundWorker(dev_env.client, settings_for(db, unique("hq"))) as w:
        pid = unique("14th")
        await w.define_period(pid, 2021, 2025, "十四五")
        await w.set_quota(pid, Level.county, {"兰山区": 3})
        granted = await w.quota(pid, Level.county).execute_update(
            QuotaWorkflow.reserve,
            Reserve(bureau("兰山区"), "R", "兰山区", ["A1", "A2"]),
        )
    assert granted.granted == ["A1"] and granted.available == 1 and granted.used_after == 3


def count(database_url: str) -> int:
    with Session(get_engine(database_url)) as s:
        return s.exec(select(func.count()).select_from(HistoricTitle)).one()


def bulk_cases() -> dict[str, tuple[list[str], list[str], str, str]]:
    """Bad line 3 between two good lines: (lines, the codes in the file, the field named, the stable code)."""
    codes = [credit_code() for _ in range(3)]
    good = [f"兰山区甲{i},gig_market,兰山区,{codes[i]},county,兰人社发〔2022〕{i}号,2022-12-15," for i in range(3)]
    huge = good[1] + "x" * 131_073  # the plaque number: one character over csv's field limit
    nul = good[1].replace("兰山区甲1", "兰山区\x00甲1")
    long_name = good[1].replace("兰山区甲1", "甲" * 70_000)  # within csv's limit, over a declaration's 200
    bidi = good[1].replace("兰山区甲1", "兰山区\u202e甲1")
    blank = good[1].replace("兰人社发〔2022〕1号", "\u3000\u200b")
    bell = good[1] + "LY-\x07"  # the plaque number
    return {
        "field_too_large": ([good[0], huge, good[2]], codes, "row", "field_too_large"),
        "nul_byte": ([good[0], nul, good[2]], codes, "institution_name", "nul_byte"),
        "text_too_long": ([good[0], long_name, good[2]], codes, "institution_name", "text_too_long"),
        "bidi_control": ([good[0], bidi, good[2]], codes, "institution_name", "bidi_control"),
        "text_blank": ([good[0], blank, good[2]], codes, "document_no", "text_blank"),
        "control_character": ([good[0], bell, good[2]], codes, "plaque_no", "control_character"),
    }


CASES = ["field_too_large", "nul_byte", "text_too_long", "bidi_control", "text_blank", "control_character"]


@pytest.mark.parametrize("case", CASES)
def test_a_huge_field_or_a_nul_byte_is_reported_on_its_line_and_nothing_is_written(tmp_path, database_url, case):
    lines, codes, field, code = bulk_cases()[case]
    before = count(database_url)
    report = import_titles(write(tmp_path, lines), database_url, None)
    assert not report.ok and report.written == 0
    assert [(e.line, e.field, e.code) for e in report.errors] == [(3, field, code)]
    assert "第3行" in report.errors[0].message
    assert count(database_url) == before and titles(database_url, codes) == []


@pytest.mark.parametrize("case", CASES)
async def test_the_import_endpoint_answers_422_for_a_huge_field_or_a_nul_byte(dev_env, database_url, case):
    lines, codes, field, code = bulk_cases()[case]
    body = "\n".join([HEADER, *lines]).encode() + b"\n"
    async with serve(dev_env, database_url) as api:
        before = count(database_url)
        r = await api.http.post(
            "/historic-titles/import", content=body, headers={**api.auth("admin"), "Content-Type": "text/csv"}
        )
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail["rule"] == "rows"
    assert [(e["line"], e["field"], e["code"]) for e in detail["errors"]] == [(3, field, code)]
    assert "第3行" in detail["errors"][0]["message"]
    assert count(database_url) == before and titles(database_url, codes) == []


def test_today_is_the_date_in_shanghai_not_the_hosts_or_utcs(tmp_path):
    """At 00:30 on 27 November in Shanghai it is still 26 November in UTC: a title awarded on the 27th is
    awarded today, not in the future; the 28th is."""

    def clock():
        return datetime(2026, 11, 26, 16, 30, tzinfo=UTC)

    row = f"兰山区甲,gig_market,兰山区,{credit_code()},county,兰人社发〔2026〕9号,{{}},"
    rows, errors = validate_file(Path(write(tmp_path, [row.format("2026-11-27")])), clock=clock)
    assert errors == [] and rows[0]["awarded_on"] == date(2026, 11, 27)
    rows, errors = validate_file(Path(write(tmp_path, [row.format("2026-11-28")])), clock=clock)
    assert rows == [] and [(e.line, e.field) for e in errors] == [(2, "date")] and "(2026-11-27)" in errors[0].message
