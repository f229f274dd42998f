"""Quick paths for the commonest date writings, bound once per column.

`date_encoder(ctx)` and `created_on_encoder(ctx)` give exactly what `encode_date` and
`encode_created_on` give, but read "DD/MM/YYYY[ HH:MM[:SS]]" (in the template's order) and ISO
8601 with seconds and an offset ("2026-03-15T02:42:00+05:30") with one precompiled regex and
integer arithmetic. The zone's offset comes from a per-encoder table keyed by local hour, filled
from zoneinfo on a miss; an hour in which the offset changes (DST) has no entry there, and such a
value, like anything else unusual (other writings, out-of-range parts, cells that are not text),
takes the full path in dates.py, which also words every rejection.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Callable

from .context import ConvertContext
from .dates import _EPOCH_DAY, _hour_offset_ms, _round_ms, encode_created_on, encode_date

# Pieces of writings that dates.py's _NUMERIC and _ISO read (ASCII digits only, one space).
_DAY = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})")
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")
_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_ISO_TIME = re.compile(r"([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?(Z|[+-][0-9]{2}(?::?[0-9]{2})?)")
_DAYS_BEFORE_MONTH = (0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_TABLE_LIMIT = 100_000  # entries per cache, so a hostile sheet cannot fill memory


def _ordinal(year: int, month: int, day: int) -> int | None:
    """date(year, month, day).toordinal(), or None when there is no such day (or year out of range)."""
    if not (1900 <= year <= 2200 and 1 <= month <= 12 and day >= 1):
        return None
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if day > _DAYS_IN_MONTH[month] + (leap and month == 2):
        return None
    y = year - 1
    return y * 365 + y // 4 - y // 100 + y // 400 + _DAYS_BEFORE_MONTH[month] + (leap and month > 2) + day


class _Parts:
    """Caches of the pieces a column's dates are written with: the date part ("17/03/2026" or
    "2026-03-15"), the time part ("02:42"), the ISO time with its offset ("02:42:00+05:30"), and the
    zone's offset per local hour. A sheet's dates share few days and few minutes, so most cells are
    a few dictionary look-ups. None marks a piece the quick path does not read."""

    def __init__(self, ctx: ConvertContext) -> None:
        self.day_first = ctx.date_order != "MDY"  # YMD reads a date ending in a 4-digit year day first
        self.tzinfo = ctx.zone
        self.days: dict[str, tuple[int, int, int, int, str] | None] = {}
        self.times: dict[str, tuple[int, int, int, str] | None] = {}
        self.iso_days: dict[str, int | None] = {}
        self.iso_times: dict[str, int | None] = {}
        self.offsets: dict[int, int | None] = {}

    def day(self, text: str) -> tuple[int, int, int, int, str] | None:
        """(ordinal, year, month, day, "DD/MM/YYYY") of a date in the template's order."""
        match = _DAY.fullmatch(text)
        found = None
        if match is not None:
            first, _, second, year = match.groups()
            day, month = (int(first), int(second)) if self.day_first else (int(second), int(first))
            ordinal = _ordinal(int(year), month, day)
            if ordinal is not None:
                found = (ordinal, int(year), month, day, f"{day:02d}/{month:02d}/{int(year):04d}")
        return _remember(self.days, text, found)

    def time(self, text: str) -> tuple[int, int, int] | None:
        match = _TIME.fullmatch(text)
        found = None
        if match is not None:
            hour, minute, second = match.groups()
            h, m, s = int(hour), int(minute), int(second or 0)
            if h <= 23 and m <= 59 and s <= 59:
                found = (h, m, s, f"{h:02d}:{m:02d}:{s:02d}")
        return _remember(self.times, text, found)

    def iso_day(self, text: str) -> int | None:
        match = _ISO_DAY.fullmatch(text)
        found = None
        if match is not None:
            year, month, day = match.groups()
            found = _ordinal(int(year), int(month), int(day))
        return _remember(self.iso_days, text, found)

    def iso_time(self, text: str) -> int | None:
        """Milliseconds from the date's UTC midnight of "HH:MM[:SS]" and its offset."""
        match = _ISO_TIME.fullmatch(text)
        found = None
        if match is not None:
            hour, minute, second, offset = match.groups()
            h, m, s = int(hour), int(minute), int(second or 0)
            if h <= 23 and m <= 59 and s <= 59:
                if offset == "Z":
                    offset_minutes = 0
                else:
                    digits = offset[1:].replace(":", "")
                    offset_minutes = int(digits[:2]) * 60 + int(digits[2:] or 0)
                    if offset[0] == "-":
                        offset_minutes = -offset_minutes
                if abs(offset_minutes) < 24 * 60:  # else the full path words the rejection
                    found = ((h * 60 + m) * 60 + s - offset_minutes * 60) * 1000
        return _remember(self.iso_times, text, found)

    def offset(self, ordinal: int, year: int, month: int, day: int, hour: int) -> int | None:
        """The zone's UTC offset in ms in this local hour; None in an hour in which it changes."""
        key = ordinal * 24 + hour
        if key in self.offsets:
            return self.offsets[key]
        return _remember(self.offsets, key, _hour_offset_ms(self.tzinfo, dt.datetime(year, month, day, hour)))

    def local(self, value: str) -> tuple[int, int, int, str, str] | None:
        """(ordinal, second of the day, offset_ms, "DD/MM/YYYY", "HH:MM:SS") of
        "DD/MM/YYYY[ HH:MM[:SS]]" (in the template's order)."""
        date_text, space, time_text = value.partition(" ")
        day = self.days.get(date_text, _UNSEEN)
        if day is _UNSEEN:
            day = self.day(date_text)
        if day is None:
            return None
        if space:
            clock = self.times.get(time_text, _UNSEEN)
            if clock is _UNSEEN:
                clock = self.time(time_text)
            if clock is None:
                return None
        else:
            clock = _MIDNIGHT
        ordinal, y, mo, d, day_written = day  # type: ignore[misc]
        h, m, s, clock_written = clock  # type: ignore[misc]
        key = ordinal * 24 + h
        offset = self.offsets.get(key, _UNSEEN)
        if offset is _UNSEEN:
            offset = self.offset(ordinal, y, mo, d, h)
        if offset is None:
            return None
        return ordinal, (h * 60 + m) * 60 + s, offset, day_written, clock_written  # type: ignore[return-value]

    def cell_moment(self, value: dt.datetime) -> tuple[dt.datetime, int, int] | None:
        """(moment rounded to the millisecond, its day's ordinal, the zone's offset in ms) of an
        Excel date cell (naive, year 1900 on), or None: another cell, or an hour that changes."""
        if value.tzinfo is not None or value.year < 1900:
            return None
        naive = _round_ms(value)
        ordinal = naive.toordinal()
        hour = naive.hour
        offset = self.offsets.get(ordinal * 24 + hour, _UNSEEN)
        if offset is _UNSEEN:
            offset = self.offset(ordinal, naive.year, naive.month, naive.day, hour)
        return None if offset is None else (naive, ordinal, offset)  # type: ignore[return-value]

    def iso(self, value: str) -> int | None:
        """Epoch ms of "YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM)"."""
        if len(value) < 17 or (value[10] != "T" and value[10] != " "):
            return None
        day_text, time_text = value[:10], value[11:]
        ordinal = self.iso_days.get(day_text, _UNSEEN)
        if ordinal is _UNSEEN:
            ordinal = self.iso_day(day_text)
        if ordinal is None:
            return None
        clock = self.iso_times.get(time_text, _UNSEEN)
        if clock is _UNSEEN:
            clock = self.iso_time(time_text)
        if clock is None:
            return None
        return (ordinal - _EPOCH_DAY) * 86_400_000 + clock  # type: ignore[operator]


