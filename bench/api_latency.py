"""Benchmark: API latency at 1 and at 20 concurrent clients, each beside a bare floor measured in the same run.

    .venv/bin/python bench/api_latency.py                     # SQLite read model in a temp dir, a few minutes
    .venv/bin/python bench/api_latency.py -n 500 --serial-n 100 --rows 20000 --clients 1,5,20
    .venv/bin/python bench/api_latency.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Starts its own Temporal dev server, the production worker (``build_worker``) and the bare floor's worker in this
process (on a thread and event loop of their own), and the API as deployed: uvicorn in a process of its own on a
free loopback port; the clients (here) speak HTTP to it. Before measuring it seeds, through the API, what the rules
need — a period, its city-level quota, an open city-level round, the checklist's materials — and the county-level
title of every institution it will declare (imported historic titles, as the tests seed them). Measured:

- declare: POST /applications (a clerk)        vs  start_workflow of the bare workflow (bench/bare.py)
- act:     POST …/county-review (the bureau)    vs  an update of the bare workflow whose handler runs the same
                                                    number of activities (one: county review records one act)
- list:    GET /applications?state=…&round=…    vs  the very SQL statements that request runs (captured from the
           over --rows applications seeded into       route, parameters included), replayed through the same
           the read model (as the county bureau)      engine and driver

Every answer's status is counted per phase; any status other than the one expected (201 declare, 200 act and
list) — or a floor call that fails — makes the bench exit non-zero after printing the table. Prints p50/p99 and
throughput of each phase and its floor, and their ratios. Server, worker, API and clients share the machine's CPUs.
"""

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx
from sqlalchemy import event, insert
from sqlmodel import Session, func, select
from temporalio.client import Client, WorkflowHandle

from bench.bare import BareWorkflow, Step
from bench.harness import (
    BARE_QUEUE_SUFFIX,
    Answer,
    ApiProcess,
    Run,
    WorkerThread,
    dev_server,
    measure,
    panel_for,
    round_plan,
    upload_checklist,
)
from clients.codec import data_converter, new_key_entry
from config import Settings
from db.models import Application
from db.queries.workbench import Filters
from db.rounds import HistoricTitle
from db.schema import upgrade
from db.session import get_engine
from services import applications
from services.context import Context
from services.identity import create_user
from state import conditions
from state.calendar import TZ
from state.domain import COUNTIES, Actor, InstitutionType, Level, Role, Stage
from tests.factory import COUNTY, credit_code

WARM_UP = 10
TITLE_DOC, TITLE_DATE = "兰人社发〔2023〕5号", date(2023, 1, 10)
USERS = {  # name -> role, county, department
    "admin": ("admin", None, None),
    "reviewer": ("city_reviewer", None, None),
    "clerk": ("county_bureau", COUNTY, None),  # declares; the bureau's other account reviews (separation of duties)
    "bureau": ("county_bureau", COUNTY, None),
    "county_drc": ("department", COUNTY, "drc"),  # 会商: the county's DRC and civil affairs agree before a pass
    "county_civil_affairs": ("department", COUNTY, "civil_affairs"),
}


