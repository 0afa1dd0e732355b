"""/docs: Swagger UI over /openapi.json, served by the app itself (web/static/vendor/swagger-ui/, no CDN: the API
runs on an intranet) and started by /static/docs.js, so that the page needs no inline script
(api/security_headers.py gives it its CSP)."""

from html import escape
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from api.security_headers import DOCS_PATH

VENDOR = "/static/vendor/swagger-ui"


def install(app: FastAPI) -> None:
    title = escape(app.title)
    openapi = escape(app.openapi_url or "/openapi.json")
    html = f"""<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} - API</title>
  <link rel="stylesheet" href="{VENDOR}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-openapi="{openapi}"></div>
  <script src="{VENDOR}/swagger-ui-bundle.js"></script>
  <script src="/static/docs.js"></script>
</body>
</html>
"""

    @app.get(DOCS_PATH, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(html)

    settle(app)


def settle(app: FastAPI) -> None:
    """The OpenAPI document says the bounds this app was configured with: an objection's evidence list holds at
    most ``objection_evidence_max_files`` (the server refuses more, 422 ``too_many_evidence_files``)."""
    plain = app.openapi

    def settled() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = plain()
            most = app.state.settings.materials.objection_evidence_max_files
            evidence = schema["components"]["schemas"]["ObjectionCreate"]["properties"]["evidence"]
            evidence["maxItems"] = most
            evidence["description"] = f"images uploaded to …/objections/evidence, at most {most}"
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = settled  # type: ignore[method-assign]
