"""The chat channels as `cantine run` starts them: the web app (SMS webhooks) and the Telegram bot; SMS sender."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping

from bot import sms
from bot.web import WebDeps, WebServer, create_app
from core.canteen import Canteen
from core.clock import Clock
from core.settings import Settings
from core.unit_of_work import AbstractUnitOfWork

log = logging.getLogger(__name__)


def sms_sender(settings: Settings) -> sms.TwilioSmsSender | None:
    """The Twilio sender, or None when SMS is not configured."""
    return sms.TwilioSmsSender(settings.sms) if sms.is_configured(settings.sms) else None


def start_chat(
    settings: Settings,
    uow_factory: Callable[[], AbstractUnitOfWork],
    canteens: Mapping[str, Canteen],
    stop: threading.Event,
    clock: Clock,
) -> list[str]:
    """Start the web app (always: it hosts the webhooks, and later the staff console); one line per channel."""
    lines: list[str] = []
    deps = WebDeps(settings, uow_factory, clock)
    web = settings.web
    try:
        server = WebServer(create_app(deps), web.host, web.port)
    except OSError as error:
        lines.append(f"web: not started on {web.host}:{web.port} ({error})")
    else:
        server.start()
        threading.Thread(target=_stop_when, args=(stop, server.stop), name="web-stop", daemon=True).start()
        lines.append(f"web: {server.address} (/healthz; SMS webhooks {sms.INBOUND_PATH}, {sms.STATUS_PATH})")
    lines.append(_sms_line(settings))
    return lines


def _sms_line(settings: Settings) -> str:
    config = settings.sms
    if not config.account_sid:
        return "sms: not configured (no [sms] account_sid)"
    if not config.auth_token:
        return "sms: not configured (no [sms] auth_token)"
    base = config.public_base_url.rstrip("/") or "(public_base_url not set: the forwarded host is trusted)"
    return f"sms: Twilio {config.from_number or 'number'}, webhook {base}{sms.INBOUND_PATH}"


def _stop_when(stop: threading.Event, action: Callable[[], None]) -> None:
    stop.wait()
    try:
        action()
    except Exception:  # stopping at exit: nothing left to save
        log.exception("web app did not stop cleanly")
