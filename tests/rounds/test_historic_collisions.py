"""The historic import keeps one institution, one title per level: a row for an institution already holding an
unrevoked title of its level (imported before, or announced here), or two rows of one institution and level in one
file, is refused by its line, in Chinese, and nothing is written."""

from datetime import UTC, datetime

from sqlmodel import Session

from db.historic_import import import_titles
from db.models import Application
from db.session import get_engine
from state.domain import InstitutionType, Level, Stage
from tests.conftest import unique
from tests.factory import credit_code
from tests.rounds.test_historic_import import titles, write
from web.routes.historic_titles import row_problem


def row(code: str, level: str = "county", doc: str = "兰人社发〔2022〕1号") -> str:
    return f"兰山区零工驿站,gig_market,兰山区,{code},{level},{doc},2022-12-15,"


def test_an_institution_already_titled_at_the_level_is_refused_by_its_line(tmp_path, database_url):
    held, fresh = credit_code(), credit_code()
    assert import_titles(write(tmp_path, [row(held)]), database_url).written == 1
    again = import_titles(write(tmp_path, [row(held)]), database_url)  # the same title: skipped, as before
    assert again.ok and (again.written, again.skipped) == (0, 1)

    report = import_titles(
        write(tmp_path, [row(fresh), row(held, doc="兰人社发〔2023〕7号"), row(held, "city")]), database_url
    )
    assert not report.ok and report.written == 0
    assert [(e.line, e.field, e.code) for e in report.errors] == [(3, "credit_code", "historic_title_already_held")]
    said = report.errors[0].message
    assert said.startswith("第3行") and held in said and "县级标杆机构" in said and "兰人社发〔2022〕1号" in said
    assert row_problem(report.errors[0]) == said  # the page says it as it is
    assert titles(database_url, [fresh]) == []  # nothing written, not even the good rows


def test_an_announced_application_holds_its_level_s_title(tmp_path, database_url):
    code, now = credit_code(), datetime.now(UTC)
    with Session(get_engine(database_url)) as s:
        s.add(
            Application(
                id=unique("A"),
                workflow_id=unique("application-"),
                level=Level.county,
                county="兰山区",
                institution_name="兰山区零工驿站",
                institution_type=InstitutionType.gig_market,
                credit_code=code,
                state=Stage.plaque_awarded,
                declared_at=now,
                updated_at=now,
            )
        )
        s.commit()
    report = import_titles(write(tmp_path, [row(code)]), database_url)
    assert [(e.line, e.code) for e in report.errors] == [(2, "historic_title_already_held")]
    assert "已有未撤销的县级标杆机构称号，" in report.errors[0].message


def test_two_rows_of_one_institution_and_level_in_one_file_are_refused(tmp_path, database_url):
    code = credit_code()
    lines = [row(code), row(code, doc="兰人社发〔2022〕9号"), row(code, "city", "临人社字〔2022〕3号")]
    report = import_titles(write(tmp_path, lines), database_url)
    assert [(e.line, e.field, e.code) for e in report.errors] == [(3, "credit_code", "historic_title_twice_in_file")]
    assert report.errors[0].message.startswith("第3行") and "第2行" in report.errors[0].message
    assert titles(database_url, [code]) == []
    ok = import_titles(write(tmp_path, [lines[0], lines[2]]), database_url)  # county and city: one each
    assert ok.ok and ok.written == 2
