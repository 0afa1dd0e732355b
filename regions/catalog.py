"""The regions this deployment knows and the city it serves.

The package's own files (regions/definitions/*.toml) are read once, at import: state.domain and state.labels
derive the counties, the city's name and the organs from :data:`DEPLOYMENT`. Files in the directory named by
``BIAOGAN_REGIONS_DIR`` add cities (read when a city is first asked for that the package does not define).
``BIAOGAN_REGIONS_CITY`` names the deployment's city (临沂市 unless set): still one city per deployment.
"""

import os
from functools import cache
from pathlib import Path

from regions.loader import DEFINITIONS_DIR, RegionError, load_directory
from regions.model import City, Province

DIRECTORY_VARIABLE = "BIAOGAN_REGIONS_DIR"
CITY_VARIABLE = "BIAOGAN_REGIONS_CITY"
DEFAULT_CITY = "临沂市"

PACKAGED: tuple[Province, ...] = load_directory(DEFINITIONS_DIR)


def _index(provinces: tuple[Province, ...]) -> dict[str, City]:
    return {city.name: city for province in provinces for city in province.cities}


@cache
def _extra(directory: str) -> dict[str, City]:
    return _index(load_directory(directory))


def cities(directory: Path | str | None = None) -> dict[str, City]:
    """Every known city by name: the package's, then those of ``directory`` (default ``BIAOGAN_REGIONS_DIR``)."""
    found = _index(PACKAGED)
    where = directory if directory is not None else os.environ.get(DIRECTORY_VARIABLE)
    if where:
        if not os.path.isdir(where):
            raise RegionError(where, None, "", f"{DIRECTORY_VARIABLE} 指向的目录不存在")
        for name, city in _extra(os.path.realpath(where)).items():
            found.setdefault(name, city)
    return found


def city(name: str | None = None) -> City:
    """The city named ``name`` (default: the deployment's), from the package's files or ``BIAOGAN_REGIONS_DIR``."""
    if name is None or name == DEPLOYMENT.name:
        return DEPLOYMENT
    known = _index(PACKAGED)
    if name in known:
        return known[name]
    found = cities().get(name)
    if found is None:
        raise KeyError(f"没有城市“{name}”的地区定义")
    return found


def _deployment() -> City:
    name = os.environ.get(CITY_VARIABLE) or DEFAULT_CITY
    found = cities().get(name)
    if found is None:
        raise RegionError(DEFINITIONS_DIR, None, "", f"{CITY_VARIABLE} 指定的城市“{name}”没有地区定义")
    return found


DEPLOYMENT: City = _deployment()
