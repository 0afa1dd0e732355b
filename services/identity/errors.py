"""Why a user or a login cannot be made: a rule of contracts.rules.access (its Chinese text is the message) and the
form field at fault."""

from typing import Any

from contracts.rules import Rule


class AccountError(ValueError):
    def __init__(self, rule: Rule, field: str, **facts: Any) -> None:
        super().__init__(rule.say(**facts))
        self.rule = rule.code
        self.field = field
        self.message = rule.say(**facts)


class UserError(AccountError):
    """A user that cannot exist: unknown role, a county bureau without a county, and so on."""


class LoginError(AccountError):
    """A login that cannot be given: malformed, taken, or a password too short."""
