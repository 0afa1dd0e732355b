"""The API's fixtures (tests/api/conftest.py): the app on a time-skipping server of the test's own."""

from tests.api.conftest import late_api, late_driver

__all__ = ["late_api", "late_driver"]
