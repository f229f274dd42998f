"""The `telecrm-mapping/1` template (docs/templates.md): load, check, save.

A template that cannot be honoured is refused with a MappingError naming the key. Keys this
version does not know are kept in `Mapping.extra` and written back on save, so a template made
by a newer version survives a round trip through this one.

Choice where the spec is silent: a target path that is malformed (`fields.` with no name,
`actions.X` with no key, `actions.PAYMENT.note`) refuses the template. A well-formed action path
whose type is neither `ACTION_<digits>` nor `PAYMENT` (`actions.1001.note`, `actions.action_7.x`)
loads, because the spec lists it among the reasons a *row* is invalid: every row that would emit
that action is held back with a reason naming the column (see core/check/pipeline.py).

Over 400 lines: the template's model, its parsing (one sentence per mistake) and its writing are
one file format and change together.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telecrm_desktop.core.convert import KNOWN_TYPES, make_context, normal_type
from telecrm_desktop.core.workspace.schema import Schema

FORMAT = "telecrm-mapping/1"
PAYMENT = "PAYMENT"
PAYMENT_KEYS = ("amount", "currency", "status")
CREATED_ON = "created_on"
DEFAULTS = {"identifier": "phone", "country": "IN", "timezone": "Asia/Kolkata", "date_order": "DMY"}
# Types of the standard lead fields (telecrm-api.md section 4).
STANDARD_TYPES = {"name": "text", "phone": "phone", "email": "email", "status": "status",
                  "rating": "rating", "assignee": "user"}
CUSTOM_ACTION = re.compile(r"ACTION_[0-9]+")
# what an existing lead's field gets (mapping-format.md `overwrite`); a new lead always gets every value
ALWAYS, IF_EMPTY, NEVER = "always", "if_empty", "never"
OVERWRITE_RULES = (ALWAYS, IF_EMPTY, NEVER)
_KNOWN_KEYS = ("format", "name", "sheet", "header_row", "identifier", "country", "timezone",
               "date_order", "columns", "constants", "combined")


class MappingError(Exception):
    """A template that cannot be honoured. `str()` names the file and the key."""


@dataclass
class Target:
    """One destination of a column: `fields.<api_name>`, `actions.<TYPE>.<key>`."""

    path: str
    type: str | None = None
    options: dict[str, Any] = field(default_factory=dict)  # "separator" and any unknown keys

    @property
    def is_field(self) -> bool:
        return self.path.startswith("fields.")

    @property
    def field_name(self) -> str:
        """The lead field's API name (fields targets only)."""
        return self.path[len("fields."):]

    @property
    def action_type(self) -> str:
        """`ACTION_1001` or `PAYMENT` (actions targets only)."""
        return self.path.split(".", 2)[1]

    @property
    def action_key(self) -> str:
        """`note`, `created_on`, `amount`... (actions targets only)."""
        return self.path.split(".", 2)[2]

    @property
    def separator(self) -> str:
        return self.options.get("separator", ",")

    @property
    def overwrite(self) -> str:
        """`always` (the default), `if_empty` or `never`: what an existing lead's field gets."""
        return self.options.get("overwrite", ALWAYS)


