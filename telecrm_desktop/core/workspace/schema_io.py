"""The workspace schema: built from the Sync API's answers, cached as JSON in the data folder.

The cache is `<data folder>/schemas/<enterprise>.json` (format `telecrm-schema/1`), holding the
schema as this app reads it plus the time it was pulled, so that `check` and `send` can say how
old it is. telecrm's type names are upper case and the documented list is cut off: names this
module does not know are read as text and a warning is kept on the Schema.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

from telecrm_desktop.core.type_names import mapping_type
from telecrm_desktop.core.paths import data_home, private_dir, private_file
from telecrm_desktop.core.workspace.schema import ActionDef, FieldDef, Schema

FORMAT = "telecrm-schema/1"

# Standard lead fields (telecrm-api.md section 4), added when custom-fields does not list them.
STANDARD_FIELDS = {"name": "text", "phone": "phone", "email": "email", "status": "status",
                   "rating": "rating", "assignee": "user"}
_FIELD_ID = re.compile(r"[0-9a-fA-F]{24}")


class SchemaFileError(Exception):
    """A schema file that cannot be read or written: one sentence naming the file."""


def _labels(options: object) -> tuple[str, ...]:
    """Dropdown options as labels: plain strings, or `{"id", "label"}` objects (detail=true)."""
    labels = []
    for option in options if isinstance(options, list) else []:
        label = option.get("label") if isinstance(option, dict) else option
        if isinstance(label, str) and label:
            labels.append(label)
    return tuple(labels)


def _field(api_name: str, spec: dict, where: str, warnings: list[str]) -> FieldDef:
    raw_type = spec.get("type")
    type_name = mapping_type(raw_type)
    if type_name is None:
        type_name = "text"
        warnings.append(
            f'{where} "{api_name}" has the type "{raw_type}", which this app does not know: '
            "its values are sent as text"
        )
    display = spec.get("displayName") or spec.get("label") or spec.get("name")
    return FieldDef(
        api_name=api_name,
        type=type_name,
        display_name=display if isinstance(display, str) and display else None,
        options=_labels(spec.get("options")),
        is_identifier=bool(spec.get("isLeadid")),
    )


def action_code(code: object) -> str:
    """`ACTION_1001` for "ACTION_1001", "action_1001" or a bare "1001"."""
    text = str(code).strip()
    if text.upper().startswith("ACTION_"):
        return "ACTION_" + text[len("ACTION_"):]
    return f"ACTION_{text}"


def build_schema(
    enterprise_id: str | None,
    metadata: dict,
    custom_fields: list[dict],
    custom_actions: list[dict],
    pipeline: dict,
    team_members: list[dict],
    *,
    pulled_at: str | None = None,
) -> Schema:
    """A Schema from the Sync API's answers (custom fields and actions in their detail form)."""
    warnings: list[str] = []
    fields: dict[str, FieldDef] = {}
    ids: dict[str, str] = {}
    for spec in custom_fields:
        api_name = spec.get("apiName")
        if not isinstance(api_name, str) or not api_name:
            continue
        fields[api_name] = _field(api_name, spec, "field", warnings)
        if isinstance(spec.get("id"), str):
            ids[spec["id"].lower()] = api_name
    listed = {name.casefold() for name in fields}
    for api_name, type_name in STANDARD_FIELDS.items():
        if api_name not in listed:
            fields[api_name] = FieldDef(api_name, type_name, api_name.capitalize())

    identifier = _identifier(metadata.get("leadIdentifierFieldId"), fields, ids, warnings)
    fields = {name: _with_identifier(f, name == identifier) for name, f in fields.items()}

    actions: dict[str, ActionDef] = {}
    for spec in custom_actions:
        if spec.get("code") in (None, ""):
            continue
        code = action_code(spec["code"])
        schema = spec.get("fieldSchema") if isinstance(spec.get("fieldSchema"), dict) else {}
        action_fields = {
            key: _field(key, value if isinstance(value, dict) else {"type": value},
                        f'field of action {code}', warnings)
            for key, value in schema.items()
        }
        predated = spec.get("allowPredatedActivity")
        actions[code] = ActionDef(
            code=code,
            display_name=spec.get("displayName") or None,
            fields=action_fields,
            allows_backdating=bool(predated.get("enabled")) if isinstance(predated, dict) else bool(predated),
        )

    stages = pipeline.get("leadStages") if isinstance(pipeline.get("leadStages"), list) else []
    active = _stage_labels(stages, "activeStatuses", "label")
    archived = [s for s in _stage_labels(stages, "archivedStatuses", "label") if s not in active]

    active_members, inactive_members = [], []
    for member in team_members:
        email = member.get("email")
        if not isinstance(email, str) or not email.strip():
            continue
        (active_members if _is_active(member) else inactive_members).append(email.strip().lower())

    name = metadata.get("name")
    return Schema(
        enterprise_id=(enterprise_id or metadata.get("id") or None),
        identifier_field=identifier,
        fields=fields,
        actions=actions,
        active_statuses=tuple(active),
        archived_statuses=tuple(archived),
        lost_reasons=_labels_of(pipeline.get("activeLeadLostReasons"), "reasonLabel", "label"),
        archived_lost_reasons=_labels_of(pipeline.get("archivedLeadLostReasons"), "reasonLabel", "label"),
        active_members=tuple(dict.fromkeys(active_members)),
        inactive_members=tuple(m for m in dict.fromkeys(inactive_members) if m not in active_members),
        pulled_at=pulled_at or now_utc_text(),
        workspace_name=name if isinstance(name, str) else None,
        warnings=tuple(warnings),
    )


