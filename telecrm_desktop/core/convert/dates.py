"""Dates and times -> epoch milliseconds (date fields) or "DD/MM/YYYY HH:mm:ss" (created_on).

What is read:
- Excel date cells (naive): wall-clock time in the template's time zone; date-only cells are
  midnight there. Number cells between 20000 and 80000 (1954..2119) are Excel serial dates
  (1900 system); 13-digit numbers are epoch milliseconds.
- ISO 8601 ("2026-11-05", "2026-11-05T14:30:00Z", "...+05:30", Facebook's "...+0530"): an
  offset or Z is kept, otherwise the template's zone applies.
- Numeric dates in the template's date order ("05/11/2026", "5-11-26", "05.11.2026"); a 4-digit
  first part is always year-month-day; with order YMD a date ending in a 4-digit year is read
  day-month-year. Two-digit years follow Excel: 00-29 are 2000-2029, 30-99 are 1930-1999.
- Month names ("5 Nov 2026", "Nov 5, 2026", "Thursday, 5th November 2026"), any order.
- Optional time: "14:30", "14:30:15", "2:30 PM", "2 pm", optionally followed by Z, UTC, GMT,
  IST (India, +05:30) or an offset ("+05:30", "GMT+4").
Daylight saving (zoneinfo, fold=0): a wall-clock time that happens twice (clocks going back)
is its first occurrence; one that never happens (clocks going forward) is read with the offset
in force before the change, so 02:30 on a New York spring-forward night is 03:30 EDT.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from zoneinfo import ZoneInfo

from .context import ConvertContext, ValueRejected, zone
from .text import cell_text, trim

UTC = dt.timezone.utc
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
_MS = dt.timedelta(milliseconds=1)
_EXCEL_ZERO = dt.datetime(1899, 12, 30)
_SERIAL_RANGE = (20000, 80000)  # 1954-10-03 .. 2119-01-10
_LONGEST = 80  # longer text is no date (and must not fill the parse cache)

_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$",
    re.IGNORECASE,
)
_NUMERIC = re.compile(
    r"^(\d{1,4})([/.-])(\d{1,2})\2(\d{1,4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)
_TIME = re.compile(
    r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([ap])\.?\s*m\b\.?)?"
    r"|(?<![\d:])(\d{1,2})\s*([ap])\.?\s*m\b\.?",
    re.IGNORECASE,
)
_ZONE_AFTER_TIME = re.compile(
    r"^\s*(z|utc|gmt|ist)?\s*(?:([+-])(\d{1,2})(?::?(\d{2}))?)?\s*$", re.IGNORECASE
)
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)$")
_TOKENS = re.compile(r"[^\W\d_]+|\d+")
_DATE_PUNCT = re.compile(r"^[\s,/.\-]*$")

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_IGNORED_WORDS = frozenset(
    "mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday sat saturday "
    "sun sunday st nd rd th of the at on t".split()
)
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")
_ORDER_WRITING = {"DMY": "DD/MM/YYYY", "MDY": "MM/DD/YYYY", "YMD": "YYYY/MM/DD"}


def _reject(reason: str, rule: str = "date.invalid") -> ValueRejected:
    return ValueRejected(rule, reason)


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) <= 2:
        year += 2000 if year < 30 else 1900
    return year


def _make_date(year: int, month: int, day: int, order: str | None) -> dt.date:
    if not 1 <= month <= 12:
        hint = ""
        if order and order != "MDY" and 1 <= day <= 12:
            hint = "; if the sheet writes the month first, set the date order to MDY"
        elif order == "MDY" and 1 <= day <= 12:
            hint = "; if the sheet writes the day first, set the date order to DMY"
        how = f" (read as {_ORDER_WRITING[order]})" if order else ""
        raise _reject(f"is not a date: there is no month {month}{how}{hint}")
    if not 1900 <= year <= 2200:
        raise _reject(f"is not a date: the year {year} is out of range")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _reject(f"is not a date: {_MONTH_NAMES[month - 1]} {year} has no day {day}") from None


def _make_time(hour: int, minute: int, second: int, meridiem: str | None) -> tuple[int, int, int]:
    if meridiem:
        if not 1 <= hour <= 12:
            raise _reject(f"is not a date and time: there is no hour {hour} {meridiem.upper()}M")
        hour = hour % 12 + (12 if meridiem.lower() == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise _reject("is not a date and time: the time of day is out of range")
    return hour, minute, second


@functools.lru_cache(maxsize=256)
def _offset(sign: str, hours: str, minutes: str | None) -> dt.timezone:
    delta = dt.timedelta(hours=int(hours), minutes=int(minutes or 0))
    if delta >= dt.timedelta(hours=24):
        raise _reject("is not a date and time: its UTC offset is out of range")
    return dt.timezone(-delta if sign == "-" else delta)


def _milliseconds(fraction: str | None) -> int:
    return int(fraction[:3].ljust(3, "0")) * 1000 if fraction else 0


def _localise(naive: dt.datetime, tzinfo: dt.tzinfo) -> dt.datetime:
    return naive.replace(tzinfo=tzinfo, fold=0)


@functools.lru_cache(maxsize=256)
def _written_offset(offset: str) -> dt.tzinfo:
    if offset.upper() in ("Z", "UTC", "GMT"):
        return UTC
    digits = offset[1:].replace(":", "")
    return _offset(offset[0], digits[:2], digits[2:] or None)


def _from_iso(match: re.Match[str], tzinfo: dt.tzinfo) -> dt.datetime:
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    zone_info = _written_offset(offset) if offset else tzinfo
    try:  # the common, valid case in one call; the checks below only explain a failure
        return dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                           int(second or 0), _milliseconds(fraction), zone_info)
    except ValueError:
        pass
    date = _make_date(int(year), int(month), int(day), None)
    h, m, s = _make_time(int(hour or 0), int(minute or 0), int(second or 0), None)
    return dt.datetime(date.year, date.month, date.day, h, m, s, _milliseconds(fraction), zone_info)


def _numeric_parts(parts: list[str], order: str) -> tuple[dt.date, str | None]:
    """Three numbers in the sheet's order -> date (and the order used, for messages)."""
    first, second, third = parts
    if len(first) == 4 or (order == "YMD" and len(third) <= 2):
        return _make_date(_full_year(first), int(second), int(third), "YMD"), "YMD"
    if order == "MDY":
        return _make_date(_full_year(third), int(first), int(second), "MDY"), "MDY"
    return _make_date(_full_year(third), int(second), int(first), "DMY"), "DMY"


