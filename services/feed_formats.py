"""The feed (services/feeds.py) written out: Atom 1.0 (RFC 4287) and JSON Feed 1.1, and the conditional GET a CMS
pulling it relies on (a strong ETag of the bytes, Last-Modified of the newest item; 304 when nothing changed)."""

import hashlib
import json
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from html import escape
from typing import Any
from xml.etree import ElementTree as ET

from services.feeds import ATOM_PATH, FEED_AUTHOR, JSON_PATH, KINDS, Feed, FeedItem

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
JSON_TYPE = "application/feed+json; charset=utf-8"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CACHE = "public, max-age=60"  # a CMS polling every minute or less still revalidates cheaply (304)


def stamp(moment: datetime) -> str:
    """RFC 3339 in Asia/Shanghai's offset, e.g. 2026-12-07T14:20:05+08:00."""
    return moment.isoformat()


def content_html(item: FeedItem) -> str:
    lines = "".join(f"<p>{escape(line)}</p>" for line in item.lines)
    links = f'<p><a href="{escape(item.page_url)}">查看详情</a>'
    if item.pdf_url:
        links += f'　<a href="{escape(item.pdf_url)}">下载文件（PDF）</a>'
    return lines + links + "</p>"


def _el(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
    if text is not None:
        node.text = text
    return node


def atom(feed: Feed) -> bytes:
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: "zh-CN"})
    _el(root, "id", feed.id)
    _el(root, "title", feed.title)
    _el(root, "subtitle", "拟评定名单公示、评定结果公布和称号撤销决定")
    _el(root, "updated", stamp(feed.updated))
    _el(_el(root, "author"), "name", FEED_AUTHOR)
    _el(root, "link", rel="self", type="application/atom+xml", href=feed.url(ATOM_PATH))
    _el(root, "link", rel="alternate", type="text/html", href=feed.url("/notices"))
    _el(root, "link", rel="alternate", type="application/feed+json", href=feed.url(JSON_PATH))
    for item in feed.items:
        entry = _el(root, "entry")
        _el(entry, "id", item.id)
        _el(entry, "title", item.title)
        _el(entry, "published", stamp(item.published))
        _el(entry, "updated", stamp(item.updated))
        _el(_el(entry, "author"), "name", item.author)
        _el(entry, "category", term=item.kind, label=KINDS[item.kind])
        _el(entry, "link", rel="alternate", type="text/html", href=item.page_url)
        if item.pdf_url:
            _el(entry, "link", rel="enclosure", type="application/pdf", href=item.pdf_url, title=item.title)
        _el(entry, "summary", "；".join(item.lines), type="text")
        _el(entry, "content", content_html(item), type="html")
    ET.indent(root)
    written: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return written + b"\n"


def _facts(item: FeedItem) -> dict[str, Any]:
    """The item's facts for a CMS that lays them out itself (a JSON Feed extension: ``_biaogan``)."""
    facts: dict[str, Any] = {
        "kind": item.kind,
        "kind_label": KINDS[item.kind],
        "level": item.level.value,
        "issued_on": item.issued_on.isoformat(),
        "document_no": item.document_no,
        "institutions": [
            {"name": i.name, "type": i.type_label, "county": i.county}
            if i.type_label
            else {"name": i.name, "county": i.county}
            for i in item.institutions
        ],
    }
    if item.window:
        facts["window"] = {"first_day": item.window[0].isoformat(), "last_day": item.window[1].isoformat()}
    return facts


def json_feed(feed: Feed) -> bytes:
    body = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.url("/notices"),
        "feed_url": feed.url(JSON_PATH),
        "description": "拟评定名单公示、评定结果公布和称号撤销决定",
        "language": "zh-CN",
        "authors": [{"name": FEED_AUTHOR}],
        "items": [
            {
                "id": item.id,
                "url": item.page_url,
                "title": item.title,
                "content_html": content_html(item),
                "content_text": "\n".join(item.lines),
                "summary": "；".join(item.lines),
                "date_published": stamp(item.published),
                "date_modified": stamp(item.updated),
                "authors": [{"name": item.author}],
                "tags": [KINDS[item.kind]],
                **(
                    {"attachments": [{"url": item.pdf_url, "mime_type": "application/pdf", "title": item.title}]}
                    if item.pdf_url
                    else {}
                ),
                "_biaogan": _facts(item),
            }
            for item in feed.items
        ],
    }
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def validators(body: bytes, feed: Feed) -> dict[str, str]:
    """The headers a later conditional GET is judged by."""
    return {
        "ETag": f'"{hashlib.sha256(body).hexdigest()[:32]}"',
        "Last-Modified": format_datetime(feed.updated.astimezone(UTC).replace(microsecond=0), usegmt=True),
        "Cache-Control": CACHE,
    }


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110's weak comparison: any listed tag (W/ or not) that is the same opaque tag, or *."""
    wanted = etag.removeprefix("W/")
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or wanted in tags


def not_modified(headers: dict[str, str], if_none_match: str | None, if_modified_since: str | None) -> bool:
    """Whether the reader's copy is current: If-None-Match decides when given, else If-Modified-Since."""
    if if_none_match:
        return _matches(if_none_match, headers["ETag"])
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            return False
        return parsedate_to_datetime(headers["Last-Modified"]) <= since
    return False
