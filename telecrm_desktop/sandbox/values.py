"""How the sandbox judges one value against its field type (telecrm-api.md sections 2 to 4).

Strict where the docs give one encoding, so that a wrong encoding sent by the app shows up as a
drop: numbers must be JSON numbers, money a numeric string, tags an array, rating an integer
1..5, dates epoch milliseconds or the workspace format (never ISO 8601), phones digits with
country code (a leading "+" allowed, the default country added to a bare national number).

`check_value` returns the value as stored, or raises `Dropped(reason)`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import lru_cache

from .workspace import Workspace

_DIGITS = re.compile(r"^[0-9]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_MONEY = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")
_URL = re.compile(r"^https?://[^\s/:?#]+\.[^\s/:?#]+(?::[0-9]+)?(?:[/?#]\S*)?$", re.IGNORECASE)
_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})(?: (\d{2}):(\d{2}):(\d{2}))?$")


class Dropped(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def normalise_phone(value, ws: Workspace) -> str:
    if not isinstance(value, str):
        raise Dropped("a phone must be a string of digits")
    text = value.strip()
    international = text.startswith("+")
    digits = text[1:] if international else text
    if not _DIGITS.match(digits):
        raise Dropped("a phone must be digits only, with an optional leading +")
    if digits.startswith("0"):
        raise Dropped("a phone must start with the country code, not 0")
    if not international and len(digits) == ws.national_number_length:
        return ws.country_code + digits
    if 11 <= len(digits) <= 15:
        return digits
    raise Dropped(f"a phone needs a country code and a number; it has {len(digits)} digits")


def normalise_email(value) -> str:
    if not isinstance(value, str) or not _EMAIL.match(value.strip()):
        raise Dropped("not an e-mail address")
    return value.strip()


def identifier_key(value, ws: Workspace) -> str:
    """The match key of the workspace's identifier field: exact, trimmed, case-insensitive."""
    type_ = ws.fields[ws.identifier_field]["type"]
    if type_ == "PHONE":
        return normalise_phone(value, ws)
    if type_ == "EMAIL":
        return normalise_email(value).lower()
    if not isinstance(value, str) or not value.strip():
        raise Dropped("the identifier must be a non-empty string")
    return value.strip().lower()


@lru_cache(maxsize=8)
def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def parse_workspace_date(value: str, ws: Workspace) -> int:
    """ "DD/MM/YYYY" or "DD/MM/YYYY HH:mm:ss" in the workspace's time zone -> epoch milliseconds."""
    match = _DATE.match(value.strip())
    if not match:
        raise Dropped("a date must be epoch milliseconds or DD/MM/YYYY [HH:mm:ss]")
    day, month, year, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        when = dt.datetime(year, month, day, hour, minute, second, tzinfo=_zone(ws.timezone))
    except ValueError:
        raise Dropped("not a real calendar date") from None
    return int(when.timestamp() * 1000)


def _date(value, ws: Workspace) -> int:
    if isinstance(value, bool):
        raise Dropped("a date cannot be true/false")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return parse_workspace_date(value, ws)
    raise Dropped("a date must be epoch milliseconds or DD/MM/YYYY [HH:mm:ss]")


def _text(value, ws):
    if not isinstance(value, str):
        raise Dropped("text must be a string")
    return value


def _number(value, ws):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise Dropped("a number must be a JSON number")
    return value


def _money(value, ws):
    if not isinstance(value, str) or not _MONEY.match(value.strip()):
        raise Dropped("money must be a numeric string such as \"1000\"")
    return value.strip()


def _tags(value, ws):
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise Dropped("tags must be a JSON array of strings")
    return list(value)


def _rating(value, ws):
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise Dropped("rating must be an integer 1..5")
    return value


def _status(value, ws):
    if value not in ws.active_statuses:
        kind = "an archived" if value in ws.archived_statuses else "not an active"
        raise Dropped(f"{kind} pipeline status")
    return value


def _lost_reason(value, ws):
    if value not in ws.lost_reasons:
        raise Dropped("not an active lost reason")
    return value


def _member(value, ws):
    if not isinstance(value, str) or value.strip().lower() not in ws.active_member_emails:
        raise Dropped("not the e-mail of an active team member")
    return ws.active_member_emails[value.strip().lower()]


def _url(value, ws):
    if not isinstance(value, str) or not _URL.match(value.strip()):
        raise Dropped("not a web address (http:// or https://)")
    return value.strip()


def _dropdown(value, ws):
    if not isinstance(value, str) or not value.strip():
        raise Dropped("a dropdown value must be a non-empty label")
    return value


_CHECKS = {
    "TEXT": _text,
    "EMAIL": lambda v, ws: normalise_email(v),
    "PHONE": normalise_phone,
    "NUMBER": _number,
    "MONEY": _money,
    "DATE": _date,
    "DROPDOWN": _dropdown,
    "TAGS": _tags,
    "RATING": _rating,
    "STATUS": _status,
    "LOST_REASON": _lost_reason,
    "ACTIVE_USERS": _member,
    "WEBSITE": _url,
    "MEDIALINK": _url,
}


def check_value(type_name: str, value, ws: Workspace):
    """The stored form of `value` for a field of `type_name`; unknown types keep any value."""
    check = _CHECKS.get(type_name.upper())
    return value if check is None else check(value, ws)
