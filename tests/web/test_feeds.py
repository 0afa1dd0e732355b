"""The bureau's website (services/feeds.py): real applications driven through a notice (with an objection), a batch
announced and a revocation decided, then the Atom feed parsed (xml.etree, every element RFC 4287 requires checked),
the JSON Feed matched item by item, the PDFs each item links fetched, no person's name or contact anywhere, and a
repeated conditional GET answered 304."""

import re
from datetime import datetime
from urllib.parse import quote
from xml.etree import ElementTree as ET

import httpx
import pytest
from pydantic import ValidationError
from sqlmodel import Session

from config import FeedSettings
from db.models import Application
from db.session import get_engine
from tests.api.conftest import expect
from tests.conftest import unique

NS = "{http://www.w3.org/2005/Atom}"
RFC3339_SHANGHAI = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$")


def one(parent: ET.Element, name: str) -> ET.Element:
    """The single child ``name`` RFC 4287 requires (exactly one)."""
    found = parent.findall(f"{NS}{name}")
    assert len(found) == 1, f"{parent.tag} has {len(found)} <{name}>"
    return found[0]


def links(entry: ET.Element, rel: str) -> list[ET.Element]:
    return [link for link in entry.findall(f"{NS}link") if link.get("rel", "alternate") == rel]


def checked_feed(body: bytes, base: str) -> list[ET.Element]:
    """The feed's entries, after checking what RFC 4287 requires of the feed and of each entry."""
    root = ET.fromstring(body)
    assert root.tag == f"{NS}feed"
    assert one(root, "id").text and one(root, "title").text == "临沂市就业服务质量标杆机构评定公示公告"
    assert RFC3339_SHANGHAI.match(one(root, "updated").text or "")
    assert one(one(root, "author"), "name").text == "临沂市人力资源和社会保障局"
    (self_link,) = links(root, "self")
    assert self_link.get("href") == f"{base}/public/feed.atom"
    entries = root.findall(f"{NS}entry")
    for entry in entries:
        assert (one(entry, "id").text or "").startswith("tag:rsj.linyi.gov.cn,2026:biaogan/")
        assert one(entry, "title").text
        for stamp in ("updated", "published"):
            assert RFC3339_SHANGHAI.match(one(entry, stamp).text or ""), one(entry, stamp).text
        assert one(one(entry, "author"), "name").text
        (alternate,) = links(entry, "alternate")
        assert (alternate.get("href") or "").startswith(f"{base}/")
        assert one(entry, "content").get("type") == "html"
    return entries


def kind(entry: ET.Element) -> str:
    return one(entry, "category").get("term") or ""


