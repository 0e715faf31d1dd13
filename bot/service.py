"""The chat channels as `cantine run` starts them: the web app (SMS webhooks) and the Telegram bot; SMS sender."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Mapping

from bot import sms
from bot.telegram import TelegramBot
from bot.web import TELEGRAM_PATH, WebDeps, WebServer, create_app
from core.canteen import Canteen
from core.clock import Clock
from core.settings import Settings
from core.unit_of_work import AbstractUnitOfWork

log = logging.getLogger(__name__)
_bots: dict[str, TelegramBot] = {}  # one running bot per token, shared by the ways in and the outbox


def sms_sender(settings: Settings) -> sms.TwilioSmsSender | None:
    """The Twilio sender, or None when SMS is not configured."""
    return sms.TwilioSmsSender(settings.sms) if sms.is_configured(settings.sms) else None


def telegram_bot(
    settings: Settings,
    uow_factory: Callable[[], AbstractUnitOfWork],
    canteens: Mapping[str, Canteen],
    clock: Clock,
) -> TelegramBot | None:
    """The process's bot (started on first use), or None when no token is configured.

    Raises TelegramError or OSError when the Bot API cannot be reached at start (getMe).
    """
    token = settings.telegram.token
    if not token:
        return None
    if token not in _bots:
        bot = TelegramBot(settings.telegram, uow_factory, canteens, clock)
        try:
            bot.start()
        except BaseException:
            bot.stop()
            raise
        _bots[token] = bot
    return _bots[token]


def start_chat(
    settings: Settings,
    uow_factory: Callable[[], AbstractUnitOfWork],
    canteens: Mapping[str, Canteen],
    stop: threading.Event,
    clock: Clock,
) -> list[str]:
    """Start the web app (always: it hosts the webhooks, and later the staff console); one line per channel."""
    lines: list[str] = []
    deps = WebDeps(settings, uow_factory, clock, canteens=canteens)
    lines.append(_start_telegram(settings, uow_factory, canteens, stop, clock, deps))
    web = settings.web
    try:
        server = WebServer(create_app(deps), web.host, web.port)
    except OSError as error:
        lines.append(f"web: not started on {web.host}:{web.port} ({error})")
    else:
        server.start()
        threading.Thread(target=_stop_when, args=(stop, server.stop), name="web-stop", daemon=True).start()
        lines.append(f"web: {server.address} (staff console {server.address}/console; SMS webhooks {sms.INBOUND_PATH})")
    lines.append(_sms_line(settings))
    return lines[1:] + lines[:1]


def _start_telegram(
    settings: Settings,
    uow_factory: Callable[[], AbstractUnitOfWork],
    canteens: Mapping[str, Canteen],
    stop: threading.Event,
    clock: Clock,
    deps: WebDeps,
) -> str:
    """Polling by default; with a webhook_url, Telegram posts to the web app (checked with secret_token)."""
    config = settings.telegram
    if not config.token:
        return "telegram: not configured (no [telegram] token)"
    try:
        bot = telegram_bot(settings, uow_factory, canteens, clock)
        assert bot is not None
        if config.webhook_url:
            if not config.secret_token:
                return "telegram: not started (webhook_url needs a [telegram] secret_token)"
            bot.call(bot.app.bot.set_webhook(config.webhook_url, secret_token=config.secret_token))
            deps.telegram = lambda body: asyncio.wrap_future(bot.submit(bot.feed(body)))
            mode = f"webhook {config.webhook_url} (served at {TELEGRAM_PATH})"
        else:
            bot.call(bot.app.bot.delete_webhook())
            bot.submit(bot.poll(stop))
            mode = "polling"
    except Exception as error:  # the bot is optional: report and go on without it
        return f"telegram: not started ({type(error).__name__}: {error})"
    threading.Thread(target=_stop_when, args=(stop, bot.stop), name="telegram-stop", daemon=True).start()
    return f"telegram: @{bot.app.bot.username} by {mode}"


def _sms_line(settings: Settings) -> str:
    config = settings.sms
    if not config.account_sid:
        return "sms: not configured (no [sms] account_sid)"
    if not config.auth_token:
        return "sms: not configured (no [sms] auth_token)"
    number = config.from_number or "(no from_number: replies use the number written to)"
    if not config.public_base_url:
        return f"sms: Twilio {number}, webhook …{sms.INBOUND_PATH} (no public_base_url: forwarded host trusted)"
    return f"sms: Twilio {number}, webhook {config.public_base_url.rstrip('/')}{sms.INBOUND_PATH}"


def _stop_when(stop: threading.Event, action: Callable[[], None]) -> None:
    stop.wait()
    try:
        action()
    except Exception:  # stopping at exit: nothing left to save
        log.exception("web app did not stop cleanly")
