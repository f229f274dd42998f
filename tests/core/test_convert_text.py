"""Text-like values: cells as read, text, labels, e-mails, web addresses, tags, payments."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telecrm_desktop.core.convert import (
    CURRENCIES,
    STATUSES,
    ConvertContext,
    ValueRejected,
    cell_text,
    encode_payment_amount,
    encode_payment_currency,
    encode_payment_status,
    encode_value,
)

CTX = ConvertContext()


@pytest.mark.parametrize(
    "value, text",
    [
        (919876543210.0, "919876543210"), (12345.0, "12345"), (12.5, "12.5"), (0.1 + 0.2, "0.3"),
        (7, "7"), (True, "TRUE"), (None, ""), ("  as is ", "  as is "), (1e20, "1E+20"),
        (dt.datetime(2026, 11, 5, 14, 30), "05/11/2026 14:30:00"),
        (dt.datetime(2026, 11, 5, 14, 29, 59, 999_999), "05/11/2026 14:30:00"),
        (dt.datetime(2026, 11, 5), "05/11/2026"), (dt.date(2026, 11, 5), "05/11/2026"),
        (dt.time(9, 5), "09:05:00"), (dt.timedelta(hours=30, minutes=5), "30:05:00"),
    ],
)
def test_cell_text_is_what_a_person_reads(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize(
    "value, text",
    [("  Jane Doe \n", "Jane Doe"), ("\ufeffJane\u200b", "Jane"), (9876543210.0, "9876543210"),
     ("a  b", "a  b"), ("\u00a0x\u00a0", "x"), (dt.date(2026, 1, 2), "02/01/2026")],
)
def test_text_is_trimmed_and_otherwise_kept(value, text):
    assert encode_value(value, "text", CTX) == text


@given(st.text())
def test_text_never_fails_and_is_trimmed(value):
    result = encode_value(value, "text", CTX)
    assert result is None or (result == result.strip() and result in value)


@pytest.mark.parametrize("kind", ["dropdown", "status", "lost_reason"])
def test_labels_lose_doubled_spaces(kind):
    assert encode_value(" Not  \u00a0Interested ", kind, CTX) == "Not Interested"
    assert encode_value(2026.0, kind, CTX) == "2026"


@pytest.mark.parametrize(
    "value, email",
    [(" Jane.Doe@Example.COM ", "jane.doe@example.com"), ("mailto:a@b.co", "a@b.co"),
     ("MAILTO:Sales@Shop.in?subject=hi", "sales@shop.in"), ("o'neil+tag@mail.co.uk", "o'neil+tag@mail.co.uk"),
     ("user@münchen.de", "user@münchen.de")],
)
def test_emails_are_trimmed_and_lower_cased(value, email):
    assert encode_value(value, "email", CTX) == email
    assert encode_value(value, "user", CTX) == email


@pytest.mark.parametrize(
    "value, problem",
    [
        ("jane.example.com", "it has no @"),
        ("jane@example", "the part after the @ has no dot, as in name@example.com"),
        ("jane doe@example.com", "it has a space in it"),
        ("a@b.com, c@d.com", "it holds more than one e-mail address"),
        ("a@@b.com", "it has more than one @"),
        ("@example.com", "nothing comes before the @"),
        ("jane@", "nothing comes after the @"),
        (".jane@example.com", "the part before the @ has a misplaced dot"),
        ("jane..doe@example.com", "the part before the @ has a misplaced dot"),
        ("jane@example..com", "the part after the @ has a misplaced dot"),
        ("jane@example.com.", "the part after the @ has a misplaced dot"),
        ("jane@-example.com", "the part after the @ has characters a domain cannot have"),
        ("jane@example.c", 'it ends in ".c", which is not a domain ending'),
        ("Jane <jane@example.com>", "it has a space in it"),
        ("jane<x>@example.com", "the part before the @ has characters an address cannot have"),
    ],
)
def test_email_rejections_say_why(value, problem):
    with pytest.raises(ValueRejected) as caught:
        encode_value(value, "email", CTX)
    assert (caught.value.rule, caught.value.reason) == ("email.invalid", f"is not an e-mail address: {problem}")
    with pytest.raises(ValueRejected) as caught:
        encode_value(value, "user", CTX)
    assert caught.value.rule == "user.invalid"
    assert caught.value.reason == f"is not a team member's e-mail address: {problem}"


@given(
    st.from_regex(r"\A[a-z0-9](?:[a-z0-9._+-]{0,20}[a-z0-9])?\Z").filter(lambda s: ".." not in s),
    st.from_regex(r"\A[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?\Z"),
    st.sampled_from(["com", "in", "co.in", "org", "io"]),
)
def test_well_formed_emails_are_accepted(local, domain, tld):
    address = f"{local}@{domain}.{tld}"
    assert encode_value(f" {address.upper()} ", "email", CTX) == address


@pytest.mark.parametrize("kind", ["website", "medialink"])
@pytest.mark.parametrize(
    "value, url",
    [("https://example.com", "https://example.com"), ("example.com/page?x=1", "https://example.com/page?x=1"),
     ("www.shop.co.in", "https://www.shop.co.in"), ("HTTP://Example.com", "HTTP://Example.com"),
     ("https://localhost:8080/a", "https://localhost:8080/a"), ("//cdn.example.com/x.png", "https://cdn.example.com/x.png")],
)
def test_urls_get_a_scheme_when_missing(kind, value, url):
    assert encode_value(value, kind, CTX) == url


@pytest.mark.parametrize(
    "value, reason",
    [
        ("http://x .com", "is not a web address: it has a space in it"),
        ("ftp://files.example.com", "is not a web address: it starts with ftp://, not http:// or https://"),
        ("not a link", "is not a web address: it has a space in it"),
        ("foo", 'is not a web address: "foo" is not a site name such as example.com'),
        ("jane@example.com", "is an e-mail address, not a web address"),
        ("https:///path", "is not a web address: it has no site name, as in https://example.com"),
    ],
)
def test_url_rejections_say_why(value, reason):
    with pytest.raises(ValueRejected) as caught:
        encode_value(value, "website", CTX)
    assert (caught.value.rule, caught.value.reason) == ("url.invalid", reason)


@pytest.mark.parametrize(
    "value, separator, tags",
    [
        (" VIP, Returning,,VIP ", ",", ["VIP", "Returning"]),
        ("a;b ; c", ";", ["a", "b", "c"]),
        (["x", " y ", "", "x"], ",", ["x", "y"]),
        ("  ,  ", ",", None),
        ([], ",", None),
        (2026.0, ",", ["2026"]),
        ("vip, VIP", ",", ["vip", "VIP"]),  # only exact repeats are dropped
    ],
)
def test_tags_are_a_list_of_trimmed_strings(value, separator, tags):
    assert encode_value(value, "tags", CTX, separator=separator) == tags


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters=","), min_size=1), max_size=8))
def test_tags_round_trip_through_a_joined_cell(parts):
    result = encode_value(",".join(parts), "tags", CTX)
    expected = list(dict.fromkeys(p.strip() for p in parts if p.strip()))
    assert result == (expected or None)


def test_payment_values():
    assert encode_payment_amount("₹ 5,000") == "5000"
    assert encode_payment_amount(1500.5) == "1500.5"
    assert encode_payment_amount("1.500,50", ConvertContext(country="DE", timezone="Europe/Berlin")) == "1500.5"
    assert encode_payment_amount("  ") is None
    assert [encode_payment_currency(c.lower()) for c in CURRENCIES] == list(CURRENCIES)
    assert encode_payment_currency(" ₹ ") == encode_payment_currency("Rs.") == "INR"
    assert [encode_payment_status(f" {s.title()} ") for s in STATUSES] == list(STATUSES)


@pytest.mark.parametrize(
    "function, value, rule, reason",
    [
        (encode_payment_amount, "0", "payment.amount", "is not a payment amount: it must be more than 0"),
        (encode_payment_amount, "-5", "payment.amount", "is not a payment amount: it must be more than 0"),
        (encode_payment_amount, "five", "payment.amount", "is not a payment amount: it has no digits"),
        (encode_payment_currency, "EUR", "payment.currency",
         "is not a currency telecrm accepts; use one of INR, USD, PKR, AED, QAR, SAR, MYR, AUD, CAD, SGD, XOF"),
        (encode_payment_status, "Complete", "payment.status",
         "is not a payment status telecrm accepts; use one of PENDING, COMPLETED, FAILED, REFUNDED, "
         "CANCELLED, PROCESSING"),
    ],
)
def test_payment_rejections_say_why(function, value, rule, reason):
    with pytest.raises(ValueRejected) as caught:
        function(value)
    assert (caught.value.rule, caught.value.reason) == (rule, reason)
