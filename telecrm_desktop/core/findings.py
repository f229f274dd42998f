"""What validation says about a row: a rule broken, where, and a sentence for a sales-ops person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    row: int  # spreadsheet row as a person sees it
    column: str | None  # source column name (None for row-level findings)
    value: str | None  # the offending value as text, None when there was none
    rule: str  # short stable code, e.g. "phone.invalid", "identifier.missing", "dropdown.new_option"
    message: str  # full sentence, e.g. 'Row 7, column "Mobile No.": "99999" is not a phone number ...'
    severity: Severity = "error"
    # the value to use instead, when one is likely (e.g. the nearest dropdown option): the GUI
    # offers it as a one-click fix for every row holding the same value in the same column
    suggestion: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"
