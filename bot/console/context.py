"""What every console page reaches through the request: the web app's dependencies and the URL prefix."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request

if TYPE_CHECKING:
    from bot.web import WebDeps

CONSOLE_PREFIX = "/console"
STATE_DEPS = "cantine_deps"


def web_deps(request: Request) -> WebDeps:
    """The WebDeps the app was built with (a FastAPI dependency: `deps: WebDeps = Depends(web_deps)`)."""
    deps: WebDeps = getattr(request.app.state, STATE_DEPS)
    return deps


def safe_next(target: str | None) -> str:
    """A console path to go to after login or a switch; anything else (other sites…) goes to the console home."""
    if target and target.startswith(CONSOLE_PREFIX) and not target.startswith("//") and "\\" not in target:
        return target
    return f"{CONSOLE_PREFIX}/"