def _is_active(member: dict) -> bool:
    """Documented: `"status": "Active"`; a boolean `isActive`/`active` is read too. No status: active."""
    for key in ("isActive", "active"):
        if isinstance(member.get(key), bool):
            return member[key]
    status = member.get("status")
    return status is None or str(status).strip().casefold() == "active"


def _identifier(value: object, fields: dict[str, FieldDef], ids: dict[str, str], warnings: list[str]) -> str:
    # leadIdentifierFieldId is documented as "phone" (an API name); a field id is accepted too.
    if isinstance(value, str) and value in fields:
        return value
    if isinstance(value, str) and _FIELD_ID.fullmatch(value) and value.lower() in ids:
        return ids[value.lower()]
    same_letters = [name for name in fields if isinstance(value, str) and name.casefold() == value.casefold()]
    if len(same_letters) == 1:
        return same_letters[0]
    flagged = [name for name, f in fields.items() if f.is_identifier]
    if flagged:
        return flagged[0]
    if value not in (None, ""):
        warnings.append(f'the workspace names "{value}" as its lead identifier, which is not one of '
                        'its fields: "phone" is assumed')
    return "phone"


def _with_identifier(field: FieldDef, is_identifier: bool) -> FieldDef:
    if field.is_identifier == is_identifier:
        return field
    return FieldDef(field.api_name, field.type, field.display_name, field.options, is_identifier)


def _stage_labels(stages: list, key: str, label_key: str) -> list[str]:
    labels: list[str] = []
    for stage in stages:
        if isinstance(stage, dict):
            labels.extend(label for label in _labels_of(stage.get(key), label_key) if label not in labels)
    return labels


def _labels_of(items: object, key: str, fallback: str | None = None) -> tuple[str, ...]:
    labels = []
    for item in items if isinstance(items, list) else []:
        label = (item.get(key) or (item.get(fallback) if fallback else None)) if isinstance(item, dict) else item
        if isinstance(label, str) and label and label not in labels:
            labels.append(label)
    return tuple(labels)


def pull_schema(client) -> Schema:
    """Reads the whole workspace definition through a `SyncClient` (six requests plus team pages)."""
    return build_schema(
        client.enterprise_id,
        client.metadata(),
        client.custom_fields(detail=True),
        client.custom_actions(detail=True),
        client.lead_stage_pipeline(),
        client.team_members(),
    )


# -- the cache ---------------------------------------------------------------------------------


def now_utc_text() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def schemas_dir() -> Path:
    return private_dir(data_home() / "schemas")


def schema_path(enterprise_id: str) -> Path:
    """Where the schema pulled for an enterprise is cached."""
    return schemas_dir() / f"{enterprise_id.strip().lower()}.json"


def schema_to_dict(schema: Schema) -> dict:
    def field_dict(f: FieldDef) -> dict:
        data = {"api_name": f.api_name, "type": f.type}
        if f.display_name:
            data["display_name"] = f.display_name
        if f.options:
            data["options"] = list(f.options)
        if f.is_identifier:
            data["is_identifier"] = True
        return data

    return {
        "format": FORMAT,
        "enterprise_id": schema.enterprise_id,
        "workspace_name": schema.workspace_name,
        "pulled_at": schema.pulled_at,
        "identifier_field": schema.identifier_field,
        "fields": [field_dict(f) for f in schema.fields.values()],
        "actions": [
            {"code": a.code, "display_name": a.display_name, "allows_backdating": a.allows_backdating,
             "fields": [field_dict(f) for f in a.fields.values()]}
            for a in schema.actions.values()
        ],
        "active_statuses": list(schema.active_statuses),
        "archived_statuses": list(schema.archived_statuses),
        "lost_reasons": list(schema.lost_reasons),
        "archived_lost_reasons": list(schema.archived_lost_reasons),
        "active_members": list(schema.active_members),
        "inactive_members": list(schema.inactive_members),
        "warnings": list(schema.warnings),
    }


