"""Logging for the API and the worker: text by default, one JSON object per line with ``BIAOGAN_LOG_FORMAT=json``.

Each line carries the request id (API) or the workflow and activity ids (worker) when there is one. Personal
data (objectors' names and contacts, tokens) is never logged by biaogan's own code.

The Temporal SDK logs every failed activity with its traceback. A refusal (``contracts.refusals.refuse``: a full
quota, no period for the notice, …) is the procedure working as it should, answered 4xx to the caller: the worker
logs it as one line, with its kind and rule, and no traceback (``quiet_refusals``). Any other failure keeps its
traceback.
"""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from temporalio.exceptions import ApplicationError

from contracts.refusals import refusal_kind

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if request_id := REQUEST_ID.get():
            line["request_id"] = request_id
        for key in ("temporal_workflow", "temporal_activity"):  # set by the Temporal SDK's loggers
            context = getattr(record, key, None)
            if isinstance(context, dict):
                for field in ("workflow_id", "run_id", "workflow_type", "activity_id", "activity_type"):
                    if field in context:
                        line[field] = context[field]
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get() or "-"
        return True


def configure(log_format: str, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


class RefusalsInOneLine(logging.Filter):
    """On the SDK's activity logger: a record of a refusal becomes one INFO line naming its kind and rule."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if not isinstance(error, ApplicationError) or not error.non_retryable or refusal_kind(error) is None:
            return True
        given = error.details[0] if error.details and isinstance(error.details[0], dict) else {}
        rule = f", rule {given['rule']}" if given.get("rule") else ""
        first_line = (error.message.splitlines() or [""])[0]
        record.msg = f"{record.getMessage()}: refused ({error.type}{rule}): {first_line}"
        record.args = None
        record.exc_info = record.exc_text = None
        record.levelno, record.levelname = logging.INFO, logging.getLevelName(logging.INFO)
        return True


ACTIVITY_LOGGER = "temporalio.activity"


def quiet_refusals() -> None:
    """Install ``RefusalsInOneLine`` on the SDK's activity logger (once)."""
    logger = logging.getLogger(ACTIVITY_LOGGER)
    if not any(isinstance(f, RefusalsInOneLine) for f in logger.filters):
        logger.addFilter(RefusalsInOneLine())
