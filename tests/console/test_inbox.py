"""The console inbox: flagged messages listed safely, resolved by applying, editing, replying or dismissing."""

from __future__ import annotations

import json
from datetime import date

from core.messages import Channel
from tests.console.conftest import Console

MIXED = "Basile mange jeudi. Au fait, combien coûte un repas spécial ?"


def _booked(console: Console, first_name: str, day: str) -> bool:
    return console.road.booked("Dupont", first_name, day)


def _item(console: Console, item_id: int) -> tuple[str | None, str | None]:
    with console.road.uow_factory() as uow:
        item = uow.staff.get(item_id)
    assert item is not None
    return item.resolved_by, item.resolution


def _queued(console: Console, item_id: int) -> list[str]:
    with console.road.uow_factory() as uow:
        item = uow.staff.get(item_id)
        assert item is not None
        return [reply.text for reply in uow.outbox.for_inbound(item.inbound_id)]


def test_the_inbox_lists_flagged_messages_oldest_first_with_why_and_the_suggestion(console: Console) -> None:
    first = console.flagged("Basile a perdu sa gourde à la cantine")
    console.later(1)
    second = console.flagged(MIXED, sender="sophie.martin@example.ch", channel=Channel.EMAIL, subject="Repas")
    console.login()
    page = console.client.get("/console/inbox").text
    assert page.index(f"Message n° {first}") < page.index(f"Message n° {second}")
    assert "Messages en attente : 2" in page
    assert "e-mail" in page
    assert "sophie.martin@example.ch · <a href=" in page
    assert "Martin</a>" in page
    assert '<strong title="needs_person">Pour une personne</strong>: La compréhension laisse la main' in page
    assert "Objet</dt><dd>Repas</dd>" in page


def test_a_message_from_a_parent_is_shown_as_text_never_as_html(console: Console) -> None:
    item = console.flagged("Bonjour <script>alert(1)</script> <b>Basile</b> a perdu son sac")
    console.login()
    for path in ("/console/inbox", f"/console/inbox/{item}"):
        page = console.client.get(path).text
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<b>Basile</b>" not in page


def test_an_unknown_sender_is_listed_and_can_be_answered_but_not_booked(console: Console) -> None:
    item = console.flagged("Bonjour, je voudrais inscrire ma fille", sender="+41790000000")
    console.login()
    page = console.client.get(f"/console/inbox/{item}").text
    assert "expéditeur inconnu" in page
    assert "Corriger puis appliquer" not in page
    token = console.form_token(f"/console/inbox/{item}")
    answer = console.client.post(f"/console/inbox/{item}/reply", data={"csrf_token": token, "reply": "Appelez-nous."})
    assert answer.status_code == 200
    assert any("Appelez-nous." in text for text in _queued(console, item))


def test_quoted_text_is_folded_away(console: Console) -> None:
    text = (
        "Basile mange jeudi, et combien coûte un repas spécial ?\n\n"
        "Le lun. 23 nov. 2026 à 07:20, Cantine <cantine@montval.example> a écrit :\n> Ancien message cité"
    )
    item = console.flagged(text, sender="claire.dupont@example.ch", channel=Channel.EMAIL, subject="Re: Repas")
    console.login()
    page = console.client.get(f"/console/inbox/{item}").text
    own = page.split('<blockquote class="message-text">', 1)[1].split("</blockquote>", 1)[0]
    assert "Ancien message cité" not in own
    assert '<details class="quoted">' in page
    assert "&gt; Ancien message cité" in page


def test_apply_the_suggestion_in_one_click(console: Console) -> None:
    item = console.flagged(MIXED)
    console.login()
    page = console.client.get(f"/console/inbox/{item}").text
    assert "Réserver · Basile · jeudi 26.11" in page
    answer = console.client.post(
        f"/console/inbox/{item}/apply", data={"csrf_token": console.form_token("/console/inbox")}
    )
    assert answer.status_code == 200
    assert "Message traité" in answer.text
    assert "Traité par sam" in answer.text
    assert _booked(console, "Basile", "2026-11-26")
    assert _item(console, item) == ("sam", "applied 1/1 change(s)")
    assert any(text.startswith("Basile : repas réservé je 26.11.") for text in _queued(console, item))
    assert "en attente d&#39;envoi" in answer.text
    again = console.client.post(
        f"/console/inbox/{item}/apply", data={"csrf_token": console.form_token("/console/inbox")}
    )
    assert again.status_code == 400
    assert "already resolved" in again.text


