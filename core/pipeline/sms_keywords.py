"""SMS keywords answered before anything else: STOP and its kin opt a number out, START opts it in, HELP informs."""

from __future__ import annotations

import re
import unicodedata

from core import i18n
from core.gsm7 import sms_safe
from core.messages import Channel, MessageStatus
from core.pipeline.context import IntakeContext
from core.replies import Reply

# Whole-message keywords. CANCEL is one too: Twilio and some carriers opt the number out on it, so our
# record follows theirs (and no reply ever asks a parent to answer CANCEL).
OPT_OUT = frozenset({"stop", "arret", "stopall", "unsubscribe", "end", "quit", "cancel"})
OPT_IN = frozenset({"start", "unstop"})
HELP = frozenset({"help", "aide"})


def keyword(text: str) -> str | None:
    """The keyword a whole message is ("Stop.", " ARRÊT " → "arret"), or None."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = re.sub(r"[^a-z]", "", "".join(c for c in decomposed if not unicodedata.combining(c)))
    if len(text.split()) != 1:
        return None
    return plain if plain in OPT_OUT | OPT_IN | HELP else None


class SmsKeyword:
    name = "sms_keyword"
    description = "An SMS that is only STOP, START or HELP (or their kin): opt-out, opt-in or the canteen's contact."

    def check(self, ctx: IntakeContext) -> str | None:
        if ctx.channel != Channel.SMS:
            return None
        found = keyword(ctx.stored.message.text)
        return None if found is None else f"keyword {found.upper()}"


def answer_keyword(ctx: IntakeContext, note: str) -> MessageStatus:
    """Opt the number out (no reply: the carrier confirms) or in, or send the canteen's contact."""
    found = keyword(ctx.stored.message.text)
    canteen = ctx.canteen
    language = ctx.audience.language
    if found in OPT_OUT:
        ctx.uow.channels.opt_out(ctx.sender, ctx.now)
        return MessageStatus.DROPPED
    if found in OPT_IN:
        ctx.uow.channels.opt_in(ctx.sender)
        ctx.queue(Reply(language, sms_safe(i18n.message(language, "sms.opt_in", canteen=canteen.name))))
        return MessageStatus.DONE
    contact = ", ".join(part for part in (canteen.email, canteen.phone) if part) or canteen.name
    ctx.queue(Reply(language, sms_safe(i18n.message(language, "sms.help", canteen=canteen.name, contact=contact))))
    return MessageStatus.DONE
