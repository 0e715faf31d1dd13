"""Fault test: worker processes SIGKILLed at random points, mid-transaction included, lose and repeat nothing."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from core.canteen_files import load_canteens
from core.clock import FixedClock
from core.db.engine import make_engine
from core.db.migrate import upgrade
from core.db.pipeline_tables import inbound_messages, outbox
from core.db.tables import children, households, ledger_entries, reservations
from core.db.unit_of_work import SqlAlchemyUnitOfWork
from core.families import import_families
from core.messages import Channel, InboundMessage, MessageStatus
from core.pipeline.delivery import Dispatcher
from core.pipeline.worker import Worker, receive
from tests.pipeline.crash_worker import KILL_AT, KILL_LOG, KILL_ON, READY
from tests.pipeline.road import ROOT, RecordingSender

pytestmark = pytest.mark.slow

NOW = datetime.fromisoformat("2026-11-23T07:40:00+01:00")  # the workers' (fixed) business time
FIRST_RECEIVED = datetime.fromisoformat("2026-11-22T00:05:00+01:00")
MESSAGES = 400
KILL_ROUNDS = 12
MIN_KILL_ROUNDS = 6
# Where the statement kills aim, in turn: any statement, the COMMIT of a message's changes and reply, the
# reply's INSERT (after the bookings), the UPDATE recording the message's outcome (its last statement).
KILL_TARGETS = ("", "COMMIT", "INSERT INTO OUTBOX", "", "COMMIT", "UPDATE INBOUND_MESSAGES SET STATUS")
APP_NAME = "cantine-crash-worker"
UowFactory = Callable[[], SqlAlchemyUnitOfWork]


@dataclass(frozen=True)
class Guardian:
    sms: str
    email: str
    language: str
    children: tuple[str, ...]


GUARDIANS = (
    Guardian("+41791234567", "claire.dupont@example.ch", "fr", ("Alban", "Arielle", "Basile")),
    Guardian("+41797654321", "marc.dupont@example.ch", "fr", ("Alban", "Arielle", "Basile")),
    Guardian("+41781112233", "sophie.martin@example.ch", "fr", ("Léa",)),
    Guardian("+41762223344", "karima.benali@example.ch", "fr", ("Inès", "Yanis")),
    Guardian("+41793334455", "n.rochat@example.ch", "fr", ("Noah", "Noé", "Marie-Claire")),
    Guardian("+41774445566", "jane.smith@example.com", "en", ("Oliver", "Emma")),
    Guardian("+41795556677", "anna.mueller@example.de", "de", ("Lukas", "Mia")),
    Guardian("+41796667788", "pauline.favre@example.ch", "fr", ("Hugo",)),
)
# Service days and a few closed ones (Wednesdays, Sunday) of the two weeks after NOW: (day, month).
DAYS = ((24, 11), (25, 11), (26, 11), (27, 11), (29, 11), (30, 11), (1, 12), (2, 12), (3, 12), (4, 12), (7, 12))
MONTHS = {
    "fr": {11: "novembre", 12: "décembre"},
    "en": {11: "November", 12: "December"},
    "de": {11: "November", 12: "Dezember"},
}
BOOK = {
    "fr": ("{who} mange le {d}", "{who} mangent le {d}"),
    "en": ("{who} will eat on {d}", "{who} will eat on {d}"),
    "de": ("{who} isst am {d}", "{who} essen am {d}"),
}
CANCEL = {
    "fr": ("annuler le {d} pour {who}", "{who} ne mange pas le {d}"),
    "en": ("Cancel {who} on {d} please", "{who} won't eat on {d}"),
    "de": ("{who} isst am {d} nicht", "Bitte {who} am {d} abmelden"),
}
RANGE = {"fr": "{who} mange du {a} au {b}", "en": "{who} will eat from {a} to {b}", "de": "{who} isst vom {a} bis {b}"}
ASK = {"fr": "Annulez le {d} svp", "en": "Cancel {d} please", "de": "Essen am {d} bitte"}
BALANCE = {"fr": "Quel est mon solde ?", "en": "What is my balance?", "de": "Wie hoch ist mein Guthaben?"}
UNDO = {"fr": "ANNULER", "en": "UNDO", "de": "ZURUECK"}
THANKS = {"fr": "Merci !", "en": "Thanks!", "de": "Danke!"}
STAFF = {
    "fr": "Est-ce que je peux payer par carte ?",
    "en": "Can I pay by card?",
    "de": "Kann ich mit Karte zahlen?",
}
AND = {"fr": "et", "en": "and", "de": "und"}
SUBJECT = {"fr": "Repas", "en": "Meals", "de": "Essen"}


def _day(language: str, day: tuple[int, int]) -> str:
    number = f"{day[0]}." if language == "de" else str(day[0])
    return f"{number} {MONTHS[language][day[1]]}"


def _texts(rng: random.Random, guardian: Guardian) -> list[str]:
    """One request of a guardian: usually one message, two for a question followed by its answer."""
    lang = guardian.language
    kids = guardian.children
    roll = rng.random()
    if roll < 0.60:
        many = len(kids) > 1 and rng.random() < 0.3
        names = rng.sample(kids, 2) if many else [rng.choice(kids)]
        who = f" {AND[lang]} ".join(names)
        template = rng.choice(CANCEL[lang]) if rng.random() < 0.4 else BOOK[lang][1 if many else 0]
        return [template.format(who=who, d=_day(lang, rng.choice(DAYS)))]
    if roll < 0.67:
        start = rng.randrange(len(DAYS) - 3)
        a, b = DAYS[start], DAYS[start + rng.randint(1, 3)]
        return [RANGE[lang].format(who=rng.choice(kids), a=_day(lang, a), b=_day(lang, b))]
    if roll < 0.77:
        return [BALANCE[lang]]
    if roll < 0.82:
        return [UNDO[lang]]
    if roll < 0.88 and len(kids) > 1:
        return [ASK[lang].format(d=_day(lang, rng.choice(DAYS))), rng.choice(kids)]
    if roll < 0.94:
        return [STAFF[lang]]
    return [THANKS[lang]]


def message_stream(rng: random.Random, count: int = MESSAGES) -> list[InboundMessage]:
    """About `count` messages, a few minutes apart: requests of the demo guardians by SMS and email, and
    a few from unknown senders. A question's answer comes next from the same guardian, on the same channel."""
    messages: list[InboundMessage] = []
    waiting: list[tuple[str, str, str]] = []  # answers still to send: (channel, sender, text)
    at = FIRST_RECEIVED
    while len(messages) < count:
        at += timedelta(minutes=rng.randint(1, 20))
        subject = None
        if waiting and rng.random() < 0.5:
            channel, sender, body = waiting.pop(0)
        elif rng.random() < 0.05:
            channel, sender, body = Channel.SMS, f"+4179000{rng.randint(1000, 9999)}", "annuler demain pour Léo"
        else:
            guardian = rng.choice(GUARDIANS)
            channel = rng.choice((Channel.SMS, Channel.EMAIL))
            sender = guardian.sms if channel == Channel.SMS else guardian.email
            if any(s == sender for _c, s, _t in waiting):
                continue  # the open question is answered first
            first, *answer = _texts(rng, guardian)
            body = first
            if channel == Channel.EMAIL:
                subject = SUBJECT[guardian.language]
            waiting.extend((channel, sender, text) for text in answer)
        messages.append(
            InboundMessage(
                channel=channel,
                external_id=f"crash-{len(messages) + 1:04d}",
                sender=sender,
                text=body,
                received_at=at,
                subject=subject,
            )
        )
    return messages


