"""Errors that no retry can cure, made non-retryable for every activity of the worker.

Temporal retries a failed activity until it succeeds. That is right for a database that is down or a webhook
that times out, and wrong for a value the database can never store: a quota total of 10^30 (SQLite:
``OverflowError``; PostgreSQL: ``NumericValueOutOfRange``) or a window opening in year 1 (``date value out of
range``) fails the same way on every attempt, for ever, while the workflow that asked waits (QuotaWorkflow
waits holding its lock, so every later change and reservation of the period waits behind it).

The choice: one activity interceptor, installed by ``worker.build_worker`` (the one worker factory), turns
such *data errors* escaping any activity into a non-retryable refusal (``refuse(RefusalKind.invalid_input)``,
rule ``unstorable_value``), so the workflow gets an answer at once and the API answers 422. It sees every
activity, present and future, without each one's retry policy having to list exception types. Data errors are:

- ``OverflowError`` and ``ValueError`` (including ``UnicodeError`` and pydantic's ``ValidationError``),
  raised by Python or wrapped by SQLAlchemy (``StatementError`` while binding parameters);
- the database driver's ``DataError`` (SQLAlchemy ``DataError``: numeric or date out of range, bad text).

Everything else is retried as before: unreachable services, database outages and lock timeouts, unique-key
races (``IntegrityError``: a retry re-reads and resolves them, e.g. two reservations for one place), and
programming errors (a fixed worker deployed while the activity retries then completes it).
"""

import logging
from typing import Any

from sqlalchemy.exc import DataError, StatementError
from temporalio import activity
from temporalio.exceptions import ApplicationError
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

from contracts.refusals import RefusalKind, refuse
from contracts.rules import engine as rules

log = logging.getLogger(__name__)

UNSTORABLE = rules.UNSTORABLE_VALUE.code
_DATA_ERRORS: tuple[type[BaseException], ...] = (OverflowError, ValueError)


def _root(error: BaseException) -> BaseException:
    """The error under SQLAlchemy's wrapper, whose text names the value and not the SQL statement."""
    while isinstance(error, StatementError) and error.orig is not None:
        error = error.orig
    return error


def is_permanent(error: BaseException) -> bool:
    """Whether ``error`` would happen again, identically, on every retry (a value that cannot be stored)."""
    if isinstance(error, ApplicationError):
        return False  # the activity decided itself
    if isinstance(error, DataError):
        return True
    return isinstance(_root(error), _DATA_ERRORS)


def permanent_refusal(error: BaseException, activity_type: str) -> ApplicationError:
    root = _root(error)
    cause = (str(root).splitlines() or [""])[0][:200]
    return refuse(
        RefusalKind.invalid_input,
        rules.UNSTORABLE_VALUE,
        cause=cause,
        activity=activity_type,
        error=type(root).__name__,
    )


class _Inbound(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        try:
            return await super().execute_activity(input)
        except Exception as e:
            if not is_permanent(e):
                raise
            info = activity.info()
            log.error(
                "activity %s (%s, attempt %d) failed permanently; not retrying",
                info.activity_type,
                info.workflow_id,
                info.attempt,
                exc_info=e,
            )
            raise permanent_refusal(e, info.activity_type) from None  # the cause's text may hold the SQL and its values


class PermanentErrors(Interceptor):
    """``Worker(interceptors=[PermanentErrors()])``: data errors from any activity are not retried."""

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _Inbound(next)