@dataclass
class Combined:
    """Several columns joined into one text value."""

    columns: list[str]
    separator: str = " "
    labels: bool = False
    type: str | None = None  # not in the spec; honoured when given (e.g. a phone from two columns)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Mapping:
    format: str = FORMAT
    name: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    identifier: str = "phone"
    country: str = "IN"
    timezone: str = "Asia/Kolkata"
    date_order: str = "DMY"
    # source column -> its targets; an empty list is a column mapped to null (ignored)
    columns: dict[str, list[Target]] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    combined: dict[str, Combined] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    # what the file said, so that saving does not add keys the user never wrote
    explicit: frozenset[str] = frozenset()

    def identifier_field(self, schema: Schema | None = None) -> str:
        """The workspace's identifier field: the schema knows best, else the template."""
        if schema is not None and schema.identifier_field:
            return schema.identifier_field
        return self.identifier

    def overwrite_rules(self) -> dict[str, str]:
        """Lead field API name -> its overwrite rule, for the fields whose rule is not `always`.

        Two targets of one field with different rules: the stricter one holds (never > if_empty).
        """
        rules: dict[str, str] = {}
        targets = [t for ts in self.columns.values() for t in ts if t.is_field]
        ruled = [(t.field_name, t.overwrite) for t in targets]
        ruled += [(path[len("fields."):], spec.extra.get("overwrite", ALWAYS))
                  for path, spec in self.combined.items() if path.startswith("fields.")]
        for name, rule in ruled:
            if rule != ALWAYS and OVERWRITE_RULES.index(rule) > OVERWRITE_RULES.index(rules.get(name, ALWAYS)):
                rules[name] = rule
        return rules

    def mapped_columns(self) -> list[str]:
        """Every source column the template reads (targets and combined), in template order."""
        seen = [c for c, targets in self.columns.items() if targets]
        for spec in self.combined.values():
            seen += [c for c in spec.columns if c not in seen]
        return list(dict.fromkeys(seen))


# --------------------------------------------------------------------------- types

def target_type(target: Target, schema: Schema | None = None) -> str:
    """The type a target's values are encoded as.

    Explicit type, else the workspace schema, else the standard fields, else text. An action's
    `created_on` is a date; a payment's amount is money and its currency and status are labels.
    """
    path = target.path
    if path.startswith("actions."):
        parts = path.split(".", 2)
        action, key = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
        if key == CREATED_ON:
            return "date"
        if action == PAYMENT:
            return "money" if key == "amount" else "dropdown"
        if target.type:
            return normal_type(target.type)
        if schema is not None:
            action_def = schema.actions.get(action)
            if action_def is not None and key in action_def.fields:
                return _schema_type(action_def.fields[key].type)
        return "text"
    if target.type:
        return normal_type(target.type)
    name = path[len("fields."):]
    if schema is not None and name in schema.fields:
        return _schema_type(schema.fields[name].type)
    return STANDARD_TYPES.get(name, "text")


def _schema_type(name: str) -> str:
    # Schema files may spell types as telecrm does (PHONE, lostReason); unknown types are text.
    name = normal_type(name) or "text"
    if name in KNOWN_TYPES:
        return name
    lowered = name.lower()
    return lowered if lowered in KNOWN_TYPES else "text"


# --------------------------------------------------------------------------- parsing

def _fail(origin: str, key: str, problem: str) -> MappingError:
    return MappingError(f'{origin}: "{key}" {problem}')


def _check_path(path: object, key: str, origin: str) -> str:
    if not isinstance(path, str) or not path:
        raise _fail(origin, key, "needs a target such as fields.name or actions.ACTION_1001.note")
    if path != path.strip():
        raise _fail(origin, key, f'has spaces around the target "{path}"')
    if path.startswith("fields."):
        if not path[len("fields."):]:
            raise _fail(origin, key, 'names no field: write "fields.<api_name>", e.g. fields.city')
        return path
    if path.startswith("actions."):
        parts = path.split(".", 2)
        if len(parts) != 3 or not parts[1] or not parts[2]:
            raise _fail(origin, key, f'has the target "{path}"; an action target is '
                        '"actions.ACTION_<code>.<key>" or "actions.PAYMENT.<amount|currency|status>"')
        if parts[1] == PAYMENT and parts[2] not in PAYMENT_KEYS:
            raise _fail(origin, key, f'has the target "{path}"; a payment has only amount, currency and status')
        return path
    raise _fail(origin, key, f'has the target "{path}", which is neither "fields.<api_name>" nor '
                '"actions.<TYPE>.<key>"')


