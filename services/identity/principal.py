"""Who is calling: a ``Principal`` (the ``Actor`` they act as, and how they signed in), the credential a request
carries, and the one admission by role that the API and the pages both use."""

from dataclasses import dataclass, field

from contracts.rules.access import ROLE_NOT_PERMITTED
from services.refusals import Refusal
from state.domain import Actor, Department, Role
from state.labels import ROLES

# Who may read applications at all; county-scoped callers see only their county.
READERS = (Role.county_bureau, Role.city_reviewer, Role.department, Role.inspector, Role.supervisor)


@dataclass(frozen=True)
class Credential:
    """What a request (or a sign-in form) presents. ``kind`` says which providers read it: ``bearer`` (an
    ``Authorization: Bearer`` token), ``session`` (the pages' session cookie), ``password`` (``name`` is the login,
    ``secret`` the password); a new way in names its own kind (an OIDC callback's code, say)."""

    kind: str
    secret: str
    name: str = ""


@dataclass(frozen=True)
class Principal:
    """A signed-in caller. Workflows and the other services receive ``actor``; ``signed_in_by`` says how they
    signed in ("token", "password", "oidc" …), ``csrf_token`` is the pages' session's own token (empty elsewhere),
    ``id_token`` the ID token 统一身份认证 gave at sign-in (kept with the session, the hint when signing out there)."""

    actor: Actor
    signed_in_by: str
    csrf_token: str = field(default="", repr=False, compare=False)
    id_token: str = field(default="", repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.actor.user_id

    @property
    def name(self) -> str:
        return self.actor.name

    @property
    def role(self) -> Role:
        return self.actor.role

    @property
    def county(self) -> str | None:
        return self.actor.county

    @property
    def department(self) -> Department | None:
        return self.actor.department


def role_words(roles: tuple[Role, ...] | list[Role]) -> str:
    return "、".join(ROLES[r] for r in roles)


def admit(who: Actor | Principal, *roles: Role) -> Actor:
    """``who`` as the Actor they act as, when their role is one of ``roles``; else 403 ``role_not_permitted``,
    said in Chinese and naming the roles by code (``role``, ``allowed_roles``) for a program."""
    actor = who.actor if isinstance(who, Principal) else who
    if actor.role not in roles:
        raise Refusal(
            403,
            ROLE_NOT_PERMITTED.say(roles=role_words(roles), role=ROLES[actor.role]),
            rule=ROLE_NOT_PERMITTED.code,
            role=actor.role.value,
            allowed_roles=[r.value for r in roles],
        )
    return actor
