"""A stand-in for the provincial 好差评 endpoint: http.server on 127.0.0.1, port 0,
in a thread. It dedups on the Idempotency-Key (409 for a key it already has) and can
fail requests on purpose: a failing request either stores nothing and answers 500,
or stores the record and then answers 500 (the answer is "lost")."""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    records: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → body
    stored: Counter[str] = field(default_factory=Counter)  # key → times stored
    ok_answers: Counter[str] = field(default_factory=Counter)  # key → 2xx answers
    requests: int = 0
    failed: int = 0
    duplicates: int = 0  # requests for a key already stored (answered 409)
    headers: list[dict[str, str]] = field(default_factory=list)


class Receiver:
    def __init__(self, *, fail_every: int = 2, status_for: dict[str, int] | None = None) -> None:
        """`fail_every` n: every n-th request fails (2 = half of them). `status_for`:
        a fixed answer for a key (e.g. 422 to test parking)."""
        self.data = Received()
        self.fail_every = fail_every
        self.status_for = status_for or {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                code = receiver.handle(dict(self.headers), body)
                payload = json.dumps({"code": code}).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hcp/rate"

    def start(self) -> Receiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handle(self, headers: dict[str, str], body: dict[str, Any]) -> int:
        key = headers.get("Idempotency-Key", "")
        with self.lock:
            d = self.data
            d.requests += 1
            d.headers.append(headers)
            if key in self.status_for:
                return self.status_for[key]
            assert body.get("idempotencyKey") == key, "the key travels as header and field"
            failing = self.fail_every and d.requests % self.fail_every == 0
            if failing and (d.requests // self.fail_every) % 2 == 0:
                d.failed += 1
                return 500  # nothing stored
            if failing:  # stored (if new), but the answer is lost
                d.failed += 1
                if key not in d.records:
                    d.records[key] = body
                    d.stored[key] += 1
                return 500
            if key in d.records:
                d.duplicates += 1
                return 409  # already have it: exactly-once receipt
            d.records[key] = body
            d.stored[key] += 1
            d.ok_answers[key] += 1
            return 201