class Bench:
    def __init__(self, http: httpx.AsyncClient, client: Client, settings: Settings, tokens: dict[str, str]) -> None:
        self.http, self.client, self.settings, self.tokens = http, client, settings, tokens
        self.tag = f"{random.randrange(16**6):06x}"  # fresh ids on every run, also in a kept PostgreSQL
        self.round_id, self.period_id, self.list_round = f"bench-{self.tag}", f"P{self.tag}", f"list-{self.tag}"
        self.codes: list[str] = []
        self.materials: list[dict[str, str]] = []
        self.declared: list[str] = []
        self.bare: list[WorkflowHandle] = []
        self.list_sql: list[tuple[str, object]] = []
        self.total_declared = 0  # declarations in the read model so far
        self.page_rows = -1  # rows of the list page, as the route found them in-process

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    async def call(self, who: str, method: str, path: str, **kw) -> Answer:
        try:
            r = await self.http.request(method, path, headers=self.auth(who), **kw)
        except httpx.HTTPError as e:
            return Answer(0, f"{type(e).__name__}: {e}")
        return Answer(r.status_code, r.text)

    async def setup(self, who: str, method: str, path: str, expected: int, **kw) -> dict:
        """A setup request: anything but ``expected`` stops the bench at once."""
        answer = await self.call(who, method, path, **kw)
        if answer.status != expected:
            raise SystemExit(f"setup {method} {path}: expected {expected}, got {answer.status} {answer.text[:500]}")
        return json.loads(answer.text)

    # ---- what the rules need (not measured) ------------------------------------------------------------
    async def seed(self, declarations: int) -> None:
        period = {"name": f"基准期{self.tag}", "start_year": 2026, "end_year": 2030, "reason": "基准测试"}
        await self.setup("admin", "PUT", f"/periods/{self.period_id}", 200, json=period)
        quota = {"totals": {"city": 9}, "reason": "基准测试"}
        await self.setup("admin", "PUT", f"/quotas/{self.period_id}/city", 200, json=quota)
        panel = panel_for(self.settings.database_url, self.tokens["reviewer"], None, self.tag)
        plan = round_plan(self.round_id, "基准测试批次", "city", self.period_id, timedelta(days=30), panel)
        await self.setup("reviewer", "POST", "/rounds", 201, json=plan)
        self.materials.extend(await upload_checklist(self.setup, Level.city))
        now = datetime.now(TZ)
        self.codes = [credit_code() for _ in range(declarations)]
        titles = [
            {
                "institution_name": f"基准测试机构{code}",
                "institution_type": "gig_market",
                "county": COUNTY,
                "credit_code": code,
                "level": "county",
                "document_no": TITLE_DOC,
                "awarded_on": TITLE_DATE,
                "plaque_no": "",
                "source": "bench",
                "imported_at": now,
            }
            for code in self.codes
        ]
        with Session(get_engine(self.settings.database_url)) as s:
            s.execute(insert(HistoricTitle), titles)
            s.commit()

    def declaration(self) -> dict:
        code = self.codes.pop()
        attestations = {
            c.code: "经县区人社局会同发改、民政部门核实，符合"
            for c in conditions.load().applicable(InstitutionType.gig_market, Level.city, COUNTY)
        }
        return {
            "level": "city",
            "round_id": self.round_id,
            "reason": "县人社局会同发改、民政部门申报",
            "institution": {
                "name": f"基准测试机构{code}",
                "type": "gig_market",
                "credit_code": code,
                "phone": "13912345678",
                "premises_area_m2": 800,
                "staff_count": 6,
                "founded_on": "2015-03-01",
                "county_title_doc_no": TITLE_DOC,
                "county_title_date": TITLE_DATE.isoformat(),
                "attestations": attestations,
            },
            "materials": self.materials,
        }

    # ---- the operations and their floors ------------------------------------------------------------------
    async def declare(self, i: int) -> Answer:
        answer = await self.call("clerk", "POST", "/applications", json=self.declaration())
        if answer.status == 201:
            self.declared.append(json.loads(answer.text)["id"])
        return answer

    async def bare_start(self, i: int) -> Answer:
        try:
            queue = self.settings.task_queue + BARE_QUEUE_SUFFIX
            wid = f"bare-{self.tag}-{len(self.bare)}-{random.randrange(10**9)}"
            self.bare.append(await self.client.start_workflow(BareWorkflow.run, wid, id=wid, task_queue=queue))
        except Exception as e:
            return Answer(0, repr(e))
        return Answer(201)

    async def opinions_given(self, application_id: str) -> None:
        body = {"opinion": "agree", "text": "经会商，同意申报"}
        for who in ("county_drc", "county_civil_affairs"):
            await self.setup(who, "POST", f"/applications/{application_id}/department-opinions", 200, json=body)

    async def review(self, application_id: str) -> Answer:
        review = {"decision": "pass", "opinion": "材料齐全"}
        return await self.call("bureau", "POST", f"/applications/{application_id}/county-review", json=review)

    async def bare_review(self, h: WorkflowHandle) -> Answer:
        try:
            done = await h.execute_update(BareWorkflow.act, Step("county_review"))
        except Exception as e:
            return Answer(0, repr(e))
        return Answer(200) if done == "county_review" else Answer(0, f"unexpected answer {done!r}")

    async def list_page(self, i: int) -> Answer:
        answer = await self.call(
            "bureau", "GET", "/applications", params={"state": "publicized", "round": self.list_round, "limit": 50}
        )
        if answer.status == 200 and len(json.loads(answer.text)["items"]) != self.page_rows:
            return Answer(0, f"{answer.text[:300]}: not the {self.page_rows} rows expected")
        return answer

    def capture_list_sql(self) -> int:
        """The statements GET /applications runs for the bench's query, captured from the route itself (as the
        county bureau), for the floor to replay; the rows of the page it found."""
        engine = get_engine(self.settings.database_url)

        def keep(conn, cursor, statement, parameters, context, executemany) -> None:
            self.list_sql.append((statement, parameters))

        bureau = Actor(user_id="bench-bureau", name="兰山区人社局", role=Role.county_bureau, county=COUNTY)
        event.listen(engine, "before_cursor_execute", keep)
        try:
            wanted = Filters(state=Stage.publicized, round_id=self.list_round)
            page = applications.list_applications(Context(self.client, self.settings), bureau, wanted, limit=50)
        finally:
            event.remove(engine, "before_cursor_execute", keep)
        return len(page.items)

    def replay_list_sql(self) -> int:
        with get_engine(self.settings.database_url).connect() as conn:
            results = [conn.exec_driver_sql(sql, params).fetchall() for sql, params in self.list_sql]
        return len(results[-1])

    async def bare_list(self, i: int) -> Answer:
        try:
            rows = await asyncio.to_thread(self.replay_list_sql)
        except Exception as e:
            return Answer(0, repr(e))
        return Answer(200) if rows == self.page_rows else Answer(0, f"{rows} rows, the API found {self.page_rows}")

    def seed_read_model(self, count: int) -> None:
        """``count`` applications straight into the read model (list setup, not the system under test)."""
        rng = random.Random(7)
        now = datetime.now(UTC)
        states = [Stage.declared, Stage.county_reviewed, Stage.city_reviewed, Stage.publicized, Stage.plaque_awarded]
        rows = [
            {
                "id": f"{self.list_round}-{i:06d}",
                "workflow_id": f"application-{self.list_round}-{i:06d}",
                "level": rng.choice(list(Level)),
                "county": rng.choice(COUNTIES),
                "round_id": self.list_round,
                "institution_name": f"列表基准机构{i}",
                "institution_type": rng.choice(list(InstitutionType)),
                "credit_code": credit_code(),
                "state": rng.choice(states),
                "flagged": False,
                "institution": {},
                "version": 1,
                "declared_at": now - timedelta(minutes=i),
                "updated_at": now,
            }
            for i in range(count)
        ]
        with Session(get_engine(self.settings.database_url)) as s:
            s.execute(insert(Application), rows)
            s.commit()

    async def projected(self, expected: int, timeout: float = 120) -> None:
        """Wait until every declaration is in the read model, so that one measurement does not pay for the last."""
        deadline = time.monotonic() + timeout
        where = Application.round_id == self.round_id
        while time.monotonic() < deadline:
            with Session(get_engine(self.settings.database_url)) as s:
                if s.exec(select(func.count()).select_from(Application).where(where)).one() >= expected:
                    return
            await asyncio.sleep(0.2)
        raise SystemExit(f"the read model did not receive {expected} declarations within {timeout:.0f} s")

    # ---- the phases -----------------------------------------------------------------------------------------
    async def acts(self, clients: int, n: int, warm_up: bool = False) -> list[Run]:
        label = "warm-up " if warm_up else ""
        self.declared, self.bare = [], []
        declare = await measure(Run(f"{label}declare POST /applications", clients, 201), n, self.declare)
        start = await measure(Run(f"{label}  floor: bare start_workflow", clients, 201), n, self.bare_start)
        await self.projected(len(self.declared) + self.total_declared)
        self.total_declared += len(self.declared)
        ids, handles = list(self.declared), list(self.bare)
        for application_id in ids:  # not measured: the departments' opinions a county review's pass needs
            await self.opinions_given(application_id)
        act = await measure(
            Run(f"{label}act POST …/county-review", clients, 200), len(ids), lambda i: self.review(ids[i])
        )
        floor = await measure(
            Run(f"{label}  floor: bare update (1 activity)", clients, 200),
            len(handles),
            lambda i: self.bare_review(handles[i]),
        )
        return [declare, start, act, floor]

    async def lists(self, clients: int, n: int) -> list[Run]:
        page = await measure(Run("list GET /applications?state&round", clients, 200), n, self.list_page)
        floor = await measure(Run("  floor: the same SQL, same driver", clients, 200), n, self.bare_list)
        return [page, floor]


