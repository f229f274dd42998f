"""One entry point for every type: a cell -> the JSON value telecrm expects (None when empty)."""

from __future__ import annotations

from typing import Callable, Union

from .context import ConvertContext
from .dates import encode_date
from .numbers import encode_money, encode_number, encode_rating
from .phones import normalise_phone
from .quick_dates import date_encoder
from .tags import encode_tags
from .text import encode_email, encode_label, encode_text, encode_url, encode_user
from telecrm_desktop.core.type_names import TYPE_ALIASES

JsonValue = Union[str, int, float, list, None]


_Encoder = Callable[[object, ConvertContext, str], JsonValue]
_ENCODERS: dict[str, _Encoder] = {
    "text": lambda value, ctx, sep: encode_text(value),
    "email": lambda value, ctx, sep: encode_email(value),
    "phone": lambda value, ctx, sep: normalise_phone(value, ctx),
    "number": lambda value, ctx, sep: encode_number(value, ctx),
    "money": lambda value, ctx, sep: encode_money(value, ctx),
    "date": lambda value, ctx, sep: encode_date(value, ctx),
    "dropdown": lambda value, ctx, sep: encode_label(value),
    "tags": lambda value, ctx, sep: encode_tags(value, sep),
    "rating": lambda value, ctx, sep: encode_rating(value),
    "status": lambda value, ctx, sep: encode_label(value),
    "lost_reason": lambda value, ctx, sep: encode_label(value),
    "user": lambda value, ctx, sep: encode_user(value),
    "website": lambda value, ctx, sep: encode_url(value),
    "medialink": lambda value, ctx, sep: encode_url(value),
}
for _alias, _name in TYPE_ALIASES.items():
    _ENCODERS[_alias] = _ENCODERS[_name]
_TEXT = _ENCODERS["text"]


def encode_value(value: object, type_name: str, ctx: ConvertContext, *, separator: str = ",") -> JsonValue:
    """The JSON value for `value` as `type_name`, or None when the cell is empty.

    Raises ValueRejected when the value cannot be that type. A type name this module does not
    know is treated as text (the workspace schema may name types newer than this code).
    """
    if value is None or value == "":
        return None
    return _ENCODERS.get(type_name, _TEXT)(value, ctx, separator)


def encoder_for(type_name: str, ctx: ConvertContext, *, separator: str = ",") -> Callable[[object], JsonValue]:
    """`encode_value` for one column, bound once: the per-cell call skips the dispatch.

    The returned function takes a cell and gives the same result as `encode_value` (None for
    an empty cell, ValueRejected for a bad one).
    """
    name = TYPE_ALIASES.get(type_name, type_name)
    if name == "phone":
        return lambda value: normalise_phone(value, ctx)
    if name == "date":
        return date_encoder(ctx)
    if name == "number":
        return lambda value: encode_number(value, ctx)
    if name == "money":
        return lambda value: encode_money(value, ctx)
    if name == "tags":
        return lambda value: encode_tags(value, separator)
    simple = {"email": encode_email, "dropdown": encode_label, "status": encode_label,
              "lost_reason": encode_label, "rating": encode_rating, "user": encode_user,
              "website": encode_url, "medialink": encode_url}
    return simple.get(name, encode_text)


def identifier_key(encoded: object, type_name: str) -> str:
    """The merge key of an encoded identifier: rows with equal keys are one lead."""
    if encoded is None:
        return ""
    if type_name == "phone":
        return str(encoded)
    text = str(encoded).strip()
    if type_name in ("email", "user"):
        return text.lower()
    return text.casefold()
