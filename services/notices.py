"""What anyone may see or do without an account: what is under public notice now (公示), grouped by the organ that
publishes it (the city bureau for city-level candidates, each county's bureau for its county-level ones), each
group with its own window and where to object; the directory of titles, objecting (异议) to an application under
notice, and following an objection by its receipt. Under both api/routes/public.py and web/routes/public.py (and
the board's PDF, services/documents.py). The public has no account: each page shows one city's rows, the city a
query parameter names (``public_city``: the deployment's unless given)."""

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime

from fastapi.concurrency import run_in_threadpool
from temporalio.service import RPCError

import documents
from clients import sms
from clients.application import handle_for
from config import NoticeSettings
from contracts.application import ObjectionAct, ViewRequest
from contracts.rules.access import CITY_UNKNOWN
from contracts.rules.administration import borrowed
from db import programs as program_store
from db.models import Application
from db.queries.applications import one_under_notice, under_notice
from db.queries.titles import Title, directory
from db.receipts import ReceiptView, issue_receipt, objection_by_receipt
from programs.load import first_program_id
from regions.catalog import DEPLOYMENT
from regions.catalog import city as city_named
from regions.scope import county_city, known_city
from services.access import narrowed
from services.context import Context
from services.declarations import OBJECTION_EVIDENCE, evidence_files, public_uploader
from services.programs import program_of
from services.refusals import Refusal, from_temporal
from state.calendar import TZ
from state.domain import Actor, Department, Level, Role, Stage
from state.labels import LEVELS, level_title, organ_name, type_label
from state.objector import MOBILE
from workflows.application import ApplicationWorkflow

log = logging.getLogger(__name__)
MAX_NOTICES = 1000
PUBLIC = Actor(user_id="public", name="public", role=Role.public)  # api.access.PUBLIC: anyone, without an account


def public_city(name: str | None) -> str:
    """The city a public page shows: the one named (a known city's name), else the deployment's; 404 for a name no
    region file defines."""
    name = (name or "").strip()
    if not name:
        return DEPLOYMENT.name
    if not known_city(name):
        raise Refusal(404, CITY_UNKNOWN, city=name)
    return name


def notices(ctx: Context, limit: int = MAX_NOTICES, city: str | None = None) -> list[Application]:
    """Everything under public notice now (公示名单) in ``city`` (default: the deployment's)."""
    with ctx.session() as s:
        return under_notice(s, datetime.now(UTC), limit, city or DEPLOYMENT.name)


def issuer(level: Level, county: str, city: str | None = None) -> str:
    """Who publishes the notice: the city's HRSS for city-level candidates, the county's for county-level ones."""
    if not city or city == DEPLOYMENT.name:
        return organ_name(Department.hrss, level, None if level == Level.city else county)
    region = city_named(city)
    found = region.county(county) if level == Level.county else None
    return (found or region).hrss.name


@dataclass(frozen=True)
class ProgramNotice:
    """What another program's 公示 says of itself: its level's full title, its notice's working days."""

    full_titles: dict[str, str]  # level key -> the level's full title, as the definition writes it
    working_days: int


@dataclass(frozen=True)
class NoticeGroup:
    """One 公示: the candidates one organ publishes, with its window (its notices' first and last day)."""

    level: Level
    county: str  # "" for the city's
    issuer: str
    title: str
    rows: list[Application]
    first_day: date
    last_day: date
    published_on: date
    working_days: int = 0  # another program's notice: its working days, said beside the window (0: the first's)


def grouped(rows: list[Application], programs: dict[str, ProgramNotice] | None = None) -> list[NoticeGroup]:
    """``rows`` by program and issuing organ: the city's first, then the counties by name; each its institutions by
    name. ``programs``: another program's words, by its id (its rows' titles say its level's full title)."""
    today = datetime.now(TZ).date()
    programs = programs or {}
    by_organ: dict[tuple[str, Level, str], list[Application]] = {}
    for row in sorted(rows, key=lambda r: (r.level != Level.city, r.county, r.program_id, r.institution_name)):
        other = row.program_id if row.program_id in programs else ""
        by_organ.setdefault((other, row.level, "" if row.level == Level.city else row.county), []).append(row)
    out = []
    for (program_id, level, county), listed in by_organ.items():
        city = listed[0].city or DEPLOYMENT.name
        firsts = [r.notice_first_day for r in listed if r.notice_first_day]
        lasts = [r.notice_last_day for r in listed if r.notice_last_day]
        published = [r.notice_published_on for r in listed if r.notice_published_on]
        first = min(firsts, default=today)
        place = city if level == Level.city else county
        words = programs.get(program_id)
        named = f"{place}{level_title(level, full=True)}"
        if words is not None:
            full_title = words.full_titles.get(level.value, "")
            named = full_title if full_title.startswith(place) else f"{place}{full_title}"
        out.append(
            NoticeGroup(
                level=level,
                county=county,
                issuer=issuer(level, county, city),
                title=f"{named}拟评定名单公示",
                rows=listed,
                first_day=first,
                last_day=max(lasts, default=first),
                published_on=min(published, default=first),
                working_days=words.working_days if words is not None else 0,
            )
        )
    return out


