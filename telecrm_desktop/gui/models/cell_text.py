"""A cell as a person reads it: the core's `cell_text` when present (one rule, one place)."""

from __future__ import annotations


def cell_text(value) -> str:
    try:
        from telecrm_desktop.core.convert.text import cell_text as core_cell_text
    except ImportError:  # the core converter is not installed yet: plain str()
        return "" if value is None else str(value)
    return core_cell_text(value)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the names a spreadsheet shows."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
