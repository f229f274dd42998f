"""What only the workspace knows: checks of a template and of values against a `Schema`.

Two levels:
- the template: `check_mapping_against_schema(mapping, schema)` lists targets the workspace lacks
  (errors: the template does not fit, exit 2) and doubtful ones (warnings), each naming the
  nearest real name when only the case or a small typo differs;
- values: `SchemaRules(schema)` precomputes lookups once, then answers per value in a dict lookup
  (`value_problem`, `status_problem`, ...), returning a `ValueProblem` or None. Its `reason` is
  a phrase that follows the quoted value, as `ValueRejected.reason` does:
  `Row 7, column "Status": "Call Later" ` + `is an archived status ...`.

telecrm compares labels exactly, so a label that differs only in case is a problem too, and its
fix is the exact label.

Over 400 lines: the template-level and the value-level checks share the workspace's look-ups
(nearest names, labels, archived statuses, team members).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Iterator, NamedTuple
from zoneinfo import ZoneInfo

from telecrm_desktop.core.type_names import normal_type
from telecrm_desktop.core.findings import Severity
from telecrm_desktop.core.workspace.schema import Schema

PAYMENT = "PAYMENT"
CREATED_ON = "created_on"
_LOOSE = re.compile(r"[\W_]+")
_CREATED_ON_FORMAT = "%d/%m/%Y %H:%M:%S"
BACKDATING_GRACE = dt.timedelta(minutes=5)  # clock skew and time spent queued are not backdating
_CACHE_LIMIT = 20_000


# -- nearest names ------------------------------------------------------------------------------


def _loose(text: str) -> str:
    return _LOOSE.sub("", text.casefold())


def _closest(key: str, keyed: dict[str, str], cutoff: float) -> str | None:
    """The value of the single best fuzzy key match; None when none is close or two tie."""
    scored = sorted(
        ((difflib.SequenceMatcher(None, key, candidate).ratio(), candidate) for candidate in keyed),
        reverse=True,
    )
    if not scored or scored[0][0] < cutoff:
        return None
    if len(scored) > 1 and scored[1][0] >= scored[0][0] - 0.02 and keyed[scored[1][1]] != keyed[scored[0][1]]:
        return None  # ambiguous: offering either could be the wrong fix
    return keyed[scored[0][1]]


def nearest_name(name: str, names, aliases: dict[str, str] | None = None, *, cutoff: float = 0.75) -> str | None:
    """The one of `names` that `name` most likely means, or None.

    Tries, in order: same letters ignoring case; same ignoring case, spaces and punctuation
    (`company name` -> `company_name`); the same against `aliases` (display name -> name); a small
    typo (difflib ratio >= cutoff, unambiguous). An exact match returns itself.
    """
    names = list(names)
    if name in names:
        return name
    folded = name.casefold()
    same_letters = {c for c in names if c.casefold() == folded}
    if same_letters:
        return same_letters.pop() if len(same_letters) == 1 else None  # "city" and "City": ask
    loose_keys: dict[str, str | None] = {}
    for candidate in names:
        _add_key(loose_keys, _loose(candidate), candidate)
    for alias, candidate in (aliases or {}).items():
        _add_key(loose_keys, _loose(alias), candidate)
    key = _loose(name)
    if key in loose_keys:
        return loose_keys[key]
    if not key:
        return None
    return _closest(key, loose_keys, cutoff)


def _add_key(keyed: dict[str, str | None], key: str, candidate: str) -> None:
    """Two names with one loose spelling make that spelling ambiguous (None)."""
    if key in keyed and keyed[key] != candidate:
        keyed[key] = None
    else:
        keyed[key] = candidate


def nearest_option(value: str, options) -> str | None:
    """The dropdown option (or status, lost reason...) that `value` most likely means, or None.

    Case, spacing and punctuation are ignored (`walk in` -> `Walk-in`); a value that starts one
    option only (`Facebook` -> `Facebook Ads`) or a small typo (`Refferal` -> `Referral`) counts.
    """
    options = [o for o in options if isinstance(o, str)]
    if value in options:
        return value
    found = nearest_name(value, options, cutoff=0.8)
    if found is not None:
        return found
    key = _loose(value)
    if len(key) >= 3:
        starting = {o for o in options if _loose(o).startswith(key) or (len(_loose(o)) >= 3 and key.startswith(_loose(o)))}
        if len(starting) == 1:
            return starting.pop()
    return _closest(key, {_loose(o): o for o in options}, 0.7) if key else None


def _listing(names, limit: int = 12) -> str:
    names = list(names)
    shown = ", ".join(f'"{n}"' for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


# -- template level ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchemaProblem:
    """A template target that does not fit the workspace."""

    target: str  # the template path, e.g. "fields.City"
    source: str  # where the template names it: 'column "Town"', 'the constant', 'the combined value'
    rule: str  # "schema.unknown_field", "schema.unknown_action", "schema.unknown_action_field", ...
    message: str  # one sentence naming the source, the target and the fix
    suggestion: str | None = None  # the corrected path (or value, for constants), when one is likely
    severity: Severity = "error"  # errors mean the template does not fit the workspace (exit 2)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def _mapping_targets(mapping) -> Iterator[tuple[str, str, str | None, object]]:
    """(path, source, explicit type, constant value or None) for every target of a Mapping."""
    for column, targets in mapping.columns.items():
        for target in targets or ():
            yield target.path, f'column "{column}"', target.type, None
    for path, spec in mapping.combined.items():
        yield path, f'the combined value of {_listing(spec.columns, 4)}', getattr(spec, "type", None), None
    for path, value in mapping.constants.items():
        yield path, "the constant", None, value


def check_mapping_against_schema(mapping, schema: Schema) -> list[SchemaProblem]:
    """Every target of the template that the workspace lacks or will not keep, errors first."""
    rules = SchemaRules(schema)
    problems: list[SchemaProblem] = []
    mapped_fields: set[str] = set()
    for path, source, type_name, constant in _mapping_targets(mapping):
        if path.startswith("fields."):
            name = path[len("fields."):]
            mapped_fields.add(name)
            problems.extend(_field_target_problems(rules, path, name, source, type_name, constant))
        elif path.startswith("actions."):
            parts = path.split(".", 2)
            if len(parts) == 3 and parts[1] != PAYMENT:
                problems.extend(_action_target_problems(rules, path, parts[1], parts[2], source, constant))
    identifier = schema.identifier_field
    declared = getattr(mapping, "identifier", None)
    said = "identifier" in getattr(mapping, "explicit", {"identifier"})
    if said and declared and identifier and declared != identifier:
        problems.append(SchemaProblem(
            f"fields.{declared}", "the template", "schema.identifier_differs",
            f'The template names "{declared}" as the lead identifier, but the workspace matches '
            f'leads on "{identifier}": "{identifier}" is used.',
            identifier, "warning",
        ))
    if identifier and identifier not in mapped_fields:
        problems.append(SchemaProblem(
            f"fields.{identifier}", "the template", "schema.identifier_unmapped",
            f'The template sends nothing to "{identifier}", the workspace\'s lead identifier: '
            "telecrm drops every request without it; map the column that holds it.",
        ))
    # errors first, in template order otherwise; the same path from two sources is said once each
    return sorted(problems, key=lambda p: not p.is_error)


def _field_target_problems(rules: SchemaRules, path, name, source, type_name, constant):
    schema = rules.schema
    field = schema.fields.get(name)
    if field is None:
        found = nearest_name(name, schema.fields, rules.field_aliases)
        if found is not None:
            fix = f"did you mean \"{found}\"{_display(schema.fields[found].display_name, found)}?"
        else:
            fix = f"its fields are {_listing(schema.fields)}"
        yield SchemaProblem(
            path, source, "schema.unknown_field",
            f'{_first_upper(source)} goes to "{path}", but the workspace has no field "{name}" '
            f"(API names are case-sensitive): {fix}",
            f"fields.{found}" if found else None,
        )
        return
    declared = normal_type(type_name)
    if declared and field.type != "text" and declared != field.type:
        yield SchemaProblem(
            path, source, "schema.type_mismatch",
            f'{_first_upper(source)} is read as {declared}, but the workspace\'s field "{name}" is '
            f"{field.type}: telecrm may drop the values; leave the type out to use the workspace's.",
            None, "warning",
        )
    if constant is not None and isinstance(constant, str):
        problem = rules.value_problem(name, constant)
        if problem is not None:
            yield SchemaProblem(
                path, source, problem.rule,
                f'The constant "{constant}" for "{path}" {problem.reason}',
                problem.suggestion, problem.severity,
            )


def _action_target_problems(rules: SchemaRules, path, code, key, source, constant):
    problem = rules.action_problem(code)
    if problem is not None:
        yield SchemaProblem(
            path, source, "schema.unknown_action",
            f'{_first_upper(source)} goes to "{path}", but the action "{code}" {problem.reason}',
            f"actions.{problem.suggestion}.{key}" if problem.suggestion else None,
        )
        return
    action = rules.schema.actions[code]
    if key == CREATED_ON:
        if not action.allows_backdating:
            yield SchemaProblem(
                path, source, "schema.no_backdating",
                f'{_first_upper(source)} dates the action {code}{_display(action.display_name, code)}, which '
                "does not allow backdated activity: rows dated in the past are flagged, and telecrm may "
                "not keep their date.",
                None, "warning",
            )
        return
    problem = rules.action_field_problem(code, key)
    if problem is not None:
        yield SchemaProblem(
            path, source, "schema.unknown_action_field",
            f'{_first_upper(source)} goes to "{path}", but "{key}" {problem.reason}',
            f"actions.{code}.{problem.suggestion}" if problem.suggestion else None,
        )
    elif constant is not None and isinstance(constant, str):
        value_problem = rules.action_value_problem(code, key, constant)
        if value_problem is not None:
            yield SchemaProblem(
                path, source, value_problem.rule,
                f'The constant "{constant}" for "{path}" {value_problem.reason}',
                value_problem.suggestion, value_problem.severity,
            )


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _display(display_name: str | None, name: str) -> str:
    return f" ({display_name})" if display_name and display_name != name else ""


# -- value level ---------------------------------------------------------------------------------


class ValueProblem(NamedTuple):
    rule: str  # "status.archived", "dropdown.new_option", ...
    reason: str  # phrase after the quoted value: 'is an archived status ...'
    severity: Severity  # "error": the row is held back; "warning": it is sent, the user is told
    suggestion: str | None = None  # the value to use instead (a one-click fix), when one is likely

    @property
    def message(self) -> str:  # the brief's (rule, message, severity) shape
        return self.reason


class _Labels:
    """Labels that telecrm matches exactly, with their case-insensitive spellings."""

    def __init__(self, active, archived=()):
        self.active = tuple(active)
        self.active_set = frozenset(self.active)
        self.archived = {label.casefold(): label for label in archived}


class SchemaRules:
    """Per-value checks against one schema; build once per check run, call per value."""

    def __init__(self, schema: Schema):
        self.schema = schema
        self.statuses = _Labels(schema.active_statuses, schema.archived_statuses)
        self.lost_reasons = _Labels(schema.lost_reasons, schema.archived_lost_reasons)
        self.members = frozenset(m.strip().lower() for m in schema.active_members)
        self.inactive_members = frozenset(m.strip().lower() for m in schema.inactive_members)
        self.field_aliases = {f.display_name: name for name, f in schema.fields.items() if f.display_name}
        self.action_aliases = {a.display_name: code for code, a in schema.actions.items() if a.display_name}
        self._field_types = {name: f.type for name, f in schema.fields.items()}
        self._options = {name: _Labels(f.options) for name, f in schema.fields.items() if f.type == "dropdown"}
        self._action_options = {
            (code, key): _Labels(f.options)
            for code, action in schema.actions.items() for key, f in action.fields.items()
            if f.type == "dropdown" and f.options
        }
        self._cache: dict[tuple, ValueProblem | None] = {}

    # -- dispatch ------------------------------------------------------------------------------
    def field_type(self, api_name: str) -> str | None:
        return self._field_types.get(api_name)

    def value_problem(self, api_name: str, value: object) -> ValueProblem | None:
        """The problem with an encoded value of a lead field, judged by the field's workspace type.

        Only labels are judged here (status, lost reason, assignee, dropdown); the converters
        judge the rest. Unknown fields are the template's problem, not the value's: None.
        """
        type_name = self._field_types.get(api_name)
        if type_name == "status":
            return self.status_problem(value)
        if type_name == "lost_reason":
            return self.lost_reason_problem(value)
        if type_name == "user":
            return self.assignee_problem(value)
        if type_name == "dropdown":
            return self.dropdown_problem(api_name, value)
        return None

    def action_value_problem(self, code: str, key: str, value: object) -> ValueProblem | None:
        """The problem with an encoded value of a custom action's field (dropdown options only)."""
        labels = self._action_options.get((code, key))
        if labels is None or not isinstance(value, str) or value in labels.active_set:
            return None
        return self._cached(("action", code, key, value), lambda: self._not_an_option(
            value, labels, f'the field "{key}" of action {code}'))

    # -- labels --------------------------------------------------------------------------------
    def status_problem(self, value: object) -> ValueProblem | None:
        if not isinstance(value, str) or value in self.statuses.active_set:
            return None
        return self._cached(("status", value), lambda: self._label_problem(
            value, self.statuses, "status", "status", "statuses", "the lead's status is dropped"))

    def lost_reason_problem(self, value: object) -> ValueProblem | None:
        if not isinstance(value, str) or value in self.lost_reasons.active_set:
            return None
        return self._cached(("lost_reason", value), lambda: self._label_problem(
            value, self.lost_reasons, "lost_reason", "lost reason", "lost reasons", "the lost reason is dropped"))

    def _label_problem(self, value, labels: _Labels, rule, noun, plural, effect) -> ValueProblem:
        archived = labels.archived.get(value.casefold())
        near = nearest_option(value, labels.active)
        advice = f'did you mean "{near}"?' if near else f"the active {plural} are {_listing(labels.active)}"
        if archived is not None:
            return ValueProblem(f"{rule}.archived",
                                f"is an archived {noun} in this workspace: {effect}; {advice}", "error", near)
        return ValueProblem(f"{rule}.unknown",
                            f"is not an active {noun} of this workspace: {effect}; {advice}", "error", near)

    def assignee_problem(self, value: object) -> ValueProblem | None:
        if not isinstance(value, str):
            return None
        email = value.strip().lower()
        if email in self.members:
            return None
        return self._cached(("user", email), lambda: self._assignee_problem(email))

    def _assignee_problem(self, email: str) -> ValueProblem:
        if email in self.inactive_members:
            return ValueProblem("assignee.inactive",
                                "is a team member whose account is not active: telecrm drops the "
                                "assignee; assign the lead to an active member", "error")
        near = nearest_name(email, sorted(self.members), cutoff=0.85)
        advice = f'did you mean "{near}"?' if near else "use the e-mail of an active team member"
        return ValueProblem("assignee.unknown",
                            f"is not the e-mail of a team member of this workspace: telecrm drops the "
                            f"assignee; {advice}", "error", near)

    def dropdown_problem(self, api_name: str, value: object) -> ValueProblem | None:
        labels = self._options.get(api_name)
        if labels is None or not isinstance(value, str) or value in labels.active_set:
            return None
        field = self.schema.fields[api_name]
        return self._cached(("dropdown", api_name, value), lambda: self._not_an_option(
            value, labels, f'"{field.display_name or api_name}"'))

    def _not_an_option(self, value: str, labels: _Labels, owner: str) -> ValueProblem:
        near = nearest_option(value, labels.active)
        advice = (f'the nearest option is "{near}"' if near
                  else f"its options are {_listing(labels.active)}" if labels.active else "it has no options yet")
        return ValueProblem("dropdown.new_option",
                            f"is not an option of {owner}: telecrm would add it as a new option; {advice}",
                            "warning", near)

    # -- actions -------------------------------------------------------------------------------
    def action_problem(self, code: str) -> ValueProblem | None:
        """None when the workspace has the custom action `code` (e.g. "ACTION_1001")."""
        actions = self.schema.actions
        if code in actions or code == PAYMENT:
            return None
        return self._cached(("action", code), lambda: self._unknown_action(code))

    def _unknown_action(self, code: str) -> ValueProblem:
        actions = self.schema.actions
        digits = code.upper().removeprefix("ACTION_").strip()
        near = f"ACTION_{digits}" if f"ACTION_{digits}" in actions else None
        if near is None:  # codes are numbers: a typo in one is another action, so never guessed
            key = _loose(code)
            spelled = {_loose(c): c for c in actions} | {_loose(n): c for n, c in self.action_aliases.items()}
            near = spelled.get(key) or _closest(key, {_loose(n): c for n, c in self.action_aliases.items()}, 0.75)
        if near and near != code:
            advice = f'did you mean {near}{_display(actions[near].display_name, near)}?'
        elif actions:
            advice = "its custom actions are " + ", ".join(
                f"{c}{_display(a.display_name, c)}" for c, a in list(actions.items())[:12])
        else:
            advice = "the workspace has no custom actions"
        return ValueProblem("action.unknown", f"is not a custom action of this workspace: telecrm drops "
                            f"it; {advice}", "error", near)

    def action_field_problem(self, code: str, key: str) -> ValueProblem | None:
        """None when the action has the field `key` (or the action is unknown, or `key` is created_on)."""
        action = self.schema.actions.get(code)
        if action is None or key == CREATED_ON or key in action.fields:
            return None
        near = nearest_name(key, action.fields)
        advice = (f'did you mean "{near}"?' if near
                  else f"its fields are {_listing(action.fields)}" if action.fields else "it has no fields")
        return ValueProblem("action.unknown_field",
                            f"is not a field of the action {code}{_display(action.display_name, code)}: "
                            f"its value would not be kept; {advice}", "error", near)

    def backdated_problem(self, code: str, created_on: object, *, timezone: str = "Asia/Kolkata",
                          now: dt.datetime | None = None) -> ValueProblem | None:
        """A warning when an action that does not allow backdating is dated in the past.

        `created_on` is the encoded "DD/MM/YYYY HH:mm:ss" (read in `timezone`), a datetime, or
        epoch milliseconds. Unreadable dates are the converters' problem: None.
        """
        action = self.schema.actions.get(code)
        if action is None or action.allows_backdating:
            return None
        when = _as_datetime(created_on, timezone)
        if when is None:
            return None
        now = now or dt.datetime.now(dt.timezone.utc)
        if when >= now - BACKDATING_GRACE:
            return None
        return ValueProblem(
            "action.backdated",
            f"is in the past, but the action {code}{_display(action.display_name, code)} does not allow "
            "backdated activity in this workspace: telecrm may not keep this date",
            "warning",
        )

    def _cached(self, key: tuple, compute) -> ValueProblem | None:
        try:
            return self._cache[key]
        except KeyError:
            pass
        problem = compute()
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[key] = problem
        return problem


def _as_datetime(value: object, timezone: str) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(timezone))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value / 1000, dt.timezone.utc)
    if isinstance(value, str):
        try:
            return dt.datetime.strptime(value.strip(), _CREATED_ON_FORMAT).replace(tzinfo=ZoneInfo(timezone))
        except ValueError:
            return None
    return None
