"""The web app (FastAPI): SMS webhooks (Twilio), the Telegram webhook when configured, health check, staff console."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool

from bot import sms
from bot.payments_web import mount_payments, provider_from_settings
from core.canteen import Canteen
from core.clock import Clock
from core.messages import Channel
from core.pipeline.worker import receive
from core.settings import Settings
from core.unit_of_work import AbstractUnitOfWork

log = logging.getLogger(__name__)

TELEGRAM_PATH = "/telegram/webhook"
# A Telegram update handed over by the webhook: JSON bytes in, True once stored (the bot answers 200 then).
TelegramFeed = Callable[[bytes], Awaitable[bool]]


@dataclass
class WebDeps:
    """What the web app needs: settings, a unit of work per request, the clock, and the Telegram feed if any."""

    settings: Settings
    uow_factory: Callable[[], AbstractUnitOfWork]
    clock: Clock
    telegram: TelegramFeed | None = None
    canteens: Mapping[str, Canteen] = field(default_factory=dict)  # the staff console's canteens


def create_app(deps: WebDeps) -> FastAPI:
    """The web app; the SMS routes answer 404 while SMS is not configured."""
    app = FastAPI(title="cantine", docs_url=None, redoc_url=None, openapi_url=None)
    settings = deps.settings.sms

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    async def signed_form(request: Request) -> dict[str, str] | None:
        """The form Twilio posted, or None when the signature does not sign it with our token."""
        body = await request.body()
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        url = sms.public_url(settings, path, request.headers, str(request.url))
        if not sms.signature_valid(settings, url, form, request.headers.get("x-twilio-signature")):
            log.warning("SMS webhook %s refused: bad or missing X-Twilio-Signature for %s", request.url.path, url)
            return None
        return form

    @app.post(sms.INBOUND_PATH)
    async def sms_inbound(request: Request) -> Response:
        if not sms.is_configured(settings):
            return Response(status_code=404)
        form = await signed_form(request)
        if form is None:
            return Response("invalid signature", status_code=403, media_type="text/plain")
        try:
            message = sms.inbound_message(form, await request.body(), deps.clock.now())
        except ValueError as error:
            return Response(str(error), status_code=400, media_type="text/plain")
        inbox_id, new = await run_in_threadpool(receive, message, deps.uow_factory())
        retry = "" if new else " (a retry, already stored)"
        log.info("SMS %s from %s stored as %s%s", message.external_id, message.sender, inbox_id, retry)
        return Response(sms.EMPTY_TWIML, media_type="text/xml")

    @app.post(sms.STATUS_PATH)
    async def sms_status(request: Request) -> Response:
        if not sms.is_configured(settings):
            return Response(status_code=404)
        form = await signed_form(request)
        if form is None:
            return Response("invalid signature", status_code=403, media_type="text/plain")
        sid, status = form.get("MessageSid", ""), form.get("MessageStatus", "")
        if not sid or not status:
            return Response("MessageSid and MessageStatus expected", status_code=400, media_type="text/plain")
        kept = await run_in_threadpool(_record_delivery, deps, sid, status, form.get("ErrorCode") or None)
        log.info("SMS %s reported %s (kept: %s)", sid, status, kept)
        return Response(status_code=204)

    @app.post(TELEGRAM_PATH)
    async def telegram_webhook(request: Request) -> Response:
        secret = deps.settings.telegram.secret_token
        if deps.telegram is None:
            return Response(status_code=404)
        if not secret or request.headers.get("x-telegram-bot-api-secret-token") != secret:
            return Response(status_code=403)
        stored = await deps.telegram(await request.body())
        return Response(status_code=200 if stored else 500)

    mount_payments(app, provider_from_settings(deps.settings.payments), deps.uow_factory, deps.clock, deps.canteens)

    from bot.console.app import mount_console  # here: the console's modules import WebDeps from this one

    mount_console(app, deps)
    return app


def _record_delivery(deps: WebDeps, sid: str, status: str, error_code: str | None) -> str:
    with deps.uow_factory() as uow:
        kept = uow.channels.record_delivery(sid, Channel.SMS, status, deps.clock.now(), error_code)
        uow.commit()
    return kept


class WebServer:
    """Uvicorn serving the app in a thread; the socket is bound first, so a taken port is reported, not fatal."""

    def __init__(self, app: FastAPI, host: str, port: int) -> None:
        self.sock = socket.create_server((host, port), reuse_port=False)
        self.address = f"http://{host}:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self._run, name="web", daemon=True)

    def _run(self) -> None:
        self.server.run(sockets=[self.sock])

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
        self.sock.close()
