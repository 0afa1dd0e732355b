"""Which city a county belongs to, for scoping reads by city (services.access.city_scope).

A row that names only its county (a title, a filing, a round's owner) belongs to the city whose region file lists
that county; a county no known city lists (or none at all) is the deployment's.
"""

from regions.catalog import DEPLOYMENT, cities


def known_city(name: str) -> bool:
    return name in cities()


def county_city(county: str | None) -> str:
    """The city that lists ``county``: the deployment's first (its counties win a shared name), else another known
    city's; the deployment's when none does."""
    if not county or DEPLOYMENT.county(county) is not None:
        return DEPLOYMENT.name
    for city in cities().values():
        if city.county(county) is not None:
            return city.name
    return DEPLOYMENT.name


def tally_counties(city: str) -> tuple[str, ...] | None:
    """The counties whose tallies (application_tally, title_tally: kept by county, not city) are all ``city``'s:
    its counties when no other known city shares one of their names; None when one does (count the rows then)."""
    known = cities()
    own = known.get(city)
    if own is None:
        return ()
    names = {c.name for c in own.counties}
    for other in known.values():
        if other.name != city and names & {c.name for c in other.counties}:
            return None
    return tuple(sorted(names))
