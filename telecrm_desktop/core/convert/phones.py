"""Phone numbers: every common writing -> country code + number, digits only ("919876543210").

Speed: Indian mobile numbers (the bulk of every sheet) take a fast path; other plain or
"+"-prefixed digits are judged against phonenumbers' own metadata (lengths, trunk prefixes,
number patterns) without its parser; only the rest go through phonenumbers.parse with the
template's country as the default region. Property tests hold the quick answers equal to
phonenumbers' answers.

Choices where telecrm is silent:
- A number must be valid by phonenumbers' metadata (its length and its ranges): a 9-digit
  Indian mobile number is a typo, not a lead. Wrong lengths are rejected with the digit count.
- Digits written without "+" that do not fit the default country are tried as international
  ("447911123456" with country IN is a UK number), as telecrm recommends writing them so.
- Extensions are rejected (telecrm has nowhere to put them); so are cells with two numbers.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, NumberParseException, PhoneMetadata, PhoneNumberFormat
from phonenumbers.phonenumberutil import ValidationResult

from .context import ConvertContext, ValueRejected
from .text import cell_text, trim

_NOT_SEPARATORS = str.maketrans(
    "", "", " -.()[]\u00a0\u2010\u2011\u2012\u2013\u2014\u2212\u202f\u2009\t"
)
_PREFIX = re.compile(r"^(?:p|tel|phone|mobile|mob|ph)\s*[:.]\s*", re.IGNORECASE)
_SCIENTIFIC = re.compile(r"^\+?(\d)(?:[.,](\d+))?[eE]\+?(\d{1,2})$")
_DECIMAL_ZERO = re.compile(r"^(\+?\d{6,})\.0+$")  # "9876543210.0" from a float column saved as CSV
_MANY = re.compile(r"[,;/|&\n\\]|\s(?:or|and)\s", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")

_IN_MOBILE_START = frozenset("6789")
_LONGEST = 60  # longer text is no phone number (and must not fill the parse cache)


def _reject(reason: str) -> ValueRejected:
    return ValueRejected("phone.invalid", reason)


@functools.lru_cache(maxsize=256)
def _example(region: str) -> str:
    if region == "IN":
        return "919876543210"
    number = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if number is None:
        return "919876543210"
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)[1:]


def _hint(region: str) -> str:
    return f"write the country code and the number, e.g. {_example(region)}"


def _from_scientific(text: str) -> str:
    """ "9.19876543210E+11" (a CSV re-saved by Excel) -> "919876543210", unless Excel rounded it."""
    match = _SCIENTIFIC.match(text)
    assert match is not None
    first, rest, exponent = match.group(1), match.group(2) or "", int(match.group(3))
    try:
        value = Decimal(f"{first}.{rest}E{exponent}")
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        raise _reject("is not a phone number") from None
    if value != value.to_integral_value():
        raise _reject("is not a phone number: it is a decimal number")
    # Excel's General format keeps only about 6 significant digits ("9.19877E+11"); the digits
    # it dropped are gone. Trailing zeros of a real number are dropped too, so allow two.
    if exponent - len(rest) > 2:
        raise _reject(
            "is not a phone number: Excel rounded it to "
            f"{len(rest) + 1} digits when the file was saved; format the column as Text "
            "(or Number without decimals) in Excel and save the file again"
        )
    return str(int(value))


def _fast_india(compact: str) -> str | None:
    """The common Indian mobile writings, without phonenumbers."""
    size = len(compact)
    if size == 10:
        if compact[0] in _IN_MOBILE_START:
            return "91" + compact
    elif size == 12:
        if compact[0] == "9" and compact[1] == "1" and compact[2] in _IN_MOBILE_START:
            return compact
    elif size == 11:
        if compact[0] == "0" and compact[1] in _IN_MOBILE_START:
            return "91" + compact[1:]
    elif size == 14:
        if compact.startswith("0091") and compact[4] in _IN_MOBILE_START:
            return compact[2:]
    return None


def _digits(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)[1:]


def _length_reason(number: phonenumbers.PhoneNumber, result: int, region: str) -> str:
    national = phonenumbers.national_significant_number(number)
    if result == ValidationResult.INVALID_COUNTRY_CODE:
        return f"is not a phone number: +{number.country_code} is not a country code; {_hint(region)}"
    count = len(national)
    where = f"country code +{number.country_code}"
    if result == ValidationResult.TOO_SHORT:
        return f"is not a phone number: it has {count} digits, too few for {where}; {_hint(region)}"
    if result == ValidationResult.TOO_LONG:
        return f"is not a phone number: it has {count} digits, too many for {where}; {_hint(region)}"
    return f"is not a phone number: {count} digits is not a number length for {where}; {_hint(region)}"


@functools.lru_cache(maxsize=65536)
def _parse(text: str, region: str) -> tuple[bool, str]:
    """(True, digits) or (False, reason). Cached: phonenumbers costs some 30 microseconds a value."""
    digit_count = len(_DIGIT.findall(text))
    if digit_count == 0:
        return False, "is not a phone number: it has no digits"
    pieces = [p for p in _MANY.split(text) if len(_DIGIT.findall(p)) >= 6]
    if len(pieces) > 1:
        return False, "holds more than one phone number; keep one number per cell"
    explicit = text.lstrip().startswith("+") or text.translate(_NOT_SEPARATORS).startswith("00")
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as error:
        if error.error_type == NumberParseException.TOO_LONG:
            return False, f"is not a phone number: it has {digit_count} digits, too many; {_hint(region)}"
        if error.error_type == NumberParseException.INVALID_COUNTRY_CODE:
            return False, f"is not a phone number: it does not start with a country code; {_hint(region)}"
        if error.error_type in (NumberParseException.TOO_SHORT_NSN, NumberParseException.TOO_SHORT_AFTER_IDD):
            return False, f"is not a phone number: it has {digit_count} digits, too few; {_hint(region)}"
        return False, f"is not a phone number: it has {digit_count} digits; {_hint(region)}"
    if number.extension:
        return False, (
            f"has an extension ({number.extension}); telecrm stores only the number, "
            "so write it without the extension"
        )
    if _LETTER.search(_PREFIX.sub("", text)):
        return False, "is not a phone number: it has letters in it"
    if phonenumbers.is_valid_number(number):
        return True, _digits(number)
    if not explicit:
        # "447911123456": the country code written without "+".
        digits = "".join(_DIGIT.findall(text))
        if len(digits) >= 8:
            verdict = _quick_international(digits, region)
            if verdict is not None:
                if verdict[0]:
                    return verdict
            else:
                try:
                    international = phonenumbers.parse("+" + digits, None)
                except NumberParseException:
                    international = None
                if international is not None and phonenumbers.is_valid_number(international):
                    return True, _digits(international)
    result = phonenumbers.is_possible_number_with_reason(number)
    if result not in (ValidationResult.IS_POSSIBLE, ValidationResult.IS_POSSIBLE_LOCAL_ONLY):
        return False, _length_reason(number, result, region)
    if result == ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        return False, f"is not a phone number telecrm can match: the area code is missing; {_hint(region)}"
    national = phonenumbers.national_significant_number(number)
    if len(set(national)) == 1:
        return False, f"is not a phone number: its digits are all {national[0]}"
    return False, _plan_reason(number.country_code)


_NUMBER_KINDS = ("fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "voip",
                 "personal_number", "pager", "uan", "voicemail")
_Kinds = tuple[tuple[frozenset[int], re.Pattern[str]], ...]
_Plan = tuple[frozenset[int], frozenset[int], re.Pattern[str] | None, _Kinds]


@functools.lru_cache(maxsize=None)
def _numbering_plan(country_code: int) -> _Plan:
    """For a country code: national number lengths (all, local-only), trunk-prefix pattern, and
    the (lengths, pattern) of every kind of number in every region sharing the code, as
    phonenumbers' is_valid_number checks them."""
    regions = COUNTRY_CODE_TO_REGION_CODE.get(country_code, ())
    if regions and regions[0] == "001":
        every = [PhoneMetadata.metadata_for_nongeo_region(country_code)]
    else:
        every = [PhoneMetadata.metadata_for_region(region) for region in regions]
    every = [metadata for metadata in every if metadata is not None and metadata.general_desc]
    if not every:
        return frozenset(), frozenset(), None, ()
    kinds = []
    for metadata in every:
        general = metadata.general_desc
        for name in _NUMBER_KINDS:
            desc = getattr(metadata, name, None)
            if desc is None or not desc.national_number_pattern:
                continue
            lengths = frozenset(desc.possible_length or general.possible_length)
            if -1 in lengths:  # "no numbers of this kind"
                continue
            pattern = f"(?=(?:{general.national_number_pattern})$)(?:{desc.national_number_pattern})"
            kinds.append((lengths, re.compile(pattern)))
    prefix = every[0].national_prefix_for_parsing
    general = every[0].general_desc
    return (
        frozenset(general.possible_length),
        frozenset(general.possible_length_local_only or ()),
        re.compile(prefix) if prefix else None,
        tuple(kinds),
    )