async def test_the_feeds_carry_the_notices_results_and_revocations_and_no_person(late_site):
    site = late_site
    settings = site.api.app.state.settings
    channels = settings.channels.model_copy(update={"public_base_url": site.url})
    site.api.app.state.settings = settings.model_copy(update={"channels": channels})
    tag = unique("")[-6:]
    first, second = f"兰山区订阅测试零工市场{tag}", f"兰山区订阅测试培训学校{tag}"
    people = ["李四", "13912345678", "王五", "13700001111", "张三", "13800000000"]

    noticed, objection = await site.driver.objected("county", name=first, contact="李四", phone="13912345678")
    finding = {"upheld": False, "finding": "经实地核查，场地面积属实"}
    expect(await site.api.post("bureau", f"/applications/{noticed}/objections/{objection}/finding", finding), 200)
    await site.driver.pass_notice(noticed)
    batch = await site.driver.batch_announced([noticed], "county")
    decided = await site.driver.revoked(noticed, level="county")
    open_now = await site.driver.publicized("county", name=second, contact="王五", phone="13700001111")
    credit_codes = [(await site.driver.state(a))["institution"]["credit_code"] for a in (noticed, open_now)]

    async with httpx.AsyncClient(base_url=site.url, timeout=30) as http:
        atom = await http.get("/public/feed.atom")
        assert atom.status_code == 200, atom.text
        assert atom.headers["content-type"] == "application/atom+xml; charset=utf-8"
        entries = checked_feed(atom.content, site.url)
        assert sorted(kind(e) for e in entries) == ["notice", "notice", "result", "revocation"]
        updated = [one(e, "updated").text or "" for e in entries]
        assert [datetime.fromisoformat(u) for u in updated] == sorted(
            (datetime.fromisoformat(u) for u in updated), reverse=True
        ), "newest first"

        def entry_with(term: str, text: str) -> ET.Element:
            (found,) = [e for e in entries if kind(e) == term and text in (one(e, "content").text or "")]
            return found

        now = entry_with("notice", second)
        assert one(now, "title").text == "关于兰山区县级就业服务质量标杆机构拟评定名单的公示"
        assert links(now, "alternate")[0].get("href") == f"{site.url}/notices" and not links(now, "enclosure")
        with Session(get_engine(site.api.database_url)) as s:
            published_on = s.get(Application, open_now).notice_published_on
        assert (
            one(now, "id").text == f"tag:rsj.linyi.gov.cn,2026:biaogan/notice/county/{quote('兰山区')}/{published_on}"
        )
        assert "兰山区人力资源和社会保障局" in (one(now, "content").text or "")
        assert first in (one(entry_with("notice", first), "content").text or "")  # the notice as it was published

        result = entry_with("result", batch["document_no"])
        assert one(result, "title").text == "关于公布兰山区县级就业服务质量标杆机构名单的通知"
        assert first in (one(result, "content").text or "")
        assert links(result, "alternate")[0].get("href") == f"{site.url}/titles"
        (result_pdf,) = links(result, "enclosure")
        assert result_pdf.get("href") == f"{site.url}/api/v1/public/announcements/{batch['id']}/document.pdf"

        revocation = entry_with("revocation", decided["document_no"])
        assert one(revocation, "title").text == f"关于撤销{first}县级就业服务质量标杆机构称号的决定"
        assert links(revocation, "alternate")[0].get("href") == f"{site.url}/revocations"
        (revocation_pdf,) = links(revocation, "enclosure")
        for pdf in (result_pdf, revocation_pdf):  # each item's PDF, fetched without an account
            fetched = await http.get(pdf.get("href") or "")
            assert fetched.status_code == 200 and fetched.content.startswith(b"%PDF"), fetched.text[:200]
        unknown = await http.get("/api/v1/public/announcements/B0000000000000000000/document.pdf")
        assert unknown.status_code == 404 and unknown.json()["detail"]["rule"] == "announcement_not_found"

        feed = await http.get("/api/v1/public/feed.json")
        assert feed.status_code == 200 and feed.headers["content-type"] == "application/feed+json; charset=utf-8"
        body = feed.json()
        assert body["version"] == "https://jsonfeed.org/version/1.1"
        assert body["feed_url"] == f"{site.url}/api/v1/public/feed.json"
        assert [i["id"] for i in body["items"]] == [one(e, "id").text for e in entries]
        for item, entry in zip(body["items"], entries, strict=True):
            assert item["title"] == one(entry, "title").text
            assert item["url"] == links(entry, "alternate")[0].get("href")
            assert item["date_modified"] == one(entry, "updated").text
            assert [a["url"] for a in item.get("attachments", [])] == [e.get("href") for e in links(entry, "enclosure")]
            assert item["_biaogan"]["kind"] == kind(entry)
        (listed,) = [i for i in body["items"] if i["_biaogan"]["kind"] == "result"]
        assert listed["_biaogan"]["document_no"] == batch["document_no"]
        assert listed["_biaogan"]["institutions"] == [{"name": first, "type": "零工市场", "county": "兰山区"}]

        for text in (atom.text, feed.text):
            for said in [*people, *credit_codes]:
                assert said not in text, f"{said} is in a feed"

        again = await http.get("/public/feed.atom")
        assert again.content == atom.content  # the same items, the same ids, the same bytes
        for path, first_answer in (("/public/feed.atom", atom), ("/api/v1/public/feed.json", feed)):
            etag = first_answer.headers["etag"]
            unchanged = await http.get(path, headers={"If-None-Match": etag})
            assert unchanged.status_code == 304 and unchanged.content == b"" and unchanged.headers["etag"] == etag
            since = await http.get(path, headers={"If-Modified-Since": first_answer.headers["last-modified"]})
            assert since.status_code == 304
            stale = await http.get(path, headers={"If-None-Match": '"not-this-one"'})
            assert stale.status_code == 200 and stale.content == first_answer.content
            head = await http.head(path)  # a CMS checking the feed without its body
            assert head.status_code == 200 and head.content == b""
            assert head.headers["etag"] == etag and head.headers["content-type"] == first_answer.headers["content-type"]
            assert head.headers["content-length"] == str(len(first_answer.content))

        await site.driver.publicized("county", name=f"兰山区订阅测试人力资源市场{tag}")
        changed = await http.get("/public/feed.atom", headers={"If-None-Match": atom.headers["etag"]})
        assert changed.status_code == 200 and changed.headers["etag"] != atom.headers["etag"]


async def test_the_feed_limit_bounds_the_items_and_an_empty_feed_is_valid(late_site):
    site = late_site
    settings = site.api.app.state.settings
    async with httpx.AsyncClient(base_url=site.url, timeout=30) as http:
        empty = await http.get("/public/feed.atom")
        # unset BIAOGAN_PUBLIC_BASE_URL: links from the API's own address
        assert checked_feed(empty.content, settings.channels.public_base_url) == []
        assert settings.channels.public_base_url == settings.api_base_url()
        assert (await http.get("/api/v1/public/feed.json")).json()["items"] == []

        await site.driver.publicized("county", name=f"兰山区限额测试零工市场{unique('')[-6:]}")
        await site.driver.publicized("city", name=f"临沂市限额测试人力资源市场{unique('')[-6:]}")
        assert len(checked_feed((await http.get("/public/feed.atom")).content, settings.channels.public_base_url)) == 2
        site.api.app.state.settings = settings.model_copy(update={"feeds": FeedSettings(feed_limit=1)})
        (only,) = (await http.get("/api/v1/public/feed.json")).json()["items"]
        assert only["_biaogan"]["kind"] == "notice"


def test_embed_origins_must_be_origins():
    assert FeedSettings(embed_origins="https://rsj.linyi.gov.cn, http://cms.local:8080/").origins() == [
        "https://rsj.linyi.gov.cn",
        "http://cms.local:8080",
    ]
    assert FeedSettings().origins() == []
    for wrong in ("https://a.example; script-src *", "rsj.linyi.gov.cn", "https://a.example/page", "*"):
        with pytest.raises(ValidationError):
            FeedSettings(embed_origins=wrong)
