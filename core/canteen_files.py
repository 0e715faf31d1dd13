"""Reading canteen TOML files from disk (the I/O side of core.canteen)."""

from __future__ import annotations

from pathlib import Path

from core.canteen import Canteen, CanteenConfigError, parse_canteen


def load_canteen(path: str | Path) -> Canteen:
    """Read and parse one canteen file; errors name the file, key and line."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CanteenConfigError(str(file), "(file)", None, f"cannot be read: {error}") from None
    return parse_canteen(text, source=str(file))


def load_canteens(directory: str | Path) -> dict[str, Canteen]:
    """Every `*.toml` canteen of a directory, by id; two files with one id are an error."""
    canteens: dict[str, Canteen] = {}
    for file in sorted(Path(directory).glob("*.toml")):
        canteen = load_canteen(file)
        if canteen.id in canteens:
            raise CanteenConfigError(str(file), "canteen.id", None, f"id {canteen.id!r} is used by another file")
        canteens[canteen.id] = canteen
    return canteens
