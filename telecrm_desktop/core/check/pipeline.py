"""Rows -> findings -> request bodies: what each data row of a sheet becomes under a template.

A `RowPlan` is compiled once per sheet and template (column positions, encoders, schema checks,
constants) so the per-row path is a tight loop. `check_rows` streams one RowResult per data row;
`core.check.merge.LeadMerger` folds the ready ones into leads with little memory per lead;
`merge.build_leads` does both and keeps everything in memory (the tests' reference);
`core.check.sheet_check.check_sheet` does both compactly, for the command line and the app.

Choices where the spec is silent:
- A column and a constant for the same target: the cell wins when it is not empty.
- Several columns (or a column and `combined`) for the same target: the last non-empty one in
  template order wins, `combined` after `columns`.
- A template column missing from the sheet is left out and reported (`RowPlan.missing_columns`);
  a template that feeds nothing of this sheet into the identifier field is refused.
- A body's `"actions"` key is left out when the lead has no action; a custom action always has
  `"fields"` (maybe `{}`) and `"created_on"` when one was mapped.
- A cell that is only spaces counts as empty (it is never sent, and makes no action).

Over 400 lines: RowPlan's compile step and its per-row loops stay together, because the loops unpack
the tuples the compile step lays out; one read shows both sides of that contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, NamedTuple, Sequence

from telecrm_desktop.core import convert as cv
from telecrm_desktop.core.convert import ConvertContext, ValueRejected, make_context
from telecrm_desktop.core.convert.quick_dates import created_on_encoder
from telecrm_desktop.core.findings import Finding
from telecrm_desktop.core.template.mapping import (
    CREATED_ON, CUSTOM_ACTION, PAYMENT, PAYMENT_KEYS, STANDARD_TYPES, Mapping, MappingError, Target, target_type,
)
from telecrm_desktop.core.workspace.schema import Schema
from telecrm_desktop.core.workspace.schema_rules import SchemaRules
from telecrm_desktop.core.sources.table import DataRow, Table
from telecrm_desktop.core.check.wording import row_finding, value_finding

READY, INVALID = "ready", "invalid"
PROGRESS_EVERY = 2048  # rows between progress callbacks and stop checks

# what a step writes (0 is false: `if kind:` means "an action's value")
_FIELD, _ACTION_FIELD, _CREATED_ON, _PAYMENT = 0, 1, 2, 3


class TemplateMismatch(MappingError):
    """A template that does not fit this sheet or workspace (exit 2 on the command line)."""


@dataclass(slots=True)
class RowResult:
    row: int  # as a person sees it in the spreadsheet
    identifier: str | None  # the encoded identifier, or the cell's text when it could not be encoded
    status: str  # "ready" | "invalid"
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    fields: dict[str, Any]  # what could be encoded (invalid rows: without their bad values)
    actions: list[dict[str, Any]]
    key: str | None = None  # the merge key (normalised identifier); None for invalid rows

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"fields": self.fields}
        if self.actions:
            body["actions"] = self.actions
        return body


@dataclass(slots=True)
class Lead:
    identifier: str
    rows: tuple[int, ...]
    body: dict[str, Any]
    warnings: tuple[Finding, ...] = ()


@dataclass
class CheckResult:
    rows: list[RowResult]
    leads: list[Lead]
    missing_columns: list[str] = field(default_factory=list)
    stopped: bool = False

    @property
    def ready(self) -> int:
        return sum(1 for r in self.rows if r.status == READY)

    @property
    def invalid(self) -> int:
        return sum(1 for r in self.rows if r.status == INVALID)

    @property
    def merged_rows(self) -> int:
        return sum(len(lead.rows) - 1 for lead in self.leads)


# --------------------------------------------------------------------------- plan

def _encoder(type_name: str, ctx: ConvertContext, separator: str) -> Callable[[Any], Any]:
    # bound once per column; numbers and money read with the template's decimal mark
    return cv.encoder_for(type_name, ctx, separator=separator)


def _payment_encoder(key: str, ctx: ConvertContext) -> Callable[[Any], Any]:
    if key == "amount":
        return lambda v: cv.encode_payment_amount(v, ctx)
    return cv.encode_payment_currency if key == "currency" else cv.encode_payment_status


MEMO_LIMIT = 4096  # distinct text values remembered per target
_UNSEEN = object()
# Every memo starts knowing that an empty cell gives nothing, so the per-cell loop needs no
# emptiness test; a column that gives its memo up looks cells up in this one, which never grows.
_EMPTY_CELLS = {None: None, "": None}
_NO_MEMO = dict(_EMPTY_CELLS)


# A plan is compiled with these named tuples and keeps them as plain tuples in the same field
# order (`_plain`): the per-cell loops unpack them (`for kind, name, ... in steps`), and CPython
# unpacks an exact tuple faster than a NamedTuple (a tuple subclass misses its fast path; the
# check was measurably slower with NamedTuples in the loops). `simple_columns` and
# `cell_steps` give them back by name.

class Step(NamedTuple):
    """What one target of a column does with a cell's value."""

    kind: int  # _FIELD, _ACTION_FIELD, _CREATED_ON or _PAYMENT
    name: str  # the field's name, or the action type
    key: str | None  # the action's key (None for a field)
    encode: Callable[[Any], Any]  # cell -> JSON value, None when empty; raises ValueRejected
    check: Callable[[Any], Any] | None  # encoded -> the workspace's ValueProblem or None
    # remembers the answers for text cells (sheets repeat cities, sources, statuses). Only `str`
    # values are remembered (1, 1.0 and True are equal keys but different cells); a value that is
    # rejected is not, so its error is raised afresh each time. See RowPlan._remember.
    memo: dict


