"""SMS end to end: webhooks signed with the real validator, the real pipeline, replies through a recorded client."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from bot.sms import TwilioSmsSender
from bot.web import WebDeps, create_app
from core.messages import Channel, DeliveryStatus, MessageStatus
from core.pipeline.delivery import Dispatcher
from core.pipeline.worker import Worker
from core.settings import Settings, SmsSettings
from core.unit_of_work import AbstractUnitOfWork
from tests.bot.twilio_fake import RecordingTwilio, sign
from tests.pipeline.road import Road, matched

MONDAY = "2026-11-23T07:40:00+01:00"
CLAIRE = "+41791234567"
OUR_NUMBER = "+41215550000"
TOKEN = "twilio-auth-token"
PUBLIC = "https://cantine.example"
SMS = SmsSettings(account_sid="AC" + "0" * 32, auth_token=TOKEN, from_number=OUR_NUMBER, public_base_url=PUBLIC)


class SmsLine:
    """A parent's phone on one side, the running cantine (web app, worker, Twilio sender) on the other."""

    def __init__(self, road: Road, settings: Settings) -> None:
        self.road = road
        self.twilio = RecordingTwilio()
        self.sender = TwilioSmsSender(settings.sms, http_client=self.twilio)
        self.client = TestClient(create_app(WebDeps(settings, road.uow_factory, road.clock)))
        self.sids = iter(range(1, 10_000))

    def post(self, path: str, form: dict[str, str], signature: str | None = None, **headers: str) -> int:
        if signature is None:
            signature = sign(TOKEN, PUBLIC + path, form)
        all_headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
        response = self.client.post(path, content=urlencode(form), headers=all_headers | headers)
        if path == "/sms/inbound" and response.status_code == 200:
            assert response.headers["content-type"].startswith("text/xml")
            assert "<Response></Response>" in response.text
        return int(response.status_code)

    def form(self, text: str, sid: str | None = None, sender: str = CLAIRE) -> dict[str, str]:
        sid = sid or f"SM{next(self.sids):032x}"
        return {"MessageSid": sid, "AccountSid": SMS.account_sid, "From": sender, "To": OUR_NUMBER, "Body": text}

    def text(self, text: str, sender: str = CLAIRE) -> tuple[int, list[str]]:
        """The parent writes; returns the inbox id and the SMS the parent receives."""
        form = self.form(text, sender=sender)
        assert self.post("/sms/inbound", form) == 200
        before = len(self.twilio.requests)
        self.run()
        with self.road.uow_factory() as uow:
            stored = uow.inbox.by_external_id(Channel.SMS, form["MessageSid"])
        assert stored is not None
        return stored.id, [str(r.data["Body"]) for r in self.twilio.requests[before:]]

    def run(self) -> None:
        Worker(self.road.uow_factory, self.road.canteens, self.road.clock).drain()
        Dispatcher(self.road.uow_factory, {Channel.SMS: self.sender}, self.road.clock).deliver_due()

    def inbox_size(self) -> int:
        with self.road.uow_factory() as uow:
            return uow.inbox.pending_count()


@pytest.fixture
def line(uow_factory: Callable[[], AbstractUnitOfWork]) -> SmsLine:
    road = Road.with_demo_families(uow_factory, MONDAY)
    return SmsLine(road, Settings(sms=SMS))


def test_a_parent_cancels_answers_the_question_checks_the_balance_and_opts_out(line: SmsLine) -> None:
    line.text("Les enfants mangent demain")
    _, replies = line.text("Annulez demain svp")
    assert replies == ["Pour quel enfant : Alban, Arielle ou Basile ?"]
    _, replies = line.text("Basile")
    assert replies[0].startswith("Basile : repas annulé ma 24.11.")
    assert not line.road.booked("Dupont", "Basile", "2026-11-24")
    assert line.road.booked("Dupont", "Arielle", "2026-11-24")
    _, replies = line.text("solde ?")
    assert len(replies) == 1
    assert replies[0].startswith("Solde")

    request = line.twilio.requests[-1]
    assert request.url.endswith(f"/2010-04-01/Accounts/{SMS.account_sid}/Messages.json")
    assert request.data["To"] == CLAIRE
    assert request.data["From"] == OUR_NUMBER
    assert request.data["StatusCallback"] == f"{PUBLIC}/sms/status"

    stop_id, replies = line.text("STOP")
    assert replies == []
    stopped = line.road.stored(stop_id)
    assert stopped.status is MessageStatus.DROPPED
    assert matched(stopped) == ["sms_keyword"]
    with line.road.uow_factory() as uow:
        assert uow.channels.is_opted_out(CLAIRE)

    balance_id, replies = line.text("solde ?")  # answered in the outbox, never sent
    assert replies == []
    with line.road.uow_factory() as uow:
        (suppressed,) = uow.outbox.for_inbound(balance_id)
        assert suppressed.id is not None
        assert uow.outbox.status(suppressed.id) == DeliveryStatus.FAILED

    _, replies = line.text("Start")
    assert replies == [
        "Vous recevrez à nouveau les SMS de Réfectoire scolaire de Montval. STOP pour ne plus les recevoir."
    ]
    _, replies = line.text("AIDE")
    assert "Contact" in replies[0]
    assert "STOP" in replies[0]
    assert "cancel" not in replies[0].lower()


