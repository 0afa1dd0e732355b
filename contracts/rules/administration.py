"""Rounds, periods and quotas, filings, standards, the calendar, notifications, preferences, users."""

from contracts.rules import rule  # noqa: F401
