"""Which way a sheet writes its numeric dates, read from the dates themselves.

"13/05/2026" can only be day first (there is no month 13); "05/13/2026" only month first.
"05/11/2026" alone says nothing: the order stays the current one and the guess says it is a guess.
Only text dates count: a workbook's date cells carry their own date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

# day and month parts, then a 2- or 4-digit year, optionally a time: "5-11-26", "05.11.2026 14:30"
_DAY_MONTH = re.compile(r"^\s*(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})(?:[ T,].*)?$")


@dataclass(frozen=True)
class DateOrderGuess:
    order: str  # "DMY" or "MDY": what the dates say, else the order asked to keep
    certain: bool  # some date could only be read this way
    conflict: bool  # some dates can only be day first, others only month first
    day_first: dict[str, str] = field(default_factory=dict)  # column -> a date only day first fits
    month_first: dict[str, str] = field(default_factory=dict)  # column -> a date only month first fits
    ambiguous: dict[str, str] = field(default_factory=dict)  # column -> a date either order fits

    @property
    def has_dates(self) -> bool:
        return bool(self.day_first or self.month_first or self.ambiguous)

    def sentence(self, chosen: str | None = None) -> str:
        """What the dates say, for the person choosing the order ("" when there are no text dates);
        `chosen`: the order in use, when the person picked one the dates do not settle."""
        chosen = chosen or self.order
        if self.conflict:
            (dc, dv), (mc, mv) = next(iter(self.day_first.items())), next(iter(self.month_first.items()))
            return (f"The dates disagree: “{dv}” in “{dc}” is day first, “{mv}” in “{mc}” is month first. "
                    f"They are read {_words(chosen)}; check the date order.")
        if self.certain:
            column, value = next(iter((self.day_first or self.month_first).items()))
            return f"Dates are written {_words(self.order)} (“{value}” in “{column}”), so they are read that way."
        if self.ambiguous:
            column, value = next(iter(self.ambiguous.items()))
            return (f"The dates in “{column}” (e.g. “{value}”) fit both orders; they are read "
                    f"{_words(chosen)}. Check the date order.")
        return ""


def _words(order: str) -> str:
    return {"DMY": "day first", "MDY": "month first", "YMD": "year first"}[order]


def infer_date_order(columns: Mapping[str, Iterable[Any]], current: str = "DMY") -> DateOrderGuess:
    """The date order the text dates of these columns (column -> values) call for."""
    day_first: dict[str, str] = {}
    month_first: dict[str, str] = {}
    ambiguous: dict[str, str] = {}
    for column, values in columns.items():
        for value in values:
            if not isinstance(value, str):
                continue
            match = _DAY_MONTH.match(value)
            if match is None:
                continue
            first, second = int(match.group(1)), int(match.group(3))
            if first > 12 and 1 <= second <= 12:
                day_first.setdefault(column, value.strip())
            elif second > 12 and 1 <= first <= 12:
                month_first.setdefault(column, value.strip())
            elif 1 <= first <= 12 and 1 <= second <= 12:
                ambiguous.setdefault(column, value.strip())
            if column in day_first or column in month_first:
                break  # this column has said what it had to say
    conflict = bool(day_first) and bool(month_first)
    if conflict:
        order = current if current in ("DMY", "MDY") else "DMY"
    elif day_first:
        order = "DMY"
    elif month_first:
        order = "MDY"
    else:
        order = current
    return DateOrderGuess(order, bool(day_first or month_first) and not conflict, conflict,
                          day_first, month_first, ambiguous)
