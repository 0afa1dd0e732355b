"""The bureau's website (在临沂市人力资源和社会保障局网站进行公示): what its CMS pulls from /public/feed.atom and
/api/v1/public/feed.json, and what /public/embed/notices shows in its iframe. Three kinds of item, the latest first:
each 公示 as it opened (one per issuing organ and day of publication), each batch's 公布文件, each 撤销决定. Items
carry institutions' names, types and counties, dates and 文号 only: never a person, a phone or an e-mail address.
Links are absolute, from BIAOGAN_PUBLIC_BASE_URL (unset: the API's own address); ids are tag: URIs that never change
for the same item (services/feed_formats.py writes them out)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from urllib.parse import quote

from fastapi.concurrency import run_in_threadpool

from db.queries.feeds import Batch, Listed, NoticeRow, announced_batches, decided_revocations, published_notices
from db.revocations import Revocation
from services.context import Context
from services.notices import NoticeGroup, issuer, notice_groups
from state.clock import SHANGHAI
from state.domain import Level, RevocationReason
from state.labels import CITY, LEVELS, REVOCATION_REASONS, issuing_organs, level_title, type_label

NOTICE, RESULT, REVOCATION = "notice", "result", "revocation"
KINDS = {NOTICE: "公示", RESULT: "公布", REVOCATION: "撤销"}
FEED_TITLE = f"{CITY}就业服务质量标杆机构评定公示公告"
FEED_AUTHOR = f"{CITY}人力资源和社会保障局"
TAG_DATE = "2026"  # the tag: URIs' date: fixed, so that an item's id never changes
EMPTY_FEED = datetime(2026, 1, 1, tzinfo=SHANGHAI)  # an empty feed's updated time (Atom requires one)
ATOM_PATH, JSON_PATH, EMBED_PATH = "/public/feed.atom", "/api/v1/public/feed.json", "/public/embed/notices"
RECENT_RESULTS = 5  # the embed page's recent 公布


@dataclass(frozen=True)
class Institution:
    name: str
    type_label: str
    county: str


@dataclass(frozen=True)
class FeedItem:
    id: str
    kind: str  # NOTICE, RESULT or REVOCATION
    title: str
    page_url: str  # the public page that shows it
    pdf_url: str | None
    issued_on: date  # the day it was published, announced or decided
    published: datetime  # Asia/Shanghai
    updated: datetime
    author: str
    lines: list[str]  # what it says, line by line (its content)
    institutions: list[Institution] = field(default_factory=list)
    document_no: str = ""
    window: tuple[date, date] | None = None  # a notice's first and last day
    level: Level = Level.county


@dataclass(frozen=True)
class Feed:
    title: str
    id: str
    base_url: str
    updated: datetime
    items: list[FeedItem]

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


def chinese_day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _local(moment: datetime | None, fallback: date) -> datetime:
    """A moment in Asia/Shanghai to the second; a day without one: its start."""
    if moment is None:
        return datetime.combine(fallback, time(0), SHANGHAI)
    return moment.astimezone(SHANGHAI).replace(microsecond=0)


def _institution(listed: Listed) -> Institution:
    return Institution(listed.name, type_label(listed.institution_type), listed.county)


def _tag(authority: str, *parts: str) -> str:
    return f"tag:{authority},{TAG_DATE}:biaogan/" + "/".join(quote(p, safe="-") for p in parts)


def _place(level: Level, county: str) -> str:
    return CITY if level == Level.city else county


def notice_title(level: Level, county: str) -> str:
    """关于兰山区县级就业服务质量标杆机构拟评定名单的公示: one organ's 公示."""
    return f"关于{_place(level, county)}{level_title(level, full=True)}拟评定名单的公示"


def _notices(rows: list[NoticeRow], base: str, authority: str) -> list[FeedItem]:
    by_notice: dict[tuple[Level, str, date], list[NoticeRow]] = {}
    for row in rows:
        by_notice.setdefault((row.level, row.county, row.published_on), []).append(row)
    items = []
    for (level, county, published_on), listed in by_notice.items():
        first = min((r.first_day for r in listed if r.first_day), default=published_on)
        last = max((r.last_day for r in listed if r.last_day), default=first)
        moments = [_local(r.publicized_at, published_on) for r in listed]
        organ = issuer(level, county)
        institutions = [_institution(r.institution) for r in listed]
        items.append(
            FeedItem(
                id=_tag(authority, NOTICE, level.value, county or "city", published_on.isoformat()),
                kind=NOTICE,
                title=notice_title(level, county),
                page_url=f"{base}/notices",
                pdf_url=None,
                issued_on=published_on,
                published=min(moments),
                updated=max(moments),
                author=organ,
                lines=[
                    f"发布单位：{organ}",
                    f"公示时间：{chinese_day(first)}至{chinese_day(last)}（5个工作日）",
                    f"公示机构（{len(institutions)}家）：" + "、".join(f"{i.name}（{i.county}）" for i in institutions),
                ],
                institutions=institutions,
                window=(first, last),
                level=level,
            )
        )
    return items


