"""Bearer tokens and users, as services/identity keeps them (this module's names, for the callers of old)."""

from services.identity import (
    TOKEN_PREFIX as TOKEN_PREFIX,
)
from services.identity import (
    USER_ROLES as USER_ROLES,
)
from services.identity import (
    TokenCache as TokenCache,
)
from services.identity import (
    UserError as UserError,
)
from services.identity import (
    actor_for_token as actor_for_token,
)
from services.identity import (
    create_user as create_user,
)
from services.identity import (
    disable_user as disable_user,
)
from services.identity import (
    ensure_admin as ensure_admin,
)
from services.identity import (
    hash_token as hash_token,
)
