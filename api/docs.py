"""/docs: Swagger UI over /openapi.json, served by the app itself (web/static/vendor/swagger-ui/, no CDN: the API
runs on an intranet) and started by /static/docs.js, so that the page needs no inline script
(api/security_headers.py gives it its CSP)."""

from html import escape

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
