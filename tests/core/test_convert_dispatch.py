"""encode_value dispatch, empty cells, unknown types, merge keys and the context checks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from telecrm_desktop.core.convert import (
    KNOWN_TYPES,
    ConvertContext,
    ValueRejected,
    encode_value,
    encoder_for,
    identifier_key,
    make_context,
)

CTX = ConvertContext()


def test_known_types_are_the_mapping_formats():
    assert KNOWN_TYPES == {"text", "email", "phone", "number", "money", "date", "dropdown", "tags",
                           "rating", "status", "lost_reason", "user", "website", "medialink"}


@pytest.mark.parametrize("type_name", sorted(KNOWN_TYPES) + ["something_new"])
@pytest.mark.parametrize("empty", [None, "", "   ", "\t\n", "\u200b"])
def test_empty_cells_are_none_for_every_type(type_name, empty):
    assert encode_value(empty, type_name, CTX) is None


def test_unknown_types_are_text_and_aliases_are_understood():
    assert encode_value(" 12,5 ", "percentage", CTX) == "12,5"
    assert encode_value(" Jane@X.com ", "activeUsers", CTX) == "jane@x.com"
    assert encode_value(" No  Need ", "lostReason", CTX) == "No Need"


@pytest.mark.parametrize(
    "value, type_name, expected",
    [
        ("+91 98765 43210", "phone", "919876543210"),
        ("Jane@Example.com", "email", "jane@example.com"),
        ("1,50,000", "number", 150000),
        ("1,500.50", "money", "1500.5"),
        ("05/11/2026", "date", 1793817000000),
        ("VIP;Hot", "tags", ["VIP", "Hot"]),
        ("3", "rating", 3),
        ("example.com", "website", "https://example.com"),
    ],
)
def test_encode_value_dispatches_by_type(value, type_name, expected):
    assert encode_value(value, type_name, CTX, separator=";") == expected


def test_identifier_keys_merge_what_telecrm_merges():
    same_phone = {identifier_key(encode_value(v, "phone", CTX), "phone")
                  for v in ["+919876543210", "919876543210", "9876543210", 9876543210.0, "098765 43210"]}
    assert same_phone == {"919876543210"}
    assert identifier_key(encode_value(" Jane@X.COM", "email", CTX), "email") == "jane@x.com"
    assert identifier_key(" Straße ", "text") == identifier_key("STRASSE", "text")
    assert identifier_key(None, "text") == ""


@pytest.mark.parametrize(
    "args, message",
    [
        (("XX", "UTC", "DMY"), '"XX" is not a country code; write a two-letter ISO code such as IN, US or AE'),
        (("IN", "Mars/Base", "DMY"),
         '"Mars/Base" is not a time zone; write an IANA name such as Asia/Kolkata or Europe/London'),
        (("IN", "../../etc/passwd", "DMY"), '"../../etc/passwd" is not a time zone; write an IANA name such as Asia/Kolkata'),
        (("IN", "Asia/Kolkata", "DDMMYY"), '"DDMMYY" is not a date order; write DMY, MDY or YMD'),
    ],
)
def test_make_context_refuses_what_it_cannot_honour(args, message):
    with pytest.raises(ValueError) as caught:
        make_context(*args)
    assert str(caught.value) == message


def test_make_context_accepts_loose_spelling():
    assert make_context(" in ", " Asia/Kolkata ", "mdy") == ConvertContext("IN", "Asia/Kolkata", "MDY")
    assert make_context(None, None, None) == ConvertContext()
    assert make_context("us", "utc", "ymd") == ConvertContext("US", "UTC", "YMD")
    assert make_context("uk", "IST", "DMY") == ConvertContext("GB", "Asia/Kolkata", "DMY")


CELLS = st.one_of(
    st.none(), st.text(max_size=40), st.integers(-10**15, 10**15), st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True), st.datetimes(), st.dates(), st.times(),
    st.timedeltas(), st.from_regex(r"\A[+0-9 ()./eE,-]{1,24}\Z"),
    st.sampled_from(["₹", "Rs.", "QAR", "-", "+", "p:", "'", "mailto:", "http://", "//", "lakh",
                     "%", "@", ".", ",", "e", "T", "Z", "12:30", "PM", "Nov", "00", "+0"]),
)


@settings(max_examples=600)
@given(CELLS, st.sampled_from(sorted(KNOWN_TYPES)))
def test_any_cell_either_encodes_or_is_rejected_with_a_reason(value, type_name):
    """Fuzz: no converter raises anything but ValueRejected, and every reason is a phrase."""
    try:
        encode_value(value, type_name, CTX)
    except ValueRejected as rejected:
        assert rejected.rule and "." in rejected.rule
        assert rejected.reason and rejected.reason[0].islower() and not rejected.reason.endswith(".")


def test_every_public_encoder_reads_an_empty_cell_as_none():
    from telecrm_desktop.core import convert as cv

    one_argument = [cv.encode_text, cv.encode_email, cv.encode_user, cv.encode_label, cv.encode_url,
                    cv.encode_number, cv.encode_money, cv.encode_rating, cv.encode_tags,
                    cv.encode_payment_amount, cv.encode_payment_currency, cv.encode_payment_status]
    with_context = [cv.normalise_phone, cv.encode_date, cv.encode_created_on]
    for empty in (None, "", "  "):
        assert [encode(empty) for encode in one_argument] == [None] * len(one_argument)
        assert [encode(empty, CTX) for encode in with_context] == [None] * len(with_context)


@pytest.mark.parametrize("type_name", ["phone", "number", "money", "date", "rating", "email", "user", "website"])
def test_huge_cells_are_rejected_quickly_not_parsed(type_name):
    for value in ("1" * 1_000_000, "a@" + "b" * 1_000_000 + ".com", "12,5 " * 200_000):
        with pytest.raises(ValueRejected) as caught:
            encode_value(value, type_name, CTX)
        assert len(caught.value.reason) < 200  # the value itself is never pasted into the reason


def test_huge_numbers_from_cells_do_not_crash():
    with pytest.raises(ValueRejected):
        encode_value(10**1000, "phone", CTX)
    with pytest.raises(ValueRejected):
        encode_value(10**1000, "date", CTX)
    with pytest.raises(ValueRejected):
        encode_value(float("inf"), "date", CTX)
    assert encode_value(10**30, "number", CTX) == 10**30


@settings(max_examples=300)
@given(CELLS, st.sampled_from(sorted(KNOWN_TYPES) + ["lostReason", "activeUsers", "unknown"]),
       st.sampled_from([CTX, ConvertContext(country="DE", timezone="Europe/Berlin")]))
def test_a_bound_encoder_gives_what_encode_value_gives(value, type_name, ctx):
    def outcome(encode):
        try:
            return encode()
        except ValueRejected as rejected:
            return (rejected.rule, rejected.reason)

    bound = encoder_for(type_name, ctx, separator=";")
    assert outcome(lambda: bound(value)) == outcome(lambda: encode_value(value, type_name, ctx, separator=";"))
