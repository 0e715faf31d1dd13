"""The input message and the output interpretation of the understanding layer, as frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, NamedTuple

Channel = Literal["email", "sms", "telegram"]
Route = Literal["auto", "clarify", "staff"]
Action = Literal["cancel", "reserve"]

BOOKING_INTENTS: frozenset[str] = frozenset({"cancel", "reserve", "booking"})
INTENTS: tuple[str, ...] = (
    "cancel",
    "reserve",
    "booking",
    "status",
    "balance",
    "menu",
    "statement",
    "topup",
    "refund",
    "document",
    "help",
    "thanks",
    "other",
)


@dataclass(frozen=True)
class Message:
    """One message as received: body, optional subject, channel, reception time and the household's children."""

    text: str
    subject: str | None = None
    channel: str = "sms"
    at: datetime = field(default_factory=lambda: datetime(2000, 1, 1).astimezone())
    children: tuple[str, ...] = ()


class Command(NamedTuple):
    """One booking order: cancel or reserve one child's meal on one day (immutable)."""

    action: Action
    child: str
    date: date
    meal: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, "child": self.child, "date": self.date.isoformat(), "meal": self.meal}


class PendingCommand(NamedTuple):
    """A booking order still missing the one thing the clarify question asks for (child or date is None)."""

    action: Action
    child: str | None
    date: date | None
    meal: str | None = None

    def to_json(self) -> dict[str, Any]:
        day = self.date.isoformat() if self.date else None
        return {"action": self.action, "child": self.child, "date": day, "meal": self.meal}


@dataclass(frozen=True)
class Period:
    """An inclusive span of days asked about (status, menu, statement)."""

    start: date
    end: date

    def to_json(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass(frozen=True)
class Question:
    """What to ask the sender when the route is clarify: the kind of question and the possible answers."""

    kind: str
    options: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "options": list(self.options)}


@dataclass(frozen=True, init=False)
class Interpretation:
    """The meaning of one message: intent, route, commands and details, with the evidence for the route."""

    intent: str
    route: Route
    commands: tuple[Command, ...] = ()
    period: Period | None = None
    amount: float | None = None
    iban: str | None = None
    reason: str | None = None
    document: str | None = None
    question: Question | None = None
    children: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    pending: tuple[PendingCommand, ...] = ()
    understood: bool = True  # False when nothing in the message was recognised (not even a topic for staff)

    def __init__(
        self,
        intent: str,
        route: Route,
        commands: tuple[Command, ...] = (),
        period: Period | None = None,
        amount: float | None = None,
        iban: str | None = None,
        reason: str | None = None,
        document: str | None = None,
        question: Question | None = None,
        children: tuple[str, ...] = (),
        evidence: tuple[str, ...] = (),
        pending: tuple[PendingCommand, ...] = (),
        understood: bool = True,
    ) -> None:
        # One dict update instead of a frozen dataclass's thirteen object.__setattr__ calls (one per message).
        self.__dict__.update(
            intent=intent,
            route=route,
            commands=commands,
            period=period,
            amount=amount,
            iban=iban,
            reason=reason,
            document=document,
            question=question,
            children=children,
            evidence=evidence,
            pending=pending,
            understood=understood,
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "intent": self.intent,
            "route": self.route,
            "commands": [command.to_json() for command in self.commands],
            "period": self.period.to_json() if self.period else None,
            "amount": self.amount,
            "iban": self.iban,
            "reason": self.reason,
            "document": self.document,
            "question": self.question.to_json() if self.question else None,
            "evidence": list(self.evidence),
            "pending": [p.to_json() for p in self.pending] if self.pending else None,
            "understood": self.understood,
        }
        if self.intent == "status":
            out["children"] = list(self.children)
        return out
