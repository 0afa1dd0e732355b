"""The readable 申报编号 (兰山-2026-0007): the county's short name, the declaration's year (Asia/Shanghai) and a
sequence per county and year, four digits. Assigned once, by the read model (db/numbers.py)."""

from datetime import datetime

from regions.catalog import DEPLOYMENT
from regions.catalog import city as region_city
from state.clock import shanghai_date

# The short names the city's documents use (the region file's ``short``); a county not listed drops its 区/县 when
# two characters remain.
SHORT_NAMES: dict[str, str] = {county.name: county.short for county in DEPLOYMENT.counties}


def short_name(county: str, *, city: str | None = None) -> str:
    """兰山区 -> 兰山, for 申报编号; ``city``: another city of the region files (default: the deployment's)."""
    known = SHORT_NAMES if city is None else {c.name: c.short for c in region_city(city).counties}
    if county in known:
        return known[county]
    for suffix in ("新区", "区", "县", "市"):
        if county.endswith(suffix) and len(county) - len(suffix) >= 2:
            return county[: -len(suffix)]
    return county


def declaration_year(declared_at: datetime) -> int:
    return shanghai_date(declared_at).year


def application_number(county: str, year: int, seq: int) -> str:
    return f"{short_name(county)}-{year}-{seq:04d}"