class CellSteps(NamedTuple):
    """A column (or a `combined` target) whose cells take the general path."""

    source: int | Callable[[Sequence[Any]], str]  # the column's index, or how the combined text is made
    column: str  # named in findings: the header, or "First + Last" for a combined target
    steps: tuple[Step, ...]
    one_finding: bool  # a rejected cell is reported once, however many of its steps reject it


class SimpleColumn(NamedTuple):
    """The common case: a column that feeds one field with nothing to ask the workspace."""

    index: int
    column: str
    name: str
    encode: Callable[[Any], Any]
    memo: dict


def _plain(cells: Sequence[CellSteps]) -> list[tuple]:
    return [(cell.source, cell.column, tuple(map(tuple, cell.steps)), cell.one_finding) for cell in cells]


def _step(target: Target, ctx: ConvertContext, rules: "SchemaRules | None", memo: dict | None = None) -> Step:
    """One target's step; `check(encoded)` is the workspace's judgement (a ValueProblem) or None."""
    memo = dict(_EMPTY_CELLS) if memo is None else memo
    if target.is_field:
        type_name = target_type(target, rules.schema if rules else None)
        name = target.field_name
        check = None
        if rules is not None and rules.field_type(name) in _JUDGED:
            check = lambda v, _name=name: rules.value_problem(_name, v)  # noqa: E731
        return Step(_FIELD, name, None, _encoder(type_name, ctx, target.separator), check, memo)
    action, key = target.action_type, target.action_key
    if action == PAYMENT:
        return Step(_PAYMENT, action, key, _payment_encoder(key, ctx), None, memo)
    if key == CREATED_ON:
        check = None
        if rules is not None and action in rules.schema.actions:
            check = lambda v, _code=action: rules.backdated_problem(_code, v, timezone=ctx.timezone)  # noqa: E731
        return Step(_CREATED_ON, action, key, created_on_encoder(ctx), check, memo)
    type_name = target_type(target, rules.schema if rules else None)
    check = None
    if rules is not None:
        check = lambda v, _code=action, _key=key: rules.action_value_problem(_code, _key, v)  # noqa: E731
    return Step(_ACTION_FIELD, action, key, _encoder(type_name, ctx, target.separator), check, memo)


def _combined_text(columns: Sequence[tuple[int, str]], separator: str, labels: bool) -> Callable[[Sequence[Any]], str]:
    """How a `combined` target's text is made from a row: its non-empty cells, trimmed, joined
    ("" when all are empty)."""
    def combined_text(values: Sequence[Any]) -> str:
        parts = []
        for index, name in columns:
            value = values[index]
            if value is None or value == "":
                continue
            text = cv.trim(value if type(value) is str else cv.cell_text(value))
            if text:
                parts.append(f"{name}: {text}" if labels else text)
        return separator.join(parts)

    return combined_text


_JUDGED = frozenset({"status", "lost_reason", "user", "dropdown"})


def _header_index(headers: Sequence[str]) -> Callable[[str], int | None]:
    exact = {h: i for i, h in enumerate(headers)}
    loose: dict[str, int] = {}
    for i, h in enumerate(headers):
        loose.setdefault(" ".join(h.split()).casefold(), i)

    def find(column: str) -> int | None:
        if column in exact:
            return exact[column]
        return loose.get(" ".join(column.split()).casefold())

    return find


def context_of(mapping: Mapping) -> ConvertContext:
    return make_context(mapping.country, mapping.timezone, mapping.date_order)