async def run(args: argparse.Namespace) -> list[tuple[int, list[Run]]]:
    keys = json.dumps([new_key_entry()])
    tmp = tempfile.TemporaryDirectory(prefix="biaogan-bench-")
    database_url = args.database_url or f"sqlite:///{Path(tmp.name) / 'readmodel.db'}"
    print(f"• dev server, worker (this process), API (uvicorn process); read model {database_url}", file=sys.stderr)
    env = await dev_server(data_converter(Settings(payload_keys=keys)))
    settings = Settings(
        data_dir=Path(tmp.name),
        database_url=database_url,
        task_queue=f"bench-{random.randrange(10**9)}",
        temporal_address=env.client.service_client.config.target_host,
        payload_keys=keys,
    )
    upgrade(database_url)
    suffix = f"{random.randrange(16**6):06x}"
    tokens = {name: create_user(database_url, f"bench-{name}-{suffix}", *who) for name, who in USERS.items()}
    per_level = {c: (args.serial_n if c == 1 else args.n) for c in args.clients}
    results: list[tuple[int, list[Run]]] = []
    try:
        with WorkerThread(settings), ApiProcess(settings, keys) as api:
            limits = httpx.Limits(max_connections=max(args.clients), max_keepalive_connections=max(args.clients))
            async with httpx.AsyncClient(base_url=api.base_url, limits=limits, timeout=60) as http:
                bench = Bench(http, env.client, settings, tokens)
                print("• seeding period, quota, round, materials, county titles (through the API)", file=sys.stderr)
                await bench.seed(WARM_UP + sum(per_level.values()))
                print("• warming up", file=sys.stderr)
                results.append((0, await bench.acts(min(args.clients), WARM_UP, warm_up=True)))
                for clients, n in per_level.items():
                    print(f"• declare, act ×{n} at {clients} client(s), and their floors", file=sys.stderr)
                    results.append((clients, await bench.acts(clients, n)))
                print(f"• seeding {args.rows} applications into the read model", file=sys.stderr)
                bench.seed_read_model(args.rows)
                bench.page_rows = bench.capture_list_sql()
                for clients, n in per_level.items():
                    print(f"• list ×{2 * n} at {clients} client(s), and its floor", file=sys.stderr)
                    results.append((clients, await bench.lists(clients, 2 * n)))
    finally:
        await env.shutdown()
        tmp.cleanup()
    return results


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")  # nan (no figure) on either side stays nan


