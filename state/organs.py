"""The issuing organs' document numbers (发文字号, GB/T 9704-2012 7.2.4): 机关代字〔年份〕序号号.

A joint document is numbered by its lead organ, the level's human resources and social security bureau: the city's
临人社字, a county's 兰山人社字 (each organ's ``code`` in the region file, regions/definitions). The register (db/document_register.py) draws the sequence; nobody types a number.
"""

import re

from regions.catalog import DEPLOYMENT
from regions.catalog import city as region_city
from state.domain import Level
from state.numbering import short_name

CITY_PREFIX = DEPLOYMENT.hrss.code

DOCUMENT_NUMBER = re.compile(r"^(?P<prefix>\S+字)〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")


def lead_prefix(level: Level, county: str | None = None, *, city: str | None = None) -> str:
    """The 机关代字 of the organ that leads a joint document at ``level`` (a county's needs the county).

    ``city``: another city of the region files (default: the deployment's). A county the region file does not
    list is numbered after its short name, as before the region files.
    """
    where = region_city(city)
    if level == Level.city:
        return where.hrss.code
    if not county:
        raise ValueError("a county-level document needs its county")
    found = where.county(county)
    return found.hrss.code if found is not None else f"{short_name(county, city=city)}人社字"


def document_number(prefix: str, year: int, seq: int) -> str:
    """``临人社字〔2026〕7号``: the year in 六角括号, the sequence without leading zeros (GB/T 9704 7.2.4)."""
    if seq < 1:
        raise ValueError("a document's sequence starts at 1")
    return f"{prefix}〔{year}〕{seq}号"
