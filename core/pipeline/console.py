"""The console channel: replies printed instead of sent (simulation, demo mode, channels not configured)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TextIO

from core.messages import OutgoingMessage


@dataclass
class ConsoleSender:
    """Prints each reply with its channel and recipient; remembers what it printed."""

    stream: TextIO = field(default_factory=lambda: sys.stdout)
    sent: list[OutgoingMessage] = field(default_factory=list)

    def send(self, message: OutgoingMessage) -> str | None:
        header = f"── reply by {message.channel} to {message.recipient}"
        if message.subject:
            header += f" — {message.subject}"
        self.stream.write(f"{header}\n{message.text}\n\n")
        self.stream.flush()
        self.sent.append(message)
        return f"console-{message.id}"