_UNSEEN = object()
_MIDNIGHT = (0, 0, 0, "00:00:00")


def _remember(table: dict, key, value):
    if len(table) >= _TABLE_LIMIT:
        table.clear()
    table[key] = value
    return value


@functools.lru_cache(maxsize=16)
def _parts_of(ctx: ConvertContext) -> _Parts:
    """One set of caches per context: a column feeding a date field and an action's created_on
    reads each day, time and hour once."""
    return _Parts(ctx)


def date_encoder(ctx: ConvertContext) -> Callable[[object], int | None]:
    """`encode_date(value, ctx)` for one column."""
    parts = _parts_of(ctx)
    local, iso, cell_moment = parts.local, parts.iso, parts.cell_moment

    def encode(value: object) -> int | None:
        if type(value) is str and value[:1].isdigit():
            if value[4:5] == "-":
                moment = iso(value)  # type: ignore[arg-type]
                if moment is not None:
                    return moment
            found = local(value)  # type: ignore[arg-type]
            if found is not None:
                ordinal, second, offset, _, _ = found
                return ((ordinal - _EPOCH_DAY) * 86_400 + second) * 1000 - offset
        elif type(value) is dt.datetime:  # an Excel date cell
            found = cell_moment(value)
            if found is not None:
                naive, ordinal, offset = found
                second = (naive.hour * 60 + naive.minute) * 60 + naive.second
                return ((ordinal - _EPOCH_DAY) * 86_400 + second) * 1000 + naive.microsecond // 1000 - offset
        return encode_date(value, ctx)

    return encode


def created_on_encoder(ctx: ConvertContext) -> Callable[[object], str | None]:
    """`encode_created_on(value, ctx)` for one column: a local time that exists once in the
    template's zone is written as it was read."""
    parts = _parts_of(ctx)
    local, cell_moment = parts.local, parts.cell_moment
    day_texts: dict[int, str] = {}
    clock_texts: dict[int, str] = {}

    def encode(value: object) -> str | None:
        if type(value) is str:
            found = local(value)  # type: ignore[arg-type]
            if found is not None:
                return found[3] + " " + found[4]
        elif type(value) is dt.datetime:  # an Excel date cell
            moment = cell_moment(value)
            if moment is not None:
                naive, ordinal, _ = moment
                day = day_texts.get(ordinal)
                if day is None:
                    day = _remember(day_texts, ordinal, f"{naive.day:02d}/{naive.month:02d}/{naive.year:04d}")
                second = (naive.hour * 60 + naive.minute) * 60 + naive.second
                clock = clock_texts.get(second)
                if clock is None:
                    clock = _remember(clock_texts, second, f"{naive.hour:02d}:{naive.minute:02d}:{naive.second:02d}")
                return day + " " + clock
        return encode_created_on(value, ctx)

    return encode
