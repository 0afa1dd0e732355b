"""The tallies the database keeps (migration 0009) agree with counting the rows, on SQLite and PostgreSQL, through
inserts, state changes, a change of round, deletes and acts; and the reads that use them answer as counting did."""

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from db.models import Application, ApplicationEvent, ApplicationTally, TitleTally
from db.queries import statistics, workbench
from db.schema import upgrade
from db.session import get_engine
from state.domain import COUNTIES, Act, InstitutionType, Level, Role, Stage
from tests.conftest import scratch_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        made = f"sqlite:///{tmp_path / 'tallies.db'}"
        upgrade(made)
        yield made
        get_engine(made).dispose()
        return
    with scratch_postgres("tally") as made:
        upgrade(made)
        yield made


def _app(i: int, state: Stage, county: str, round_id: str = "") -> Application:
    now = datetime(2025, 6, 1, tzinfo=UTC) + timedelta(hours=i)
    return Application(
        id=f"A{i}",
        workflow_id=f"application-A{i}",
        level=Level.city if i % 3 == 0 else Level.county,
        county=county,
        round_id=round_id,
        institution_name=f"机构{i}",
        institution_type=list(InstitutionType)[i % 6],
        credit_code=f"91371300{i:010d}",
        state=state,
        institution={},
        declared_at=now,
        updated_at=now,
    )


def _event(app: str, seq: int, act: Act, at: datetime) -> ApplicationEvent:
    return ApplicationEvent(
        application_id=app,
        seq=seq,
        act=act,
        actor_user_id="u",
        actor_name="n",
        actor_role=Role.county_bureau,
        state_after=Stage.plaque_awarded,
        at=at,
        details={},
    )


def _counted(s: Session) -> Counter:
    rows = s.exec(
        select(
            Application.county,
            Application.level,
            Application.institution_type,
            Application.state,
            Application.round_id,
            func.count(),
        ).group_by(
            Application.county,
            Application.level,
            Application.institution_type,
            Application.state,
            Application.round_id,
        )
    ).all()
    return Counter({tuple(str(getattr(v, "value", v)) for v in r[:5]): r[5] for r in rows})


def _tallied(s: Session) -> Counter:
    rows = s.exec(select(ApplicationTally)).all()
    return Counter({(t.county, t.level.value, t.institution_type, t.state.value, t.round_id): t.n for t in rows if t.n})


