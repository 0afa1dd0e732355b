"""Temporal client code: how the API, the CLI and the tests start, signal, update and query workflows."""
