"""What telecrm does with a queued request, in the background: create or update one lead.

Every silent drop of telecrm-api.md section 2 happens here, and is written to the lead's `drops`
log (or to `LeadStore.dropped_requests` when the whole request goes) so tests can see it. Choices
where the docs are silent:
- a field sent as null or "" is ignored (the lead keeps its value), logged as `empty`;
- dropdown labels match exactly (case-sensitive); any other label becomes a new option;
- statuses, lost reasons and action codes match exactly; assignees by trimmed, case-insensitive
  e-mail of an *active* team member;
- a field with `lockAfterCreate` keeps its first value; later values are logged as `locked`;
- an action's `created_on` on an action without backdating (or not "DD/MM/YYYY HH:mm:ss") is
  ignored and the action kept; unknown or ill-typed action fields are dropped one by one.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field

from .values import Dropped, check_value, identifier_key, parse_workspace_date
from .workspace import Workspace

PAYMENT_STATUSES = frozenset({"PENDING", "COMPLETED", "FAILED", "REFUNDED", "CANCELLED", "PROCESSING"})
PAYMENT_CURRENCIES = frozenset({"INR", "USD", "PKR", "AED", "QAR", "SAR", "MYR", "AUD", "CAD", "SGD", "XOF"})


@dataclass
class Lead:
    key: str  # the identifier as matched (normalised)
    id: str
    fields: dict = field(default_factory=dict)
    actions: list = field(default_factory=list)  # accepted actions, in order
    drops: list = field(default_factory=list)  # {"kind", "name", "value", "reason"} per dropped thing
    requests: int = 0  # processed requests that reached this lead
    created_at: float = 0.0
    updated_at: float = 0.0


@dataclass
class LeadStore:
    leads: dict[str, Lead] = field(default_factory=dict)
    dropped_requests: list = field(default_factory=list)  # {"token", "reason", "body"}
    action_counts: Counter = field(default_factory=Counter)  # (lead key, action as sent) -> times accepted

    def doubled_actions(self) -> list[tuple[str, str, int]]:
        return [(key, action, n) for (key, action), n in self.action_counts.items() if n > 1]


def _fingerprint(action) -> str:
    return json.dumps(action, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _drop(log: list, kind: str, name, value, reason: str) -> None:
    log.append({"kind": kind, "name": name, "value": value, "reason": reason})


def apply_request(ws: Workspace, store: LeadStore, body, token_label: str) -> Lead | None:
    """Apply one queued request body; returns the lead written, or None when the request was dropped."""
    now = time.time()
    fields = body.get("fields") if isinstance(body, dict) else None
    if not isinstance(fields, dict):
        store.dropped_requests.append({"token": token_label, "reason": "no fields object", "body": body})
        return None
    raw_id = fields.get(ws.identifier_field)
    if raw_id is None or raw_id == "":
        store.dropped_requests.append(
            {"token": token_label, "reason": f"no identifier field {ws.identifier_field!r}", "body": body}
        )
        return None
    try:
        key = identifier_key(raw_id, ws)
    except Dropped as exc:
        store.dropped_requests.append({"token": token_label, "reason": f"identifier: {exc.reason}", "body": body})
        return None

    lead = store.leads.get(key)
    created = lead is None
    if created:
        lead = Lead(key=key, id=f"{len(store.leads) + 1:024x}", created_at=now)
    _apply_fields(ws, lead, fields, created)
    _apply_actions(ws, store, lead, body.get("actions"))
    lead.requests += 1
    lead.updated_at = now
    store.leads[key] = lead
    return lead


def _apply_fields(ws: Workspace, lead: Lead, fields: dict, created: bool) -> None:
    for name, value in fields.items():
        definition = ws.fields.get(name)
        if definition is None:
            _drop(lead.drops, "unknown_field", name, value, "not a field of the workspace (names are case-sensitive)")
            continue
        if value is None or value == "":
            _drop(lead.drops, "empty", name, value, "empty value ignored; the field keeps its value")
            continue
        if definition.get("lockAfterCreate") and not created and name in lead.fields:
            _drop(lead.drops, "locked", name, value, "the field is locked after the lead was created")
            continue
        try:
            stored = check_value(definition["type"], value, ws)
        except Dropped as exc:
            _drop(lead.drops, "field", name, value, exc.reason)
            continue
        if definition["type"] == "DROPDOWN" and stored not in ws.dropdown_options(name):
            ws.add_dropdown_option(name, stored)
            _drop(lead.drops, "new_option", name, value, "not an option: a new option was created")
        lead.fields[name] = stored


def _apply_actions(ws: Workspace, store: LeadStore, lead: Lead, actions) -> None:
    if actions is None:
        return
    if not isinstance(actions, list):
        _drop(lead.drops, "action", "actions", actions, "actions must be a JSON array")
        return
    for action in actions:
        try:
            accepted = _check_action(ws, lead, action)
        except Dropped as exc:
            _drop(lead.drops, "action", action.get("type") if isinstance(action, dict) else None, action, exc.reason)
            continue
        lead.actions.append(accepted)
        store.action_counts[(lead.key, _fingerprint(action))] += 1


def _check_action(ws: Workspace, lead: Lead, action) -> dict:
    if not isinstance(action, dict):
        raise Dropped("an action must be a JSON object")
    type_ = action.get("type")
    if type_ == "PAYMENT":
        return _check_payment(action)
    if not isinstance(type_, str) or not type_.startswith("ACTION_"):
        raise Dropped("a custom action type must be ACTION_ followed by the action's code")
    if type_ not in ws.actions:
        raise Dropped("no custom action with this code")
    definition = ws.actions[type_]
    schema = definition.get("fieldSchema", {})
    sent_fields = action.get("fields", {})
    if not isinstance(sent_fields, dict):
        raise Dropped("an action's fields must be a JSON object")
    kept = {}
    for name, value in sent_fields.items():
        if name not in schema:
            _drop(lead.drops, "action_field", f"{type_}.{name}", value, "not a field of this action")
            continue
        try:
            kept[name] = _check_action_field(ws, schema[name], value)
        except Dropped as exc:
            _drop(lead.drops, "action_field", f"{type_}.{name}", value, exc.reason)
    accepted = {"type": type_, "fields": kept}
    created_on = action.get("created_on")
    if created_on is not None:
        if not ws.action_allows_backdating(type_):
            _drop(lead.drops, "created_on", type_, created_on, "this action does not allow backdating")
        elif not isinstance(created_on, str) or len(created_on.strip()) != 19:
            _drop(lead.drops, "created_on", type_, created_on, "created_on must be DD/MM/YYYY HH:mm:ss")
        else:
            try:
                accepted["created_on"] = parse_workspace_date(created_on, ws)
            except Dropped as exc:
                _drop(lead.drops, "created_on", type_, created_on, exc.reason)
    return accepted


def _check_action_field(ws: Workspace, schema: dict, value):
    type_ = schema.get("type", "TEXT")
    if type_ == "DROPDOWN" and value not in schema.get("options", []):
        raise Dropped("not an option of this action field")
    return check_value(type_, value, ws)


def _check_payment(action: dict) -> dict:
    missing = [k for k in ("status", "currency", "amount") if k not in action]
    if missing:
        raise Dropped(f"a payment needs {', '.join(missing)}")
    status, currency, amount = action["status"], action["currency"], action["amount"]
    if status not in PAYMENT_STATUSES:
        raise Dropped("unknown payment status")
    if currency not in PAYMENT_CURRENCIES:
        raise Dropped("unknown payment currency")
    if not isinstance(amount, str):
        raise Dropped("a payment amount must be a numeric string")
    try:
        number = float(amount)
    except ValueError:
        raise Dropped("a payment amount must be a numeric string") from None
    if not number > 0 or number != number or number == float("inf"):
        raise Dropped("a payment amount must be more than 0")
    return {"type": "PAYMENT", "status": status, "currency": currency, "amount": amount}


def seed_existing_leads(ws: Workspace, store: LeadStore) -> None:
    """The workspace definition's `existingLeads` (each `{"fields": {...}}`), stored as telecrm would
    have stored them, as if an earlier import had made them; no request or action is counted."""
    for entry in ws.definition.get("existingLeads", []):
        lead = apply_request(ws, store, {"fields": entry["fields"]}, "existing")
        if lead is not None:
            lead.requests = 0
            lead.drops.clear()
