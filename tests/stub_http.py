"""A local HTTP server that records each request and answers from a script: the stand-in for a
vendor's API (a CDN's purge endpoint) in tests, on 127.0.0.1 only."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Recorded:
    method: str
    path: str
    headers: Message  # names are case-insensitive, as in HTTP
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] | None = None


class StubServer:
    """``answer(recorded) -> Reply`` decides each reply (200 ``{}`` by default)."""

    def __init__(self, answer: Callable[[Recorded], Reply] | None = None):
        self.requests: list[Recorded] = []
        self.answer = answer or (lambda recorded: Reply())
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                recorded = Recorded(self.command, self.path, self.headers, self.rfile.read(length))
                stub.requests.append(recorded)
                reply = stub.answer(recorded)
                self.send_response(reply.status)
                for name, value in (reply.headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            do_GET = do_POST = do_PURGE = _handle

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