def _check_type(value: object, key: str, origin: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or normal_type(value) not in KNOWN_TYPES:
        raise _fail(origin, key, f'has the type {json.dumps(value)}, which is not one of '
                    f'{", ".join(sorted(KNOWN_TYPES))}')
    return value


def _parse_target(raw: object, key: str, origin: str) -> Target:
    if not isinstance(raw, dict):
        raise _fail(origin, key, 'must be a target {"to": ...}, a list of targets, or null')
    path = _check_path(raw.get("to"), f"{key}.to", origin)
    type_name = _check_type(raw.get("type"), f"{key}.type", origin)
    options = {k: v for k, v in raw.items() if k not in ("to", "type")}
    if "separator" in options and not isinstance(options["separator"], str):
        raise _fail(origin, f"{key}.separator", "must be text, e.g. \",\" or \";\"")
    _check_overwrite(options, path, key, origin)
    return Target(path, type_name, options)


def _check_overwrite(options: dict, path: str, key: str, origin: str) -> None:
    if "overwrite" not in options:
        return
    rule = options["overwrite"]
    if rule not in OVERWRITE_RULES:
        raise _fail(origin, f"{key}.overwrite", f"is {json.dumps(rule)}; it must be one of "
                    + ", ".join(f'"{r}"' for r in OVERWRITE_RULES))
    if not path.startswith("fields."):
        raise _fail(origin, f"{key}.overwrite", "applies only to lead fields (fields.<api_name>), "
                    "not to actions: actions are always added")


def _parse_columns(raw: object, origin: str) -> dict[str, list[Target]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _fail(origin, "columns", "must be an object: source column name -> target")
    columns: dict[str, list[Target]] = {}
    for column, spec in raw.items():
        key = f"columns.{column}"
        if spec is None:
            columns[column] = []
        elif isinstance(spec, list):
            columns[column] = [_parse_target(t, f"{key}[{i}]", origin) for i, t in enumerate(spec)]
        else:
            columns[column] = [_parse_target(spec, key, origin)]
    return columns


def _parse_constants(raw: object, origin: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _fail(origin, "constants", "must be an object: target -> value")
    constants: dict[str, Any] = {}
    for path, value in raw.items():
        key = f"constants.{path}"
        _check_path(path, key, origin)
        if isinstance(value, float) and not math.isfinite(value):
            raise _fail(origin, key, "must be a finite number")
        if isinstance(value, list):
            if not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
                raise _fail(origin, key, "must be a list of text values (tags)")
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            raise _fail(origin, key, "must be text, a number or a list of tags")
        constants[path] = value
    return constants


def _parse_combined(raw: object, origin: str) -> dict[str, Combined]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _fail(origin, "combined", 'must be an object: target -> {"columns": [...]}')
    combined: dict[str, Combined] = {}
    for path, spec in raw.items():
        key = f"combined.{path}"
        _check_path(path, key, origin)
        if not isinstance(spec, dict):
            raise _fail(origin, key, 'must be {"columns": [...], "separator": " ", "labels": false}')
        columns = spec.get("columns")
        if not isinstance(columns, list) or not columns or not all(isinstance(c, str) for c in columns):
            raise _fail(origin, f"{key}.columns", "must be a non-empty list of column names")
        separator = spec.get("separator", " ")
        if not isinstance(separator, str):
            raise _fail(origin, f"{key}.separator", "must be text, e.g. \" \" or \", \"")
        labels = spec.get("labels", False)
        if not isinstance(labels, bool):
            raise _fail(origin, f"{key}.labels", "must be true or false")
        type_name = _check_type(spec.get("type"), f"{key}.type", origin)
        extra = {k: v for k, v in spec.items() if k not in ("columns", "separator", "labels", "type")}
        _check_overwrite(extra, path, key, origin)
        combined[path] = Combined(list(columns), separator, labels, type_name, extra)
    return combined


def _optional_text(data: dict, key: str, origin: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise _fail(origin, key, "must be text")
    return value


def _header_row(value: object, origin: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _fail(origin, "header_row", f"is {json.dumps(value)}; it must be a row number, 1 or more")
    return value


def _context_value(data: dict, key: str, origin: str) -> str:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise _fail(origin, key, "must be text")
    try:
        ctx = make_context(**{key: value})
    except ValueError as exc:
        raise _fail(origin, key, f"is wrong: {exc}") from None
    return getattr(ctx, key)


def parse_mapping(data: object, origin: str = "the template") -> Mapping:
    """A Mapping from a template's JSON data. `origin` (a file name) starts every error message."""
    if not isinstance(data, dict):
        raise MappingError(f"{origin}: a mapping template is a JSON object with a \"columns\" key")
    fmt = data.get("format", FORMAT)
    if fmt != FORMAT:
        raise _fail(origin, "format", f'is {json.dumps(fmt)}; this version reads "{FORMAT}" templates')
    identifier = data.get("identifier")
    if identifier is None:
        identifier = DEFAULTS["identifier"]
    elif not isinstance(identifier, str) or not identifier.strip():
        raise _fail(origin, "identifier", "must be the API name of the identifier field, e.g. phone")
    return Mapping(
        format=FORMAT,
        name=_optional_text(data, "name", origin),
        sheet=_optional_text(data, "sheet", origin),
        header_row=_header_row(data.get("header_row"), origin),
        identifier=identifier.strip(),
        country=_context_value(data, "country", origin),
        timezone=_context_value(data, "timezone", origin),
        date_order=_context_value(data, "date_order", origin),
        columns=_parse_columns(data.get("columns"), origin),
        constants=_parse_constants(data.get("constants"), origin),
        combined=_parse_combined(data.get("combined"), origin),
        extra={k: v for k, v in data.items() if k not in _KNOWN_KEYS},
        explicit=frozenset(k for k in _KNOWN_KEYS if data.get(k) is not None),
    )


def load_mapping(path: str | os.PathLike) -> Mapping:
    """Read and check a template file. Raises MappingError (one sentence) for any problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MappingError(f"{path}: the template file does not exist") from None
    except IsADirectoryError:
        raise MappingError(f"{path}: is a folder, not a template file") from None
    except OSError as exc:
        raise MappingError(f"{path}: the template cannot be read ({exc.strerror or exc})") from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise MappingError(f"{path}: the template is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise MappingError(
            f"{path}: the template is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    return parse_mapping(data, str(path))


# --------------------------------------------------------------------------- saving

def _target_to_dict(target: Target) -> dict[str, Any]:
    out: dict[str, Any] = {"to": target.path}
    if target.type:
        out["type"] = target.type
    out.update(target.options)
    return out


def mapping_to_dict(m: Mapping) -> dict[str, Any]:
    """The template as JSON data, keys in the order of mapping-format.md, unknown keys after."""
    out: dict[str, Any] = {"format": FORMAT}
    for key in ("name", "sheet", "header_row"):
        if getattr(m, key) is not None:
            out[key] = getattr(m, key)
    for key in ("identifier", "country", "timezone", "date_order"):
        value = getattr(m, key)
        if value != DEFAULTS[key] or key in m.explicit:
            out[key] = value
    columns: dict[str, Any] = {}
    for column, targets in m.columns.items():
        if not targets:
            columns[column] = None
        elif len(targets) == 1:
            columns[column] = _target_to_dict(targets[0])
        else:
            columns[column] = [_target_to_dict(t) for t in targets]
    out["columns"] = columns
    if m.constants:
        out["constants"] = dict(m.constants)
    if m.combined:
        combined = {}
        for path, spec in m.combined.items():
            entry: dict[str, Any] = {"columns": list(spec.columns), "separator": spec.separator}
            if spec.labels:
                entry["labels"] = True
            if spec.type:
                entry["type"] = spec.type
            entry.update(spec.extra)
            combined[path] = entry
        out["combined"] = combined
    for key, value in m.extra.items():
        out.setdefault(key, value)
    return out


def save_mapping(m: Mapping, path: str | os.PathLike) -> None:
    """Write the template as indented UTF-8 JSON, atomically (a crash never leaves half a file)."""
    path = Path(path)
    text = json.dumps(mapping_to_dict(m), indent=2, ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".mapping-", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise

