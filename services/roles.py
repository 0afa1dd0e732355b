"""Admitting a caller by role: services.identity's one admission (403 ``role_not_permitted``, the same words on the
API and the pages), and the groups of roles the administration area names."""

from services.identity import READERS as READERS
from services.identity import admit as admit
from state.domain import Role

# Who opens and runs rounds (api.deps.LevelOwner).
LEVEL_OWNERS = (Role.county_bureau, Role.city_reviewer)
