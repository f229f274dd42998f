"""Tags: a JSON array of trimmed, non-empty strings ("VIP, Returning" -> ["VIP", "Returning"])."""

from __future__ import annotations

from .text import cell_text, trim


def encode_tags(value: object, separator: str = ",") -> list[str] | None:
    """Split on `separator`; trim; drop empty parts and exact repeats (first one kept)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        parts = [trim(cell_text(item)) for item in value]
    else:
        text = value if type(value) is str else cell_text(value)
        parts = [trim(part) for part in text.split(separator)] if separator else [trim(text)]
    tags = list(dict.fromkeys(part for part in parts if part))
    return tags or None
