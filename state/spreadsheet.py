"""Cells of every exported spreadsheet (XLSX or CSV) are safe to open (OWASP, CSV injection)."""

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet program would read as a formula, with a single quote in front (so it stays text);
    every other value unchanged. Use it for every cell an export writes."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
