"""The 公示 is issued per organ: the city bureau publishes the city-level candidates, each county's bureau its own
county-level ones, each 公示 with its own window (its notices' first and last day), its own signature and where to
object; on the board (/notices) and in /api/v1/public/notices.pdf alike. When nothing is under notice no 公示 is
issued: the PDF answers 404 (no_notice_now) and the board says so. A database of the test's own (seeded with
applications under notice), the app served in process."""

from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pdfplumber

from db import models
from db.session import session_for
from documents.layout import chinese_date
from state.domain import InstitutionType, Level, Stage
from tests.conftest import unique
from tests.rounds.conftest import http  # noqa: F401 (the fixture: the app on a fresh database)

MONDAY = date(2026, 12, 7)
# name, level, county, first day, last day
UNDER_NOTICE = [
    ("甲零工市场", Level.city, "兰山区", MONDAY, MONDAY + timedelta(days=4)),
    ("乙零工市场", Level.city, "罗庄区", MONDAY + timedelta(days=1), MONDAY + timedelta(days=7)),
    ("丙零工市场", Level.county, "兰山区", MONDAY + timedelta(days=2), MONDAY + timedelta(days=8)),
    ("丁零工市场", Level.county, "费县", MONDAY - timedelta(days=2), MONDAY + timedelta(days=2)),
]


def seed(database_url: str) -> None:
    now = datetime.now(UTC)
    with session_for(database_url) as s:
        for name, level, county, first, last in UNDER_NOTICE:
            app_id = unique("n")
            s.add(
                models.Application(
                    id=app_id,
                    workflow_id=f"application-{app_id}",
                    level=level,
                    county=county,
                    institution_name=name,
                    institution_type=InstitutionType.gig_market,
                    credit_code=unique("C")[-18:],
                    state=Stage.publicized,
                    notice_published_on=first,
                    notice_first_day=first,
                    notice_last_day=last,
                    notice_ends_at=now + timedelta(days=3),
                    declared_at=now,
                    updated_at=now,
                )
            )
        s.commit()


def pages_of(pdf: bytes) -> list[str]:
    with pdfplumber.open(BytesIO(pdf)) as doc:
        return [(page.extract_text() or "").replace(" ", "").replace("\n", "") for page in doc.pages]


def window(first: date, last: date) -> str:
    return f"公示时间：{chinese_date(first)}至{chinese_date(last)}"


async def test_nothing_under_notice_issues_no_notice(http):  # noqa: F811
    r = await http.get("/public/notices.pdf")
    assert r.status_code == 404 and r.json()["detail"]["rule"] == "no_notice_now", r.text
    assert r.json()["detail"]["message"] == "当前没有公示中的机构，未发布公示名单"
    board = await http.get("http://t/notices")
    assert board.status_code == 200 and "当前没有公示中的机构" in board.text
    assert "拟评定以下" not in board.text and "公示时间" not in board.text and "notices.pdf" not in board.text


async def test_each_organ_issues_its_own_notice_with_its_own_window(http):  # noqa: F811
    seed(http.worker.settings.database_url)
    r = await http.get("/public/notices.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf", r.text
    pages = pages_of(r.content)
    city, lanshan, feixian = (
        next(p for p in pages if title in p)
        for title in (
            "临沂市市级就业服务质量标杆机构拟评定名单公示",
            "兰山区县级就业服务质量标杆机构拟评定名单公示",
            "费县县级就业服务质量标杆机构拟评定名单公示",
        )
    )
    assert len(pages) == 3  # one 公示 per organ, each from a new page
    a, b, c, d = UNDER_NOTICE
    assert "拟评定以下2家机构" in city and a[0] in city and b[0] in city and c[0] not in city
    assert window(a[3], b[4]) in city  # the city's: its first notice's first day to its last's last day
    assert "异议受理单位：临沂市人力资源和社会保障局" in city and city.endswith(
        "临沂市人力资源和社会保障局" + chinese_date(a[3])
    )
    assert "拟评定以下1家机构" in lanshan and c[0] in lanshan and a[0] not in lanshan
    assert window(c[3], c[4]) in lanshan and "临沂市人力资源和社会保障局" not in lanshan
    assert "异议受理单位：兰山区人力资源和社会保障局" in lanshan
    assert lanshan.endswith("兰山区人力资源和社会保障局" + chinese_date(c[3]))
    assert window(d[3], d[4]) in feixian and feixian.endswith("费县人力资源和社会保障局" + chinese_date(d[3]))

    board = (await http.get("http://t/notices")).text
    assert "当前没有公示中的机构" not in board
    for title, issuer, first, last in (
        ("临沂市市级就业服务质量标杆机构拟评定名单公示", "临沂市人力资源和社会保障局", a[3], b[4]),
        ("兰山区县级就业服务质量标杆机构拟评定名单公示", "兰山区人力资源和社会保障局", c[3], c[4]),
        ("费县县级就业服务质量标杆机构拟评定名单公示", "费县人力资源和社会保障局", d[3], d[4]),
    ):
        section = board[board.index(title) :]
        section = section[: section.index("</section>")]
        assert f"发布单位：{issuer}" in section
        assert f'<p class="notice-window">{window(first, last)}</p>' in section
        assert issuer in section.split("书面异议受理单位")[1]  # no contacts configured: whom to write to