def test_edit_the_suggestion_then_apply_and_keep_the_case(console: Console) -> None:
    console.road.send("+41791234567", "Alban mange mardi")
    assert _booked(console, "Alban", "2026-11-24")
    item = console.flagged(MIXED)
    console.login()
    page = console.client.get(f"/console/inbox/{item}").text
    assert 'name="date" type="date" value="2026-11-26"' in page
    assert '<option value="Basile" selected>' in page
    data = {
        "csrf_token": console.form_token(f"/console/inbox/{item}"),
        "action": ["reserve", "cancel", ""],
        "child": ["Basile", "Alban", ""],
        "date": ["2026-11-27", "2026-11-24", ""],
        "meal": ["vegetarian", "", ""],
        "add_case": "1",
    }
    answer = console.client.post(f"/console/inbox/{item}/resolve", data=data)
    assert answer.status_code == 200, answer.text
    assert _booked(console, "Basile", "2026-11-27")
    assert not _booked(console, "Basile", "2026-11-26")
    assert not _booked(console, "Alban", "2026-11-24")
    assert _item(console, item) == ("sam", "applied 2/2 change(s)")
    [line] = console.cases_file.read_text(encoding="utf-8").splitlines()
    case = json.loads(line)
    assert case["text"] == MIXED
    assert case["channel"] == "sms"
    assert case["children"] == ["Alban", "Arielle", "Basile"]
    assert date.fromisoformat(case["at"][:10]) == date(2026, 11, 23)
    assert case["expect"] == {
        "intent": "booking",
        "route": "auto",
        "commands": [
            {"action": "reserve", "child": "Basile", "date": "2026-11-27", "meal": "vegetarian"},
            {"action": "cancel", "child": "Alban", "date": "2026-11-24", "meal": None},
        ],
    }


def test_an_edit_past_the_cut_off_needs_the_override(console: Console) -> None:
    console.later(90)  # 09:10: today's cut-off (08:15) has passed
    today = {"action": "reserve", "child": "Basile", "date": "2026-11-23"}
    first = console.flagged(MIXED)
    second = console.flagged("Basile mange vendredi. Et le menu spécial, il coûte combien ?", sender="+41797654321")
    console.login()
    token = console.form_token(f"/console/inbox/{first}")
    console.client.post(f"/console/inbox/{first}/resolve", data={"csrf_token": token, **today})
    assert _item(console, first)[1] == "applied 0/1 change(s)"
    assert not _booked(console, "Basile", "2026-11-23")
    console.client.post(f"/console/inbox/{second}/resolve", data={"csrf_token": token, **today, "override": "1"})
    assert _item(console, second)[1] == "applied 1/1 change(s)"
    assert _booked(console, "Basile", "2026-11-23")


def test_a_bad_edit_is_refused_and_the_item_stays_open(console: Console) -> None:
    item = console.flagged(MIXED)
    console.login()
    token = console.form_token(f"/console/inbox/{item}")
    bad_rows = [
        ({"action": "reserve", "child": "Zoé", "date": "2026-11-27"}, "has no child named &#39;Zoé&#39;"),
        ({"action": "reserve", "child": "", "date": "2026-11-27"}, "ligne 1 : choisissez une action et un enfant."),
        ({"action": "reserve", "child": "Basile", "date": "27.11.2026"}, "ligne 1 : la date n&#39;est pas valable."),
        ({"action": "", "child": "", "date": ""}, "remplissez au moins une ligne"),
    ]
    for row, why in bad_rows:
        answer = console.client.post(f"/console/inbox/{item}/resolve", data={"csrf_token": token, **row})
        assert answer.status_code == 400, row
        assert "Rien n&#39;a été fait" in answer.text
        assert why in answer.text
    assert _item(console, item) == (None, None)