def _quick_international(digits: str, region: str) -> tuple[bool, str] | None:
    """The verdict on "+<digits>" without phonenumbers.parse, or None when unsure.

    Country codes are prefix-free, so the first known 1-3 digit prefix is the code. Numbers
    with a trunk or carrier prefix are left to phonenumbers; for the rest the length and the
    numbering plan decide, as in phonenumbers (a test holds the two to the same answers).
    """
    for size in (1, 2, 3):
        code = int(digits[:size])
        if code in COUNTRY_CODE_TO_REGION_CODE:
            break
    else:
        return None
    national = digits[size:]
    if not 2 <= len(national) <= 17 or national[0] == "0":  # phonenumbers' own parse errors
        return None
    lengths, local_lengths, trunk, kinds = _numbering_plan(code)
    if not lengths:
        return None
    if trunk is not None:
        match = trunk.match(national)
        if match and match.end():  # phonenumbers would strip a trunk or carrier prefix
            return None
    count = len(national)
    where = f"country code +{code}"
    if any(count in sizes and pattern.fullmatch(national) for sizes, pattern in kinds):
        return True, digits
    if count in local_lengths:
        return False, f"is not a phone number telecrm can match: the area code is missing; {_hint(region)}"
    if count in lengths:
        if national.count(national[0]) == count:
            return False, f"is not a phone number: its digits are all {national[0]}"
        return False, _plan_reason(code)
    if count < min(lengths):
        return False, f"is not a phone number: it has {count} digits, too few for {where}; {_hint(region)}"
    if count > max(lengths):
        return False, f"is not a phone number: it has {count} digits, too many for {where}; {_hint(region)}"
    return False, f"is not a phone number: {count} digits is not a number length for {where}; {_hint(region)}"


