"""The `cantine nlu` commands: parse a corpus file (one JSON line per case) or a single message."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any

import click

nlu_group = click.Group("nlu", help="Understand parent messages (see shared/nlu/CONVENTIONS.md).")


def _message(case: dict[str, Any]) -> Any:
    from nlu.model import Message

    at = case.get("at")
    if not isinstance(at, str):
        raise ValueError("'at' is missing (ISO 8601 with offset expected)")
    when = datetime.fromisoformat(at)
    if when.tzinfo is None:
        raise ValueError(f"'at' has no UTC offset: {at!r}")
    text = case.get("text") or ""
    subject = case.get("subject")
    children = case.get("children") or []
    if not isinstance(text, str) or (subject is not None and not isinstance(subject, str)):
        raise ValueError("'text' and 'subject' must be strings")
    if not isinstance(children, list) or not all(isinstance(c, str) for c in children):
        raise ValueError("'children' must be a list of first names")
    return Message(
        text=text, subject=subject, channel=str(case.get("channel") or "sms"), at=when, children=tuple(children)
    )


def _load(path: str) -> Any:
    from core.canteen import CanteenConfigError
    from core.canteen_files import load_canteen

    try:
        return load_canteen(path)
    except CanteenConfigError as error:
        raise click.ClickException(str(error)) from None


@nlu_group.command("parse")
@click.option(
    "--canteen",
    "canteen_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="The canteen's TOML file (calendar, closures, school year).",
)
@click.option("--at", "at", help="Reception time, ISO 8601 with offset (single message).")
@click.option("--children", default="", help="Comma-separated first names of the household (single message).")
@click.option("--channel", type=click.Choice(["email", "sms", "telegram"]), default="sms", show_default=True)
@click.option("--subject", default=None, help="Email subject (single message).")
@click.argument("source")
def parse_command(
    canteen_file: str, at: str | None, children: str, channel: str, subject: str | None, source: str
) -> None:
    """Parse SOURCE: a corpus .jsonl file (one case a line), or, with --at, the text of one message."""
    from nlu.parser import parse

    canteen = _load(canteen_file)
    if at is not None:
        case = {
            "text": source,
            "subject": subject,
            "channel": channel,
            "at": at,
            "children": [c.strip() for c in children.split(",") if c.strip()],
        }
        try:
            message = _message(case)
        except ValueError as error:
            raise click.ClickException(f"--at/--children: {error}") from None
        click.echo(json.dumps(parse(message, canteen).to_json(), ensure_ascii=False, indent=2))
        return
    try:
        with open(source, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"cannot read {source}: {error}") from None
    failures = 0
    out = sys.stdout
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        case_id: Any = None
        try:
            case = json.loads(line)
            if not isinstance(case, dict):
                raise ValueError("a case must be a JSON object")
            case_id = case.get("id", f"line-{number}")
            result = parse(_message(case), canteen).to_json()
        except ValueError as error:
            failures += 1
            click.echo(f"{source}, line {number}: {error}", err=True)
            out.write(
                json.dumps(
                    {"id": case_id if case_id is not None else f"line-{number}", "error": f"line {number}: {error}"},
                    ensure_ascii=False,
                )
                + "\n"
            )
            continue
        result["id"] = case_id
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    if failures:
        click.echo(f"{failures} line(s) could not be parsed", err=True)


if __name__ == "__main__":
    nlu_group()