def _result(batch: Batch, base: str, authority: str) -> FeedItem:
    day = batch.signed_on or (
        batch.announced_at.astimezone(SHANGHAI).date() if batch.announced_at else EMPTY_FEED.date()
    )
    moment = _local(batch.announced_at, day)
    organs = "、".join(issuing_organs(batch.level, batch.county if batch.level == Level.county else None))
    institutions = [_institution(i) for i in batch.institutions]
    pdf = f"{base}/api/v1/public/announcements/{batch.id}/document.pdf" if batch.has_document else None
    return FeedItem(
        id=_tag(authority, RESULT, batch.id),
        kind=RESULT,
        title=f"关于公布{_place(batch.level, batch.county)}{level_title(batch.level, full=True)}名单的通知",
        page_url=f"{base}/titles",
        pdf_url=pdf,
        issued_on=day,
        published=moment,
        updated=moment,
        author=organs,
        lines=[
            f"文号：{batch.document_no}",
            f"发文单位：{organs}",
            f"发文日期：{chinese_day(day)}",
            f"公布机构（{len(institutions)}家）：" + "、".join(f"{i.name}（{i.county}）" for i in institutions),
        ],
        institutions=institutions,
        document_no=batch.document_no,
        level=batch.level,
    )


def _decided_at(row: Revocation, day: date) -> datetime:
    """The third signature's moment (the decision's); its day's start if the signatures carry none."""
    moments = [datetime.fromisoformat(s["at"]) for s in row.signatures if s.get("signed") and s.get("at")]
    return _local(max(moments) if moments else None, day)


def _revocation(row: Revocation, base: str, authority: str) -> FeedItem:
    assert row.decided_on is not None and row.document_no is not None
    level = Level(row.level)
    moment = _decided_at(row, row.decided_on)
    organs = "、".join(issuing_organs(level, row.county if level == Level.county else None))
    ground = REVOCATION_REASONS[RevocationReason(row.ground)]
    return FeedItem(
        id=_tag(authority, REVOCATION, row.proposal_id),
        kind=REVOCATION,
        title=f"关于撤销{row.institution_name}{level_title(level, full=True)}称号的决定",
        page_url=f"{base}/revocations",
        pdf_url=f"{base}/api/v1/public/revocations/{row.proposal_id}/document.pdf",
        issued_on=row.decided_on,
        published=moment,
        updated=moment,
        author=organs,
        lines=[
            f"文号：{row.document_no}",
            f"决定单位：{organs}",
            f"决定日期：{chinese_day(row.decided_on)}",
            f"撤销称号：{row.institution_name}（{row.county}）的{LEVELS[level]}称号",
            f"撤销情形：{ground}",
        ],
        institutions=[Institution(row.institution_name, "", row.county)],
        document_no=row.document_no,
        level=level,
    )


def _feed(ctx: Context) -> Feed:
    limit = ctx.settings.feeds.feed_limit
    base = ctx.settings.channels.public_base_url
    authority = ctx.settings.feeds.feed_tag_authority
    with ctx.session() as s:
        notices = published_notices(s, limit)
        batches = announced_batches(s, limit)
        revocations = decided_revocations(s, limit)
    items = (
        _notices(notices, base, authority)
        + [_result(b, base, authority) for b in batches]
        + [_revocation(r, base, authority) for r in revocations]
    )
    items.sort(key=lambda i: (i.updated, i.id), reverse=True)
    items = items[:limit]
    updated = max((i.updated for i in items), default=EMPTY_FEED)
    return Feed(FEED_TITLE, _tag(authority, "feed"), base, updated, items)


async def feed(ctx: Context) -> Feed:
    """The latest BIAOGAN_FEED_LIMIT notices, results and revocations, newest first."""
    return await run_in_threadpool(_feed, ctx)


@dataclass(frozen=True)
class Embedded:
    """The embed page: what is under notice now, and the latest results."""

    notices: list[NoticeGroup]
    results: list[FeedItem]
    base_url: str


def _embedded(ctx: Context) -> Embedded:
    base = ctx.settings.channels.public_base_url
    with ctx.session() as s:
        batches = announced_batches(s, RECENT_RESULTS)
    results = [_result(b, base, ctx.settings.feeds.feed_tag_authority) for b in batches]
    return Embedded(notice_groups(ctx), results, base)


async def embedded(ctx: Context) -> Embedded:
    return await run_in_threadpool(_embedded, ctx)
