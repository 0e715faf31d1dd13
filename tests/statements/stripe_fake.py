"""A local fake of the Stripe API (http.server on 127.0.0.1, port 0) and webhook signing as Stripe does it."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

WEBHOOK_SECRET = "whsec_test_secret"


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """The Stripe-Signature header: t=<unix time>,v1=<HMAC-SHA256 of "t.payload" with the endpoint secret>."""
    timestamp = int(time.time()) if at is None else at
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def checkout_event(
    event_id: str, session_id: str, household_id: str | None, amount_total: int, payment_status: str = "paid",
    kind: str = "checkout.session.completed", currency: str = "chf",
) -> bytes:  # fmt: skip
    """A webhook body as Stripe sends it for a Checkout Session."""
    session: dict[str, Any] = {
        "id": session_id,
        "object": "checkout.session",
        "amount_total": amount_total,
        "currency": currency,
        "payment_status": payment_status,
        "metadata": {"household_id": household_id} if household_id is not None else {},
        "client_reference_id": None,
    }
    event = {"id": event_id, "object": "event", "type": kind, "data": {"object": session}}
    return json.dumps(event).encode()


@dataclass
class FakeStripe:
    """What the fake API received, and whether it should refuse."""

    base_url: str = ""
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    refuse: bool = False


@contextmanager
def fake_stripe_api() -> Iterator[FakeStripe]:
    """Serve POST /v1/checkout/sessions on 127.0.0.1 (ephemeral port) for the duration of the block."""
    state = FakeStripe()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            state.requests.append((self.path, self.headers.get("Authorization", ""), dict(parse_qsl(body))))
            if state.refuse or self.path != "/v1/checkout/sessions":
                reply: dict[str, Any] = {"error": {"type": "invalid_request_error", "message": "No such thing"}}
                self._send(400, reply)
                return
            number = len(state.requests)
            reply = {
                "id": f"cs_test_{number}",
                "object": "checkout.session",
                "url": f"https://checkout.stripe.test/c/pay/cs_test_{number}",
                "payment_status": "unpaid",
            }
            self._send(200, reply)

        def _send(self, status: int, reply: dict[str, Any]) -> None:
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
