"""Staff's corrected readings kept as understanding test cases (one JSON line each, tests/nlu/cases format)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from core.pipeline.staff import BookingChange, StaffView


def case_of(view: StaffView, changes: Sequence[BookingChange]) -> dict[str, object]:
    """The message and the reading staff applied, as a case of tests/nlu/cases/*.jsonl."""
    message = view.message.message
    actions = {change.action for change in changes}
    intent = actions.pop() if len(actions) == 1 else "booking"
    case: dict[str, object] = {
        "id": f"staff{view.item.id}",
        "channel": message.channel,
        "at": message.received_at.isoformat(),
        "children": [child.first_name for child in view.household.children] if view.household else [],
        "text": message.text,
    }
    if message.subject:
        case["subject"] = message.subject
    case["expect"] = {
        "intent": intent,
        "route": "auto",
        "commands": [
            {
                "action": change.action,
                "child": change.child,
                "date": change.day.isoformat(),
                "meal": change.meal.value if change.meal else None,
            }
            for change in changes
        ],
    }
    return case


def record_case(path: str, view: StaffView, changes: Sequence[BookingChange]) -> None:
    """Append the case to the file (created with its folder when missing)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(case_of(view, changes), ensure_ascii=False) + "\n")
