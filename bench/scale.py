"""Benchmark: a province's decade. The pages and endpoints that grow with data, at a small and at a large read model.

    .venv/bin/python bench/scale.py                    # 1,000 then 100,000 applications (~1,000,000 acts)
    .venv/bin/python bench/scale.py --quick            # 200 then 2,000 (the test runs this)
    .venv/bin/python bench/scale.py --small 1000 --large 20000 --samples 20 --candidates 50

PostgreSQL only (``--database-url``, default the local ``test`` database): the bench makes a scratch database of its
own beside it (``bench_scale_<tag>``), upgrades it with the migrations, and drops it at the end. It starts its own
Temporal dev server, the production worker (this process, on a thread) and the API as deployed (uvicorn, a process
of its own, pages and API alike). What needs Temporal is made by real workflows through the API, each request
checked: a county-level round with ``--candidates`` declarations in it (its ranking is the round workflow's own
table, gathered from the applications' workflows when its window closes), and one application returned for
correction and resubmitted ``--cycles`` times (a long timeline: its page and its history read the workflow).

The rest of the read model is written straight into the tables with COPY, in bulk, as a province's decade would
have left it: applications spread over the 16 counties, the ten years before this one, both levels, the six
institution types and the final states (about 30 % of them titles: announced, awarded or revoked), each with ~10
acts (``application_event``), the titles' objections, and every county's yearly filing (status and version). This
year's work is the same at both sizes: the notices under notice now, one county's titles of this year (its
Attachment 4), this year's filing board, a round's notice list, the real workflows above. So what grows is only
what a page must not read: a page that costs more at the large size reads history it does not show.

The small read model is then copied (CREATE DATABASE … TEMPLATE) and the copy grown to the large size; both get
VACUUM ANALYZE, and each is served by an API process of its own. Measured, one client, ``--samples`` requests to each
after two unmeasured, alternating small and large (so that the machine's load weighs on both alike): p50 and p95 at
each size and the ratio large / small per endpoint. Every answer must be 2xx and pass its check (a page of rows where rows are expected, the search finding
its institution, the ranking its candidates); otherwise the bench exits non-zero after the table.
"""

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx
from sqlalchemy import create_engine, make_url, text
from sqlmodel import Session, select

from bench.harness import ApiProcess, WorkerThread, dev_server, panel_for, round_plan, upload_checklist
from clients.codec import data_converter, new_key_entry
from config import Settings
from db.schema import upgrade
from db.session import get_engine
from db.users import User
from services.identity import create_user, hash_token, open_session
from state.calendar import TZ
from state.domain import COUNTIES, InstitutionType, Level

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
COUNTY = COUNTIES[0]  # the focus county: its round, its long timeline, its Attachment 4 of this year
OTHER = COUNTIES[1]
TYPES = list(InstitutionType)
USERS = {  # name -> role, county
    "admin": ("admin", None),
    "supervisor": ("supervisor", None),  # reads the whole city: the largest lists
    "reviewer": ("city_reviewer", None),
    "clerk": ("county_bureau", COUNTY),  # declares; the bureau's other account reviews (separation of duties)
    "bureau": ("county_bureau", COUNTY),
}
API = "/api/v1"


# ---- the read model in bulk ---------------------------------------------------------------------------------------
APP_COLUMNS = [
    "id",
    "workflow_id",
    "version",
    "level",
    "county",
    "round_id",
    "institution_name",
    "institution_type",
    "credit_code",
    "state",
    "notice_published_on",
    "notice_first_day",
    "notice_last_day",
    "notice_ends_at",
    "notice_confirmed",
    "flagged",
    "institution",
    "declared_at",
    "updated_at",
]
EVENT_COLUMNS = [
    "application_id",
    "seq",
    "act",
    "actor_user_id",
    "actor_name",
    "actor_role",
    "actor_department",
    "actor_county",
    "reason",
    "state_after",
    "at",
    "details",
]
OBJECTION_COLUMNS = ["id", "application_id", "name", "contact", "content", "lodged_at", "upheld", "finding", "found_at"]


def credit(i: int) -> str:
    return f"91371300{i:010d}"


@dataclass
class Rows:
    applications: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    objections: list[tuple[Any, ...]] = field(default_factory=list)


def _event(
    rows: Rows,
    app: str,
    seq: int,
    act: str,
    role: str,
    county: str | None,
    after: str,
    at: datetime,
    details: dict[str, Any] | None = None,
    department: str | None = None,
) -> None:
    rows.events.append(
        (
            app,
            seq,
            act,
            f"seed-{role}",
            f"{county or '市'}{role}",
            role,
            department,
            county,
            "",
            after,
            at,
            json.dumps(details or {}, ensure_ascii=False),
        )
    )