def report(results: list[tuple[int, list[Run]]], database_url: str | None) -> int:
    """Print the table; the number of phases with an unexpected status."""
    kind = (database_url or "sqlite").split(":")[0]
    print(f"\nAPI latency against floors measured in the same run (read model: {kind})")
    bad = []
    by_clients: dict[int, list[Run]] = {}
    for clients, runs in results:
        if clients:
            by_clients.setdefault(clients, []).extend(runs)
        bad += [r for r in runs if r.unexpected or not r.latencies]
    for clients, runs in by_clients.items():
        print(f"\n{clients} client{'s' if clients > 1 else ''}:")
        for r in runs:
            print(r.line())
        print("  ratios (service / floor):")
        for service, floor in zip(runs[::2], runs[1::2], strict=True):
            p50 = ratio(service.percentile(50), floor.percentile(50))
            p99 = ratio(service.percentile(99), floor.percentile(99))
            rate = ratio(floor.per_second, service.per_second)
            print(
                f"    {service.name.split()[0]:<8} p50 {p50:6.1f}×   p99 {p99:6.1f}×   floor throughput / service {rate:6.1f}×"
            )
    for r in bad:
        print(f"\nUNEXPECTED in {r.name!r} ({r.clients} clients, expected {r.expected}): {dict(r.statuses)}")
        print(f"  first: {r.first_unexpected or 'no request was made (nothing accepted before it to act on)'}")
    return len(bad)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=200, help="declarations and acts per phase above 1 client (200)")
    parser.add_argument("--serial-n", type=int, default=40, help="declarations and acts per phase at 1 client (40)")
    parser.add_argument("--clients", default="1,20", help="concurrent clients, comma-separated (default 1,20)")
    parser.add_argument("--rows", type=int, default=10_000, help="applications in the read model to list (10,000)")
    parser.add_argument("--database-url", default=None, help="read model (default: SQLite in a temp dir)")
    args = parser.parse_args()
    args.clients = sorted({int(c) for c in args.clients.split(",")})
    began = time.perf_counter()
    results = asyncio.run(run(args))
    failed = report(results, args.database_url)
    print(f"\n(run took {time.perf_counter() - began:.0f} s)")
    if failed:
        sys.exit(f"FAILED: {failed} phase(s) got an unexpected status (see above)")
