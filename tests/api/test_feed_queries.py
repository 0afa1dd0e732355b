"""The feed's reads (db/queries/feeds.py) on both databases: one 公示 item per issuing organ and day (the city's
candidates together whatever their county, each county's apart), a batch with its institutions, a revocation;
bounded by BIAOGAN_FEED_LIMIT."""

import pytest

from config import FeedSettings
from tests.api.conftest import Driver, expect
from tests.conftest import unique


@pytest.mark.parametrize("late_api", ["sqlite", "postgresql"], indirect=True)
async def test_the_feed_reads_the_same_on_both_databases(late_api):
    api, driver = late_api, Driver(late_api)
    tag = unique("")[-6:]
    titled = await driver.announced("county", name=f"兰山区读取测试零工市场{tag}")
    decided = await driver.revoked(titled, level="county")
    city = [await driver.publicized("city", name=f"兰山区读取测试市级人力资源市场{tag}{i}") for i in (1, 2)]
    county = await driver.publicized("county", name=f"兰山区读取测试培训学校{tag}")

    items = expect(await api.get(None, "/public/feed.json"), 200)["items"]
    kinds = [i["_biaogan"]["kind"] for i in items]
    assert sorted(kinds) == ["notice", "notice", "notice", "result", "revocation"], kinds
    notices = {i["title"]: i["_biaogan"]["institutions"] for i in items if i["_biaogan"]["kind"] == "notice"}
    assert sorted(n["name"] for n in notices["关于临沂市市级就业服务质量标杆机构拟评定名单的公示"]) == [
        f"兰山区读取测试市级人力资源市场{tag}1",
        f"兰山区读取测试市级人力资源市场{tag}2",
    ]
    county_notices = [i for i in items if i["title"] == "关于兰山区县级就业服务质量标杆机构拟评定名单的公示"]
    assert len(county_notices) == 2  # the first one's (closed, days ago) and today's: two days, two items
    assert len({i["id"] for i in county_notices}) == 2
    (revocation,) = [i for i in items if i["_biaogan"]["kind"] == "revocation"]
    assert revocation["_biaogan"]["document_no"] == decided["document_no"]
    assert len(city) == 2 and county

    settings = api.app.state.settings
    api.app.state.settings = settings.model_copy(update={"feeds": FeedSettings(feed_limit=2)})
    try:
        latest = expect(await api.get(None, "/public/feed.json"), 200)["items"]
    finally:
        api.app.state.settings = settings
    assert [i["id"] for i in latest] == [i["id"] for i in items[:2]]