def _date_from_words(text: str, order: str) -> dt.date:
    tokens = _TOKENS.findall(text)
    if not _DATE_PUNCT.match(_TOKENS.sub("", text)):
        raise _reject("is not a date")
    numbers: list[str] = []
    month = None
    for token in tokens:
        if token.isdigit():
            numbers.append(token)
            continue
        word = token.lower()
        if word in _MONTHS and month is None:
            month = _MONTHS[word]
        elif word not in _IGNORED_WORDS:
            raise _reject("is not a date")
    if month is None:
        if len(numbers) == 3:
            return _numeric_parts(numbers, order)[0]
        if len(numbers) == 1 and len(numbers[0]) == 8:  # 20261105
            token = numbers[0]
            return _make_date(int(token[:4]), int(token[4:6]), int(token[6:]), None)
        raise _reject("is not a date: it needs a day, a month and a year")
    if len(numbers) != 2:
        raise _reject("is not a date: it needs a day, a month and a year")
    # "5 Nov 2026", "Nov 5, 2026", "2026 Nov 5": the day comes first unless a year does.
    day, year = numbers
    if len(day) >= 3:
        day, year = year, day
    return _make_date(_full_year(year), month, int(day), None)


def _from_text(text: str, tzinfo: dt.tzinfo, order: str) -> dt.datetime:
    match = _ISO.match(text)
    if match:
        return _from_iso(match, tzinfo)
    match = _NUMERIC.match(text)
    if match:
        first, _, second, third, hour, minute, second_of_minute = match.groups()
        if len(third) != 3 and (len(first) <= 2 or len(first) == 4):
            if len(first) == 4 or (order == "YMD" and len(third) <= 2):
                year, month, day = first, second, third
            elif order == "MDY":
                year, month, day = third, first, second
            else:
                year, month, day = third, second, first
            try:  # the common, valid case in one call; the checks below only explain a failure
                full_year = _full_year(year)
                if 1900 <= full_year <= 2200:
                    return dt.datetime(full_year, int(month), int(day), int(hour or 0),
                                       int(minute or 0), int(second_of_minute or 0), 0, tzinfo)
            except ValueError:
                pass
            date, _ = _numeric_parts([first, second, third], order)
            h, m, s = _make_time(int(hour or 0), int(minute or 0), int(second_of_minute or 0), None)
            return _localise(dt.datetime(date.year, date.month, date.day, h, m, s), tzinfo)
    if text.isdigit():
        if len(text) == 13:
            return _EPOCH + dt.timedelta(milliseconds=int(text))
        if len(text) != 8:
            raise _reject("is not a date: it is a plain number")
    if text.endswith(")"):  # JavaScript's "... GMT+0530 (India Standard Time)"
        text = _TRAILING_NOTE.sub("", text)
    found = _TIME.search(text)
    h = m = s = ms = 0
    zone_info = tzinfo
    date_text = text
    if found:
        hour, minute, second, fraction, meridiem, bare_hour, bare_meridiem = found.groups()
        if bare_hour is not None:
            h, m, s = _make_time(int(bare_hour), 0, 0, bare_meridiem)
        else:
            h, m, s = _make_time(int(hour), int(minute), int(second or 0), meridiem)
            ms = _milliseconds(fraction)
        after = _ZONE_AFTER_TIME.match(text[found.end():])
        if after:
            name, sign, off_h, off_m = after.groups()
            if sign:
                zone_info = _offset(sign, off_h, off_m)
            elif name:
                # IST is India's here (this tool's home), not Ireland's or Israel's.
                zone_info = _offset("+", "05", "30") if name.lower() == "ist" else UTC
            date_text = text[: found.start()]
        else:
            date_text = text[: found.start()] + " " + text[found.end():]
    date = _date_from_words(date_text, order)
    moment = dt.datetime(date.year, date.month, date.day, h, m, s, ms)
    if zone_info is tzinfo:
        return _localise(moment, tzinfo)
    return moment.replace(tzinfo=zone_info)


