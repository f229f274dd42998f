"""A workspace's schema (fields, actions, pipeline, team), as learnt from the Sync API or a file.

Only the data shape lives here; the Sync client fills it and validation reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldDef:
    api_name: str
    type: str  # one of mapping TYPES ("text", "phone", "dropdown", ...)
    display_name: str | None = None
    options: tuple[str, ...] = ()  # dropdown labels
    is_identifier: bool = False


@dataclass(frozen=True)
class ActionDef:
    code: str  # "ACTION_1001"
    display_name: str | None = None
    fields: dict[str, FieldDef] = field(default_factory=dict)
    allows_backdating: bool = False


@dataclass
class Schema:
    enterprise_id: str | None = None
    identifier_field: str = "phone"
    fields: dict[str, FieldDef] = field(default_factory=dict)
    actions: dict[str, ActionDef] = field(default_factory=dict)
    active_statuses: tuple[str, ...] = ()
    archived_statuses: tuple[str, ...] = ()
    lost_reasons: tuple[str, ...] = ()
    active_members: tuple[str, ...] = ()  # e-mails, lower case
    pulled_at: str | None = None  # ISO 8601 UTC
    # Added with the Sync client (issue 5):
    workspace_name: str | None = None
    archived_lost_reasons: tuple[str, ...] = ()
    inactive_members: tuple[str, ...] = ()  # e-mails, lower case: team members who may not be assigned
    warnings: tuple[str, ...] = ()  # sentences about what was read loosely, e.g. an unknown type name
