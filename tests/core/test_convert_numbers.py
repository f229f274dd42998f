"""Numbers, money and ratings: a value written with any grouping reads back exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from telecrm_desktop.core.convert import ConvertContext, ValueRejected, encode_value

CTX = ConvertContext()


def group_western(digits: str, mark: str) -> str:
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return mark.join([digits] + groups)


def group_indian(digits: str) -> str:
    if len(digits) <= 3:
        return digits
    head, last = digits[:-3], digits[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([head] + groups + [last])


GERMANY = ConvertContext(country="DE", timezone="Europe/Berlin")
WRITINGS = {
    # name: (integer part writer, decimal mark, the template that reads a lone mark this way)
    "plain": (lambda d: d, ".", CTX),
    "plain-comma": (lambda d: d, ",", GERMANY),
    "western": (lambda d: group_western(d, ","), ".", CTX),
    "indian": (group_indian, ".", CTX),
    "european": (lambda d: group_western(d, "."), ",", GERMANY),
    "spaced-comma": (lambda d: group_western(d, " "), ",", GERMANY),
    "nbsp-dot": (lambda d: group_western(d, "\u00a0"), ".", CTX),
    "thin-space": (lambda d: group_western(d, "\u202f"), ",", GERMANY),
    "swiss": (lambda d: group_western(d, "'"), ".", CTX),
}
DECORATIONS = [
    lambda t: t,
    lambda t: f"  {t} ",
    lambda t: f"₹{t}",
    lambda t: f"₹ {t}/-",
    lambda t: f"Rs. {t}",
    lambda t: f"INR {t}",
    lambda t: f"{t} INR",
    lambda t: f"${t}",
    lambda t: f"€ {t}",
]


@st.composite
def written_numbers(draw):
    integer = draw(st.integers(0, 10**12))
    decimals = draw(st.sampled_from(["", "5", "25", "05", "125"]))
    name = draw(st.sampled_from(sorted(WRITINGS)))
    write_integer, mark, ctx = WRITINGS[name]
    digits = str(integer)
    text = write_integer(digits) + (mark + decimals if decimals else "")
    negative = draw(st.booleans())
    expected = Decimal(f"{'-' if negative else ''}{digits}.{decimals or '0'}")
    text = ("-" if negative else "") + draw(st.sampled_from(DECORATIONS))(text)
    return text, expected, ctx


@settings(max_examples=400)
@given(written_numbers())
def test_grouped_numbers_read_back_exactly(written):
    text, expected, ctx = written
    number = encode_value(text, "number", ctx)
    assert isinstance(number, int) == (expected == expected.to_integral_value())
    assert number == (int(expected) if isinstance(number, int) else float(expected))
    assert Decimal(encode_value(text, "money", ctx)) == expected


@pytest.mark.parametrize(
    "text, india, germany",
    [("1,234", 1234, 1.234), ("1.234", 1.234, 1234), ("1,234.5", 1234.5, 1234.5),
     ("1.234,5", 1234.5, 1234.5), ("12,5", 12.5, 12.5), ("1.5", 1.5, 1.5),
     ("0,250", 0.25, 0.25), ("1 234", 1234, 1234), ("1,50,000", 150000, 150000)],
)
def test_a_lone_mark_is_read_by_the_templates_country(text, india, germany):
    assert encode_value(text, "number", CTX) == india
    assert encode_value(text, "number", GERMANY) == germany


@settings(max_examples=200)
@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_excel_number_cells_pass_through(value):
    number = encode_value(value, "number", CTX)
    if value.is_integer():
        assert number == int(value) and isinstance(number, int)
    else:
        assert number == pytest.approx(value, rel=1e-14)


@settings(max_examples=200)
@given(st.integers(1, 10**9), st.integers(0, 99))
def test_money_is_a_plain_numeric_string(rupees, paise):
    money = encode_value(f"{rupees:,}.{paise:02d}", "money", CTX)
    assert Decimal(money) == Decimal(f"{rupees}.{paise:02d}")
    assert "," not in money and "E" not in money and not money.endswith("0") or "." not in money


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1,50,000", 150000), ("1,234.5", 1234.5), ("1.234,5", 1234.5), ("1 234,5", 1234.5),
        ("50,000", 50000), ("1,5", 1.5), ("12,50", 12.5), ("0,250", 0.25), ("1.234", 1.234),
        ("₹ 5,000/-", 5000), ("Rs. 5,000/- only", 5000), ("-₹500", -500), ("\u2212 3", -3),
        ("1e3", 1000), (".5", 0.5), ("5 lakh", 500000), ("1.5 Cr", 15000000), ("20k", 20000),
        ("₹2.5 lakhs", 250000), ("5.", 5), (12345.0, 12345), (0.1 + 0.2, 0.3), (7, 7),
    ],
)
def test_number_examples(text, expected):
    result = encode_value(text, "number", CTX)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize(
    "text, money",
    [("5000", "5000"), ("1500.50", "1500.5"), ("₹ 1,50,000.00", "150000"), (1500.5, "1500.5"),
     (0.1 + 0.2, "0.3"), ("1e3", "1000"), ("0", "0")],
)
def test_money_examples(text, money):
    assert encode_value(text, "money", CTX) == money


@pytest.mark.parametrize(
    "value, reason",
    [
        ("12%", "is not a number: it is a percentage; write the number without %"),
        ("abc", "is not a number: it has no digits"),
        ("12 apples", "is not a number: it has letters in it"),
        ("1,23,4", "is not a number: its digit groups do not line up; write it as 150000, 1,50,000 or 150,000"),
        ("12 5", "is not a number: its digit groups do not line up; write it as 150000, 1,50,000 or 150,000"),
        ("1.234.5,6.7", 'is not a number: its "," and "." marks do not line up'),
        ("(500)", "is not a number: it has characters a number cannot have"),
        (True, "is not a number: it is TRUE or FALSE"),
        (float("nan"), "is not a number"),
    ],
)
def test_number_rejections_say_why(value, reason):
    with pytest.raises(ValueRejected) as caught:
        encode_value(value, "number", CTX)
    assert (caught.value.rule, caught.value.reason) == ("number.invalid", reason)


def test_money_rejections_have_their_own_rule():
    with pytest.raises(ValueRejected) as caught:
        encode_value("5 apples", "money", CTX)
    assert (caught.value.rule, caught.value.reason) == ("money.invalid", "is not an amount of money: it has letters in it")


@pytest.mark.parametrize("value, rating", [("3", 3), (3.0, 3), (" 4 ", 4), (5, 5), ("1", 1), ("2.0", 2)])
def test_ratings(value, rating):
    result = encode_value(value, "rating", CTX)
    assert result == rating and type(result) is int


@pytest.mark.parametrize(
    "value, rule, reason",
    [
        ("7", "rating.range", "is not a rating: a rating is a whole number from 1 to 5"),
        ("0", "rating.range", "is not a rating: a rating is a whole number from 1 to 5"),
        ("3.5", "rating.range", "is not a rating: a rating is a whole number from 1 to 5"),
        (-2, "rating.range", "is not a rating: a rating is a whole number from 1 to 5"),
        ("five", "rating.invalid", "is not a rating: it has no digits; a rating is a whole number from 1 to 5"),
        ("3 stars", "rating.invalid", "is not a rating: it has letters in it; a rating is a whole number from 1 to 5"),
    ],
)
def test_rating_rejections_say_why(value, rule, reason):
    with pytest.raises(ValueRejected) as caught:
        encode_value(value, "rating", CTX)
    assert (caught.value.rule, caught.value.reason) == (rule, reason)
