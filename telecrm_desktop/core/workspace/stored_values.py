"""Does a request's value differ from the value telecrm holds? Compared as telecrm stores values.

Phones by their digits, e-mails and assignees lower-cased, dates by the instant they name,
numbers, money and ratings by value, tags as sets, dropdown, status and lost-reason labels
without regard to case, everything else exactly. A stored value whose form is not understood
(a date that is no date, a number that is no number, a list where text belongs) counts as
different: nothing is guessed, the request is sent.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_NOT_DIGITS = re.compile(r"\D")
_WORKSPACE_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$")
_LABELS = frozenset({"dropdown", "status", "lost_reason"})
_LOWER = frozenset({"email", "user"})
_BY_VALUE = frozenset({"number", "money", "rating"})


def is_empty(value: object) -> bool:
    """telecrm holds nothing in the field: absent, null, blank text or no tags."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return not value
    return False


def same_value(type_name: str, sent: object, stored: object, *, timezone: str = "Asia/Kolkata") -> bool:
    """True when telecrm's `stored` value is what `sent` (an encoded request value) would store."""
    if is_empty(stored):
        return is_empty(sent)
    try:
        if type_name == "phone":
            return _same_phone(sent, stored)
        if type_name in _LOWER:
            return _text(sent).strip().lower() == _text(stored).strip().lower()
        if type_name in _LABELS:
            return _text(sent).strip().casefold() == _text(stored).strip().casefold()
        if type_name == "date":
            return _instant(sent, timezone) == _instant(stored, timezone)
        if type_name in _BY_VALUE:
            return _number(sent) == _number(stored)
        if type_name == "tags":
            return _tag_set(sent) == _tag_set(stored)
        if type_name in ("website", "medialink"):
            return _text(sent).strip() == _text(stored).strip()
        if type_name == "text":
            if isinstance(stored, (int, float)) and not isinstance(stored, bool) and isinstance(sent, str):
                return _number(sent) == _number(stored)  # a field of unknown type telecrm keeps as a number
            return _text(sent) == _text(stored)
    except _NotUnderstood:
        return False
    return sent == stored  # a type this version does not know: only an exact match is the same


class _NotUnderstood(Exception):
    pass


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise _NotUnderstood


def _same_phone(sent: object, stored: object) -> bool:
    sent_digits = _NOT_DIGITS.sub("", _text(sent))
    stored_digits = _NOT_DIGITS.sub("", _text(stored))
    if not stored_digits:
        raise _NotUnderstood
    if sent_digits == stored_digits:
        return True
    # telecrm may show a number of its default country without the country code
    return len(stored_digits) >= 7 and 1 <= len(sent_digits) - len(stored_digits) <= 3 \
        and sent_digits.endswith(stored_digits)


def _number(value: object) -> Decimal:
    if isinstance(value, bool):
        raise _NotUnderstood
    if isinstance(value, (int, float, str)):
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            raise _NotUnderstood from None
        if number.is_finite():
            return number
    raise _NotUnderstood


def _tag_set(value: object) -> frozenset[str]:
    if not isinstance(value, (list, tuple)):
        raise _NotUnderstood
    return frozenset(_text(tag).strip() for tag in value if _text(tag).strip())


@lru_cache(maxsize=8)
def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _instant(value: object, timezone: str) -> int:
    """Epoch milliseconds named by an epoch number, "DD/MM/YYYY [HH:mm[:ss]]" (the workspace's form,
    read in `timezone`) or ISO 8601 with an offset."""
    if isinstance(value, bool):
        raise _NotUnderstood
    if isinstance(value, (int, float)):
        return int(value)
    if not isinstance(value, str):
        raise _NotUnderstood
    text = value.strip()
    if text.isdigit():
        return int(text)
    match = _WORKSPACE_DATE.match(text)
    if match:
        day, month, year, hour, minute, second = (int(g) if g else 0 for g in match.groups())
        try:
            when = dt.datetime(year, month, day, hour, minute, second, tzinfo=_zone(timezone))
        except ValueError:
            raise _NotUnderstood from None
        return int(when.timestamp() * 1000)
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _NotUnderstood from None
    if when.tzinfo is None:
        raise _NotUnderstood  # no offset: which instant it names is a guess
    return int(when.timestamp() * 1000)


def shown_value(type_name: str, value: object, *, timezone: str = "Asia/Kolkata") -> str:
    """A value as a person reads it in a report: `(empty)`, tags comma-separated, dates as
    DD/MM/YYYY HH:mm in the template's zone."""
    if is_empty(value):
        return "(empty)"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if type_name == "date" and isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            when = dt.datetime.fromtimestamp(value / 1000, _zone(timezone))
        except (OverflowError, OSError, ValueError):
            return str(value)
        return when.strftime("%d/%m/%Y %H:%M")
    return str(value)