@functools.lru_cache(maxsize=None)
def _region_prefixes(region: str) -> tuple[str, re.Pattern[str] | None]:
    """The region's country code as text, and its international dialling prefix pattern."""
    metadata = PhoneMetadata.metadata_for_region(region)
    code = str(phonenumbers.country_code_for_region(region))
    if metadata is None or not metadata.international_prefix:
        return code, None
    return code, re.compile(metadata.international_prefix)


def _quick_national(digits: str, region: str) -> tuple[bool, str] | None:
    """The verdict on plain digits read in `region`, without phonenumbers.parse, or None.

    Only for digits phonenumbers would take as they are: no trunk prefix, no international
    prefix, not starting with the region's own country code.
    """
    code, international_prefix = _region_prefixes(region)
    if digits[0] == "0" or digits.startswith(code):
        return None
    if international_prefix is not None and international_prefix.match(digits):
        return None
    verdict = _quick_international(code + digits, region)
    if verdict is None or verdict[0]:
        return verdict
    if len(digits) >= 8:  # the country code written without "+", as in _parse
        written_international = _quick_international(digits, region)
        if written_international is None:
            return None
        if written_international[0]:
            return written_international
    return verdict


def _plan_reason(code: int) -> str:
    return (
        f"is not a phone number: it does not fit the numbering plan of country code +{code}; "
        "check for a missing or extra digit"
    )


def _from_plain_digits(digits: str, ctx: ConvertContext) -> str:
    if ctx.country == "IN":
        fast = _fast_india(digits)
        if fast is not None:
            return fast
    verdict = _quick_national(digits, ctx.country)
    if verdict is None:
        return _parsed(digits, ctx.country)
    ok, result = verdict
    if not ok:
        raise _reject(result)
    return result


def _from_plus_digits(digits: str, ctx: ConvertContext) -> str:
    if len(digits) == 12 and digits[0] == "9" and digits[1] == "1" and digits[2] in _IN_MOBILE_START:
        return digits
    verdict = _quick_international(digits, ctx.country)
    if verdict is None:
        return _parsed("+" + digits, ctx.country)
    ok, result = verdict
    if not ok:
        raise _reject(result)
    return result


def _parsed(text: str, region: str) -> str:
    ok, result = _parse(text, region)
    if not ok:
        raise _reject(result)
    return result


def _from_writing(text: str, ctx: ConvertContext) -> str:
    """Everything that is not plain digits: prefixes, brackets, dots, Excel's scientific form."""
    if text[0] == "'":  # Excel's "keep as text" mark, kept by some CSV exports
        text = text[1:].lstrip()
    if text[:1].isalpha():
        text = _PREFIX.sub("", text)  # "p:+91..." from Facebook Lead Ads, "tel:..."
    if "." in text or "E" in text or "e" in text or "," in text:
        tight = text.replace(" ", "")
        match = _DECIMAL_ZERO.match(tight)
        if match:
            text = match.group(1)
        elif _SCIENTIFIC.match(tight):
            text = _from_scientific(tight)
    compact = text.translate(_NOT_SEPARATORS)
    if compact.isascii():
        if compact.isdigit():
            return _from_plain_digits(compact, ctx)
        if compact[:1] == "+" and compact[1:].isdigit():
            return _from_plus_digits(compact[1:], ctx)
    return _parsed(text, ctx.country)


def normalise_phone(value: object, ctx: ConvertContext) -> str | None:
    """Country code + number, digits only, or None for an empty cell. Raises ValueRejected."""
    kind = type(value)
    if kind is str:
        text = trim(value)  # type: ignore[arg-type]
        if not text:
            return None
        if len(text) > _LONGEST:
            raise _reject(f"is not a phone number: it is {len(text)} characters long")
        compact = text.replace(" ", "").replace("-", "")
        if compact.isascii():
            if compact.isdigit():
                return _from_plain_digits(compact, ctx)
            if compact[:1] == "+" and compact[1:].isdigit():
                return _from_plus_digits(compact[1:], ctx)
        return _from_writing(text, ctx)
    if kind is float and 0 < value < 1e17 and value.is_integer():  # type: ignore[operator, union-attr]
        return _from_plain_digits(str(int(value)), ctx)  # a workbook's number cell: the common case
    if kind is int or kind is float:
        if value != value or value in (float("inf"), float("-inf")):  # type: ignore[comparison-overlap]
            raise _reject("is not a phone number")
        if kind is float and not value.is_integer():  # type: ignore[union-attr]
            raise _reject("is not a phone number: it is a decimal number")
        if value < 0:  # type: ignore[operator]
            raise _reject("is not a phone number: it is negative")
        if value >= 1e17:  # type: ignore[operator]
            raise _reject("is not a phone number: it has too many digits")
        return _from_plain_digits(str(int(value)), ctx)  # type: ignore[call-overload]
    if value is None:
        return None
    if kind is bool:
        raise _reject("is not a phone number: it is TRUE or FALSE")
    raise _reject(f"is not a phone number: the cell holds a date or time ({cell_text(value)})")
