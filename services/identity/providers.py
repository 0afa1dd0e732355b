"""The ways in: the ``Provider`` interface and the running service's ``Identity``, which tries its providers for a
credential and is the one place a credential becomes a Principal."""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any, Protocol

from config import Settings
from contracts.rules.access import PASSWORD_WRONG, SIGN_IN_REQUIRED, TOKEN_UNKNOWN
from services.identity.oidc import OidcProvider
from services.identity.passwords import PasswordProvider
from services.identity.principal import Credential, Principal
from services.identity.sessions import SessionProvider
from services.identity.tokens import TokenCache, TokenProvider
from services.identity.users import disable_user
from services.refusals import Refusal

BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}


class Provider(Protocol):
    """One way in. ``kind``: the credentials it reads (``Credential.kind``); ``name``: what its Principals say as
    ``signed_in_by``. ``principal`` answers None for a credential it does not know (the next provider of the kind
    is asked) or raises ``Refusal`` for one it knows and refuses (a locked login); ``forget`` drops what it keeps
    of a user who was just disabled."""

    @property
    def kind(self) -> str: ...

    @property
    def name(self) -> str: ...

    async def principal(self, credential: Credential) -> Principal | None: ...

    def forget(self, user_id: str) -> None: ...


class Identity:
    """The providers of one running service, asked in the order they were added."""

    def __init__(self, providers: Iterable[Provider], database_url: str) -> None:
        self.providers = list(providers)
        self.database_url = database_url

    def add(self, provider: Provider, *, first: bool = False) -> None:
        """A new way in; ``first`` asks it before the providers of its kind already there."""
        self.providers.insert(0, provider) if first else self.providers.append(provider)

    def remove(self, provider: Provider) -> None:
        self.providers.remove(provider)

    async def resolve(self, credential: Credential | None) -> Principal | None:
        """Who ``credential`` stands for: the first Principal a provider of its kind answers; None for no
        credential, or one no provider knows."""
        if credential is None:
            return None
        for provider in self.providers:
            if provider.kind == credential.kind:
                found = await provider.principal(credential)
                if found is not None:
                    return found
        return None

    async def caller(self, credential: Credential | None) -> Principal:
        """An API caller, who must be signed in: 401 ``sign_in_required`` without a credential, ``token_unknown``
        for one no provider knows (an unknown or disabled user's token)."""
        if credential is None:
            raise Refusal(401, SIGN_IN_REQUIRED, headers=BEARER_CHALLENGE)
        found = await self.resolve(credential)
        if found is None:
            raise Refusal(401, TOKEN_UNKNOWN, headers=BEARER_CHALLENGE)
        return found

    async def sign_in(self, credential: Credential) -> Principal:
        """A sign-in (a login and password today): the Principal, or 401 ``password_wrong`` (and whatever the
        provider refuses: ``login_locked``, ``account_disabled``)."""
        found = await self.resolve(credential)
        if found is None:
            raise Refusal(401, PASSWORD_WRONG)
        return found

    def disable(self, user_id: str) -> bool:
        """Disable a user: their sessions end and every provider forgets them at once. False when already
        disabled."""
        done = disable_user(self.database_url, user_id)
        self.forget(user_id)
        return done

    def forget(self, user_id: str) -> None:
        for provider in self.providers:
            provider.forget(user_id)


def standard_identity(settings: Settings, cache: TokenCache | None = None) -> Identity:
    """The ways in every service has: bearer tokens, the pages' sessions, and logins with passwords; and
    统一身份认证 (OpenID Connect) when ``BIAOGAN_OIDC_ISSUER`` and ``BIAOGAN_OIDC_CLIENT_ID`` are set."""
    url, web = settings.database_url, settings.web
    providers: list[Provider] = [
        TokenProvider(url, cache),
        SessionProvider(url),
        PasswordProvider(url, web.web_login_attempts, timedelta(minutes=web.web_lockout_minutes)),
    ]
    if settings.oidc.configured:
        providers.append(OidcProvider(settings.oidc, url))
    return Identity(providers, url)


def identity_of(state: Any) -> Identity:
    """The running service's Identity, kept on its app's ``state`` (made on first use from its ``settings`` and its
    ``token_cache``, when it has one)."""
    found = getattr(state, "identity", None)
    if not isinstance(found, Identity):
        found = standard_identity(state.settings, getattr(state, "token_cache", None))
        state.identity = found
    return found