class RowPlan:
    """Everything about a template that does not change from row to row, compiled once."""

    def __init__(self, headers: Sequence[str], mapping: Mapping, ctx: ConvertContext | None = None,
                 schema: Schema | None = None) -> None:
        self.headers = list(headers)
        self.mapping, self.schema = mapping, schema
        ctx = ctx or context_of(mapping)
        self.ctx = ctx
        rules = SchemaRules(schema) if schema is not None else None
        find = _header_index(self.headers)
        self.identifier = mapping.identifier_field(schema)
        self.missing_columns: list[str] = []
        action_order: list[str] = []

        def note_action(path: str) -> None:
            if path.startswith("actions."):
                action = path.split(".", 2)[1]
                if action not in action_order:
                    action_order.append(action)

        # columns -> steps
        steps: list[CellSteps] = []
        identifier_type: str | None = None
        self.identifier_columns: list[int] = []
        for column, targets in mapping.columns.items():
            if not targets:
                continue
            index = find(column)
            for target in targets:
                note_action(target.path)
            if index is None:
                self.missing_columns.append(column)
                continue
            header = self.headers[index]
            steps.append(CellSteps(index, header, tuple(_step(t, ctx, rules) for t in targets), True))
            for target in targets:
                if target.is_field and target.field_name == self.identifier:
                    self.identifier_columns.append(index)
                    identifier_type = identifier_type or target_type(target, schema)
        # The common case, a column feeding one field with nothing to ask the workspace, takes a
        # lean path; it keeps template order unless two columns feed the same field.
        fed = [step.name for cell in steps for step in cell.steps if step.kind == _FIELD]
        simple: list[SimpleColumn] = []
        self._converted = 0  # rows converted so far (a memo that fills up early is given up)
        if len(fed) == len(set(fed)):
            general = []
            for cell in steps:
                only = cell.steps[0]
                if len(cell.steps) == 1 and only.kind == _FIELD and only.check is None:
                    simple.append(SimpleColumn(cell.source, cell.column, only.name, only.encode, only.memo))
                else:
                    general.append(cell)
            steps = general
        # combined targets take the general path after the columns; their text is not remembered
        for path, spec in mapping.combined.items():
            note_action(path)
            found = [(find(c), c) for c in spec.columns]
            present = [(i, self.headers[i]) for i, _ in found if i is not None]
            self.missing_columns += [c for i, c in found if i is None and c not in self.missing_columns]
            if not present:
                continue
            target = Target(path, spec.type)
            label = " + ".join(name for _, name in present)
            text = _combined_text(tuple(present), spec.separator, spec.labels)
            steps.append(CellSteps(text, label, (_step(target, ctx, rules, _NO_MEMO),), False))
            if target.is_field and target.field_name == self.identifier:
                self.identifier_columns.append(present[0][0])
                identifier_type = identifier_type or target_type(target, schema)
        self.simple: list[tuple] = [tuple(column) for column in simple]  # SimpleColumn fields
        self.steps: list[tuple] = _plain(steps)  # CellSteps fields, with Step fields inside
        # constants, encoded once
        self.field_constants: dict[str, Any] = {}
        self.action_constants: dict[str, dict[str, Any]] = {}
        for path, value in mapping.constants.items():
            target = Target(path)
            encoded = self._constant(target, value, ctx, rules)
            if encoded is None:
                continue
            if target.is_field:
                self.field_constants[target.field_name] = encoded
                if target.field_name == self.identifier:
                    identifier_type = identifier_type or target_type(target, schema)
            else:
                self.action_constants.setdefault(target.action_type, {})[target.action_key] = encoded
        self.action_order = action_order + [a for a in self.action_constants if a not in action_order]
        self.custom_actions = frozenset(a for a in self.action_order if CUSTOM_ACTION.fullmatch(a))
        self.identifier_type = identifier_type or target_type(Target(f"fields.{self.identifier}"), schema)
        self._check_identifier_fed()
        self.notes = [] if schema is not None else miscased_standard_fields(mapping)

    def _constant(self, target: Target, value: Any, ctx: ConvertContext, rules: SchemaRules | None) -> Any:
        if value is None:
            return None
        if isinstance(value, list) and target.is_field and target_type(target, self.schema) == "text":
            target = Target(target.path, "tags")  # a list says what the (schema-less) type does not
        step = _step(target, ctx, rules, _NO_MEMO)
        try:
            encoded = step.encode(value)
        except ValueRejected as exc:
            raise MappingError(f'the template\'s constant "{target.path}": "{value}" {exc.reason}') from None
        problem = step.check(encoded) if (step.check and encoded is not None) else None
        if problem and problem.severity == "error":
            raise MappingError(f'the template\'s constant "{target.path}": "{value}" {problem.reason}')
        return encoded

    def _check_identifier_fed(self) -> None:
        feeds_identifier = self.identifier_columns or self.identifier in self.field_constants
        if not feeds_identifier:
            missing = [c for c, ts in self.mapping.columns.items()
                       if c in self.missing_columns and any(t.path == f"fields.{self.identifier}" for t in ts)]
            hint = f' (the template\'s column "{missing[0]}" is not in this sheet)' if missing else ""
            raise TemplateMismatch(
                f'the template maps no column of this sheet to the identifier field "{self.identifier}"'
                f"{hint}; telecrm drops every lead without it"
            )

    # ----------------------------------------------------------------------- one row

    def _remember(self, memo: dict, value: str, out: Any) -> None:
        if len(memo) < MEMO_LIMIT:
            memo[value] = out
        elif self._converted < 2 * MEMO_LIMIT:
            # full within the first rows: this column's values seldom repeat (phones, e-mails,
            # timestamps), so the memo costs more than it saves and its cells are encoded directly
            self.simple = [tuple(column._replace(memo=_NO_MEMO)) if column.memo is memo else tuple(column)
                           for column in self.simple_columns]
            self.steps = _plain([cell._replace(steps=tuple(step._replace(memo=_NO_MEMO) if step.memo is memo else step
                                                           for step in cell.steps))
                                 for cell in self.cell_steps])

    @property
    def simple_columns(self) -> list[SimpleColumn]:
        return [SimpleColumn._make(column) for column in self.simple]

    @property
    def cell_steps(self) -> list[CellSteps]:
        return [CellSteps(source, column, tuple(map(Step._make, steps)), one_finding)
                for source, column, steps, one_finding in self.steps]

    def convert(self, row: DataRow) -> RowResult:
        values = row.values
        number = row.number
        fields: dict[str, Any] = {}
        errors: list[Finding] = []
        warnings: list[Finding] = []
        touched: dict[str, str] | None = None  # action -> first column that gave it a value
        action_values: dict[str, dict[str, Any]] | None = None
        failed: set[tuple[str, str]] | None = None  # (action, key) whose cell could not be encoded
        self._converted += 1

        # per cell: a memo look-up for repeated text, else the column's encoder (inlined: this
        # loop runs for every cell of the sheet)
        for index, column, name, encode, memo in self.simple:
            value = values[index]
            out = memo.get(value, _UNSEEN)  # only text is remembered: 1 == 1.0 == True
            if out is _UNSEEN:
                if value == "":  # what equals "" without being it
                    continue
                try:
                    out = encode(value)
                except ValueRejected as exc:
                    errors.append(value_finding(number, column, value, exc.rule, exc.reason))
                    continue
                if type(value) is str and memo is not _NO_MEMO:
                    self._remember(memo, value, out)
            elif type(out) is list:
                out = out[:]  # tags: each row its own list
            if out is not None:
                fields[name] = out

        # the general path: columns with several targets, actions or workspace checks, then the
        # combined targets (their text made from several cells)
        for source, column, steps, one_finding in self.steps:
            value = values[source] if type(source) is int else source(values)
            if value is None or value == "":
                continue
            for kind, name, key, encode, check, memo in steps:
                out = memo.get(value, _UNSEEN)
                if out is _UNSEEN:
                    try:
                        out = encode(value)
                    except ValueRejected as exc:
                        if not (one_finding and errors and errors[-1].column == column and errors[-1].rule == exc.rule):
                            errors.append(value_finding(number, column, value, exc.rule, exc.reason))
                        if kind:
                            touched = touched or {}
                            touched.setdefault(name, column)
                            failed = failed or set()
                            failed.add((name, key))
                        continue
                    if type(value) is str and memo is not _NO_MEMO:
                        self._remember(memo, value, out)
                elif type(out) is list:
                    out = out[:]
                if out is None:
                    continue
                if check is not None:
                    problem = check(out)
                    if problem is not None:
                        finding = value_finding(number, column, value, problem.rule, problem.reason,
                                                problem.severity, problem.suggestion)
                        if problem.severity == "error":
                            errors.append(finding)
                            continue
                        warnings.append(finding)
                if kind == _FIELD:
                    fields[name] = out
                else:
                    touched = touched or {}
                    touched.setdefault(name, column)
                    action_values = action_values or {}
                    action_values.setdefault(name, {})[key] = out

        for name, value in self.field_constants.items():
            fields.setdefault(name, value)
        actions = self._actions(number, touched, action_values or {}, failed or set(), errors) if touched else []
        return self._finish(row, fields, actions, errors, warnings)

    def _actions(self, number: int, touched: dict[str, str], values: dict[str, dict[str, Any]],
                 failed: set[tuple[str, str]], errors: list[Finding]) -> list[dict[str, Any]]:
        actions: list[dict[str, Any]] = []
        for action in self.action_order:
            column = touched.get(action)
            if column is None:
                continue
            data = {**self.action_constants.get(action, {}), **values.get(action, {})}
            if action == PAYMENT:
                missing = [k for k in PAYMENT_KEYS if k not in data and (action, k) not in failed]
                if missing or len(data) < len(PAYMENT_KEYS):
                    if not missing:
                        continue  # the bad value is already reported
                    errors.append(row_finding(
                        number, column, "payment.incomplete",
                        f"the payment has no {' and no '.join(missing)}; telecrm drops a payment "
                        f"without amount, currency and status (map a column or set a constant for "
                        f"actions.PAYMENT.{missing[0]})"))
                    continue
                actions.append({"type": PAYMENT, "status": data["status"], "currency": data["currency"],
                                "amount": data["amount"]})
            elif action not in self.custom_actions:
                errors.append(row_finding(
                    number, column, "action.type",
                    f'the template sends this to the action type "{action}", which telecrm drops: a custom '
                    f'action type is ACTION_ followed by its code (e.g. ACTION_1001), a payment is PAYMENT'))
            else:
                created_on = data.pop(CREATED_ON, None)
                body: dict[str, Any] = {"type": action, "fields": data}
                if created_on is not None:
                    body["created_on"] = created_on
                actions.append(body)
        return actions

    def _finish(self, row: DataRow, fields: dict[str, Any], actions: list, errors: list[Finding],
                warnings: list[Finding]) -> RowResult:
        identifier = fields.get(self.identifier)
        key = None
        if identifier is None:
            raw = next((row.values[i] for i in self.identifier_columns
                        if row.values[i] is not None and row.values[i] != ""), None)
            if raw is None or not cv.trim(cv.cell_text(raw)):
                names = " or ".join(f'"{self.headers[i]}"' for i in dict.fromkeys(self.identifier_columns))
                errors.insert(0, row_finding(
                    row.number, self.headers[self.identifier_columns[0]] if self.identifier_columns else None,
                    "identifier.missing",
                    f"there is no {self.identifier} ({names or 'no column'} is empty); telecrm drops a lead "
                    f"without its identifier"))
                shown_identifier = None
            else:
                shown_identifier = cv.cell_text(raw).strip()
        else:
            shown_identifier = identifier if type(identifier) is str else cv.cell_text(identifier)
            key = cv.identifier_key(identifier, self.identifier_type) if not errors else None
        status = INVALID if errors else READY
        return RowResult(row.number, shown_identifier, status, tuple(errors), tuple(warnings),
                         fields, actions, key)


