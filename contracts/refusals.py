"""The refusal vocabulary: every business refusal a workflow or activity raises is one of these kinds.

A refusal is an ``ApplicationError`` whose ``type`` is the kind's value; it is non-retryable (retrying cannot
change the answer) and the API maps each kind to one status code (``api.errors``).
"""

from enum import Enum

from temporalio.exceptions import ActivityError, ApplicationError

from contracts.rules import Rule


class RefusalKind(str, Enum):
    forbidden = "Forbidden"  # who: the caller's role, county or department may not do this (403)
    not_found = "NotFound"  # what: no such thing (404)
    act_not_allowed = "ActNotAllowed"  # when: the procedure does not allow it now (409)
    invalid_input = "InvalidInput"  # what it carries: a field breaks a rule (422)


def refuse(kind: RefusalKind, message: str | Rule, **details: object) -> ApplicationError:
    """A business refusal; ``kind`` tells the API which status to answer. Given a ``Rule``, its Chinese text said
    with ``details`` is the message and its code the details' ``rule``."""
    if not isinstance(message, str):  # a Rule (not isinstance: the sandbox may hold its own copy of the class)
        details = {"rule": message.code, **details}
        message = message.say(**details)
    return ApplicationError(message, details, type=kind.value, non_retryable=True)


def refusal_kind(error: BaseException) -> RefusalKind | None:
    """The kind of a refusal raised by a workflow or activity; None for any other error."""
    if isinstance(error, ApplicationError) and error.type in _KINDS:
        return RefusalKind(error.type)
    return None


def refusal_from(error: ActivityError) -> ApplicationError | None:
    """The refusal an activity raised, raised again by the workflow with its details (field, rule, numbers) so they
    reach the API; None when the activity failed otherwise."""
    cause = error.cause
    kind = refusal_kind(cause) if cause is not None else None
    if kind is None:
        return None
    assert isinstance(cause, ApplicationError)
    return refuse(kind, cause.message, **details_of(cause))


def details_of(error: ApplicationError) -> dict[str, object]:
    """The details a refusal carries (its ``rule``, ``field``, facts); empty for an error without them."""
    return dict(error.details[0]) if error.details and isinstance(error.details[0], dict) else {}


_KINDS = {k.value for k in RefusalKind}