def test_reply_in_the_parents_language_on_their_channel(console: Console) -> None:
    item = console.flagged("Basile a perdu sa gourde à la cantine")
    console.login()
    token = console.form_token(f"/console/inbox/{item}")
    empty = console.client.post(f"/console/inbox/{item}/reply", data={"csrf_token": token, "reply": "  "})
    assert empty.status_code == 400
    answer = console.client.post(
        f"/console/inbox/{item}/reply", data={"csrf_token": token, "reply": "Elle vous attend à l'accueil."}
    )
    assert answer.status_code == 200
    assert _item(console, item) == ("sam", "replied")
    with console.road.uow_factory() as uow:
        stored_item = uow.staff.get(item)
        assert stored_item is not None
        reply = uow.outbox.for_inbound(stored_item.inbound_id)[-1]
    assert reply.channel == "sms"
    assert reply.recipient == "+41791234567"
    assert reply.language == "fr"
    assert "Elle vous attend à l'accueil." in reply.text


def test_dismiss_with_a_reason(console: Console) -> None:
    item = console.flagged("Basile a perdu sa gourde à la cantine")
    console.login()
    token = console.form_token(f"/console/inbox/{item}")
    assert console.client.post(f"/console/inbox/{item}/dismiss", data={"csrf_token": token}).status_code == 400
    answer = console.client.post(
        f"/console/inbox/{item}/dismiss", data={"csrf_token": token, "reason": "réglé par téléphone"}
    )
    assert answer.status_code == 200
    assert _item(console, item) == ("sam", "dismissed: réglé par téléphone")
    assert "Aucun message n&#39;attend le personnel." in console.client.get("/console/inbox").text


def test_an_item_without_a_suggestion_offers_no_one_click_apply(console: Console) -> None:
    item = console.flagged("Basile a perdu sa gourde à la cantine")
    console.login()
    page = console.client.get(f"/console/inbox/{item}").text
    assert "Aucune réservation lue dans ce message." in page
    assert f"/console/inbox/{item}/apply" not in page
    answer = console.client.post(
        f"/console/inbox/{item}/apply", data={"csrf_token": console.form_token("/console/inbox")}
    )
    assert answer.status_code == 400


def test_an_unknown_item_is_a_clear_404(console: Console) -> None:
    console.login()
    answer = console.client.get("/console/inbox/999")
    assert answer.status_code == 404
    assert "Ce message n&#39;existe pas." in answer.text


def test_follow_ups_are_shown_with_their_item(console: Console) -> None:
    item = console.flagged("Basile a perdu sa gourde à la cantine")
    console.road.send("+41791234567", "elle est bleue avec son nom dessus")
    console.login()
    page = console.client.get(f"/console/inbox/{item}").text
    assert "Messages suivants de la conversation" in page
    assert "elle est bleue avec son nom dessus" in page


def test_why_a_message_came_to_staff_is_said_in_the_staffs_language(console: Console) -> None:
    item = console.flagged(MIXED)
    with console.road.uow_factory() as uow:
        stored = uow.staff.get(item)
    assert stored is not None
    assert stored.reason == "a booking mixed with a question a person must handle"  # English where it is stored
    console.login()
    french = console.client.get(f"/console/inbox/{item}").text
    assert "une réservation mélangée à une question qu&#39;une personne doit traiter" in french
    assert "a booking mixed with a question" not in french
    console.client.cookies.set("console_lang", "de")
    for path in ("/console/inbox", f"/console/inbox/{item}"):
        german = console.client.get(path).text
        assert "eine Buchung mit einer Frage vermischt, die ein Mensch bearbeiten muss" in german
        assert "a booking mixed with a question" not in german


def test_every_routing_rule_has_a_short_name_in_every_language() -> None:
    from core import i18n
    from core.pipeline.intake import rule_descriptions

    for language in i18n.LANGUAGES:
        for rule in [*rule_descriptions(), "question_limit", "system_error"]:
            assert f"console.rule_label.{rule}" in i18n.keys(language), (language, rule)