def prepare(url: str, messages: list[InboundMessage]) -> tuple[Engine, UowFactory]:
    """The demo families imported and every message stored in the inbox."""
    engine = make_engine(url)

    def factory() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork.from_engine(engine)

    canteens = load_canteens(ROOT / "config" / "canteens")
    families = (ROOT / "config" / "demo" / "families.csv").read_text(encoding="utf-8")
    import_families(families, factory, canteens, FIRST_RECEIVED - timedelta(days=1), "CH")
    for message in messages:
        receive(message, factory())
    return engine, factory


@dataclass
class Outcome:
    """What the processing left behind, by external id and names (ids may differ between databases)."""

    statuses: dict[str, str]
    replies: dict[str, list[str]]  # delivered reply texts per inbound message
    queued: dict[str, int]  # outbox rows per inbound message
    charges: Counter[tuple[str, str, str, str]]  # (message, child, day, kind) → number of ledger entries
    reserved: set[tuple[str, str, str]]  # (child, day, meal)
    balances: dict[str, Decimal]


def observe(engine: Engine, factory: UowFactory) -> Outcome:
    """Deliver the outbox once with a recording channel, then read the outcome."""
    channel = RecordingSender()
    clock = FixedClock(NOW)
    dispatcher = Dispatcher(factory, {c.value: channel for c in Channel}, clock)
    dispatcher.deliver_due()
    assert dispatcher.deliver_due() == 0, "a second delivery run sent something again"
    with engine.connect() as connection:
        ext = dict(connection.execute(select(inbound_messages.c.id, inbound_messages.c.external_id)).all())
        statuses = dict(connection.execute(select(inbound_messages.c.external_id, inbound_messages.c.status)).all())
        queued = Counter(ext[i] for (i,) in connection.execute(select(outbox.c.inbound_id)) if i is not None)
        names = dict(connection.execute(select(children.c.id, children.c.first_name)).all())
        charges: Counter[tuple[str, str, str, str]] = Counter()
        rows = connection.execute(
            select(
                ledger_entries.c.source_message_id,
                ledger_entries.c.child_id,
                ledger_entries.c.day,
                ledger_entries.c.kind,
            )
        )
        for message_id, child_id, day, kind in rows:
            if message_id is not None:
                charges[(ext[int(message_id)], names[child_id], str(day), kind)] += 1
        reserved = {
            (names[c], str(d), m)
            for c, d, m in connection.execute(select(reservations.c.child_id, reservations.c.day, reservations.c.meal))
        }
        household_names = dict(connection.execute(select(households.c.id, households.c.name)).all())
        sums = connection.execute(
            select(ledger_entries.c.household_id, func.sum(ledger_entries.c.amount)).group_by(
                ledger_entries.c.household_id
            )
        )
        ledger_sums = {household_names[h]: Decimal(total) for h, total in sums}
    with factory() as uow:
        balances = {name: uow.ledger.balance(hid) for hid, name in household_names.items()}
    assert balances == ledger_sums, "a balance is not the sum of its ledger entries"
    replies: dict[str, list[str]] = {}
    for sent in channel.sent:
        assert sent.inbound_id is not None
        replies.setdefault(ext[sent.inbound_id], []).append(sent.text)
    return Outcome(statuses, replies, dict(queued), charges, reserved, balances)


