"""Security headers on every answer: no MIME sniffing, no referrer outside the site, no framing (the act forms, 撤回
and 撤销 among them, cannot be framed by another site), and a Content-Security-Policy by kind of answer.

Pages allow only the site's own scripts, styles and images (no inline script or style: web/templates has none, their
scripts are files under web/static/); /docs (Swagger UI, served from web/static/vendor/swagger-ui/) gets the same;
JSON allows nothing at all. With 统一身份认证 configured, a page's forms may also lead to the provider's origin (the
sign-out form ends at its end-session endpoint). Files (PDF, images, workbooks, the static assets) get no CSP: they run no script, and a PDF
shown inline is left to the browser's own viewer. The one page meant to be framed, /public/embed/notices
(web/routes/feeds.py), sets its own policy and X-Frame-Options, which are left as it set them."""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_CSP = PAGE_CSP  # Swagger UI sets styles through the DOM (allowed) and its icons are data: images
JSON_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
EVERYWHERE = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
DOCS_PATH = "/docs"


def page_csp(form_targets: tuple[str, ...] = ()) -> str:
    """The pages' policy; ``form_targets``: origins beyond the site's own that a form (or its redirect) may reach."""
    if not form_targets:
        return PAGE_CSP
    return PAGE_CSP.replace("form-action 'self'", " ".join(("form-action 'self'", *form_targets)))


def policy_for(path: str, content_type: str, page: str = PAGE_CSP) -> str | None:
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "text/html":
        return DOCS_CSP if path == DOCS_PATH else page
    if kind == "application/json" or kind.endswith("+json"):
        return JSON_CSP
    return None


class SecurityHeaders:
    """Pure ASGI: adds the headers to the answer's start, leaving any a route set itself."""

    def __init__(self, app: ASGIApp, form_targets: tuple[str, ...] = ()) -> None:
        self.app = app
        self.page = page_csp(form_targets)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def answering(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in EVERYWHERE.items():
                    headers.setdefault(name, value)
                policy = policy_for(scope["path"], headers.get("content-type", ""), self.page)
                if policy is not None:
                    headers.setdefault("Content-Security-Policy", policy)
            await send(message)

        await self.app(scope, receive, answering)
