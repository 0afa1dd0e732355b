"""Admitting a caller by role, for the services and the pages of the administration area (the API's routes admit
with api.deps.role_in before the service is called; a page, which must not import the API, asks here)."""

from contracts.rules.administration import NOT_FOR_ROLE
from services.refusals import Refusal
from state.domain import Actor, Role
from state.labels import ROLES

# Who may read applications at all (api.deps.READERS, the same roles); county-scoped callers see only their county.
READERS = (Role.county_bureau, Role.city_reviewer, Role.department, Role.inspector, Role.supervisor)
# Who opens and runs rounds (api.deps.LevelOwner).
LEVEL_OWNERS = (Role.county_bureau, Role.city_reviewer)


def admit(actor: Actor, *roles: Role) -> Actor:
    """``actor`` when their role is one of ``roles``; a 403 naming who may, before anything is looked at."""
    if actor.role not in roles:
        raise Refusal(403, NOT_FOR_ROLE, roles="、".join(ROLES[r] for r in roles))
    return actor
