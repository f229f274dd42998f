"""Cell text as a person reads it, and spreadsheet column letters, for the views."""

from __future__ import annotations

from telecrm_desktop.core.convert.text import cell_text  # noqa: F401 - one rule, one place


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the names a spreadsheet shows."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