def history_rows(rows: Rows, i: int, year: int, tag: str) -> None:
    """Application ``i`` of the bulk: a past year's, in a final state, with its acts (~10) and, for a title, its
    objection. Deterministic in ``i``: the small and the large read model share their first rows."""
    rng = random.Random(i)
    county = COUNTIES[i % len(COUNTIES)]
    level = "city" if i % 5 == 0 else "county"
    kind = TYPES[(i // 16) % len(TYPES)]
    declared = datetime(year, 3, 1, tzinfo=TZ) + timedelta(days=rng.randrange(200), minutes=rng.randrange(1440))
    roll = rng.random()
    state = (
        "plaque_awarded"
        if roll < 0.25
        else "revoked"
        if roll < 0.28
        else "announced"
        if roll < 0.30
        else ("rejected" if roll < 0.70 else "withdrawn")
    )
    app = f"S{tag}{i:07d}"
    name = f"{county}{kind.value}服务机构{i:07d}"
    at = declared
    seq = 0

    def act(
        name_: str,
        role: str,
        after: str,
        details: dict[str, Any] | None = None,
        dept: str | None = None,
        where: str | None = county,
    ) -> None:
        nonlocal seq, at
        seq += 1
        at = at + timedelta(days=rng.randrange(1, 9), minutes=rng.randrange(600))
        _event(rows, app, seq, name_, role, where, after, at, details, dept)

    act("declare", "county_bureau", "declared")
    for _ in range(1 if state in ("plaque_awarded", "revoked", "announced") else 2):
        act("county_request_correction", "county_bureau", "returned")
        act("resubmit", "county_bureau", "declared")
    notice: tuple[Any, ...] = (None, None, None, None, None)
    if state in ("rejected",):
        act("county_review_fail", "county_bureau", "rejected")
        act("flag", "system", "rejected", {"note": "核查"}, where=None)
    elif state == "withdrawn":
        act("county_review_pass", "county_bureau", "county_reviewed")
        act("withdraw", "county_bureau", "withdrawn")
    else:
        act("county_review_pass", "county_bureau", "county_reviewed")
        if level == "city":
            act("city_review_pass", "city_reviewer", "city_reviewed", where=None)
        act("publicize", "city_reviewer" if level == "city" else "county_bureau", "publicized")
        first = at.date()
        notice = (first, first, first + timedelta(days=7), at + timedelta(days=7), True)
        rows.objections.append(
            (
                f"{app}-O1",
                app,
                "张三",
                "13800000000",
                "对申报材料有疑问",
                at,
                False,
                "经核实不成立",
                at + timedelta(days=2),
            )
        )
        act("lodge_objection", "public", "publicized", {"objection_id": f"{app}-O1"}, where=None)
        act("dismiss_objection", "county_bureau", "publicized", {"objection_id": f"{app}-O1"})
        act("close_notice", "system", "publicized", where=None)
        doc = f"{county}人社发〔{year}〕{i % 97 + 1}号"
        act("co_sign", "department", "publicized", {"department": "drc"}, "drc")
        act("co_sign", "department", "publicized", {"department": "civil_affairs"}, "civil_affairs")
        act("co_sign", "department", "announced", {"department": "hrss", "document_no": doc}, "hrss")
        if state in ("plaque_awarded", "revoked"):
            act("award", "county_bureau", "plaque_awarded", {"plaque_no": f"P{year}-{i:07d}"})
        if state == "revoked":
            act("revoke", "inspector", "revoked", {"ground": "other"}, where=None)
    rows.applications.append(
        (
            app,
            f"application-{app}",
            seq,
            level,
            county,
            "",
            name,
            kind.value,
            credit(i),
            state,
            *notice,
            False,
            json.dumps({"name": name, "type": kind.value, "credit_code": credit(i)}, ensure_ascii=False),
            declared,
            at,
        )
    )


def current_rows(rows: Rows, tag: str, now: datetime, under_notice: int, titles: int, noticed_round: str) -> None:
    """This year's work, the same at both sizes: ``under_notice`` applications under notice now (spread over the
    counties and both levels), ``titles`` county-level titles of the focus county announced this year, and a past
    round's notice list of 20."""
    for n in range(under_notice):
        app = f"N{tag}{n:04d}"
        county, level = COUNTIES[n % len(COUNTIES)], "city" if n % 4 == 0 else "county"
        declared = now - timedelta(days=30)
        first = (now - timedelta(days=1)).date()
        rows.applications.append(
            (
                app,
                f"application-{app}",
                2,
                level,
                county,
                "",
                f"{county}公示中机构{n:04d}",
                TYPES[n % 6].value,
                credit(9_000_000 + n),
                "publicized",
                first,
                first,
                first + timedelta(days=7),
                now + timedelta(days=5),
                True,
                False,
                "{}",
                declared,
                now,
            )
        )
        _event(rows, app, 1, "declare", "county_bureau", county, "declared", declared)
        _event(rows, app, 2, "publicize", "county_bureau", county, "publicized", now - timedelta(days=1))
    for n in range(titles):
        app = f"T{tag}{n:04d}"
        at = now - timedelta(days=40 - n % 30)
        rows.applications.append(
            (
                app,
                f"application-{app}",
                3,
                "county",
                COUNTY,
                "",
                f"{COUNTY}本年度标杆机构{n:04d}",
                TYPES[n % 6].value,
                credit(9_100_000 + n),
                "plaque_awarded",
                None,
                None,
                None,
                None,
                None,
                False,
                "{}",
                at - timedelta(days=60),
                at,
            )
        )
        _event(rows, app, 1, "declare", "county_bureau", COUNTY, "declared", at - timedelta(days=60))
        doc = f"{COUNTY}人社发〔{now.year}〕{n % 3 + 1}号"
        _event(
            rows,
            app,
            2,
            "co_sign",
            "department",
            COUNTY,
            "announced",
            at,
            {"department": "hrss", "document_no": doc},
            "hrss",
        )
        _event(
            rows,
            app,
            3,
            "award",
            "county_bureau",
            COUNTY,
            "plaque_awarded",
            at + timedelta(days=3),
            {"plaque_no": f"P{now.year}-{n:04d}"},
        )
    for n in range(20):
        app = f"R{tag}{n:04d}"
        day = (now - timedelta(days=200)).date()
        rows.applications.append(
            (
                app,
                f"application-{app}",
                1,
                "county",
                OTHER,
                noticed_round,
                f"{OTHER}往批次机构{n:04d}",
                TYPES[n % 6].value,
                credit(9_200_000 + n),
                "announced",
                day,
                day,
                day + timedelta(days=7),
                now - timedelta(days=190),
                True,
                False,
                "{}",
                now - timedelta(days=230),
                now - timedelta(days=180),
            )
        )


def filing_rows(years: list[int], now: datetime, entries_per_version: int) -> tuple[list[tuple], list[tuple]]:
    statuses, versions = [], []
    for year in years:
        for county in COUNTIES:
            filed = year < now.year
            deadline = datetime(year, 12, 31, 17, tzinfo=TZ)
            statuses.append(
                (
                    f"{county}:{year}",
                    county,
                    year,
                    f"filing-{county}-{year}",
                    deadline.date(),
                    deadline,
                    "filed_on_time" if filed else "open",
                    deadline - timedelta(days=3) if filed else None,
                    0 if filed else None,
                    1 if filed else 0,
                    2 if filed else 0,
                    0,
                    True,
                    3,
                    now,
                )
            )
            if filed:
                entries = [
                    {
                        "seq": k + 1,
                        "application_id": f"x{k}",
                        "institution_name": f"{county}机构{k}",
                        "institution_type": "gig_market",
                        "credit_code": credit(k),
                        "document_no": "x",
                        "announced_on": f"{year}-06-01",
                        "plaque_no": "",
                        "state": "announced",
                        "remark": "",
                    }
                    for k in range(entries_per_version)
                ]
                versions.append(
                    (
                        county,
                        year,
                        1,
                        "filing",
                        "seed",
                        f"{county}人社局",
                        "",
                        "",
                        deadline - timedelta(days=3),
                        True,
                        0,
                        "0" * 64,
                        json.dumps(entries, ensure_ascii=False),
                    )
                )
    return statuses, versions


STATUS_COLUMNS = [
    "id",
    "county",
    "year",
    "workflow_id",
    "deadline_day",
    "deadline_at",
    "state",
    "filed_at",
    "working_days_late",
    "current_version",
    "reminders_sent",
    "escalations_sent",
    "plan_confirmed",
    "seq",
    "updated_at",
]
VERSION_COLUMNS = [
    "county",
    "year",
    "version",
    "kind",
    "actor_user_id",
    "actor_name",
    "reason",
    "note",
    "filed_at",
    "on_time",
    "working_days_late",
    "digest",
    "entries",
]


def copy(database_url: str, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Rows into ``table`` with PostgreSQL's COPY (psycopg, text format)."""
    if not rows:
        return
    engine = get_engine(database_url)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:  # type: ignore[attr-defined]
            for row in rows:
                out.write_row(row)
        raw.commit()
    finally:
        raw.close()


def seed_history(database_url: str, tag: str, start: int, end: int, this_year: int) -> int:
    """Applications ``start``..``end`` of the bulk (a past decade), in chunks; returns the acts written."""
    acts = 0
    for lo in range(start, end, 10_000):
        rows = Rows()
        for i in range(lo, min(end, lo + 10_000)):
            history_rows(rows, i, this_year - 10 + (i // 16) % 10, tag)
        copy(database_url, "application", APP_COLUMNS, rows.applications)
        copy(database_url, "application_event", EVENT_COLUMNS, rows.events)
        copy(database_url, "objection", OBJECTION_COLUMNS, rows.objections)
        acts += len(rows.events)
    return acts


def analyze(database_url: str) -> None:
    """VACUUM ANALYZE, as autovacuum would after a bulk load: statistics for the planner, and the visibility map
    that lets an index-only scan skip the table."""
    with get_engine(database_url).connect() as c:
        c.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))


def count(database_url: str, table: str) -> int:
    with get_engine(database_url).connect() as c:
        return int(c.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


# ---- measuring ------------------------------------------------------------------------------------------------------
@dataclass
class Probe:
    name: str
    path: str
    who: str  # a user's name: bearer token for /api/v1, its session cookie for the pages; "" for the public
    check: Callable[[httpx.Response], str | None] = lambda r: None  # a complaint, or None


@dataclass
class Timing:
    latencies: list[float] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)

    def pct(self, p: float) -> float:
        xs = sorted(self.latencies) or [float("nan")]
        return xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs)) - 1))] * 1000


