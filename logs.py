"""Logging for the API and the worker: text by default, one JSON object per line with ``BIAOGAN_LOG_FORMAT=json``.

Each line carries the request id (API) or the workflow and activity ids (worker) when there is one. Personal
data (objectors' names and contacts, tokens) is never logged by biaogan's own code.
"""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

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
