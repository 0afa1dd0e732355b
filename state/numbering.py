"""The readable 申报编号 (兰山-2026-0007): the county's short name, the declaration's year (Asia/Shanghai) and a
sequence per county and year, four digits. Assigned once, by the read model (db/numbers.py)."""

from datetime import datetime

from state.clock import shanghai_date

# The short names the city's documents use; a county not listed drops its 区/县 when two characters remain.
SHORT_NAMES: dict[str, str] = {
    "兰山区": "兰山",
    "罗庄区": "罗庄",
    "河东区": "河东",
    "沂南县": "沂南",
    "郯城县": "郯城",
    "沂水县": "沂水",
    "兰陵县": "兰陵",
    "费县": "费县",
    "平邑县": "平邑",
    "莒南县": "莒南",
    "蒙阴县": "蒙阴",
    "临沭县": "临沭",
    "高新区": "高新",
    "经开区": "经开",
    "临港区": "临港",
    "沂河新区": "沂河",
}


def short_name(county: str) -> str:
    if county in SHORT_NAMES:
        return SHORT_NAMES[county]
    for suffix in ("新区", "区", "县", "市"):
        if county.endswith(suffix) and len(county) - len(suffix) >= 2:
            return county[: -len(suffix)]
    return county


def declaration_year(declared_at: datetime) -> int:
    return shanghai_date(declared_at).year


def application_number(county: str, year: int, seq: int) -> str:
    return f"{short_name(county)}-{year}-{seq:04d}"