def test_the_tallies_follow_every_change_and_the_reads_answer_as_counting_did(url):
    with Session(get_engine(url)) as s:
        for i in range(40):
            s.add(_app(i, [Stage.declared, Stage.rejected, Stage.plaque_awarded][i % 3], COUNTIES[i % 4]))
        s.commit()
        assert _tallied(s) == _counted(s)
        for i in range(0, 40, 2):  # state changes, a round given, a county moved
            a = s.get(Application, f"A{i}")
            assert a is not None
            a.state = Stage.withdrawn
            if i % 4 == 0:
                a.round_id = "R1"
            a.updated_at = datetime.now(UTC)
        same = s.get(Application, "A1")
        assert same is not None
        same.institution_name = "改名不改计数"
        s.commit()
        s.delete(s.get(Application, "A3"))
        s.commit()
        assert _tallied(s) == _counted(s)
        # awards and revocations per year (Asia/Shanghai: 2024-12-31 16:30 UTC is 2025-01-01 there)
        s.add(_event("A5", 1, Act.award, datetime(2024, 12, 31, 16, 30, tzinfo=UTC)))
        s.add(_event("A5", 2, Act.revoke, datetime(2025, 3, 1, tzinfo=UTC)))
        s.add(_event("A6", 1, Act.award, datetime(2024, 12, 31, 15, 30, tzinfo=UTC)))
        s.add(_event("A6", 2, Act.co_sign, datetime(2024, 12, 31, 15, 30, tzinfo=UTC)))
        s.commit()
        titles = s.exec(select(TitleTally)).all()
        assert sorted((t.year, t.act.value, t.n) for t in titles) == [
            (2024, "award", 1),
            (2025, "award", 1),
            (2025, "revoke", 1),
        ]
        by_year = {(y.year, y.level): (y.awarded, y.revoked) for y in statistics.titles_by_year(s, None)}
        assert by_year == {(2024, Level.city): (1, 0), (2025, Level.county): (1, 1)}  # A6 is city-level
        assert statistics.titles_by_year(s, COUNTIES[0]) == []  # A5 and A6 are in other counties
        # the reads: totals as counting, per filter and scope
        counted = _counted(s)
        for scope in (None, COUNTIES[1]):
            for f in (
                workbench.Filters(),
                workbench.Filters(state=Stage.withdrawn),
                workbench.Filters(round_id="R1", level=Level.county),
                workbench.Filters(county=COUNTIES[2], institution_type=InstitutionType.gig_market),
            ):
                expected = sum(
                    n
                    for (county, level, kind, state, round_id), n in counted.items()
                    if (scope is None or county == scope)
                    and (f.state is None or state == f.state.value)
                    and (f.county is None or county == f.county)
                    and (f.level is None or level == f.level.value)
                    and (f.institution_type is None or kind == f.institution_type.value)
                    and (f.round_id is None or round_id == f.round_id)
                )
                rows, total = workbench.find(s, scope, f, 0, 100)
                assert total == expected == len(rows)
                summary_rows, summary_total = workbench.summaries(s.connection(), scope, f, 0, 100)
                assert summary_total == expected == len(summary_rows)
        searched = workbench.find(s, None, workbench.Filters(text="机构1"), 0, 100)[1]
        assert searched == sum(
            1 for i in range(40) if i not in (1, 3) and str(i).startswith("1")
        )  # A1 renamed, A3 deleted
        counts = {(c.county, c.institution_type, c.state): c.n for c in statistics.counts(s, None)}
        assert counts == _by_county_type_state(counted)
        mine = Counter()
        for k, n in counted.items():
            if k[0] == COUNTIES[0]:
                mine[Stage(k[3])] += n
        assert workbench.counts_by_state(s, COUNTIES[0]) == dict(mine)


def _by_county_type_state(counted: Counter) -> dict:
    out: Counter = Counter()
    for (county, _level, kind, state, _round), n in counted.items():
        out[(county, InstitutionType(kind), Stage(state))] += n
    return dict(out)


def test_a_batch_and_a_year_s_filing_are_found_by_the_database(url):
    """announced_with matches the document number inside the act's details; generate_entries reads the year's
    announcements only (Asia/Shanghai: 2024-12-31 16:30 UTC is in 2025 there), on both databases."""
    from db.queries.applications import announced_with
    from db.queries.filing import generate_entries

    def announce(app: str, seq: int, at: datetime, doc: str) -> ApplicationEvent:
        e = _event(app, seq, Act.co_sign, at)
        e.state_after, e.details = Stage.announced, {"department": "hrss", "document_no": doc}
        return e

    with Session(get_engine(url)) as s:
        for i in (1, 4, 7):  # county-level, all in COUNTIES[1]
            s.add(_app(i, Stage.announced, COUNTIES[1]))
        s.commit()
        s.add(announce("A1", 1, datetime(2024, 12, 31, 16, 30, tzinfo=UTC), "兰人社字〔2025〕1号"))
        s.add(announce("A4", 1, datetime(2025, 2, 1, tzinfo=UTC), "兰人社字〔2025〕1号"))
        s.add(announce("A7", 1, datetime(2024, 12, 31, 15, 30, tzinfo=UTC), "兰人社字〔2024〕9号"))
        s.commit()
        assert [a.id for a in announced_with(s, "兰人社字〔2025〕1号")] == ["A1", "A4"]
        assert [a.id for a in announced_with(s, "兰人社字〔2024〕9号")] == ["A7"]
        assert announced_with(s, "兰人社字〔2025〕") == []
        assert [e.application_id for e in generate_entries(s, COUNTIES[1], 2025)] == ["A1", "A4"]
        assert [e.application_id for e in generate_entries(s, COUNTIES[1], 2024)] == ["A7"]
        assert generate_entries(s, COUNTIES[0], 2025) == []
