"""Findings worded for a sales-ops person: 'Row 7, column "Mobile No.": "99999" is not a phone number: ...'.

The rules themselves live elsewhere: value checks in core/convert (ValueRejected), workspace
checks in core/schema_rules (ValueProblem); both give a rule code and a phrase that follows the
quoted value, which this module turns into a Finding.
"""

from __future__ import annotations

from dataclasses import replace

from telecrm_desktop.core.findings import Finding

SHOWN_VALUE = 60  # characters of a cell shown in a message


def shown(value: object) -> str:
    """A cell's text for a message, cut short when long."""
    from telecrm_desktop.core.convert import cell_text

    text = cell_text(value).replace("\r", " ").replace("\n", " ")
    return text if len(text) <= SHOWN_VALUE else text[: SHOWN_VALUE - 1] + "…"


def where(row: int, column: str | None) -> str:
    return f'Row {row}, column "{column}"' if column else f"Row {row}"


def value_finding(row: int, column: str | None, value: object, rule: str, reason: str,
                  severity: str = "error", suggestion: str | None = None) -> Finding:
    """'Row 7, column "Mobile No.": "99999" is not a phone number: ...'."""
    text = shown(value)
    return Finding(row, column, text, rule, f'{where(row, column)}: "{text}" {_sentence(reason)}',
                   severity, suggestion)  # type: ignore[arg-type]


def row_finding(row: int, column: str | None, rule: str, sentence: str, value: str | None = None) -> Finding:
    return Finding(row, column, value, rule, f"{where(row, column)}: {_sentence(sentence)}")


def _sentence(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


def renumbered(finding: Finding, row: int) -> Finding:
    """The same finding said of row `row` (its sentence starts with `where`)."""
    said = f"Row {finding.row}"
    message = finding.message
    if message.startswith(said) and message[len(said):len(said) + 1] in (",", ":"):
        message = f"Row {row}{message[len(said):]}"
    return replace(finding, row=row, message=message)
