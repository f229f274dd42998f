"""A template that only partly fits the workspace: keep everything that fits (identifier, country,
date order, constants, combined columns, the other columns' targets) and set aside each target the
workspace lacks, to be shown in red with its reason and the nearest real field."""

from __future__ import annotations

import copy
import dataclasses


def target_path(entry) -> str | None:
    """A column's target as the template writes it: "fields.city" or {"to": "fields.city", ...}."""
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict):
        return entry.get("to")
    return None


def _entries(entry) -> list:
    return entry if isinstance(entry, list) else [entry] if entry else []


_REASONS = {
    "schema.unknown_field": "No such field",
    "schema.unknown_action": "No such action",
    "schema.unknown_action_field": "The action has no such field",
}
NOT_APPLIED = "not applied"


def not_applied(problem):
    """The core's SchemaProblem of a target set aside (its whole sentence is kept for the tooltip)."""
    return dataclasses.replace(problem, source=f"{problem.source} ({NOT_APPLIED})")


def set_aside_text(problem) -> str | None:
    """'fields.City — not applied' for a target set aside by fit_to_workspace, else None."""
    return f"{problem.target} — {NOT_APPLIED}" if problem.source.endswith(f"({NOT_APPLIED})") else None


def set_aside_check(problem) -> str:
    """Why, and the nearest real name, short enough for a table cell: 'No such field; nearest: fields.city'."""
    reason = _REASONS.get(problem.rule, "The workspace does not take it")
    return reason + (f"; nearest: {problem.suggestion}" if problem.suggestion else "; choose another target")


@dataclasses.dataclass
class FittedTemplate:
    template: dict
    set_aside: dict[str, list]  # column -> SchemaProblems of the targets taken off it
    others: list  # SchemaProblems of constants and combined values taken out

    @property
    def count(self) -> int:
        return sum(len(p) for p in self.set_aside.values()) + len(self.others)


def fit_to_workspace(template: dict, problems) -> FittedTemplate:
    """`problems`: core schema_rules.check_mapping_against_schema of the template. Only errors that
    belong to one target are set aside; the rest (the identifier left unmapped) stay to be fixed."""
    fitted = copy.deepcopy(template)
    columns = fitted.setdefault("columns", {})
    set_aside: dict[str, list] = {}
    others: list = []
    for problem in problems:
        if not problem.is_error:
            continue
        if problem.source.startswith('column "'):
            column = problem.source[len('column "'):-1]
            entries = _entries(columns.get(column))
            kept = [e for e in entries if target_path(e) != problem.target]
            if len(kept) == len(entries):
                continue
            columns[column] = kept if len(kept) > 1 else (kept[0] if kept else None)
            set_aside.setdefault(column, []).append(not_applied(problem))
        elif problem.source == "the constant" and problem.target in (fitted.get("constants") or {}):
            del fitted["constants"][problem.target]
            others.append(not_applied(problem))
        elif problem.source.startswith("the combined value") and problem.target in (fitted.get("combined") or {}):
            del fitted["combined"][problem.target]
            others.append(not_applied(problem))
    return FittedTemplate(fitted, set_aside, others)


def put_back(template: dict, column: str, path: str) -> None:
    """Map `column` to `path` as well (the nearest real field of a target set aside)."""
    columns = template.setdefault("columns", {})
    entries = _entries(columns.get(column))
    if any(target_path(e) == path for e in entries):
        return
    entries.append({"to": path})
    columns[column] = entries if len(entries) > 1 else entries[0]
