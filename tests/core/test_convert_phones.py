"""Phones: every common writing of one number gives the same digits; bad ones say why."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from telecrm_desktop.core.convert import ConvertContext, ValueRejected, encode_value, normalise_phone
from telecrm_desktop.core.convert.phones import _fast_india, _parse, _quick_international, _quick_national

INDIA = ConvertContext()

INDIAN_WRITINGS = [
    lambda n: n,
    lambda n: f"+91{n}",
    lambda n: f"+91 {n[:5]} {n[5:]}",
    lambda n: f"0{n}",
    lambda n: f"0{n[:5]} {n[5:]}",
    lambda n: f"91{n}",
    lambda n: f"91-{n}",
    lambda n: f"91 {n}",
    lambda n: f"0091 {n}",
    lambda n: f"0091{n}",
    lambda n: f"(+91) {n[:5]}-{n[5:]}",
    lambda n: f"+91-{n[:3]}-{n[3:6]}-{n[6:]}",
    lambda n: f"+91.{n[:5]}.{n[5:]}",
    lambda n: f"p:+91{n}",  # Facebook Lead Ads
    lambda n: f"tel:+91-{n}",
    lambda n: f"'{n}",  # Excel's text mark kept in a CSV
    lambda n: f"  {n}\u00a0",
    lambda n: f"\ufeff+91 {n}",
    lambda n: f"{n}.0",  # a float column written by pandas
    lambda n: f"91{n}.0",
    lambda n: f"{float('91' + n):.11E}",  # "9.19876543210E+11", CSV re-saved by Excel
    lambda n: int(n),  # Excel number cells
    lambda n: float(n),
    lambda n: int("91" + n),
    lambda n: float("91" + n),
]


@settings(max_examples=150)
@given(
    national=st.integers(6_000_000_000, 9_999_999_999).map(str),
    writing=st.sampled_from(INDIAN_WRITINGS),
)
def test_indian_mobile_writings_give_the_same_digits(national, writing):
    assert encode_value(writing(national), "phone", INDIA) == "91" + national


REGIONS = ["US", "GB", "AE", "SG", "AU", "DE", "FR", "SA", "PK", "MY", "CA", "QA", "NP", "BD",
           "ZA", "NG", "IT", "BR", "CN", "RU", "BY", "AR", "MX", "JP"]


@st.composite
def valid_numbers(draw):
    region = draw(st.sampled_from(REGIONS))
    kind = draw(st.sampled_from([PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE]))
    example = phonenumbers.example_number_for_type(region, kind)
    assume(example is not None)
    digits = str(example.national_number)
    tail = draw(st.integers(0, 999))
    number = phonenumbers.PhoneNumber(
        country_code=example.country_code,
        national_number=int(digits[:-3] + f"{tail:03d}"),
        italian_leading_zero=example.italian_leading_zero,
    )
    assume(phonenumbers.is_valid_number(number))
    return region, number


@settings(max_examples=200)
@given(valid_numbers(), st.integers(0, 6))
def test_international_writings_give_the_same_digits(region_number, way):
    region, number = region_number
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    writings = [
        e164,
        phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL),
        "00" + e164[1:],  # India's international prefix
        phonenumbers.format_number(number, PhoneNumberFormat.RFC3966),
        f"p:{e164}",
        f"(+{number.country_code}) {phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)}",
        e164[1:],  # digits with country code, no "+", as telecrm recommends
    ]
    writing = writings[way]
    if way == 6:
        # Digits without "+" that also read as an Indian number are Indian (the template's country).
        as_indian = phonenumbers.parse(e164[1:], "IN")
        assume(_fast_india(e164[1:]) is None and not phonenumbers.is_valid_number(as_indian))
    if way == 5 and region in ("AR", "BR", "CN", "BY", "RU", "MX"):
        return  # their national format keeps a trunk or carrier prefix after the country code
    assert normalise_phone(writing, INDIA) == e164[1:], writing


@settings(max_examples=200)
@given(valid_numbers())
def test_national_writing_uses_the_templates_country(region_number):
    region, number = region_number
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    assert normalise_phone(national, ConvertContext(country=region)) == e164[1:]


@settings(max_examples=500)
@given(
    code=st.sampled_from(sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)),
    national=st.integers(10**2, 10**14 - 1).map(str),
    region=st.sampled_from(["IN", "US", "AE"]),
)
def test_quick_verdict_agrees_with_phonenumbers(code, national, region):
    digits = f"{code}{national}"
    verdict = _quick_international(digits, region)
    if verdict is not None:
        assert _parse("+" + digits, region) == verdict


@settings(max_examples=500)
@given(
    digits=st.integers(1, 10**16).map(str),
    region=st.sampled_from(["IN", "US", "AE", "GB", "DE", "SG", "AU", "BR", "RU", "JM", "AR", "CN"]),
)
def test_quick_national_verdict_agrees_with_phonenumbers(digits, region):
    verdict = _quick_national(digits, region)
    if verdict is not None:
        assert _parse(digits, region) == verdict


@pytest.mark.parametrize(
    "writing, digits",
    [
        ("+1 (415) 555-2671", "14155552671"),
        ("+44 (0)7911 123456", "447911123456"),
        ("447911123456", "447911123456"),  # country code without "+", not an Indian number
        ("022 2345 6789", "912223456789"),  # Mumbai landline
        ("+91 22 2345 6789", "912223456789"),
        ("9.19876543210E+11", "919876543210"),
        ("9.1987654321E+11", "919876543210"),  # Excel drops the trailing zero
    ],
)
def test_examples(writing, digits):
    assert normalise_phone(writing, INDIA) == digits


@pytest.mark.parametrize(
    "value, reason",
    [
        ("98765", "is not a phone number: it has 5 digits, too few for country code +91; "
                  "write the country code and the number, e.g. 919876543210"),
        ("98765 43210 / 91234 56789", "holds more than one phone number; keep one number per cell"),
        ("9876543210, 9123456789", "holds more than one phone number; keep one number per cell"),
        ("+91 98765 43210 ext 123", "has an extension (123); telecrm stores only the number, "
                                    "so write it without the extension"),
        ("9.19877E+11", "is not a phone number: Excel rounded it to 6 digits when the file was "
                        "saved; format the column as Text (or Number without decimals) in Excel "
                        "and save the file again"),
        ("+91 98765 4321", "is not a phone number: it does not fit the numbering plan of country "
                           "code +91; check for a missing or extra digit"),
        ("987654321", "is not a phone number: it does not fit the numbering plan of country "
                      "code +91; check for a missing or extra digit"),
        ("N/A", "is not a phone number: it has no digits"),
        ("-", "is not a phone number: it has no digits"),
        ("'", "is not a phone number: it has no digits"),
        ("p:", "is not a phone number: it has no digits"),
        ("1-800-FLOWERS", "is not a phone number: it has letters in it"),
        ("0000000000", "is not a phone number: its digits are all 0"),
        ("+999 1234567", "is not a phone number: it does not start with a country code; "
                         "write the country code and the number, e.g. 919876543210"),
        ("98765 43210 91234 56789", "is not a phone number: it has 20 digits, too many; "
                                    "write the country code and the number, e.g. 919876543210"),
        (98765.5, "is not a phone number: it is a decimal number"),
        (-9876543210, "is not a phone number: it is negative"),
        (True, "is not a phone number: it is TRUE or FALSE"),
    ],
)
def test_rejections_say_why(value, reason):
    with pytest.raises(ValueRejected) as caught:
        normalise_phone(value, INDIA)
    assert caught.value.rule == "phone.invalid"
    assert caught.value.reason == reason


def test_hint_uses_the_templates_country():
    with pytest.raises(ValueRejected) as caught:
        normalise_phone("12", ConvertContext(country="US"))
    example = phonenumbers.example_number_for_type("US", PhoneNumberType.MOBILE)
    assert caught.value.reason.endswith(phonenumbers.format_number(example, PhoneNumberFormat.E164)[1:])


@pytest.mark.parametrize("empty", [None, "", "   ", "\u200b"])
def test_empty_cells_are_none(empty):
    assert encode_value(empty, "phone", INDIA) is None
