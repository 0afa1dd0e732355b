"""Server-rendered pages: Jinja2 templates (web/templates) and offline static assets (web/static)."""
