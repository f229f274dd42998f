"""What each built lead becomes once the workspace's existing leads are known: sent, skipped or unchanged.

Runs between the check and the send, on the leads the pipeline built, so the send engine only
ever sees requests that the import mode and the overwrite rules allow:
- mode `all` sends new and existing leads, `new` skips existing ones ("already in telecrm"),
  `existing` skips the others ("not in telecrm");
- a new lead always gets every value; an existing lead's field is left out of the request when
  its rule is `never`, or `if_empty` and telecrm already holds a value;
- an existing lead whose request would change no value and carries no actions is `unchanged`
  ("telecrm already has these values") and not sent, unless every lead is to be sent.
Fields whose rule is `always` stay in the request even when telecrm holds the same value: the
request is the template's, minus what the rules forbid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from telecrm_desktop.core.template.mapping import ALWAYS, IF_EMPTY, NEVER, STANDARD_TYPES, Mapping, Target, target_type
from telecrm_desktop.core.workspace.schema import Schema
from telecrm_desktop.core.send import outcomes
from telecrm_desktop.core.workspace.stored_values import is_empty, same_value, shown_value

MODE_ALL, MODE_NEW, MODE_EXISTING = "all", "new", "existing"
MODES = (MODE_ALL, MODE_NEW, MODE_EXISTING)
ALREADY_THERE = "already in telecrm"
NOT_THERE = "not in telecrm"
SAME_VALUES = "telecrm already has these values"
SEND = outcomes.PENDING  # a lead to send starts as pending in the journal


class ModeError(ValueError):
    pass


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ModeError(f'the import mode "{mode}" is not one of {", ".join(MODES)}')
    return mode


def lookup_needed(mapping: Mapping, mode: str, *, asked: bool = False) -> bool:
    """The existing leads must be looked up: asked for, a mode other than `all`, or an overwrite rule."""
    return asked or mode != MODE_ALL or bool(mapping.overwrite_rules())


@dataclass(frozen=True)
class Change:
    field: str
    old: str  # as shown: "(empty)" when telecrm holds nothing
    new: str

    def describe(self) -> str:
        return f"{self.field}: {self.old} -> {self.new}"


@dataclass(frozen=True)
class LeadDecision:
    identifier: str
    status: str  # SEND (pending), skipped or unchanged
    body: dict | None  # the request to send (SEND), else None
    reason: str = ""
    existing: bool = False
    changes: tuple[Change, ...] = ()

    @property
    def identical(self) -> bool:
        """An existing lead the request would not change (no value, no action)."""
        return self.existing and self.status != outcomes.SKIPPED and not self.changes \
            and not (self.body or {}).get("actions")

    @property
    def changes_text(self) -> str:
        return "; ".join(c.describe() for c in self.changes)


def request_field_types(mapping: Mapping, schema: Schema | None = None) -> dict[str, str]:
    """Lead field API name -> the type its values are encoded as (for comparing with telecrm's)."""
    types: dict[str, str] = {}
    for targets in mapping.columns.values():
        for target in targets:
            if target.is_field:
                types.setdefault(target.field_name, target_type(target, schema))
    for path in list(mapping.constants) + list(mapping.combined):
        if path.startswith("fields."):
            spec = mapping.combined.get(path)
            types.setdefault(path[len("fields."):], target_type(Target(path, getattr(spec, "type", None)), schema))
    return types


def identifier_type(mapping: Mapping, schema: Schema | None = None) -> str:
    """The type of the workspace's identifier field (phone, email, text...): how identifiers match."""
    name = mapping.identifier_field(schema)
    return request_field_types(mapping, schema).get(name, STANDARD_TYPES.get(name, "text"))


@dataclass
class ImportRules:
    mode: str = MODE_ALL
    overwrite: dict[str, str] = field(default_factory=dict)  # field -> if_empty / never (always when absent)
    field_types: dict[str, str] = field(default_factory=dict)
    identifier_field: str = "phone"
    timezone: str = "Asia/Kolkata"
    send_all: bool = False  # send existing leads even when they would change nothing

    @classmethod
    def for_mapping(cls, mapping: Mapping, schema: Schema | None = None, *, mode: str = MODE_ALL,
                    send_all: bool = False) -> "ImportRules":
        return cls(check_mode(mode), mapping.overwrite_rules(), request_field_types(mapping, schema),
                   mapping.identifier_field(schema), mapping.timezone, send_all)

    def decide(self, identifier: str, body: dict, stored: dict | None) -> LeadDecision:
        """`stored`: telecrm's fields of the lead with this identifier, None when there is none."""
        if stored is None:
            if self.mode == MODE_EXISTING:
                return LeadDecision(identifier, outcomes.SKIPPED, None, NOT_THERE)
            return LeadDecision(identifier, SEND, body)
        if self.mode == MODE_NEW:
            return LeadDecision(identifier, outcomes.SKIPPED, None, ALREADY_THERE, existing=True)
        kept: dict = {}
        changes: list[Change] = []
        for name, value in body.get("fields", {}).items():
            if name != self.identifier_field:
                rule = self.overwrite.get(name, ALWAYS)
                if rule == NEVER or (rule == IF_EMPTY and not is_empty(stored.get(name))):
                    continue
            kept[name] = value
            type_name = self.field_types.get(name, "text")
            if name != self.identifier_field and not same_value(type_name, value, stored.get(name),
                                                               timezone=self.timezone):
                changes.append(Change(name, shown_value(type_name, stored.get(name), timezone=self.timezone),
                                      shown_value(type_name, value, timezone=self.timezone)))
        request = {**body, "fields": kept}
        if not changes and not body.get("actions") and not self.send_all:
            return LeadDecision(identifier, outcomes.UNCHANGED, None, SAME_VALUES, existing=True)
        return LeadDecision(identifier, SEND, request, existing=True, changes=tuple(changes))


def decide_leads(leads: Iterable, stored_of: Callable[[list[str]], dict[str, dict | None]], rules: ImportRules,
                 *, chunk: int = 500) -> Iterator[tuple[object, LeadDecision]]:
    """(lead, decision) for each lead (anything with .identifier and .body), in order.

    `stored_of(identifiers)` answers a chunk at a time (from the journal), so a big run is never
    held in memory whole.
    """
    batch: list = []
    for lead in leads:
        batch.append(lead)
        if len(batch) >= chunk:
            yield from _decide_batch(batch, stored_of, rules)
            batch = []
    if batch:
        yield from _decide_batch(batch, stored_of, rules)


def _decide_batch(batch: list, stored_of, rules: ImportRules):
    stored = stored_of([lead.identifier for lead in batch])
    for lead in batch:
        yield lead, rules.decide(lead.identifier, lead.body, stored.get(lead.identifier))


@dataclass
class DecisionCounts:
    """What the Review screen and the confirmation state: new / existing that change / identical / skipped."""

    new: int = 0
    changing: int = 0
    identical: int = 0
    skipped: int = 0

    def add(self, decision: LeadDecision) -> None:
        if decision.status == outcomes.SKIPPED:
            self.skipped += 1
        elif decision.identical:
            self.identical += 1
        elif decision.existing:
            self.changing += 1
        else:
            self.new += 1

    def sentence(self) -> str:
        return (f"{self.new:,} new, {self.changing:,} existing that change, {self.identical:,} existing "
                f"identical, {self.skipped:,} skipped by the import mode")
