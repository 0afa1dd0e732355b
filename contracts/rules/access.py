"""Who may call at all: sign-in, sessions, tokens, roles, rate limits, body limits, Temporal's availability."""

from contracts.rules import rule  # noqa: F401