def reference(messages: list[InboundMessage], tmp_path: Path) -> Outcome:
    """The same stream processed by one uninterrupted in-process worker on a fresh SQLite database."""
    url = f"sqlite:///{tmp_path / 'reference.db'}"
    upgrade(url)
    engine, factory = prepare(url, messages)
    try:
        canteens = load_canteens(ROOT / "config" / "canteens")
        assert Worker(factory, canteens, FixedClock(NOW)).drain() == len(messages)
        return observe(engine, factory)
    finally:
        engine.dispose()


class Crasher:
    """Starts worker processes on the database and kills them: at a random delay, or at a random SQL statement."""

    def __init__(self, url: str, tmp_path: Path) -> None:
        parsed = make_url(url)
        self.sqlite_file = parsed.database if parsed.get_backend_name() == "sqlite" else None
        if self.sqlite_file is None:
            parsed = parsed.update_query_dict({"application_name": APP_NAME})
        self.url = parsed.render_as_string(hide_password=False)
        self.admin = make_engine(url)
        self.log = tmp_path / "kills.jsonl"
        self.where: list[str] = []

    def start(self, kill_at: int | None = None, kill_on: str = "") -> subprocess.Popen[str]:
        env = dict(os.environ, CANTINE_DATABASE_URL=self.url, CANTINE_NOW=NOW.isoformat(), CANTINE_CONFIG="")
        env["CANTINE_CANTEENS_DIR"] = str(ROOT / "config" / "canteens")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        for variable in (KILL_AT, KILL_ON, KILL_LOG):
            env.pop(variable, None)
        if kill_at is not None:
            env[KILL_AT], env[KILL_ON], env[KILL_LOG] = str(kill_at), kill_on, str(self.log)
        command = [sys.executable, "-m", "tests.pipeline.crash_worker"]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None
        assert process.stdout.readline().strip() == READY
        return process

    def kill_after(self, delay: float) -> bool:
        """Kill a worker `delay` seconds after its first message committed; whether it was killed (not done)."""
        waiting = self.pending()
        process = self.start()
        while process.poll() is None and self.pending() == waiting:
            time.sleep(0.005)
        time.sleep(delay)
        if process.poll() is not None:
            return False
        process.send_signal(signal.SIGSTOP)  # frozen: look whether it holds a transaction, then kill
        self.where.append("mid-transaction" if self.in_transaction() else "between transactions")
        process.kill()
        self.reap(process)
        return True

    def kill_at_statement(self, number: int, starting: str = "") -> bool:
        process = self.start(kill_at=number, kill_on=starting)
        self.reap(process)
        return process.returncode == -signal.SIGKILL

    def finish(self) -> str:
        process = self.start()
        out, _ = process.communicate(timeout=60)
        assert process.returncode == 0, out
        return out.strip()

    def reap(self, process: subprocess.Popen[str]) -> None:
        process.communicate(timeout=60)
        # PostgreSQL notices the closed connection, rolls its transaction back and frees its locks; wait for
        # that, or the next worker would skip the locked message (SKIP LOCKED) and take a later one first.
        deadline = time.monotonic() + 10
        while self.sqlite_file is None and self.backends() and time.monotonic() < deadline:
            time.sleep(0.01)

    def in_transaction(self) -> bool:
        if self.sqlite_file is not None:  # every worker transaction begins with BEGIN IMMEDIATE: the write lock
            probe = sqlite3.connect(self.sqlite_file, timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError:
                return True
            finally:
                probe.close()
        query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :a AND xact_start IS NOT NULL")
        with self.admin.connect() as connection:
            return bool(connection.execute(query, {"a": APP_NAME}).scalar_one())

    def pending(self) -> int:
        """Pending messages, read without taking SQLite's write lock (the engine begins every transaction so)."""
        query = "SELECT count(*) FROM inbound_messages WHERE status = 'pending'"
        if self.sqlite_file is not None:
            reader = sqlite3.connect(self.sqlite_file, timeout=30, isolation_level=None)
            try:
                return int(reader.execute(query).fetchone()[0])
            finally:
                reader.close()
        with self.admin.connect() as connection:
            return int(connection.execute(text(query)).scalar_one())

    def backends(self) -> int:
        query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :a")
        with self.admin.connect() as connection:
            return int(connection.execute(query, {"a": APP_NAME}).scalar_one())

    def statement_kills(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]


def test_killed_workers_lose_nothing_and_repeat_nothing(database_url: str, tmp_path: Path) -> None:
    started = time.monotonic()
    rng = random.Random(20261123)
    messages = message_stream(rng)
    expected = reference(messages, tmp_path)
    engine, factory = prepare(database_url, messages)
    crasher = Crasher(database_url, tmp_path)
    try:
        timed = statement = 0
        progress: list[int] = []
        for round_ in range(KILL_ROUNDS):
            if progress and progress[-1] == 0:
                break  # all processed: a fast machine needs fewer rounds, and killing an idle worker proves nothing
            if round_ % 2:
                timed += crasher.kill_after(rng.uniform(0.03, 0.2))
            else:
                target = KILL_TARGETS[(round_ // 2) % len(KILL_TARGETS)]
                statement += crasher.kill_at_statement(rng.randint(1, 250), target)
            progress.append(crasher.pending())
        print(f"pending after each kill: {progress}")
        assert len(progress) >= MIN_KILL_ROUNDS, f"finished after {len(progress)} rounds: too few messages"
        assert timed + statement >= len(progress) - 2, "the workers were hardly ever killed"
        left = crasher.pending()
        assert crasher.finish() == f"processed {left} message(s)"
        outcome = observe(engine, factory)
    finally:
        crasher.admin.dispose()
        engine.dispose()
    kills = crasher.statement_kills()
    landed = Counter(crasher.where) + Counter(kill["where"] for kill in kills)
    print(f"{timed} timed and {statement} statement kills; landed: {dict(landed)}; {time.monotonic() - started:.1f} s")
    for kill in kills:
        print(f"  killed before statement {kill['statement']} ({kill['where']}): {kill['sql'][:50]}")
    assert len(kills) == statement
    assert landed["mid-transaction"] >= 3, landed

    # Every message processed, exactly as by one uninterrupted worker.
    assert MessageStatus.PENDING.value not in outcome.statuses.values()
    assert outcome.statuses == expected.statuses
    # No command applied twice: at most one ledger entry per message, child, day and kind, and the same entries.
    assert max(outcome.charges.values()) == 1
    assert outcome.charges == expected.charges
    # Each reply queued once and sent once; the messages that should have a reply have exactly one.
    assert max(outcome.queued.values()) == 1
    assert all(len(texts) == 1 for texts in outcome.replies.values())
    assert outcome.replies == expected.replies
    assert sum(status != MessageStatus.DROPPED.value for status in outcome.statuses.values()) > len(outcome.replies)
    # Reservations and ledger agree: per child and day, charges - credits is 1 when booked, else 0.
    booked: Counter[tuple[str, str]] = Counter()
    for (_message, child, day, kind), count in outcome.charges.items():
        booked[(child, day)] += count if kind == "meal_charge" else -count if kind == "meal_credit" else 0
    assert {key for key, count in booked.items() if count} == {(child, day) for child, day, _meal in outcome.reserved}
    assert set(booked.values()) <= {0, 1}
    assert outcome.reserved == expected.reserved
    # Balances: the ledger's sum, never negative, as without the crashes.
    assert outcome.balances == expected.balances
    assert min(outcome.balances.values()) >= 0