def miscased_standard_fields(mapping: Mapping) -> list[str]:
    """Sentences about targets such as `fields.Email`: telecrm's API names are case-sensitive, so
    it would ignore them (unless the workspace has such a custom field: only its schema knows)."""
    paths = [t.path for ts in mapping.columns.values() for t in ts] + list(mapping.combined) + list(mapping.constants)
    notes = []
    for path in dict.fromkeys(paths):
        if not path.startswith("fields."):
            continue
        name = path[len("fields."):]
        standard = name.strip().lower()
        if standard in STANDARD_TYPES and name != standard:
            notes.append(f'the template sends "{path}", but the standard field is "fields.{standard}": API names '
                         f"are case-sensitive and telecrm ignores names it does not know")
    return notes


# --------------------------------------------------------------------------- whole tables

def convert_row(row: DataRow, headers: Sequence[str], mapping: Mapping, ctx: ConvertContext | None = None,
                schema: Schema | None = None) -> RowResult:
    """One row on its own (the desktop app re-checks a corrected row with this)."""
    return RowPlan(headers, mapping, ctx, schema).convert(row)


def check_rows(table: Table, plan: RowPlan, *, on_progress: Callable[[int, float | None], None] | None = None,
               should_stop: Callable[[], bool] | None = None) -> Iterator[RowResult]:
    """One RowResult per data row, streamed in row order. Stops early when `should_stop()`."""
    convert = plan.convert
    source = table.source
    count = 0
    for row in table.rows():
        yield convert(row)
        count += 1
        if count % PROGRESS_EVERY == 0:
            if on_progress is not None:
                on_progress(count, source.progress())
            if should_stop is not None and should_stop():
                return
    if on_progress is not None:
        on_progress(count, 1.0)