def _field_from_dict(data: dict) -> FieldDef:
    type_name = mapping_type(data.get("type")) or "text"
    return FieldDef(str(data["api_name"]), type_name, data.get("display_name"),
                    tuple(str(o) for o in data.get("options", ())), bool(data.get("is_identifier")))


def schema_from_dict(data: dict) -> Schema:
    """Raises ValueError/KeyError/TypeError on a malformed document (load_schema words them)."""
    if data.get("format") != FORMAT:
        raise ValueError(f'it is not a {FORMAT} file (its "format" is {data.get("format")!r})')
    fields = {f.api_name: f for f in map(_field_from_dict, data.get("fields", []))}
    actions = {}
    for item in data.get("actions", []):
        code = action_code(item["code"])
        actions[code] = ActionDef(code, item.get("display_name"),
                                  {f.api_name: f for f in map(_field_from_dict, item.get("fields", []))},
                                  bool(item.get("allows_backdating")))

    def strings(key: str) -> tuple[str, ...]:
        return tuple(str(v) for v in data.get(key, ()))

    return Schema(
        enterprise_id=data.get("enterprise_id"),
        identifier_field=str(data.get("identifier_field") or "phone"),
        fields=fields,
        actions=actions,
        active_statuses=strings("active_statuses"),
        archived_statuses=strings("archived_statuses"),
        lost_reasons=strings("lost_reasons"),
        active_members=tuple(m.lower() for m in strings("active_members")),
        pulled_at=data.get("pulled_at"),
        workspace_name=data.get("workspace_name"),
        archived_lost_reasons=strings("archived_lost_reasons"),
        inactive_members=tuple(m.lower() for m in strings("inactive_members")),
        warnings=strings("warnings"),
    )


def save_schema(schema: Schema, path: str | Path | None = None) -> Path:
    """Writes the schema (atomically) to `path`, or to the enterprise's cache file; returns the path."""
    if path is None:
        if not schema.enterprise_id:
            raise SchemaFileError("the schema names no enterprise, so it has no place in the cache")
        path = schema_path(schema.enterprise_id)
    target = Path(path)
    temporary = target.with_name(target.name + ".tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if path is None or target.parent == schemas_dir():  # the cache: lead-free, but private like the rest
            private_file(temporary)
        temporary.write_text(json.dumps(schema_to_dict(schema), ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temporary, target)
    except OSError as exc:
        raise SchemaFileError(f"could not write the schema file {target}: {exc.strerror or exc}") from None
    return target


def load_schema(path: str | Path) -> Schema:
    """The schema in a file written by save_schema; SchemaFileError naming the file otherwise."""
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemaFileError(f"the schema file {file} does not exist") from None
    except OSError as exc:
        raise SchemaFileError(f"could not read the schema file {file}: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise SchemaFileError(f"the schema file {file} is not valid JSON ({exc})") from None
    try:
        if not isinstance(data, dict):
            raise ValueError("it does not hold a JSON object")
        return schema_from_dict(data)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        reason = str(exc) if isinstance(exc, ValueError) else f"an entry is malformed ({exc!r})"
        raise SchemaFileError(f"the schema file {file} cannot be used: {reason}; pull it again") from None


def newest_schema(enterprise_id: str) -> Schema | None:
    """The cached schema of the enterprise, or None when none was pulled."""
    path = schema_path(enterprise_id)
    return load_schema(path) if path.exists() else None


def schema_age_text(schema: Schema, now: dt.datetime | None = None) -> str:
    """'pulled just now', 'pulled 5 minutes ago', 'pulled 3 days ago'..."""
    try:
        pulled = dt.datetime.fromisoformat(str(schema.pulled_at).replace("Z", "+00:00"))
    except ValueError:
        return "pulled at an unknown time"
    if pulled.tzinfo is None:
        pulled = pulled.replace(tzinfo=dt.timezone.utc)
    seconds = ((now or dt.datetime.now(dt.timezone.utc)) - pulled).total_seconds()
    if seconds < 60:
        return "pulled just now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"pulled {count} {unit}{'' if count == 1 else 's'} ago"
    return "pulled just now"  # unreachable


def schema_summary(schema: Schema) -> str:
    """'20 fields, 4 actions, 9 statuses (4 archived), 20 active members; identifier: phone'."""
    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return (
        f"{count(len(schema.fields), 'field')}, {count(len(schema.actions), 'action')}, "
        f"{count(len(schema.active_statuses), 'status').replace('statuss', 'statuses')} "
        f"({len(schema.archived_statuses)} archived), "
        f"{count(len(schema.lost_reasons), 'lost reason')}, "
        f"{count(len(schema.active_members), 'active member')}; identifier: {schema.identifier_field}"
    )
