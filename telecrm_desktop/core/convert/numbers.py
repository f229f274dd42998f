"""Numbers, money and ratings as people write them: 1,50,000 / 1,234.5 / 1.234,5 / ₹ 5,000/-.

How separators are read:
- When both "," and "." appear, the last one is the decimal mark and the other groups digits.
- Spaces (also no-break and thin spaces) and apostrophes only group digits.
- A mark that appears several times groups digits ("1,50,000", "1.234.567").
- A mark that appears once is ambiguous ("1,234", "1.234"). It groups digits when exactly three
  digits follow it, one to three digits (not starting with 0) precede it, and it is not the
  decimal mark of the template's country; otherwise it is the decimal mark. Countries that
  write a decimal comma (Germany, France, Brazil, ...) read "1.234" as 1234 and "1,234" as
  1.234; the others (India, the US, the UK, ...) read "1,234" as 1234 and "1.234" as 1.234.
  "12,5" and "0,250" are decimal commas everywhere; "1.5" is a decimal point everywhere.
- Groups must line up in western (1,234,567) or Indian (12,34,567) style, else the value is
  rejected rather than guessed.
Indian and shorthand scales are read: "5 lakh" (500000), "1.5 Cr" (15000000), "20k" (20000).
Percentages are rejected: whether "12%" means 12 or 0.12 depends on the field.
"""

from __future__ import annotations

import functools
import math
import re
from decimal import Decimal

from .context import ConvertContext, ValueRejected
from .text import cell_text, trim

_CURRENCY_WORDS = r"₹|rs\.?|inr|\$|us\$|usd|€|eur|£|gbp|aed|sar|qar|myr|pkr|sgd|aud|cad"
_LEADING_CURRENCY = re.compile(rf"^(?:{_CURRENCY_WORDS})\s*", re.IGNORECASE)
_TRAILING_CURRENCY = re.compile(rf"\s*(?:/-|{_CURRENCY_WORDS}|only)$", re.IGNORECASE)
_SIMPLE = re.compile(r"^-?\d+(?:\.\d+)?$")
# The everyday groupings "1,234,567.5" and "12,34,567.5", read without the general rules.
_COMMA_GROUPED = re.compile(
    r"^-?(?:[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d?(?:,\d{2})*,\d{3})(?:\.\d+)?$"
)
_SHAPE = re.compile(r"^\.?\d(?:[\d.,' \u00a0\u202f\u2009\u2019]*\d)?\.?$")
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d*)?[eE][+-]?\d{1,3}$")
_LONGEST = 60  # longer text is no number (and must not fill the parse cache)
_SCALES = {"k": 1000, "thousand": 1000, "lakh": 100_000, "lakhs": 100_000, "lac": 100_000,
           "lacs": 100_000, "crore": 10_000_000, "crores": 10_000_000, "cr": 10_000_000}
_SCALE_WORD = re.compile(r"^(.*\d)\s*(k|thousand|lakhs?|lacs?|crores?|cr)\.?$", re.IGNORECASE)
_SPACES = " \u00a0\u202f\u2009'\u2019"
_WESTERN = re.compile(r"^[1-9]\d{0,2}(?:G\d{3})+$")
_INDIAN = re.compile(r"^[1-9]\d?(?:G\d{2})*G\d{3}$")


def _not_a(what: str, rule: str, why: str = "") -> ValueRejected:
    return ValueRejected(rule, f"is not {what}{': ' + why if why else ''}")


def _grouped_ok(integer: str, group: str) -> bool:
    shape = integer.replace(group, "G")
    return bool(_WESTERN.match(shape) or _INDIAN.match(shape))


def _single_mark(body: str, mark: str, count: int, comma_decimal: bool) -> tuple[str, str]:
    """(decimal mark, group mark) when only `mark` appears, `count` times."""
    if count > 1:
        return "", mark
    head, tail = body.split(mark)
    native_decimal = "," if comma_decimal else "."
    if mark != native_decimal and len(tail) == 3 and 1 <= len(head) <= 3 and head[0] != "0":
        return "", mark
    return mark, ""


def _split_marks(body: str, comma_decimal: bool) -> tuple[str, str, str]:
    """(integer digits with their group marks, group mark or "", fraction digits)."""
    spaced = any(c in body for c in _SPACES)
    commas, dots = body.count(","), body.count(".")
    if commas and dots:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        group = "." if decimal == "," else ","
        if body.count(decimal) > 1 or spaced:
            raise ValueError
    elif dots:
        decimal, group = _single_mark(body, ".", dots, comma_decimal)
    elif commas:
        decimal, group = _single_mark(body, ",", commas, comma_decimal)
        if group and spaced:  # "1 234,5"
            decimal, group = ",", ""
    else:
        decimal, group = "", ""
    if spaced:
        if group:
            raise ValueError
        marks = {c for c in body if c in _SPACES}
        if len(marks) > 1:
            raise ValueError
        group = marks.pop()
    if decimal:
        integer, fraction = body.split(decimal)
    else:
        integer, fraction = body, ""
    if group and group in fraction:
        raise ValueError
    return integer, group, fraction


@functools.lru_cache(maxsize=65536)
def _parse_text(text: str, rule: str, what: str, comma_decimal: bool) -> Decimal:
    body = text.replace("\u2212", "-")
    sign = ""
    if body[:1] in ("+", "-"):
        sign, body = body[0], body[1:].lstrip()
    body = _LEADING_CURRENCY.sub("", body)
    if not sign and body[:1] in ("+", "-"):
        sign, body = body[0], body[1:].lstrip()
    body = _TRAILING_CURRENCY.sub("", body)
    body = _TRAILING_CURRENCY.sub("", body)  # "Rs. 5,000/- only"
    if sign == "+":
        sign = ""
    scale = 1
    words = _SCALE_WORD.match(body)
    if words:  # "5 lakh", "1.5 Cr", "20k"
        body, scale = words.group(1), _SCALES[words.group(2).lower()]
    if "%" in body:
        raise _not_a(what, rule, "it is a percentage; write the number without %")
    if not body:
        raise _not_a(what, rule, "it has no digits")
    if _SCIENTIFIC.match(body):
        return Decimal(sign + body) * scale
    if not _SHAPE.match(body):
        if not any(c.isdigit() for c in body):
            raise _not_a(what, rule, "it has no digits")
        if any(c.isalpha() for c in body):
            raise _not_a(what, rule, "it has letters in it")
        raise _not_a(what, rule, "it has characters a number cannot have")
    try:
        integer, group, fraction = _split_marks(body, comma_decimal)
    except ValueError:
        raise _not_a(what, rule, 'its "," and "." marks do not line up') from None
    if group:
        if not _grouped_ok(integer, group):
            raise _not_a(
                what, rule, "its digit groups do not line up; write it as 150000, 1,50,000 or 150,000"
            )
        integer = integer.replace(group, "")
    if not (integer or fraction) or not (integer + fraction).isdigit():
        raise _not_a(what, rule, 'its "," and "." marks do not line up')
    return Decimal(f"{sign}{integer or '0'}.{fraction or '0'}") * scale


