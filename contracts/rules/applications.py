"""Declarations, acts on an application, corrections, materials, documents, batch acts, history."""

from contracts.rules import rule  # noqa: F401
