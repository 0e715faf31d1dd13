"""Who a reply goes to and in what form: the audience of a message, and the outbox row answering it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from core.canteen import Canteen
from core.messages import Channel, OutgoingMessage, StoredMessage
from core.model import Guardian, Household
from core.replies import Audience, Reply


def canteen_of(household: Household | None, canteens: Mapping[str, Canteen], recipient: str | None = None) -> Canteen:
    """The canteen of the household's first child; for a stranger, the one written to (or the first)."""
    if household is not None:
        for child in household.children:
            if child.canteen_id in canteens:
                return canteens[child.canteen_id]
    wanted = "".join((recipient or "").lower().split())
    for canteen in canteens.values():
        if wanted and wanted in {canteen.email.lower(), "".join(canteen.phone.split())}:
            return canteen
    return next(iter(canteens.values()))


def audience_for(stored: StoredMessage, guardian: Guardian | None, canteen: Canteen) -> Audience:
    """The guardian's language and first name; short form on SMS; the subject answered on email."""
    message = stored.message
    language = guardian.language if guardian else canteen.default_language
    first_name = guardian.name.split()[0] if guardian and guardian.name.strip() else None
    return Audience(
        language=language,
        canteen=canteen,
        short=message.channel == Channel.SMS,
        name=first_name,
        subject=message.subject if message.channel == Channel.EMAIL else None,
    )


def reply_to(stored: StoredMessage, reply: Reply, now: datetime) -> OutgoingMessage:
    """The outbox row answering a stored message on its own channel, threaded when it is an email."""
    message = stored.message
    is_email = message.channel == Channel.EMAIL
    return OutgoingMessage(
        channel=message.channel,
        recipient=message.sender,
        text=reply.text,
        created_at=now,
        language=reply.language,
        subject=reply.subject if is_email else None,
        in_reply_to=message.external_id if is_email else None,
        reply_from=message.recipient,
        references=(*message.thread_ids, message.external_id) if is_email else (),
        inbound_id=stored.id,
    )