def items(minimum: int, exactly: int | None = None) -> Callable[[httpx.Response], str | None]:
    def check(r: httpx.Response) -> str | None:
        found = len(r.json()["items"])
        if found < minimum or (exactly is not None and found != exactly):
            return f"{found} items"
        return None

    return check


def contains(*needles: str) -> Callable[[httpx.Response], str | None]:
    def check(r: httpx.Response) -> str | None:
        missing = [n for n in needles if n not in r.text]
        return f"missing {missing}" if missing else None

    return check


def ranked(n: int) -> Callable[[httpx.Response], str | None]:
    def check(r: httpx.Response) -> str | None:
        rows = len(r.json()["rows"])
        return None if rows == n else f"{rows} ranked, not {n}"

    return check


def pdf_body(r: httpx.Response) -> str | None:
    return None if r.content.startswith(b"%PDF") else "not a PDF"


def xlsx_body(r: httpx.Response) -> str | None:
    return None if r.content.startswith(b"PK") else "not an XLSX"


class Bench:
    def __init__(self, http: httpx.AsyncClient, tokens: dict[str, str], cookies: dict[str, str], tag: str) -> None:
        self.http, self.tokens, self.cookies, self.tag = http, tokens, cookies, tag

    def _headers(self, who: str, path: str) -> dict[str, str]:
        if not who:
            return {}
        if path.startswith(API):
            return {"Authorization": f"Bearer {self.tokens[who]}"}
        return {"Cookie": f"bg_session={self.cookies[who]}"}

    async def request(self, who: str, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = self._headers(who, path)
        self.http.cookies.clear()
        return await self.http.request(method, path, headers=headers, **kw)

    async def setup(self, who: str, method: str, path: str, expected: int, **kw: Any) -> Any:
        """A setup request: anything but ``expected`` stops the bench at once."""
        r = await self.request(who, method, API + path, **kw)
        if r.status_code != expected:
            raise SystemExit(f"setup {method} {path}: expected {expected}, got {r.status_code} {r.text[:500]}")
        return r.json()

    async def sample(self, probe: Probe, out: Timing, measured: bool) -> None:
        """One request of ``probe``: its latency kept in ``out`` if ``measured``, a failure always."""
        began = time.perf_counter()
        try:
            r = await self.request(probe.who, "GET", probe.path)
        except httpx.HTTPError as e:
            out.bad.append(f"{type(e).__name__}: {e}")
            return
        took = time.perf_counter() - began
        complaint = f"{r.status_code} {r.text[:300]}" if not 200 <= r.status_code < 300 else probe.check(r)
        if complaint:
            out.bad.append(complaint)
        elif measured:
            out.latencies.append(took)


# ---- the real workflows -----------------------------------------------------------------------------------------------
class Real:
    """What needs Temporal: a county-level round with its candidates, and an application with a long timeline."""

    def __init__(self, bench: Bench, tag: str, database_url: str) -> None:
        self.b, self.tag, self.database_url = bench, tag, database_url
        self.period, self.round = f"P{tag}", f"scale-{tag}"
        self.materials: list[dict[str, str]] = []
        self.candidates: list[str] = []
        self.timeline_id = ""
        self.timeline_name = f"长时间线标杆机构{tag}"
        self.timeline_code = ""

    async def open_round(self, closes_in: timedelta) -> None:
        period = {"name": f"规模基准期{self.tag}", "start_year": 2026, "end_year": 2030, "reason": "规模基准测试"}
        await self.b.setup("admin", "PUT", f"/periods/{self.period}", 200, json=period)
        panel = panel_for(self.database_url, self.b.tokens["bureau"], COUNTY, self.tag)
        plan = round_plan(self.round, "规模基准测试批次", "county", self.period, closes_in, panel)
        await self.b.setup("bureau", "POST", "/rounds", 201, json=plan)
        self.materials.extend(await upload_checklist(self.b.setup, Level.county))

    def declaration(self, name: str, code: str, in_round: bool) -> dict[str, Any]:
        from state import conditions

        attestations = {
            c.code: "经县区人社局会同发改、民政部门核实，符合"
            for c in conditions.load().applicable(InstitutionType.gig_market, Level.county, COUNTY)
        }
        return {
            "level": "county",
            "round_id": self.round if in_round else "",
            "reason": "县人社局会同发改、民政部门申报",
            "institution": {
                "name": name,
                "type": "gig_market",
                "credit_code": code,
                "phone": "13912345678",
                "premises_area_m2": 800,
                "staff_count": 6,
                "founded_on": "2015-03-01",
                "attestations": attestations,
            },
            "materials": self.materials,
        }

    async def declare_candidates(self, n: int, at_once: int = 8) -> None:
        from tests.factory import credit_code

        todo = iter(range(n))

        async def one() -> None:
            for k in todo:
                body = self.declaration(f"批次候选机构{self.tag}{k:03d}", credit_code(), in_round=True)
                made = await self.b.setup("clerk", "POST", "/applications", 201, json=body)
                self.candidates.append(made["id"])

        await asyncio.gather(*(one() for _ in range(at_once)))

    async def long_timeline(self, cycles: int) -> None:
        from tests.factory import credit_code

        self.timeline_code = credit_code()
        body = self.declaration(self.timeline_name, self.timeline_code, in_round=False)
        made = await self.b.setup("clerk", "POST", "/applications", 201, json=body)
        self.timeline_id = app = made["id"]
        for k in range(cycles):
            ask = {"reason": f"第{k + 1}次退回：请补充说明服务台账", "items": []}
            await self.b.setup("bureau", "POST", f"/applications/{app}/correction-request", 200, json=ask)
            again = {"reason": f"第{k + 1}次补正：已补充说明", "institution": body["institution"], "materials": []}
            await self.b.setup("clerk", "POST", f"/applications/{app}/resubmission", 200, json=again)

    async def ranking_ready(self, n: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        found = -1
        while time.monotonic() < deadline:
            r = await self.b.request("bureau", "GET", f"{API}/rounds/{self.round}/ranking")
            if r.status_code == 200 and (found := len(r.json()["rows"])) >= n:
                return
            await asyncio.sleep(1)
        raise SystemExit(f"the round's ranking has {found} rows, not {n}, {timeout:.0f} s after its window closed")


def probes(real: Real, small: int, year: int, noticed_round: str) -> list[Probe]:
    deep = int(small * 0.9) // 20 * 20  # the same deep offset at both sizes (within the small one's rows)
    code = real.timeline_code
    apps = f"{API}/applications"
    return [
        Probe("API list, whole city, newest 50", f"{apps}?limit=50", "supervisor", items(50)),
        Probe("API list ?state=plaque_awarded", f"{apps}?state=plaque_awarded&limit=50", "supervisor", items(1)),
        Probe(f"API list ?county={OTHER}", f"{apps}?county={OTHER}&limit=50", "supervisor", items(1)),
        Probe("API list ?level=city", f"{apps}?level=city&limit=50", "supervisor", items(1)),
        Probe(
            "API list ?institution_type=hr_agency",
            f"{apps}?institution_type=hr_agency&limit=50",
            "supervisor",
            items(1),
        ),
        Probe(
            "API list ?round= (its candidates)",
            f"{apps}?round={real.round}&limit=200",
            "supervisor",
            items(len(real.candidates), len(real.candidates)),
        ),
        Probe("API list, a county's own (bureau)", f"{apps}?limit=50", "bureau", items(1)),
        Probe(f"API list, deep page (offset {deep})", f"{apps}?limit=20&offset={deep}", "supervisor", items(20)),
        Probe("page /applications", "/applications", "supervisor", contains("申报")),
        Probe("page ?state=rejected", "/applications?state=rejected", "supervisor", contains("服务机构")),
        Probe(f"page ?county={OTHER}", f"/applications?county={OTHER}", "supervisor", contains(OTHER)),
        Probe("page ?level=city", "/applications?level=city", "supervisor", contains("服务机构")),
        Probe(
            "page ?institution_type=training",
            "/applications?institution_type=training",
            "supervisor",
            contains("training服务机构"),
        ),
        Probe("page search by name", f"/applications?q={real.timeline_name}", "supervisor", contains(real.timeline_id)),
        Probe("page search by credit code", f"/applications?q={code}", "supervisor", contains(real.timeline_id)),
        Probe(
            f"page deep (page {deep // 20 + 1})",
            f"/applications?page={deep // 20 + 1}",
            "supervisor",
            contains("服务机构"),
        ),
        Probe(
            "page /applications/{id}, long timeline",
            f"/applications/{real.timeline_id}",
            "supervisor",
            contains("补正"),
        ),
        Probe("API /applications/{id}", f"{apps}/{real.timeline_id}", "supervisor"),
        Probe("API /applications/{id}/history", f"{apps}/{real.timeline_id}/history", "supervisor"),
        Probe("page /statistics", "/statistics", "supervisor", contains("统计")),
        Probe("page /titles", "/titles", "", contains("本年度标杆机构")),
        Probe("page /notices", "/notices", "", contains("公示中机构")),
        Probe("page /filings (board)", f"/filings?year={year}", "supervisor", contains(COUNTY)),
        Probe("API /filings (board)", f"{API}/filings?year={year}", "supervisor"),
        Probe("API Attachment 4 (form.xlsx)", f"{API}/filings/{COUNTY}/{year}/form.xlsx", "supervisor", xlsx_body),
        Probe("page Attachment 4 (form.xlsx)", f"/filings/{COUNTY}/{year}/form.xlsx", "supervisor", xlsx_body),
        Probe("API filing draft", f"{API}/filings/{COUNTY}/{year}/draft", "supervisor"),
        Probe(
            f"API round ranking ({len(real.candidates)})",
            f"{API}/rounds/{real.round}/ranking",
            "bureau",
            ranked(len(real.candidates)),
        ),
        Probe("page /rounds/{id} (supervisor)", f"/rounds/{real.round}", "supervisor", contains("批次候选机构")),
        Probe(
            "PDF declaration (申报表)", f"{apps}/{real.timeline_id}/documents/declaration.pdf", "supervisor", pdf_body
        ),
        Probe("PDF notices now (公示名单)", f"{API}/public/notices.pdf", "", pdf_body),
        Probe(
            "PDF a round's notice list",
            f"{API}/rounds/{noticed_round}/documents/notice-list.pdf",
            "supervisor",
            pdf_body,
        ),
    ]


# ---- the run ----------------------------------------------------------------------------------------------------------
def scratch_database(admin_url: str, name: str) -> str:
    url = make_url(admin_url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, name: str) -> None:
    engine = create_engine(make_url(admin_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def log(message: str) -> None:
    print(f"• {message}", file=sys.stderr, flush=True)


def clone_database(admin_url: str, source: str, target: str) -> str:
    """``target`` as a copy of ``source`` (CREATE DATABASE … TEMPLATE): the same users, sessions, rounds and real
    workflows' rows. The bench's own connections to ``source`` are closed first."""
    engine = create_engine(make_url(admin_url), isolation_level="AUTOCOMMIT")
    try:
        for attempt in range(20):
            with engine.connect() as c:
                c.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"), {"d": source}
                )
                try:
                    c.execute(text(f'CREATE DATABASE "{target}" TEMPLATE "{source}"'))
                    break
                except Exception:
                    if attempt == 19:
                        raise
            time.sleep(0.5)
    finally:
        engine.dispose()
    return make_url(admin_url).set(database=target).render_as_string(hide_password=False)


async def measure_pair(
    small: Bench, large: Bench, probe: Probe, samples: int, budget: float = 60.0
) -> tuple[Timing, Timing]:
    """``samples`` requests to each API, alternating (small then large, then large then small, …) so that a change
    in the machine's load weighs on both alike; two of each first, unmeasured. A slow endpoint stops at 5 once
    ``budget`` seconds have passed."""
    a, b = Timing(), Timing()
    began = time.perf_counter()
    for k in range(samples + 2):
        if len(a.latencies) >= 5 and time.perf_counter() - began > budget:
            break
        order = [(small, a), (large, b)] if k % 2 == 0 else [(large, b), (small, a)]
        for bench, timing in order:
            await bench.sample(probe, timing, measured=k >= 2)
    return a, b


async def run(args: argparse.Namespace) -> tuple[dict[str, tuple[Timing, Timing]], dict[str, Any]]:
    tag = f"{random.randrange(16**6):06x}"
    small_name, large_name = f"bench_scale_{tag}", f"bench_scale_{tag}_large"
    database_url = scratch_database(args.database_url, small_name)
    large_url = ""
    keys = json.dumps([new_key_entry()])
    tmp = tempfile.TemporaryDirectory(prefix="biaogan-scale-")
    facts: dict[str, Any] = {"databases": [small_name, large_name]}
    results: dict[str, tuple[Timing, Timing]] = {}
    env = None
    try:
        upgrade(database_url)
        log(f"scratch database {small_name}; dev server, worker (this process), API (uvicorn process)")
        env = await dev_server(data_converter(Settings(payload_keys=keys)))
        settings = Settings(
            data_dir=Path(tmp.name),
            database_url=database_url,
            task_queue=f"scale-{tag}",
            temporal_address=env.client.service_client.config.target_host,
            payload_keys=keys,
        )
        tokens = {who: create_user(database_url, f"scale-{who}", role, county) for who, (role, county) in USERS.items()}
        now = datetime.now(UTC)
        with Session(get_engine(database_url)) as s:
            ids = {
                who: s.exec(select(User.id).where(User.token_hash == hash_token(t))).one() for who, t in tokens.items()
            }
        cookies = {who: open_session(database_url, ids[who], now, 12) for who in USERS}
        year = datetime.now(TZ).year
        noticed_round = f"noticed-{tag}"
        with WorkerThread(settings):
            with ApiProcess(settings, keys) as api:
                async with httpx.AsyncClient(base_url=api.base_url.removesuffix(API), timeout=120) as http:
                    bench = Bench(http, tokens, cookies, tag)
                    real = Real(bench, tag, database_url)
                    closes_in = timedelta(seconds=10 + args.candidates * 0.3)
                    log(
                        f"a county-level round closing in {closes_in.total_seconds():.0f} s; {args.candidates} candidates"
                    )
                    await real.open_round(closes_in)
                    closes_at = time.monotonic() + closes_in.total_seconds()
                    began = time.perf_counter()
                    await real.declare_candidates(args.candidates)
                    facts["declared"] = f"{args.candidates} in {time.perf_counter() - began:.1f} s"
                    log(f"one application returned and resubmitted {args.cycles} times (its timeline)")
                    await real.long_timeline(args.cycles)
                    log(f"the small read model: {args.small} applications")
                    rows = Rows()
                    current_rows(rows, tag, now, args.under_notice, args.titles_this_year, noticed_round)
                    copy(database_url, "application", APP_COLUMNS, rows.applications)
                    copy(database_url, "application_event", EVENT_COLUMNS, rows.events)
                    statuses, versions = filing_rows(list(range(year - 10, year + 1)), now, 20)
                    copy(database_url, "filing_status", STATUS_COLUMNS, statuses)
                    copy(database_url, "filing_version", VERSION_COLUMNS, versions)
                    fixed = len(rows.applications) + args.candidates + 1
                    seed_history(database_url, tag, 0, args.small - fixed, year)
                    wait = closes_at - time.monotonic()
                    if wait > 0:
                        log(f"waiting {wait:.0f} s for the round's window to close")
                        await asyncio.sleep(wait)
                    await real.ranking_ready(args.candidates, timeout=120 + args.candidates)
            get_engine(database_url).dispose()
            log(f"the large read model: a copy of the small one ({large_name}) and {args.large - args.small} more")
            large_url = clone_database(args.database_url, small_name, large_name)
            began = time.perf_counter()
            seed_history(large_url, tag, args.small - fixed, args.large - fixed, year)
            facts["seeded"] = f"{args.large - args.small} applications in {time.perf_counter() - began:.0f} s"
            analyze(database_url)
            analyze(large_url)
            facts["sizes"] = [
                {t: count(url, t) for t in ("application", "application_event", "objection")}
                for url in (database_url, large_url)
            ]
            with get_engine(large_url).connect() as c:
                facts["titles"] = c.execute(
                    text("SELECT count(*) FROM application WHERE state IN ('announced', 'plaque_awarded')")
                ).scalar_one()
            large_settings = settings.model_copy(update={"database_url": large_url})
            with ApiProcess(settings, keys) as api_small, ApiProcess(large_settings, keys) as api_large:
                async with (
                    httpx.AsyncClient(base_url=api_small.base_url.removesuffix(API), timeout=120) as http_small,
                    httpx.AsyncClient(base_url=api_large.base_url.removesuffix(API), timeout=120) as http_large,
                ):
                    small = Bench(http_small, tokens, cookies, tag)
                    large = Bench(http_large, tokens, cookies, tag)
                    sizes = facts["sizes"]
                    log(
                        f"measuring {sizes[0]['application']:,} vs {sizes[1]['application']:,} applications, "
                        f"{args.samples} requests each, alternating"
                    )
                    for probe in probes(real, args.small, year, noticed_round):
                        a, b = await measure_pair(small, large, probe, args.samples)
                        results[probe.name] = (a, b)
                        log(f"  {probe.name}: p50 {a.pct(50):.1f} vs {b.pct(50):.1f} ms ({len(a.latencies)})")
    finally:
        if env is not None:
            await env.shutdown()
        for url in (database_url, large_url):
            if url:
                get_engine(url).dispose()
        if not args.keep:
            drop_database(args.database_url, large_name)
            drop_database(args.database_url, small_name)
        tmp.cleanup()
    return results, facts


def report(results: dict[str, tuple[Timing, Timing]], facts: dict[str, Any], args: argparse.Namespace) -> int:
    small, large = facts["sizes"]
    print(
        f"\nScale on PostgreSQL: {small['application']:,} vs {large['application']:,} applications "
        f"({small['application_event']:,} vs {large['application_event']:,} acts; {facts['titles']:,} titles held "
        f"at the large size); {args.samples} requests per endpoint, 1 client"
    )
    print(f"  {'endpoint':<40} {'p50 small':>10} {'p95 small':>10} {'p50 large':>10} {'p95 large':>10}  ratio p50  p95")
    bad = 0
    over = []
    for name, (a, b) in results.items():
        r50, r95 = b.pct(50) / a.pct(50), b.pct(95) / a.pct(95)
        mark = "" if r50 <= args.target else "  > target"
        if r50 > args.target:
            over.append(name)
        print(
            f"  {name:<40} {a.pct(50):8.1f}ms {a.pct(95):8.1f}ms {b.pct(50):8.1f}ms {b.pct(95):8.1f}ms"
            f"  ratio {r50:5.2f}× {r95:5.2f}×{mark}"
        )
        for timing in (a, b):
            if timing.bad:
                bad += 1
                print(f"    NOT ACCEPTED: {len(timing.bad)} of its requests; first: {timing.bad[0]}")
    accepted = sum(len(a.latencies) + len(b.latencies) for a, b in results.values())
    print(f"\naccepted: {accepted} measured requests, every one 2xx and checked" if not bad else "")
    print(f"over {args.target}×: {len(over)} of {len(results)}" + (f" ({'; '.join(over)})" if over else ""))
    print(f"real workflows: round candidates declared {facts['declared']}; large seed: {facts.get('seeded', '-')}")
    return bad


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="200 vs 2,000 applications, fewer samples (the test)")
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=30, help="measured requests per endpoint and size (30)")
    parser.add_argument("--candidates", type=int, default=200, help="real declarations in the round (200)")
    parser.add_argument("--cycles", type=int, default=12, help="returns and resubmissions of the long timeline")
    parser.add_argument("--under-notice", type=int, default=24, help="applications under notice now (24)")
    parser.add_argument("--titles-this-year", type=int, default=20, help="the focus county's titles this year (20)")
    parser.add_argument("--target", type=float, default=1.5, help="ratio large / small to stay under (1.5)")
    parser.add_argument("--database-url", default=DEFAULT_URL, help="PostgreSQL server to make a scratch db on")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    if args.quick:
        args.small, args.large, args.samples, args.candidates, args.cycles = 200, 2_000, 6, 12, 3
    if not args.database_url.startswith("postgresql"):
        sys.exit("bench/scale.py measures PostgreSQL: give a postgresql+psycopg:// URL")
    started = time.perf_counter()
    results, facts = asyncio.run(run(args))
    failed = report(results, facts, args)
    print(f"(run took {time.perf_counter() - started:.0f} s, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")
    if failed:
        sys.exit(f"FAILED: {failed} endpoint(s) had requests not accepted (see above)")
