"""Real local receivers for the channel tests: an SMTP server (aiosmtpd) and an HTTP webhook endpoint."""

import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Certificate:
    cert: Path
    key: Path


def self_signed(folder: Path) -> Certificate:
    """A certificate for 127.0.0.1 made by the openssl command; it is its own CA bundle."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return Certificate(cert, key)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    message: EmailMessage


class SmtpReceiver:
    """An SMTP server on 127.0.0.1 that keeps every message it accepts. With ``tls`` ("ssl": TLS from the
    first byte; "starttls": required before anything else) it serves ``cert``; with ``login`` it demands
    that user and password (over TLS only) and records who logged in."""

    def __init__(
        self, tls: str = "none", cert: "Certificate | None" = None, login: tuple[str, str] | None = None
    ) -> None:
        self.mails: list[Mail] = []
        self.logins: list[str] = []
        self.port = free_port()
        kwargs: dict = {}
        if tls != "none":
            assert cert is not None
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert.cert, cert.key)
            if tls == "ssl":
                kwargs["ssl_context"] = context
            else:
                kwargs.update(tls_context=context, require_starttls=True)
        if login is not None:
            # aiosmtpd cannot tell implicit TLS ("ssl") from plain text, so there it must not insist itself.
            kwargs.update(
                authenticator=self._authenticator(login), auth_required=True, auth_require_tls=tls == "starttls"
            )
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **kwargs)

    def _authenticator(self, expected: tuple[str, str]):
        def check(server, session, envelope, mechanism, auth_data) -> AuthResult:
            if not isinstance(auth_data, LoginPassword):
                return AuthResult(success=False, handled=False)
            given = (auth_data.login.decode(), auth_data.password.decode())
            if given == expected:
                self.logins.append(given[0])
                return AuthResult(success=True)
            return AuthResult(success=False, handled=False)

        return check

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's handler hook
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def __enter__(self) -> "SmtpReceiver":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int


class WebhookReceiver:
    """An HTTP server that records every POST and answers from ``script`` (then ``default``)."""

    def __init__(self, script: list[int] | None = None, default: int = 200) -> None:
        self.hits: list[Hit] = []
        self.script = list(script or [])
        self.default = default
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    status = receiver.script.pop(0) if receiver.script else receiver.default
                    receiver.hits.append(Hit(self.path, {k.lower(): v for k, v in self.headers.items()}, body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/hook") -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def __enter__(self) -> "WebhookReceiver":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
