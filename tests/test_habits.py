"""Habits a linter does not check: every `type: ignore` says why, every module says what it is for."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "nlu", "mailroom", "bot", "statements")
IGNORE = re.compile(r"#\s*type:\s*ignore(\[[^\]]*\])?(?P<rest>.*)$")


def project_modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


def test_every_type_ignore_gives_a_reason_on_the_same_line() -> None:
    bare = []
    for path in [*project_modules(), *(ROOT / "tests").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = IGNORE.search(line)
            if match and not re.search(r"\w", match.group("rest")):
                bare.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert bare == [], "a `type: ignore` needs a reason after it, e.g. `# type: ignore[attr-defined]  # why`"


@pytest.mark.parametrize("path", project_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_has_a_one_line_docstring(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstring = ast.get_docstring(tree)
    assert docstring, f"{path.relative_to(ROOT)} needs a module docstring saying what it is for"
    assert docstring.splitlines()[0].strip(), "the docstring's first line says what the module is for"