def parse_decimal(
    value: object, rule: str = "number.invalid", what: str = "a number", *, comma_decimal: bool = False
) -> Decimal | None:
    """The exact number a cell means, or None for an empty cell. Raises ValueRejected.

    `comma_decimal`: the sheet's country writes a decimal comma (see `writes_decimal_comma`).
    """
    kind = type(value)
    if kind is str:
        text = trim(value)  # type: ignore[arg-type]
        if not text:
            return None
        if len(text) > _LONGEST:
            raise _not_a(what, rule, f"it is {len(text)} characters long")
        if comma_decimal:
            if text.isdigit() and text.isascii():
                return Decimal(text)
        elif _SIMPLE.match(text):
            return Decimal(text)
        elif _COMMA_GROUPED.match(text):
            return Decimal(text.replace(",", ""))
        return _parse_text(text, rule, what, comma_decimal)
    if kind is int:
        return Decimal(value)  # type: ignore[arg-type]
    if kind is float:
        if not math.isfinite(value):  # type: ignore[arg-type]
            raise _not_a(what, rule)
        if value.is_integer():  # type: ignore[union-attr]
            return Decimal(int(value))  # type: ignore[arg-type]
        # Excel shows 15 significant digits; 0.1 + 0.2 is 0.3 to a person.
        return Decimal(format(value, ".15g"))
    if value is None:
        return None
    if kind is bool:
        raise _not_a(what, rule, "it is TRUE or FALSE")
    if isinstance(value, (int, float)):
        return parse_decimal(float(value), rule, what, comma_decimal=comma_decimal)
    raise _not_a(what, rule, f"the cell holds a date or time ({cell_text(value)})")


def decimal_to_json(number: Decimal) -> int | float:
    """A JSON number: int when whole, else float."""
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def decimal_to_text(number: Decimal) -> str:
    """A numeric string without exponent or trailing zeros: "5000", "1500.5"."""
    text = format(number.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# Countries whose people write 1.234,5 (CLDR decimal symbol ","); the template's country decides
# how a lone "1.234" or "1,234" is read.
_DECIMAL_COMMA_COUNTRIES = frozenset(
    "AD AL AM AO AR AT AZ BA BE BG BO BR BY CL CM CO CR CU CV CY CZ DE DK DZ EC EE ES FI FO FR GE "
    "GL GQ GR HR HU ID IS IT KZ LB LT LU LV MA MC MD ME MK MN MZ NC NL NO PE PF PL PT PY RE RO RS "
    "RU SE SI SJ SK SM SN SR TN TR UA UY UZ VE VN ZA".split()
)


def writes_decimal_comma(ctx: ConvertContext | None) -> bool:
    return ctx is not None and ctx.country in _DECIMAL_COMMA_COUNTRIES


def encode_number(value: object, ctx: ConvertContext | None = None) -> int | float | None:
    kind = type(value)
    if kind is int:
        return value  # type: ignore[return-value]
    if kind is float and math.isfinite(value):  # type: ignore[arg-type]
        if value.is_integer():  # type: ignore[union-attr]
            return int(value)  # type: ignore[arg-type]
        return float(format(value, ".15g"))  # as Excel shows it: 0.1 + 0.2 is 0.3
    if kind is str and value.isdigit() and value.isascii() and len(value) < 16:  # type: ignore[union-attr]
        return int(value)  # type: ignore[arg-type]
    number = parse_decimal(value, comma_decimal=writes_decimal_comma(ctx))
    return None if number is None else decimal_to_json(number)


def encode_money(value: object, ctx: ConvertContext | None = None) -> str | None:
    number = parse_decimal(
        value, "money.invalid", "an amount of money", comma_decimal=writes_decimal_comma(ctx)
    )
    return None if number is None else decimal_to_text(number)


_RATING_HINT = "a rating is a whole number from 1 to 5"


_WHOLE_RATINGS = {n: n for n in range(1, 6)}  # 3.0 finds 3 too: equal numbers hash alike


def encode_rating(value: object) -> int | None:
    """Rating: integer 1..5 ("3", 3.0, " 4 ")."""
    if type(value) is float or type(value) is int:  # not bool: TRUE is no rating
        rating = _WHOLE_RATINGS.get(value)  # type: ignore[call-overload]
        if rating is not None:
            return rating  # a workbook's number cell: the common case, without Decimal
    try:
        number = parse_decimal(value, "rating.invalid", "a rating")
    except ValueRejected as error:
        raise ValueRejected("rating.invalid", f"{error.reason}; {_RATING_HINT}") from None
    if number is None:
        return None
    if number != number.to_integral_value() or not 1 <= number <= 5:
        raise ValueRejected("rating.range", f"is not a rating: {_RATING_HINT}")
    return int(number)
