"""A real SMS gateway for the tests, on 127.0.0.1: it checks each request's signature as a provider's adapter would
(HMAC-SHA256 under the access key secret over method, path, timestamp, nonce and the body's SHA-256, base64, with the
access key id), refuses a bad one (403, SignatureDoesNotMatch) and a nonce seen before, records what it got, and
answers from a script: "ok", "temporary" (a retryable code), "busy" (503) or "permanent" (a bad number). A text is
"delivered" once per ``out_id``, as a provider drops a repeated one."""

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KEY_ID = "LTAI-test-key"
SECRET = "sms-secret-测试-7"

ANSWERS: dict[str, tuple[int, str]] = {
    "ok": (200, "OK"),
    "temporary": (200, "Throttling"),
    "busy": (503, "ServiceUnavailable"),
    "permanent": (200, "InvalidPhoneNumber"),
}


@dataclass
class Text:
    headers: dict[str, str]
    body: dict[str, Any]
    signed: bool
    answered: str  # the code answered


class SmsGateway:
    def __init__(self, script: list[str] | None = None, secret: str = SECRET) -> None:
        self.texts: list[Text] = []
        self.delivered: dict[str, dict[str, Any]] = {}  # out_id -> the request, once
        self.script = list(script or [])
        self.secret = secret
        self.nonces: set[str] = set()
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, code = gateway.answer(self.path, headers, raw)
                reply = json.dumps({"code": code, "message": "", "request_id": "r1"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def expected(self, path: str, headers: dict[str, str], raw: bytes) -> str:
        text = "\n".join(
            (
                "POST",
                path,
                headers.get("x-sms-timestamp", ""),
                headers.get("x-sms-nonce", ""),
                hashlib.sha256(raw).hexdigest(),
            )
        )
        return base64.b64encode(hmac.new(self.secret.encode(), text.encode(), hashlib.sha256).digest()).decode()

    def answer(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, str]:
        body = json.loads(raw)
        signed = (
            headers.get("x-sms-key-id") == KEY_ID
            and abs(time.time() - int(headers.get("x-sms-timestamp", "0"))) < 300
            and hmac.compare_digest(headers.get("x-sms-signature", ""), self.expected(path, headers, raw))
        )
        with self.lock:
            fresh = headers.get("x-sms-nonce", "") not in self.nonces
            self.nonces.add(headers.get("x-sms-nonce", ""))
            if not (signed and fresh):
                self.texts.append(Text(headers, body, False, "SignatureDoesNotMatch"))
                return 403, "SignatureDoesNotMatch"
            status, code = ANSWERS[self.script.pop(0) if self.script else "ok"]
            self.texts.append(Text(headers, body, True, code))
            if code == "OK":
                self.delivered.setdefault(body["out_id"], body)
            return status, code

    def url(self, path: str = "/sms/send") -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def __enter__(self) -> "SmsGateway":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
