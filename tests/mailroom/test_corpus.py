"""The .eml corpus: each fixture read by the email reader, compared with its expected fields and signals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.messages import Signal
from mailroom.inbound import EmailReader
from mailroom.parse import MALFORMED
from mailroom.safety import SafetyPolicy

FIXTURES = Path(__file__).parent / "fixtures"
OWN = frozenset({"cantine@montval.example", "refectoire@leysin.example"})
AT = datetime(2026, 11, 23, 6, 45, tzinfo=UTC)
CLAIRE = "claire.dupont@example.ch"
MONTVAL = "cantine@montval.example"
LEYSIN = "refectoire@leysin.example"


@dataclass(frozen=True)
class Expected:
    """What the reader must find in one fixture ("" / None: not checked)."""

    sender: str
    signals: frozenset[str] = frozenset()
    subject: str | None = None
    text_has: tuple[str, ...] = ()
    text_lacks: tuple[str, ...] = ()
    external_id: str = ""
    thread_ids: tuple[str, ...] | None = None
    recipient: str = MONTVAL
    note_has: dict[str, str] = field(default_factory=dict)


S = Signal
TABLE: dict[str, Expected] = {
    "gmail_fr_reserve": Expected(CLAIRE, subject="Repas de Basile", text_has=("Basile mange jeudi.",),
                                 text_lacks=("<div",), external_id="<CAF1reserve0001@mail.gmail.com>", thread_ids=()),
    "gmail_fr_cancel": Expected(CLAIRE, subject="Re: Repas de Basile",
                                text_has=("Basile ne mangera pas jeudi, désolée.", "a écrit :", "> Bonjour Claire,"),
                                thread_ids=("<CAF1reserve0001@mail.gmail.com>",
                                            "<cantine.1.abcdef0123456789@montval.example>")),
    "gmail_en_reply": Expected("sophie.martin@example.ch", subject="Re: Lunch",
                               text_has=("Lea will not eat on Friday please.", "wrote:"),
                               thread_ids=("<cantine.7.0011223344556677@montval.example>",)),
    "gmail_de_reply": Expected("jonas.keller@example.de", recipient=LEYSIN, text_has=("schrieb Réfectoire",)),
    "outlook_fr_original": Expected("marc.dupont@example.ch", text_has=("décommander", "Envoyé : lundi"),
                                    text_lacks=("<p>",)),
    "outlook_en_original": Expected("sophie.martin@example.ch", text_has=("-----Original Message-----",)),
    "outlook_de_von": Expected("jonas.keller@example.de", recipient=LEYSIN,
                               text_has=("Bitte Mia für Donnerstag abmelden.", "Gesendet: Montag")),
    "apple_iphone": Expected(CLAIRE, text_has=("elle est malade\nEnvoyé de mon iPhone",)),
    "apple_mail_inline_image": Expected(CLAIRE, text_has=("photo du menu", "Est-ce normal ?"), text_lacks=("iVBOR",)),
    "html_only": Expected(CLAIRE, text_has=("Bonjour !", "Alban mange lundi & mardi.", "Merci énormément",
                                            "> Le lun. 23 nov. 2026"), text_lacks=("alert", "font:", "ignored")),
    "html_only_base64": Expected(CLAIRE, subject="Réservation", text_has=("Basile mange vendredi.",)),
    "iso_8859_1_8bit": Expected("renee.francois@example.fr", subject="Réservation Noël",
                                text_has=("Léa mangera à la cantine jeudi. Très bien",)),
    "qp_utf8": Expected(CLAIRE, subject="Repas végétarien",
                        text_has=("végétarien jeudi ? Il a décidé", "— merci « beaucoup »")),
    "base64_utf8": Expected("marc.dupont@example.ch", text_has=("Allergie aux arachides — merci de vérifier.",)),
    "forwarded_inline": Expected(CLAIRE, text_has=("Basile ne mange pas vendredi", "Forwarded message")),
    "forwarded_attachment": Expected(CLAIRE, text_has=("ci-joint",), text_lacks=("pas de Claire",)),
    "auto_reply_rfc3834": Expected(CLAIRE, frozenset({S.AUTO_SUBMITTED}), subject="Réponse automatique: Repas"),
    "out_of_office_outlook": Expected("sophie.martin@example.ch", frozenset({S.AUTO_SUBMITTED}),
                                      note_has={S.AUTO_SUBMITTED: "X-Auto-Response-Suppress: All"}),
    "vacation_autoreply_header": Expected("jonas.keller@example.de", frozenset({S.AUTO_SUBMITTED}), recipient=LEYSIN),
    "bounce_dsn": Expected("mailer-daemon@mx.example.ch", frozenset({S.BOUNCE, S.AUTO_SUBMITTED}),
                           text_has=("user unknown",), note_has={S.BOUNCE: "multipart/report"}),
    "bounce_postmaster_plain": Expected("postmaster@example.fr", frozenset({S.BOUNCE})),
    "read_receipt": Expected(CLAIRE, frozenset({S.BOUNCE})),
    "mailing_list": Expected(CLAIRE, frozenset({S.MAILING_LIST, S.BULK}), note_has={S.MAILING_LIST: "List-Id"}),
    "newsletter_bulk": Expected("news@shop.example.com", frozenset({S.BULK})),
    "huge_text": Expected(CLAIRE, text_has=("Basile mange jeudi.",)),
    "malformed_truncated": Expected(CLAIRE, frozenset({MALFORMED}), text_has=("Basile mange jeudi",),
                                    note_has={MALFORMED: "CloseBoundaryNotFound"}),
    "malformed_headers": Expected(CLAIRE, frozenset({MALFORMED}), recipient=""),
    "no_message_id": Expected("marc.dupont@example.ch", text_has=("Alban mange vendredi.",)),
    "smtputf8_address": Expected("zoë.müller@exämple.ch", subject="Zoë à la cantine",
                                 external_id="<utf8-0001@exämple.ch>"),
    "dkim_spf_fail": Expected(CLAIRE, frozenset({S.AUTH_FAILED}), note_has={S.AUTH_FAILED: "dkim=fail spf=fail"}),
    "forged_authres_untrusted": Expected(CLAIRE, frozenset({S.AUTH_FAILED})),
    "envelope_mismatch": Expected(CLAIRE, frozenset({S.ENVELOPE_MISMATCH}),
                                  note_has={S.ENVELOPE_MISMATCH: "attacker@evil.example"}),
    "forwarder_dkim_pass": Expected(CLAIRE),
    "own_address_loop": Expected(MONTVAL, frozenset({S.OWN_ADDRESS, S.AUTO_SUBMITTED})),
    "encoded_words_de": Expected("juergen.koenig@example.de", subject="Abmeldung für Größe", recipient=LEYSIN,
                                 text_has=("Grüße, Mia isst am Donnerstag nicht.",)),
    "thunderbird_flowed": Expected(CLAIRE, text_has=("Alban mange mardi.", "a écrit :"),
                                   thread_ids=("<first-0001@example.ch>",
                                               "<cantine.5.5555666677778888@montval.example>")),
    "no_subject_mobile": Expected(CLAIRE, subject=None, text_has=("solde ?",)),
    "unknown_charset": Expected(CLAIRE, text_has=("Basile mange jeudi, merci.",)),
    "display_name_with_comma": Expected(CLAIRE, text_has=("Basile mange jeudi.",)),
    "attachment_only": Expected(CLAIRE, frozenset({MALFORMED}), note_has={MALFORMED: "no text part"}),
}  # fmt: skip


def reader() -> EmailReader:
    return EmailReader(SafetyPolicy(OWN, authentication="check", trusted_authserv_id="mx.montval.example"))


def test_the_corpus_is_complete() -> None:
    names = {path.stem for path in FIXTURES.glob("*.eml")}
    assert names == set(TABLE)
    assert len(names) >= 30


@pytest.mark.parametrize("name", sorted(TABLE))
def test_fixture_reads_as_expected(name: str) -> None:
    expected = TABLE[name]
    raw = (FIXTURES / f"{name}.eml").read_bytes()
    message = reader().read(raw, AT)
    assert message.channel == "email"
    assert message.raw == raw
    assert message.received_at == AT
    assert message.sender == expected.sender
    assert message.signals == expected.signals, message.signal_notes
    assert set(message.signal_notes) == set(message.signals)
    for signal, fragment in expected.note_has.items():
        assert fragment in message.signal_notes[signal]
    if expected.subject is not None or name == "no_subject_mobile":
        assert message.subject == expected.subject
    for fragment in expected.text_has:
        assert fragment in message.text
    for fragment in expected.text_lacks:
        assert fragment not in message.text
    if expected.external_id:
        assert message.external_id == expected.external_id
    assert message.external_id.startswith("<")
    assert message.external_id.endswith(">")
    if expected.thread_ids is not None:
        assert message.thread_ids == expected.thread_ids
    assert message.recipient == (expected.recipient or None)


def test_a_huge_body_is_cut_for_the_understanding_layer_and_kept_whole_in_raw() -> None:
    raw = (FIXTURES / "huge_text.eml").read_bytes()
    message = reader().read(raw, AT)
    assert len(message.text) == 50_000
    assert len(raw) > 100_000


def test_a_message_without_message_id_gets_a_stable_one_whatever_the_trace_headers() -> None:
    raw = (FIXTURES / "no_message_id.eml").read_bytes()
    relayed = (
        b"Received: from relay2.example by mx; Mon, 23 Nov 2026 08:21:00 +0100\nReturn-Path: <m@example.ch>\n" + raw
    )
    first = reader().read(raw, AT).external_id
    assert first.endswith("@cantine.invalid>")
    assert reader().read(raw, AT).external_id == first
    assert reader().read(relayed, AT).external_id == first
    assert reader().read(raw.replace(b"vendredi", b"jeudi"), AT).external_id != first


def test_authentication_results_of_another_server_are_ignored_when_a_trusted_id_is_set() -> None:
    raw = (FIXTURES / "forged_authres_untrusted.eml").read_bytes()
    trusting_the_forger = EmailReader(SafetyPolicy(OWN, trusted_authserv_id="evil.example"))
    assert trusting_the_forger.read(raw, AT).signals == frozenset()
    assert reader().read(raw, AT).signals == {Signal.AUTH_FAILED}


def test_authentication_off_raises_no_authenticity_signal() -> None:
    relaxed = EmailReader(SafetyPolicy(OWN, authentication="off"))
    for name in ("dkim_spf_fail", "envelope_mismatch"):
        assert relaxed.read((FIXTURES / f"{name}.eml").read_bytes(), AT).signals == frozenset()


def test_require_flags_mail_without_trusted_results() -> None:
    strict = EmailReader(SafetyPolicy(OWN, authentication="require", trusted_authserv_id="mx.montval.example"))
    plain = strict.read((FIXTURES / "no_subject_mobile.eml").read_bytes(), AT)
    assert plain.signals == {Signal.AUTH_FAILED}
    assert plain.signal_notes[Signal.AUTH_FAILED] == "no authentication results"
    assert strict.read((FIXTURES / "gmail_fr_reserve.eml").read_bytes(), AT).signals == frozenset()
