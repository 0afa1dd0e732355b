"""A refused use: the one exception every service raises and both the API and the pages answer.

``Refusal(status, RULE, **facts)`` takes its message from the rule's Chinese text (contracts.rules) and carries
the rule's code; ``from_temporal`` is the one translation of what a Temporal call raised into a refusal.
"""

from typing import Any

from temporalio.client import WorkflowFailureError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from clients.gate import NoWorker
from contracts.refusals import RefusalKind, refusal_kind
from contracts.rules import Rule, access

STATUS_FOR_KIND = {
    RefusalKind.forbidden: 403,
    RefusalKind.not_found: 404,
    RefusalKind.act_not_allowed: 409,
    RefusalKind.invalid_input: 422,
}
RATE_LIMITED = 429
RETRY_SOON = {"Retry-After": "1"}
# What a Temporal that is down, stopped or cut off answers. A call bounded by its rpc timeout (clients/gate.py) that
# gets no answer ends CANCELLED ("Timeout expired"); a connection that breaks, UNKNOWN ("transport error").
UNREACHABLE = frozenset(
    {
        RPCStatusCode.UNAVAILABLE,
        RPCStatusCode.DEADLINE_EXCEEDED,
        RPCStatusCode.CANCELLED,
        RPCStatusCode.UNKNOWN,
        RPCStatusCode.ABORTED,
        RPCStatusCode.INTERNAL,
        RPCStatusCode.FAILED_PRECONDITION,  # e.g. "no poller seen for task queue recently"
    }
)


class Refusal(Exception):
    """A refused call. ``extra`` goes into the body's ``detail`` beside the message."""

    def __init__(
        self, status: int, message: str | Rule, *, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        if isinstance(message, Rule):
            extra.setdefault("rule", message.code)
            message = message.say(**extra)
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers
        self.extra = {k: v for k, v in extra.items() if v is not None}


def not_found(what: str) -> Refusal:
    """404 for a record asked for by ``what`` (an id, a year, a county): also the answer for one outside the
    caller's scope, so existence never leaks. ``what`` goes to the answer's facts, never into its words."""
    return Refusal(404, access.NOT_FOUND, target=what)


def from_temporal(error: BaseException, what: str, renamed: dict[str, str] | None = None) -> Refusal:
    """The one translation of what a Temporal call raised into an answer; ``what`` names the target for a 404
    (e.g. "application 'x'"), ``renamed`` renames detail keys. Unknown errors propagate (they are bugs: 500)."""
    cause = error.cause if isinstance(error, (WorkflowUpdateFailedError, WorkflowFailureError)) else error
    kind = refusal_kind(cause) if cause is not None else None
    if kind is not None:
        assert isinstance(cause, ApplicationError)
        given: dict[str, Any] = cause.details[0] if cause.details and isinstance(cause.details[0], dict) else {}
        details = {(renamed or {}).get(k, k): v for k, v in given.items() if k not in ("status", "message", "headers")}
        if isinstance(details.get("problems"), list):  # declaration problems name their rule ``code``
            details["problems"] = [
                {"field": p.get("field", ""), "rule": p.get("code", ""), "message": p.get("message", "")}
                for p in details["problems"]
            ]
        return Refusal(STATUS_FOR_KIND[kind], cause.message, **details)
    if isinstance(error, NoWorker):
        return Refusal(503, access.NO_WORKER, headers={"Retry-After": str(error.retry_after)}, code="no_worker")
    if isinstance(error, RPCError):
        if error.status == RPCStatusCode.NOT_FOUND:
            return Refusal(404, access.NOT_FOUND, target=what)
        if error.status == RPCStatusCode.RESOURCE_EXHAUSTED:
            return Refusal(503, access.TEMPORAL_BUSY, headers=RETRY_SOON, code="temporal_busy")
        if error.status in UNREACHABLE:
            return Refusal(503, access.TEMPORAL_UNAVAILABLE, headers=RETRY_SOON, code="temporal_unavailable")
    if isinstance(error, WorkflowUpdateRPCTimeoutOrCancelledError):
        return Refusal(503, access.ACT_TIMEOUT, headers=RETRY_SOON, code="act_timeout")
    raise error
