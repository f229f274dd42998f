"""How a sheet's values are read: the country for phones, the zone and order for dates."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

DATE_ORDERS = ("DMY", "MDY", "YMD")


class ValueRejected(Exception):
    """A value that cannot be encoded as its type.

    `rule` is a short stable code ("phone.invalid"); `reason` completes the sentence
    `"<value>" ...`, e.g. `is not a phone number: it has 5 digits; ...`.
    """

    def __init__(self, rule: str, reason: str) -> None:
        super().__init__(reason)
        self.rule = rule
        self.reason = reason


@functools.lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The IANA zone `name` (cached: ZoneInfo lookups are not free on the hot path)."""
    return ZoneInfo(name)


def _check_zone(name: str) -> None:
    if not isinstance(name, str) or not name or name.startswith("/") or ".." in name:
        raise ValueError(f'"{name}" is not a time zone; write an IANA name such as Asia/Kolkata')
    try:
        zone(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f'"{name}" is not a time zone; write an IANA name such as Asia/Kolkata or Europe/London'
        ) from None


def _check_country(code: str) -> None:
    if not isinstance(code, str) or code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(
            f'"{code}" is not a country code; write a two-letter ISO code such as IN, US or AE'
        )


@dataclass(frozen=True, slots=True)
class ConvertContext:
    """Where the sheet comes from. Built once per run; checked on construction."""

    country: str = "IN"  # ISO region for phones written without a country code
    timezone: str = "Asia/Kolkata"  # IANA zone for dates written without an offset
    date_order: str = "DMY"  # how 05/11/2026 is read: DMY, MDY or YMD

    def __post_init__(self) -> None:
        _check_country(self.country)
        _check_zone(self.timezone)
        if self.date_order not in DATE_ORDERS:
            raise ValueError(
                f'"{self.date_order}" is not a date order; write DMY, MDY or YMD'
            )

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.timezone)


def make_context(
    country: str | None = "IN", timezone: str | None = "Asia/Kolkata", date_order: str | None = "DMY"
) -> ConvertContext:
    """A context from a template's (or a user's) spelling: `in`, ` Asia/Kolkata `, `dmy` are fine.

    None means the default. Raises ValueError with one sentence naming the bad value.
    """
    country = "IN" if country is None else str(country).strip().upper()
    timezone = "Asia/Kolkata" if timezone is None else str(timezone).strip()
    date_order = "DMY" if date_order is None else str(date_order).strip().upper()
    if timezone.upper() in ("UTC", "GMT", "Z"):
        timezone = "UTC"
    elif timezone.upper() == "IST":  # what Indian users type; zoneinfo has no such name
        timezone = "Asia/Kolkata"
    if country == "UK":  # ISO says GB; people say UK
        country = "GB"
    return ConvertContext(country, timezone, date_order)