def notice_groups(ctx: Context, city: str | None = None) -> list[NoticeGroup]:
    """What is under notice now in ``city`` (default: the deployment's), one group per issuing organ; none when
    nothing is (no 公示 is issued)."""
    rows = notices(ctx, city=city)
    return grouped(rows, program_notices(ctx, rows))


def program_notices(ctx: Context, rows: list[Application]) -> dict[str, ProgramNotice]:
    """The words of each program other than the first that ``rows`` belong to (the version each was declared under;
    one version per program suffices for the board's title)."""
    found: dict[str, ProgramNotice] = {}
    for row in rows:
        if not row.program_id or row.program_id == first_program_id() or row.program_id in found:
            continue
        version = program_store.version(ctx.database_url, row.program_id, row.program_version)
        if version is None:
            continue
        program = program_of(version)
        titles = {lv.key: lv.full_title for lv in program.levels}
        found[row.program_id] = ProgramNotice(titles, program.notice.working_days)
    return found


def _listed(a: Application) -> documents.ListedInstitution:
    return documents.ListedInstitution(
        name=a.institution_name,
        institution_type=type_label(a.institution_type),
        county=a.county,
        level=LEVELS[a.level],
    )


def notice_pdf(groups: list[NoticeGroup], contacts: NoticeSettings) -> bytes:
    """The 公示 of each group, one after the other, each under its organ's signature; the contacts configured
    (BIAOGAN_OBJECTION_*), or else the organ's own website."""
    unset = "见发布单位官方网站公告"
    return documents.notice_lists(
        [
            documents.NoticeList(
                title=g.title,
                institutions=[_listed(a) for a in g.rows],
                window_start=g.first_day,
                window_end=g.last_day,
                objection_phone=contacts.objection_phone or unset,
                objection_email=contacts.objection_email or unset,
                objection_address=contacts.objection_address,
                objection_receiver=g.issuer,
                issuing_organ=g.issuer,
                issued_on=g.published_on,
            )
            for g in groups
        ],
        "就业服务质量标杆机构拟评定名单公示",
    )


def one_notice(ctx: Context, application_id: str) -> Application | None:
    """The application, if it is under notice now (else it is not public: answered like an unknown one)."""
    with ctx.session() as s:
        return one_under_notice(s, application_id, datetime.now(UTC))


def titles(ctx: Context, city: str | None = None) -> list[Title]:
    """Every title awarded (and revoked) in ``city`` (default: the deployment's; a title is its county's city's),
    for the public directory."""
    wanted = city or DEPLOYMENT.name
    with ctx.session() as s:
        return [t for t in directory(s) if county_city(t.county) == wanted]


def objection(ctx: Context, receipt: str) -> ReceiptView | None:
    """An objection as its receipt shows it to whoever lodged it."""
    return objection_by_receipt(ctx.database_url, receipt)


def _not_under_notice() -> Refusal:
    return Refusal(404, borrowed("not_under_notice"))


async def lodge_objection(
    ctx: Context,
    application_id: str,
    name: str,
    contact: str,
    content: str,
    network: str,
    evidence: list[str],
) -> str:
    """Object to an application under notice: the objection's id. ``evidence``: the uploads the objector named,
    taken (as the materials area keeps them) once the application is known to be under notice; ``network`` is where
    the objection comes from, for the workflow's cap on pending objections per network."""
    handle = handle_for(ctx.client, application_id)
    try:
        view = await handle.query(ApplicationWorkflow.view, ViewRequest())
    except RPCError as e:
        refusal = from_temporal(e, f"application {application_id!r}")
        raise (_not_under_notice() if refusal.status == 404 else refusal) from None
    if view.state != Stage.publicized:  # only what is (or was just) on the notice board is public
        raise _not_under_notice()
    files = await evidence_files(
        ctx.settings,
        evidence,
        public_uploader(application_id).user_id,
        OBJECTION_EVIDENCE,
        application_id,
        ctx.settings.materials.objection_evidence_max_files,
    )
    act = ObjectionAct(name=name, contact=contact, content=content, evidence=files, network=network)
    try:
        result = await handle.execute_update(ApplicationWorkflow.lodge_objection, act)
    except Exception as e:
        refusal = from_temporal(e, f"application {application_id!r}")
        if refusal.status == 404:
            raise _not_under_notice() from None
        raise narrowed(refusal, PUBLIC, view.level, view.county) from None
    assert result.objection_id is not None
    return result.objection_id


async def receipt_for(ctx: Context, objection_id: str, application_id: str, contact: str = "") -> str:
    """The receipt an objector keeps to follow their objection; texted to them too when ``contact`` is a mobile
    number and SMS is configured for receipts (workflows/receipt_text.py)."""
    receipt = await run_in_threadpool(issue_receipt, ctx.database_url, objection_id, application_id)
    if ctx.settings.channels.sms_template("receipt") and MOBILE.fullmatch(contact.removeprefix("+86")):
        try:
            await sms.text_receipt(ctx.client, ctx.settings.task_queue, objection_id)
        except RPCError:  # the objection stands and its receipt is shown: the text is the lesser part
            log.warning("could not start the receipt text of objection %s", objection_id, exc_info=True)
    return receipt
