"""The email channel as `cantine run` starts it: SMTP server and IMAP poller in, relay sender out."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping

from core.canteen import Canteen
from core.clock import Clock, clock_from_setting
from core.messages import InboundMessage
from core.pipeline.worker import receive
from core.settings import Settings
from core.unit_of_work import AbstractUnitOfWork
from mailroom.imap_poller import ImapPoller
from mailroom.inbound import EmailReader
from mailroom.sender import SmtpReplySender
from mailroom.smtp_server import SmtpIntake, SmtpServer

log = logging.getLogger(__name__)


def canteen_addresses(canteens: Mapping[str, Canteen]) -> list[str]:
    """The addresses mail is accepted for, lower-cased, in canteen order."""
    return [c.email.strip().lower() for c in canteens.values() if c.email.strip()]


def store_with(uow_factory: Callable[[], AbstractUnitOfWork]) -> Callable[[InboundMessage], tuple[int, bool]]:
    """receive() with a fresh unit of work per message (safe from any thread)."""

    def store(message: InboundMessage) -> tuple[int, bool]:
        return receive(message, uow_factory())

    return store


def start_email(
    settings: Settings,
    uow_factory: Callable[[], AbstractUnitOfWork],
    canteens: Mapping[str, Canteen],
    stop: threading.Event,
    clock: Clock | None = None,
) -> list[str]:
    """Start the SMTP server (smtp_listen) and the IMAP poller (imap_host); both end when `stop` is set.

    Returns one line per thing started, for the operator.
    """
    email = settings.email
    clock = clock or clock_from_setting(settings.fixed_now)
    reader = EmailReader.for_settings(email, canteens)
    store = store_with(uow_factory)
    started: list[str] = []
    addresses = canteen_addresses(canteens)
    if email.smtp_listen:
        server = SmtpServer(SmtpIntake(reader, store, addresses, clock), email)
        server.start()
        threading.Thread(target=_stop_when, args=(stop, server.stop), name="smtp-stop", daemon=True).start()
        tls = " (STARTTLS)" if email.smtp_tls_cert and email.smtp_tls_key else ""
        started.append(f"SMTP server on {server.address}{tls} for {', '.join(addresses) or 'no address'}")
    if email.imap_host:
        poller = ImapPoller(email, reader, store, clock)
        threading.Thread(target=poller.run, args=(stop,), name="imap-poller", daemon=True).start()
        started.append(
            f"IMAP poller for {email.imap_user}@{email.imap_host}:{email.imap_port}, folder {email.imap_folder}"
        )
    return started


def _stop_when(stop: threading.Event, action: Callable[[], None]) -> None:
    stop.wait()
    try:
        action()
    except Exception:  # stopping at exit: nothing left to save
        log.exception("email channel did not stop cleanly")


def email_sender(settings: Settings, canteens: Mapping[str, Canteen]) -> SmtpReplySender | None:
    """The relay sender, or None when no relay is configured (replies stay on the console)."""
    if not settings.email.relay_host:
        return None
    addresses = canteen_addresses(canteens)
    default_from = addresses[0] if addresses else f"cantine@{settings.email.relay_host}"
    return SmtpReplySender(settings.email, default_from)
