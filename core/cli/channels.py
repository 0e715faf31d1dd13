"""The channels a running cantine serves, as the settings configure them (console where none is)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from core.cli.context import AppContext
from core.messages import Channel
from core.pipeline.console import ConsoleSender
from core.pipeline.delivery import ChannelSender, Dispatcher


@dataclass
class Channels:
    """Senders by channel for the outbox, and one line per channel saying how it is served."""

    senders: dict[str, ChannelSender] = field(default_factory=dict)
    report: list[str] = field(default_factory=list)

    def dispatcher(self, app: AppContext) -> Dispatcher:
        return Dispatcher(app.uow, self.senders, app.clock)


def outgoing_channels(app: AppContext) -> Channels:
    """Real senders where configured; the console prints the rest."""
    from bot.service import sms_sender, telegram_bot
    from mailroom.service import email_sender

    console = ConsoleSender()
    channels = Channels({channel.value: console for channel in Channel})
    smtp = email_sender(app.settings, app.canteens)
    if smtp is not None:
        channels.senders[Channel.EMAIL] = smtp
        channels.report.append(f"email replies: relay {app.settings.email.relay_host}:{app.settings.email.relay_port}")
    else:
        channels.report.append("email replies: printed here (no relay_host configured)")
    twilio = sms_sender(app.settings)
    if twilio is not None:
        channels.senders[Channel.SMS] = twilio
    try:
        bot = telegram_bot(app.settings, app.uow, app.canteens, app.clock)
    except Exception as error:  # reported by start_incoming; replies wait in the outbox
        bot = None
        channels.report.append(f"telegram replies: printed here (bot not started: {type(error).__name__})")
    if bot is not None:
        channels.senders[Channel.TELEGRAM] = bot
    return channels


def start_incoming(app: AppContext, stop: threading.Event) -> list[str]:
    """Start the configured ways in (SMTP server, IMAP poller…); one line each, or why one could not start."""
    from bot.service import start_chat
    from mailroom.service import start_email

    try:
        lines = start_email(app.settings, app.uow, app.canteens, stop, app.clock)
    except OSError as error:
        email = app.settings.email
        lines = [f"email in: SMTP server not started on {email.smtp_host}:{email.smtp_port} ({error})"]
    return lines + start_chat(app.settings, app.uow, app.canteens, stop, app.clock)
