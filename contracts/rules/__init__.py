"""Every refusal's rule, in one register: a stable ``code`` (the machine-readable part of an answer) and its
Chinese text, written once, naming the facts it needs as ``{placeholders}``.

The register is filled by one module per area (imported at the bottom); a code may be registered only once.
The API's ``message`` and the pages' words are both ``Rule.say(**facts)``: nothing on either side translates
English any more. ``tests/contracts/test_rules.py`` walks the register.
"""

from dataclasses import dataclass, field
from string import Formatter
from typing import Any


@dataclass(frozen=True)
class Rule:
    code: str
    text: str  # Chinese; ``{fact}`` placeholders filled by ``say``
    facts: tuple[str, ...] = field(default=(), init=False)

    def __post_init__(self) -> None:
        names = tuple(n for _, n, _, _ in Formatter().parse(self.text) if n)
        object.__setattr__(self, "facts", names)

    def say(self, **facts: Any) -> str:
        """The text with its facts; a fact not given is left out rather than printed as a placeholder."""
        return self.text.format_map(_Given(facts))


class _Given(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


RULES: dict[str, Rule] = {}


def rule(code: str, text: str) -> Rule:
    """Register ``code`` with its Chinese ``text``; every code once."""
    if code in RULES:
        raise ValueError(f"rule {code!r} is registered twice")
    RULES[code] = made = Rule(code, text)
    return made


def text_of(code: str, **facts: Any) -> str | None:
    """The Chinese text of a registered ``code``; None for a code not in the register."""
    found = RULES.get(code)
    return found.say(**facts) if found else None


# The areas fill the register (imported for that effect; each names its rules as module constants).
from contracts.rules import (  # noqa: E402,F401
    access,
    administration,
    announcements,
    applications,
    engine,
    institutions,
    opinions,
    panel,
    places,
    programs,
    revocations,
    schema,
    scores,
    sso,
    verification,
)