@functools.lru_cache(maxsize=65536)
def _parse_text(text: str, timezone: str, order: str) -> dt.datetime | ValueRejected:
    try:
        return _from_text(text, zone(timezone), order)
    except ValueRejected as error:
        return error


def _round_ms(moment: dt.datetime) -> dt.datetime:
    # Excel keeps time as a fraction of a day: 14:30 can come back as 14:29:59.999997.
    rest = moment.microsecond % 1000
    if not rest:
        return moment
    return moment + dt.timedelta(microseconds=(1000 - rest) if rest >= 500 else -rest)


def _from_serial(days: float, ctx: ConvertContext) -> dt.datetime:
    low, high = _SERIAL_RANGE
    if low <= days <= high:
        naive = _EXCEL_ZERO + dt.timedelta(milliseconds=round(days * 86_400_000))
        return _localise(naive, ctx.zone)
    if days == int(days) and 10**12 <= days < 10**13:
        return _EPOCH + dt.timedelta(milliseconds=int(days))
    raise _reject(f"is not a date: the cell holds the number {cell_text(days)}")


def parse_moment(value: object, ctx: ConvertContext) -> dt.datetime | None:
    """The aware moment a cell means, or None for an empty cell. Raises ValueRejected."""
    kind = type(value)
    if kind is str:
        text = trim(value)  # type: ignore[arg-type]
        if not text:
            return None
        if len(text) > _LONGEST:
            raise _reject(f"is not a date: it is {len(text)} characters long")
        result = _parse_text(text, ctx.timezone, ctx.date_order)
        if isinstance(result, ValueRejected):
            raise ValueRejected(result.rule, result.reason)
        return result
    if (kind is dt.datetime or kind is dt.date) and value.year < 1900:  # type: ignore[union-attr]
        if kind is dt.datetime and value.year == 1899 and value.month == 12:  # type: ignore[union-attr]
            raise _reject("is a time of day without a date")  # Excel's day zero
        raise _reject(f"is not a date: the year {value.year} is out of range")  # type: ignore[union-attr]
    if kind is dt.datetime:
        if value.tzinfo is None:  # type: ignore[union-attr]
            return _localise(_round_ms(value), ctx.zone)  # type: ignore[arg-type]
        return _round_ms(value)  # type: ignore[arg-type]
    if kind is dt.date:
        midnight = dt.datetime(value.year, value.month, value.day)  # type: ignore[union-attr]
        return _localise(midnight, ctx.zone)
    if value is None:
        return None
    if kind is bool:
        raise _reject("is not a date: it is TRUE or FALSE")
    if kind is int or kind is float:
        if not -1e15 < value < 1e15:  # type: ignore[operator]  (also NaN)
            raise _reject("is not a date: the cell holds a number, not a date")
        return _from_serial(value, ctx)  # type: ignore[arg-type]
    if isinstance(value, dt.datetime):  # subclasses (pandas Timestamp and the like)
        return parse_moment(dt.datetime.fromisoformat(value.isoformat()), ctx)
    if isinstance(value, dt.date):
        return parse_moment(dt.date(value.year, value.month, value.day), ctx)
    if isinstance(value, dt.time):
        raise _reject("is a time of day without a date")
    if isinstance(value, dt.timedelta):
        raise _reject("is a duration, not a date")
    raise _reject("is not a date")