def test_a_spoofed_or_unsigned_webhook_is_refused_and_changes_nothing(line: SmsLine) -> None:
    form = line.form("Annulez tout pour Basile")
    assert line.post("/sms/inbound", form, signature="forged") == 403
    assert line.post("/sms/inbound", form, signature="") == 403
    signed_elsewhere = sign(TOKEN, "https://evil.example/sms/inbound", form)
    assert line.post("/sms/inbound", form, signature=signed_elsewhere) == 403
    tampered = form | {"Body": "Annulez tout pour Alban"}
    assert line.post("/sms/inbound", tampered, signature=sign(TOKEN, PUBLIC + "/sms/inbound", form)) == 403
    wrong_token = sign("another-token", PUBLIC + "/sms/inbound", form)
    assert line.post("/sms/inbound", form, signature=wrong_token) == 403
    assert line.post("/sms/status", {"MessageSid": "SM1", "MessageStatus": "failed"}, signature="x") == 403
    assert line.inbox_size() == 0
    with line.road.uow_factory() as uow:
        assert uow.channels.delivery_status("SM1") is None


def test_a_twilio_retry_of_the_same_message_sid_is_stored_once(line: SmsLine) -> None:
    form = line.form("solde ?")
    assert line.post("/sms/inbound", form) == 200
    assert line.post("/sms/inbound", form) == 200
    assert line.inbox_size() == 1
    line.run()
    assert len(line.twilio.requests) == 1


def test_forwarded_proto_and_host_are_honoured_without_a_public_base_url(
    uow_factory: Callable[[], AbstractUnitOfWork],
) -> None:
    road = Road.with_demo_families(uow_factory, MONDAY)
    line = SmsLine(road, Settings(sms=SmsSettings(account_sid=SMS.account_sid, auth_token=TOKEN)))
    form = line.form("solde ?")
    behind_proxy = sign(TOKEN, "https://sms.canteen.example/sms/inbound", form)
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "sms.canteen.example"}
    assert line.post("/sms/inbound", form, signature=behind_proxy, **headers) == 200
    assert line.post("/sms/inbound", form, signature=behind_proxy) == 403  # as http://testserver: not what was signed
    assert line.inbox_size() == 1


def test_status_callbacks_keep_the_most_advanced_status(line: SmsLine) -> None:
    line.text("solde ?")
    sid = f"SM{1:032d}"  # the recorded client's first message
    for status in ("sent", "delivered", "sent", "queued", "delivered", "undelivered"):
        assert line.post("/sms/status", {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC"}) == 204
    with line.road.uow_factory() as uow:
        assert uow.channels.delivery_status(sid) == "delivered"
    assert line.post("/sms/status", {"MessageSid": "SM2", "MessageStatus": "failed", "ErrorCode": "30003"}) == 204
    assert line.post("/sms/status", {"MessageSid": "SM2", "MessageStatus": "sent"}) == 204
    with line.road.uow_factory() as uow:
        assert uow.channels.delivery_status("SM2") == "failed"
    assert line.post("/sms/status", {"MessageSid": "SM3"}) == 400


def test_sms_routes_are_absent_without_twilio_settings(uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
    road = Road.with_demo_families(uow_factory, MONDAY)
    client = TestClient(create_app(WebDeps(Settings(), road.uow_factory, road.clock)))
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.post("/sms/inbound", content=b"Body=x").status_code == 404
    assert client.post("/sms/status", content=b"MessageSid=x").status_code == 404
    assert client.post("/telegram/webhook", content=b"{}").status_code == 404
