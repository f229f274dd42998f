"""Findings a sales-ops person understands, and the checks only the workspace schema makes possible.

Value checks (phone, e-mail, dates...) live in core/convert; this module words them as findings
and adds what telecrm drops silently that needs the workspace to know: a status that is not an
active pipeline label, an unknown lost reason, an assignee who is not an active team member (all
errors: telecrm would drop the value), a dropdown label that is not an option (a warning: the
value is kept but telecrm creates a new option). A template that names fields or actions the
workspace lacks is refused as a whole (`template_problems`).
"""

from __future__ import annotations

import difflib
from typing import Callable

from telecrm_desktop.core.findings import Finding
from telecrm_desktop.core.schema import Schema

SHOWN_VALUE = 60  # characters of a cell shown in a message


def shown(value: object) -> str:
    """A cell's text for a message, cut short when long."""
    from telecrm_desktop.core.convert import cell_text

    text = cell_text(value).replace("\r", " ").replace("\n", " ")
    return text if len(text) <= SHOWN_VALUE else text[: SHOWN_VALUE - 1] + "…"


def where(row: int, column: str | None) -> str:
    return f'Row {row}, column "{column}"' if column else f"Row {row}"


def value_finding(row: int, column: str | None, value: object, rule: str, reason: str,
                  severity: str = "error") -> Finding:
    """'Row 7, column "Mobile No.": "99999" is not a phone number: ...'."""
    text = shown(value)
    return Finding(row, column, text, rule, f'{where(row, column)}: "{text}" {reason}.', severity)  # type: ignore[arg-type]


def row_finding(row: int, column: str | None, rule: str, sentence: str, value: str | None = None) -> Finding:
    return Finding(row, column, value, rule, f"{where(row, column)}: {sentence}.")


def nearest(word: str, choices) -> str | None:  # noqa: ANN001
    """The choice a typo most likely meant (case differences first)."""
    choices = list(choices)
    folded = {c.casefold(): c for c in choices}
    if word.casefold() in folded:
        return folded[word.casefold()]
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return close[0]
    close = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def _did_you_mean(word: str, choices) -> str:  # noqa: ANN001
    guess = nearest(word, choices)
    return f'; did you mean "{guess}"?' if guess else ""


# A check takes an encoded value and returns None or (rule, reason, severity).
ValueCheck = Callable[[object], "tuple[str, str, str] | None"]


def schema_check(type_name: str, options: tuple[str, ...], schema: Schema | None) -> ValueCheck | None:
    """The workspace check for values of this type, or None when there is nothing to check."""
    if schema is None:
        return None
    if type_name == "status" and (schema.active_statuses or schema.archived_statuses):
        active, archived = frozenset(schema.active_statuses), frozenset(schema.archived_statuses)

        def check_status(value: object) -> tuple[str, str, str] | None:
            if value in active:
                return None
            if value in archived:
                return ("status.archived", "is an archived status; telecrm drops statuses that are not "
                        "active pipeline labels" + _did_you_mean(str(value), active), "error")
            return ("status.unknown", "is not an active status of the lead pipeline, so telecrm would "
                    "drop it" + _did_you_mean(str(value), active), "error")

        return check_status
    if type_name == "lost_reason" and schema.lost_reasons:
        reasons = frozenset(schema.lost_reasons)

        def check_reason(value: object) -> tuple[str, str, str] | None:
            if value in reasons:
                return None
            return ("lost_reason.unknown", "is not an active lost reason, so telecrm would drop it"
                    + _did_you_mean(str(value), reasons), "error")

        return check_reason
    if type_name == "user" and schema.active_members:
        members = frozenset(m.lower() for m in schema.active_members)

        def check_member(value: object) -> tuple[str, str, str] | None:
            if str(value).lower() in members:
                return None
            return ("user.unknown", "is not an active team member, so telecrm would drop the assignee"
                    + _did_you_mean(str(value), members), "error")

        return check_member
    if type_name == "dropdown" and options:
        labels = frozenset(options)

        def check_option(value: object) -> tuple[str, str, str] | None:
            if value in labels:
                return None
            return ("dropdown.new_option", "is not one of the field's options; telecrm will add it as a "
                    "new option" + _did_you_mean(str(value), labels), "warning")

        return check_option
    return None


def template_problems(paths: list[tuple[str, str]], schema: Schema) -> list[str]:
    """Targets the workspace lacks, as sentences. `paths`: (where it is mapped, target path)."""
    problems: list[str] = []
    for origin, path in paths:
        if path.startswith("fields."):
            name = path[len("fields."):]
            if name not in schema.fields:
                problems.append(f'{origin} goes to the field "{name}", which this workspace does not have'
                                + _did_you_mean(name, schema.fields))
            continue
        action, key = path.split(".", 2)[1:]
        if action == "PAYMENT" or not schema.actions:
            continue
        definition = schema.actions.get(action)
        if definition is None:
            if action.startswith("ACTION_") and action[7:].isdigit():
                problems.append(f'{origin} goes to the action "{action}", which this workspace does not have'
                                + _did_you_mean(action, schema.actions))
            continue
        if key != "created_on" and definition.fields and key not in definition.fields:
            problems.append(f'{origin} goes to "{key}" of {action}, a field this action does not have'
                            + _did_you_mean(key, definition.fields))
    return problems