# Offsets of whole local hours, per zone: ZoneInfo lookups cost microseconds, and a sheet's
# timestamps fall in few hours. None marks an hour in which the offset changes (DST).
_HOUR_OFFSETS: dict[tuple[dt.tzinfo, int], int | None] = {}
_EPOCH_DAY = dt.date(1970, 1, 1).toordinal()
_NAIVE_EPOCH = dt.datetime(1970, 1, 1)


def _hour_offset_ms(tzinfo: dt.tzinfo, moment: dt.datetime) -> int | None:
    key = (tzinfo, moment.toordinal() * 24 + moment.hour)
    try:
        return _HOUR_OFFSETS[key]
    except KeyError:
        pass
    start = dt.datetime(moment.year, moment.month, moment.day, moment.hour, tzinfo=tzinfo)
    end = start.replace(minute=59, second=59, microsecond=999_999)
    offsets = {edge.replace(fold=fold).utcoffset() for edge in (start, end) for fold in (0, 1)}
    offset = offsets.pop() // _MS if len(offsets) == 1 else None
    if len(_HOUR_OFFSETS) > 100_000:
        _HOUR_OFFSETS.clear()
    _HOUR_OFFSETS[key] = offset
    return offset


def _wall_ms(moment: dt.datetime) -> int:
    days = moment.toordinal() - _EPOCH_DAY
    seconds = (moment.hour * 60 + moment.minute) * 60 + moment.second
    return (days * 86_400 + seconds) * 1000 + moment.microsecond // 1000


def epoch_ms(moment: dt.datetime) -> int:
    """Milliseconds since 1970 UTC of an aware moment (or of a naive one read in `zone`)."""
    tzinfo = moment.tzinfo
    if type(tzinfo) is ZoneInfo and not moment.fold:
        offset = _hour_offset_ms(tzinfo, moment)
        if offset is not None:
            return _wall_ms(moment) - offset
    return (moment - _EPOCH) // _MS


def encode_date(value: object, ctx: ConvertContext) -> int | None:
    """Date fields: epoch milliseconds."""
    if type(value) is dt.datetime and value.tzinfo is None and value.year >= 1900:  # Excel date cells
        naive = _round_ms(value)
        offset = _hour_offset_ms(ctx.zone, naive)
        if offset is not None:
            since = naive - _NAIVE_EPOCH
            return (since.days * 86_400 + since.seconds) * 1000 + since.microseconds // 1000 - offset
    moment = parse_moment(value, ctx)
    return None if moment is None else epoch_ms(moment)


def encode_created_on(value: object, ctx: ConvertContext) -> str | None:
    """An action's date: "DD/MM/YYYY HH:mm:ss" in the template's time zone."""
    moment = parse_moment(value, ctx)
    if moment is None:
        return None
    # Through UTC: astimezone() into the moment's own zone would keep a gap time unchanged.
    local = moment.astimezone(UTC).astimezone(ctx.zone)
    return (
        f"{local.day:02d}/{local.month:02d}/{local.year:04d} "
        f"{local.hour:02d}:{local.minute:02d}:{local.second:02d}"
    )
