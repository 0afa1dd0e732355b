"""The API's fixtures (tests/api/conftest.py: the app on a time-skipping server of the test's own) and the pages'
(tests/web/conftest.py: the site served by uvicorn, Chromium)."""

from tests.api.conftest import late_api, late_driver
from tests.web.conftest import browser, page, screenshots, site

__all__ = ["browser", "late_api", "late_driver", "page", "screenshots", "site"]
