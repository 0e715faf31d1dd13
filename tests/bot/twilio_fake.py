"""A Twilio HTTP client that records requests and answers like the Messages API (no network)."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from twilio.http import HttpClient  # type: ignore[import-untyped]  # twilio ships no type hints
from twilio.http.response import Response  # type: ignore[import-untyped]  # twilio ships no type hints
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]  # twilio ships no type hints


@dataclass
class Recorded:
    method: str
    url: str
    data: dict[str, Any]


@dataclass
class RecordingTwilio(HttpClient):  # type: ignore[misc]  # HttpClient is untyped (Any)
    """Answers POST …/Messages.json with 201 and a new SMxxx sid, or with the queued error responses first."""

    requests: list[Recorded] = field(default_factory=list)
    errors: list[tuple[int, dict[str, Any]] | Exception] = field(default_factory=list)
    sids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        super().__init__(logger=None, is_async=False)

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        if self.errors:
            error = self.errors.pop(0)
            if isinstance(error, Exception):
                raise error
            status, body = error
            return Response(status, json.dumps(body))
        self.requests.append(Recorded(method, url, dict(data or {})))
        sid = f"SM{next(self.sids):032d}"
        body = {"sid": sid, "status": "queued", "to": (data or {}).get("To"), "body": (data or {}).get("Body")}
        return Response(201, json.dumps(body))

    def texts_to(self, number: str) -> list[str]:
        return [str(r.data["Body"]) for r in self.requests if r.data.get("To") == number]


def sign(token: str, url: str, form: dict[str, str]) -> str:
    """The X-Twilio-Signature Twilio would send for this URL and form."""
    return str(RequestValidator(token).compute_signature(url, form))
