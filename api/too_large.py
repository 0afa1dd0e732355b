"""The OpenAPI answer of a route that takes files: 413 when one, or a submission's files together, are too large."""

from typing import Any

from schemas.models import ErrorBody

TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorBody, "description": "The file (or a submission's files together) is too large"}
}
