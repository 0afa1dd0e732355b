"""One identity: who is calling, resolved in one place from whatever credential the request carries.

- ``Principal`` (principal.py): the ``Actor`` a caller acts as (what workflows and the other services receive:
  ``principal.actor``) and ``signed_in_by``, how they signed in ("token", "password", …).
- ``Provider`` (providers.py): one way in, a ``Credential`` of its ``kind`` in, a Principal (or None) out.
  ``TokenProvider`` reads bearer tokens (tokens.py), ``SessionProvider`` the pages' session cookie (sessions.py),
  ``PasswordProvider`` a login and password (passwords.py: argon2, the lockout).
- ``Identity`` (providers.py): the running service's providers; ``resolve`` is the one place a credential becomes
  a Principal, ``caller`` the API's (401 ``sign_in_required`` / ``token_unknown``), ``sign_in`` the sign-in form's,
  ``disable`` ends a user everywhere. ``identity_of(app.state)`` is the app's own.
- ``admit`` (principal.py): the one admission by role, for the API's dependencies and the pages alike
  (403 ``role_not_permitted``, in Chinese).

``OidcProvider`` (oidc.py) is the province's 统一身份认证 by OpenID Connect, registered by ``standard_identity``
when it is configured (``BIAOGAN_OIDC_*``); its callback's Principal says ``signed_in_by == "oidc"``.

How it was added (and how another way in, CAS say, would be): one new provider class; resolve, admit and every
route stay as they are:

1. Write ``OidcProvider`` with ``kind``, ``name = "oidc"``, ``async principal(credential)`` and ``forget``.
   For the pages' sign-in it reads a new kind, say ``Credential("oidc_code", code, name=state)``: exchange the
   code at the IdP's token endpoint, check the ID token (issuer, audience, nonce, signature by the JWKS), map its
   subject to a user (``api_user``; a mapping table of subjects to user ids is a migration of db/), and answer
   ``Principal(actor, "oidc")`` (or None: an unknown subject is no user here). For API callers holding the IdP's
   access tokens it can read ``kind = "bearer"`` too: it is asked after ``TokenProvider`` and answers a JWT that
   provider does not know.
2. Register it: ``identity_of(app.state).add(OidcProvider(...))`` at start-up (or in ``standard_identity`` from
   settings).
3. The pages' callback route calls ``identity.sign_in(Credential("oidc_code", …))`` and then
   ``open_session(url, principal.id, now, hours, signed_in_by=principal.signed_in_by)``: from then on the
   session cookie resolves, through ``SessionProvider``, to a Principal saying ``signed_in_by == "oidc"``.
"""

from services.identity.errors import AccountError, LoginError, UserError
from services.identity.oidc import OIDC_CODE, Begun, OidcProvider, oidc_of
from services.identity.passwords import (
    PasswordProvider,
    SignIn,
    add_login,
    check_new_login,
    normal_login,
    reset_password,
    sign_in,
)
from services.identity.principal import READERS, Credential, Principal, admit, role_words
from services.identity.providers import Identity, Provider, identity_of, standard_identity
from services.identity.sessions import SessionProvider, close_session, end_sessions, open_session, session_of
from services.identity.tokens import (
    TOKEN_PREFIX,
    TokenCache,
    TokenProvider,
    actor_for_token,
    actor_of,
    hash_token,
)
from services.identity.users import (
    USER_ROLES,
    ExternalSubject,
    NewUser,
    add_user,
    create_user,
    disable_user,
    ensure_admin,
    external_subject,
    set_external_subject,
)

__all__ = [
    "OIDC_CODE",
    "Begun",
    "ExternalSubject",
    "OidcProvider",
    "external_subject",
    "oidc_of",
    "set_external_subject",
    "READERS",
    "TOKEN_PREFIX",
    "USER_ROLES",
    "AccountError",
    "Credential",
    "Identity",
    "LoginError",
    "NewUser",
    "PasswordProvider",
    "Principal",
    "Provider",
    "SessionProvider",
    "SignIn",
    "TokenCache",
    "TokenProvider",
    "UserError",
    "actor_for_token",
    "actor_of",
    "add_login",
    "add_user",
    "admit",
    "check_new_login",
    "close_session",
    "create_user",
    "disable_user",
    "end_sessions",
    "ensure_admin",
    "hash_token",
    "identity_of",
    "normal_login",
    "open_session",
    "reset_password",
    "role_words",
    "session_of",
    "sign_in",
    "standard_identity",
]
