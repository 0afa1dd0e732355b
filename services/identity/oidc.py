"""统一身份认证: the pages' sign-in through the province's identity service by OpenID Connect, with Authlib.

The authorization code flow with state, nonce and PKCE (S256). ``begin`` keeps the sign-in begun (its state's
SHA-256, the nonce, the code verifier; table ``oidc_request``) and answers the provider's address to go to;
the callback's ``Credential("oidc_code", code, name=state)`` comes back to ``OidcProvider.principal``, which takes
the sign-in begun once (a replayed or unknown state is refused), exchanges the code at the token endpoint, and
checks the ID token: its signature by the provider's JWKS (from ``/.well-known/openid-configuration``), issuer,
audience, expiry and nonce. Its subject (issuer and ``sub``) names the user (``api_user.external_subject``); with
``BIAOGAN_OIDC_PROVISIONING=claims`` an unknown subject whose claims map to a valid role, county and department
is made a user. Each refusal is a rule of contracts.rules.sso; nothing is made and no session opened by one.
"""

import hashlib
import secrets
import time
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from urllib.parse import urlencode

import httpx
from anyio import to_thread
from authlib.common.security import generate_token
from authlib.deprecate import AuthlibDeprecationWarning
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidClaimError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from sqlmodel import col, delete

from config import OidcSettings
from contracts.rules.access import ACCOUNT_DISABLED
from contracts.rules.sso import (
    SSO_AUDIENCE_WRONG,
    SSO_CLAIMS_UNMAPPED,
    SSO_DENIED,
    SSO_STATE_UNKNOWN,
    SSO_SUBJECT_TAKEN,
    SSO_SUBJECT_UNKNOWN,
    SSO_TOKEN_EXPIRED,
    SSO_TOKEN_INVALID,
    SSO_UNREACHABLE,
)
from db.logins import OidcRequest
from db.session import session_for
from db.users import User
from services.identity.errors import UserError
from services.identity.principal import Credential, Principal
from services.identity.tokens import actor_of
from services.identity.users import ExternalSubject, add_user, user_of_subject
from services.refusals import Refusal

with warnings.catch_warnings():  # Authlib 1.9 would rather have the httpx2 fork; httpx is what the service uses
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError

OIDC_CODE = "oidc_code"
DISCOVERY = "/.well-known/openid-configuration"
METADATA_SECONDS = 3600  # the discovery document and the JWKS are read again after this long
PROVISIONED_NAME = "统一身份认证用户"


@dataclass(frozen=True)
class Begun:
    url: str  # the provider's authorization endpoint, with the request
    state: str  # also kept in the browser's cookie, to be matched at the callback


