"""Field rules of request bodies and parameters (formats, bounds, required, text rules)."""

from contracts.rules import rule  # noqa: F401
