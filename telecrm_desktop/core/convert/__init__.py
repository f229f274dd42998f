"""Cell values -> the JSON values telecrm accepts (telecrm-api.md section 4).

One module per value family: text (cells as read, text, labels, e-mails, URLs), phones,
numbers (number, money, rating), dates, tags, payment. `encode_value` dispatches by type name.
"""

from .context import DATE_ORDERS, ConvertContext, ValueRejected, make_context
from .dates import encode_created_on, encode_date, epoch_ms, parse_moment
from .encode import JsonValue, encode_value, encoder_for, identifier_key
from .numbers import encode_money, encode_number, encode_rating, parse_decimal, writes_decimal_comma
from .payment import (
    CURRENCIES,
    STATUSES,
    encode_payment_amount,
    encode_payment_currency,
    encode_payment_status,
)
from .phones import normalise_phone
from .tags import encode_tags
from .text import cell_text, encode_email, encode_label, encode_text, encode_url, encode_user, trim
from telecrm_desktop.core.type_names import KNOWN_TYPES, TYPE_ALIASES, normal_type

__all__ = [
    "CURRENCIES",
    "DATE_ORDERS",
    "KNOWN_TYPES",
    "STATUSES",
    "TYPE_ALIASES",
    "ConvertContext",
    "JsonValue",
    "ValueRejected",
    "cell_text",
    "encode_created_on",
    "encode_date",
    "encode_email",
    "encode_label",
    "encode_money",
    "encode_number",
    "encode_payment_amount",
    "encode_payment_currency",
    "encode_payment_status",
    "encode_rating",
    "encode_tags",
    "encode_text",
    "encode_url",
    "encode_user",
    "encode_value",
    "encoder_for",
    "epoch_ms",
    "identifier_key",
    "make_context",
    "normal_type",
    "normalise_phone",
    "parse_decimal",
    "parse_moment",
    "trim",
    "writes_decimal_comma",
]
