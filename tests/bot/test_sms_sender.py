"""The Twilio sender: what it posts, which failures are permanent, and the opt-out refusal before sending."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.sms import TwilioSmsSender
from core.messages import OutgoingMessage
from core.pipeline.delivery import DeliveryError
from core.settings import SmsSettings
from tests.bot.twilio_fake import RecordingTwilio
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 23, 7, 40, tzinfo=UTC)
SETTINGS = SmsSettings(
    account_sid="AC" + "1" * 32,
    auth_token="t",
    from_number="+41215550000",
    api_base_url="http://127.0.0.1:9/twilio",
)


def reply(recipient: str = "+41791234567", reply_from: str | None = None) -> OutgoingMessage:
    return OutgoingMessage("sms", recipient, "Solde : 12,50 CHF.", NOW, reply_from=reply_from, id=7)


def test_posts_to_the_configured_api_base_from_our_number() -> None:
    twilio = RecordingTwilio()
    sender = TwilioSmsSender(SETTINGS, http_client=twilio)
    sid = sender.send(reply())
    assert sid == f"SM{1:032d}"
    (request,) = twilio.requests
    assert request.method == "POST"
    assert request.url == f"http://127.0.0.1:9/twilio/2010-04-01/Accounts/{SETTINGS.account_sid}/Messages.json"
    assert request.data == {"To": "+41791234567", "From": "+41215550000", "Body": "Solde : 12,50 CHF."}


def test_replies_come_from_the_number_the_parent_wrote_to() -> None:
    twilio = RecordingTwilio()
    TwilioSmsSender(SETTINGS, http_client=twilio).send(reply(reply_from="+41215559999"))
    assert twilio.requests[0].data["From"] == "+41215559999"


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(400, True), (404, True), (401, True), (429, False), (500, False), (503, False)],
)
def test_client_errors_are_permanent_server_errors_are_retried(status: int, permanent: bool) -> None:
    twilio = RecordingTwilio(errors=[(status, {"code": 21211, "message": "The 'To' number is not valid."})])
    with pytest.raises(DeliveryError) as caught:
        TwilioSmsSender(SETTINGS, http_client=twilio).send(reply())
    assert caught.value.permanent is permanent
    assert str(status) in str(caught.value)


def test_a_connection_failure_is_retried() -> None:
    twilio = RecordingTwilio(errors=[ConnectionError("connection refused")])
    with pytest.raises(OSError, match="refused"):  # the dispatcher retries OSErrors
        TwilioSmsSender(SETTINGS, http_client=twilio).send(reply())


def test_an_opted_out_number_is_refused_before_sending() -> None:
    uow = FakeUnitOfWork()
    sender = TwilioSmsSender(SETTINGS, http_client=RecordingTwilio())
    with uow:
        assert sender.refusal(reply(), uow) is None
        uow.channels.opt_out("+41791234567", NOW)
        assert "opted out" in (sender.refusal(reply(), uow) or "")
        assert sender.refusal(reply("+41790000000"), uow) is None