def _state_key(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def _keep(database_url: str, state: str, nonce: str, verifier: str, next_path: str, minutes: float) -> None:
    now = datetime.now(UTC)
    with session_for(database_url) as s:
        s.exec(delete(OidcRequest).where(col(OidcRequest.expires_at) < now))
        s.add(
            OidcRequest(
                id=_state_key(state),
                nonce=nonce,
                code_verifier=verifier,
                next_path=next_path,
                created_at=now,
                expires_at=now + timedelta(minutes=minutes),
            )
        )
        s.commit()


def _take(database_url: str, state: str) -> OidcRequest | None:
    """The sign-in begun with ``state``, taken once: a second callback with it finds nothing."""
    if not state or len(state) > 200:
        return None
    now = datetime.now(UTC)
    with session_for(database_url) as s:
        found = s.get(OidcRequest, _state_key(state))
        if found is None:
            return None
        taken = s.exec(delete(OidcRequest).where(col(OidcRequest.id) == found.id))
        s.commit()
        if not taken.rowcount:  # another callback took it meanwhile
            return None
    expires = found.expires_at if found.expires_at.tzinfo else found.expires_at.replace(tzinfo=UTC)
    return found if expires > now else None


class OidcProvider:
    """统一身份认证 (``Credential("oidc_code", code, name=state)``). Its Principals say ``signed_in_by == "oidc"``."""

    kind = OIDC_CODE
    name = "oidc"

    def __init__(self, settings: OidcSettings, database_url: str) -> None:
        self.settings, self.database_url = settings, database_url
        self._metadata: dict[str, Any] | None = None
        self._jwks: dict[str, Any] | None = None
        self._read_at = 0.0

    # The provider's own description ----------------------------------------------------------------------------

    async def _get(self, url: str) -> dict[str, Any]:
        try:
            async with httpx.AsyncClient(timeout=self.settings.oidc_timeout_seconds) as http:
                answer = await http.get(url)
                answer.raise_for_status()
                found = answer.json()
        except (httpx.HTTPError, ValueError):
            raise Refusal(503, SSO_UNREACHABLE) from None
        if not isinstance(found, dict):
            raise Refusal(503, SSO_UNREACHABLE)
        return cast(dict[str, Any], found)

    async def metadata(self) -> dict[str, Any]:
        """The discovery document (503 ``sso_unreachable`` when it cannot be read)."""
        if self._metadata is None or time.monotonic() - self._read_at > METADATA_SECONDS:
            found = await self._get(self.settings.oidc_issuer + DISCOVERY)
            if not all(isinstance(found.get(k), str) for k in ("authorization_endpoint", "token_endpoint", "jwks_uri")):
                raise Refusal(503, SSO_UNREACHABLE)
            self._metadata, self._jwks, self._read_at = found, None, time.monotonic()
        return self._metadata

    async def _keys(self, again: bool = False) -> KeySet:
        if self._jwks is None or again:
            self._jwks = await self._get(str((await self.metadata())["jwks_uri"]))
        try:
            return KeySet.import_key_set(cast(Any, self._jwks))
        except (JoseError, ValueError, TypeError, KeyError):
            raise Refusal(401, SSO_TOKEN_INVALID) from None

    def _client(self, **more: Any) -> AsyncOAuth2Client:
        secret = self.settings.oidc_client_secret
        return AsyncOAuth2Client(
            client_id=self.settings.oidc_client_id,
            client_secret=secret.get_secret_value() if secret else None,
            scope=self.settings.oidc_scopes,
            redirect_uri=self.settings.callback_url(),
            code_challenge_method="S256",
            timeout=self.settings.oidc_timeout_seconds,
            **more,
        )

    # Signing in -------------------------------------------------------------------------------------------------

    async def begin(self, next_path: str) -> Begun:
        """A sign-in begun: where to send the browser (with state, nonce and the PKCE challenge)."""
        endpoint = str((await self.metadata())["authorization_endpoint"])
        state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), generate_token(64)
        async with self._client() as client:
            url, _ = client.create_authorization_url(endpoint, state=state, nonce=nonce, code_verifier=verifier)
        minutes = self.settings.oidc_request_minutes
        await to_thread.run_sync(_keep, self.database_url, state, nonce, verifier, next_path, minutes)
        return Begun(str(url), state)

    async def denied(self, state: str) -> None:
        """The provider answered the callback with an error (``access_denied``): the sign-in begun ends here."""
        await to_thread.run_sync(_take, self.database_url, state)
        raise Refusal(403, SSO_DENIED)

    async def principal(self, credential: Credential) -> Principal | None:
        begun = await to_thread.run_sync(_take, self.database_url, credential.name)
        if begun is None:
            raise Refusal(400, SSO_STATE_UNKNOWN)
        token = await self._exchange(credential.secret, begun.code_verifier)
        claims = await self._verified(token, begun.nonce)
        user = await to_thread.run_sync(self._user, claims)
        return Principal(actor_of(user), self.name, id_token=str(token["id_token"]))

    def next_path(self, state: str) -> str:
        """Where the user was going; read before the callback takes the sign-in begun."""
        with session_for(self.database_url) as s:
            found = s.get(OidcRequest, _state_key(state)) if state else None
        return found.next_path if found is not None else "/"

    async def _exchange(self, code: str, verifier: str) -> dict[str, Any]:
        endpoint = str((await self.metadata())["token_endpoint"])
        try:
            async with self._client() as client:
                token = await client.fetch_token(endpoint, code=code, code_verifier=verifier)
        except httpx.TransportError:
            raise Refusal(503, SSO_UNREACHABLE) from None
        except (OAuthError, httpx.HTTPError, ValueError):  # the provider refused the code or this client
            raise Refusal(401, SSO_TOKEN_INVALID) from None
        if not isinstance(token.get("id_token"), str):
            raise Refusal(401, SSO_TOKEN_INVALID)
        return dict(token)

    async def _verified(self, token: dict[str, Any], nonce: str) -> dict[str, Any]:
        """The ID token's claims, after its signature, issuer, audience, expiry and nonce are checked."""
        metadata = await self.metadata()
        algorithms = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = [a for a in algorithms if isinstance(a, str) and a != "none"]
        try:
            try:
                decoded = jwt.decode(token["id_token"], await self._keys(), algorithms=algorithms)
            except InvalidKeyIdError:  # the provider rolled its keys: read them once more
                decoded = jwt.decode(token["id_token"], await self._keys(again=True), algorithms=algorithms)
        except JoseError:
            raise Refusal(401, SSO_TOKEN_INVALID) from None
        issuer = str(metadata.get("issuer") or self.settings.oidc_issuer)
        if issuer.rstrip("/") != self.settings.oidc_issuer:
            raise Refusal(401, SSO_TOKEN_INVALID)
        client_id = self.settings.oidc_client_id
        claims = CodeIDToken(
            decoded.claims,
            decoded.header,
            {"iss": {"essential": True, "value": issuer}, "aud": {"essential": True, "value": client_id}},
            {"nonce": nonce, "client_id": client_id, "access_token": token.get("access_token")},
        )
        try:
            claims.validate(leeway=self.settings.oidc_clock_skew_seconds)
        except ExpiredTokenError:
            raise Refusal(401, SSO_TOKEN_EXPIRED) from None
        except InvalidClaimError as wrong:
            raise Refusal(401, SSO_AUDIENCE_WRONG if wrong.claim in ("aud", "azp") else SSO_TOKEN_INVALID) from None
        except JoseError:
            raise Refusal(401, SSO_TOKEN_INVALID) from None
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise Refusal(401, SSO_TOKEN_INVALID)
        found = dict(claims)
        if self.settings.oidc_provisioning == "claims" and self.settings.oidc_role_claim not in found:
            found = {**(await self._userinfo(metadata, token, found["sub"])), **found}
        return found

    async def _userinfo(self, metadata: dict[str, Any], token: dict[str, Any], subject: str) -> dict[str, Any]:
        """The claims the provider gives at its userinfo endpoint (some put the role and county only there)."""
        endpoint = metadata.get("userinfo_endpoint")
        if not isinstance(endpoint, str) or not isinstance(token.get("access_token"), str):
            return {}
        try:
            async with httpx.AsyncClient(timeout=self.settings.oidc_timeout_seconds) as http:
                answer = await http.get(endpoint, headers={"Authorization": f"Bearer {token['access_token']}"})
                answer.raise_for_status()
                found = answer.json()
        except (httpx.HTTPError, ValueError):
            raise Refusal(503, SSO_UNREACHABLE) from None
        if not isinstance(found, dict) or found.get("sub") != subject:
            raise Refusal(401, SSO_TOKEN_INVALID)
        return found

    # Who they are here -------------------------------------------------------------------------------------------

    def _user(self, claims: dict[str, Any]) -> User:
        external = ExternalSubject(self.settings.oidc_issuer, str(claims["sub"]))
        user = user_of_subject(self.database_url, external)
        if user is None:
            if self.settings.oidc_provisioning != "claims":
                raise Refusal(403, SSO_SUBJECT_UNKNOWN)
            user = self._provisioned(claims, external)
        if user.disabled_at is not None:
            raise Refusal(403, ACCOUNT_DISABLED)
        return user

    def _claim(self, claims: dict[str, Any], name: str, mapping: dict[str, str]) -> str | None:
        value = claims.get(name) if name else None
        if value is None or value == "":
            return None
        text = str(value)
        return mapping.get(text, text)

    def _provisioned(self, claims: dict[str, Any], external: ExternalSubject) -> User:
        """A user made from the claims (the provisioning rule: README, 统一身份认证)."""
        s = self.settings
        role = self._claim(claims, s.oidc_role_claim, s.oidc_role_map)
        county = self._claim(claims, s.oidc_county_claim, s.oidc_county_map)
        department = self._claim(claims, s.oidc_department_claim, s.oidc_department_map)
        name = str(claims.get(s.oidc_name_claim) or PROVISIONED_NAME)
        if role is None or role == "admin":  # an admin is never made by a provider's word
            raise Refusal(403, SSO_CLAIMS_UNMAPPED, what="角色")
        try:
            made = add_user(self.database_url, name, role, county, department, external=external)
        except UserError as wrong:
            if wrong.rule == SSO_SUBJECT_TAKEN.code:  # made by their other sign-in meanwhile
                again = user_of_subject(self.database_url, external)
                if again is not None:
                    return again
            raise Refusal(403, SSO_CLAIMS_UNMAPPED, what=_WHAT.get(wrong.field, "角色")) from None
        with session_for(self.database_url) as db:
            found = db.get(User, made.id)
        assert found is not None
        return found

    def forget(self, user_id: str) -> None:
        """Nothing kept of a user: every sign-in reads the user afresh."""

    # Signing out -------------------------------------------------------------------------------------------------

    async def end_session_url(self, id_token: str | None) -> str | None:
        """Where to sign out at the provider too (its ``end_session_endpoint``, with the ID token as the hint and
        the login page to come back to); None when it has none or cannot be reached."""
        try:
            endpoint = (await self.metadata()).get("end_session_endpoint")
        except Refusal:
            return None
        if not isinstance(endpoint, str):
            return None
        query: dict[str, str] = {
            "post_logout_redirect_uri": f"{self.settings.oidc_redirect_base}/login",
            "client_id": self.settings.oidc_client_id,
        }
        if id_token:
            query["id_token_hint"] = id_token
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"


_WHAT = {"role": "角色", "county": "县区", "department": "部门", "name": "姓名", "external_subject": "用户标识"}


def oidc_of(providers: list[Any]) -> OidcProvider | None:
    """The running service's 统一身份认证 provider, when it has one."""
    return next((p for p in providers if isinstance(p, OidcProvider)), None)
