"""Reads of the read model, one module per area; routes and pages call these, never build queries themselves."""
