"""Bearer tokens: issued once in plain text, stored only as SHA-256 hashes; the provider that turns one into a
Principal, with a cache of recently seen valid tokens."""

import hashlib
import time

from anyio import to_thread
from sqlmodel import Session, select

from db.session import session_for
from db.users import User
from services.identity.principal import Credential, Principal
from state.domain import Actor

TOKEN_PREFIX = "bg_"
MAX_TOKEN_LENGTH = 200
BEARER = "bearer"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def actor_of(user: User) -> Actor:
    return Actor(
        user_id=user.id,
        name=user.name,
        role=user.role,
        county=user.county,
        department=user.department,
        city=user.city,
    )


def actor_for_token(session: Session, token: str) -> Actor | None:
    """The Actor a bearer token stands for, or None for an unknown, malformed or disabled token."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    user = session.exec(select(User).where(User.token_hash == hash_token(token))).first()
    if user is None or user.disabled_at is not None:
        return None
    return actor_of(user)


class TokenCache:
    """Recently seen valid tokens, so most requests need no database lookup. A user disabled elsewhere (another
    API process, the database) keeps access for at most ``ttl`` seconds; one disabled through this process
    (``Identity.disable``) is forgotten at once (``forget_user``)."""

    def __init__(self, ttl: float = 30.0, size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self._seen: dict[str, tuple[Actor, float]] = {}

    def get(self, token: str) -> Actor | None:
        hit = self._seen.get(hash_token(token))
        if hit is None or hit[1] < time.monotonic():
            return None
        return hit[0]

    def forget_user(self, user_id: str) -> None:
        self._seen = {k: v for k, v in self._seen.items() if v[0].user_id != user_id}

    def put(self, token: str, actor: Actor) -> None:
        if len(self._seen) >= self.size:
            self._seen.clear()  # crude, and rare: the cache refills from the database
        self._seen[hash_token(token)] = (actor, time.monotonic() + self.ttl)


class TokenProvider:
    """``Authorization: Bearer <token>`` for a token made by ``biaogan users create`` or 用户管理."""

    kind = BEARER
    name = "token"

    def __init__(self, database_url: str, cache: TokenCache | None = None) -> None:
        self.database_url = database_url
        self.cache = cache or TokenCache()

    def _lookup(self, token: str) -> Actor | None:
        # A session of its own, closed at once: acts then wait on Temporal without holding a database connection.
        with session_for(self.database_url) as s:
            return actor_for_token(s, token)

    async def principal(self, credential: Credential) -> Principal | None:
        actor = self.cache.get(credential.secret)
        if actor is None:
            actor = await to_thread.run_sync(self._lookup, credential.secret)
            if actor is None:
                return None
            self.cache.put(credential.secret, actor)
        return Principal(actor, self.name)

    def forget(self, user_id: str) -> None:
        self.cache.forget_user(user_id)
