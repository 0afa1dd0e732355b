"""A form Starlette will not read (more than 1,000 fields) is said for what it is, in Chinese, on a page: not as
"the body must be JSON", which is what every unreadable body used to be answered."""

import httpx
import pytest

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_sign_in_form_of_too_many_fields_is_a_page_saying_so(site):
    fields = "&".join(f"f{i}=1" for i in range(1001))  # a few KiB: under the form's size limit, over its parts
    async with httpx.AsyncClient(base_url=site.url) as client:
        answer = await client.post(
            "/login", content=fields, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("text/html")
    assert "提交内容过大" in answer.text and "最多 1000 个字段" in answer.text
    assert "JSON" not in answer.text
