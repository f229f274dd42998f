"""The three values of a PAYMENT action: amount (numeric string > 0), currency and status."""

from __future__ import annotations

from .context import ConvertContext, ValueRejected
from .numbers import decimal_to_text, parse_decimal, writes_decimal_comma
from .text import cell_text, trim

CURRENCIES = ("INR", "USD", "PKR", "AED", "QAR", "SAR", "MYR", "AUD", "CAD", "SGD", "XOF")
STATUSES = ("PENDING", "COMPLETED", "FAILED", "REFUNDED", "CANCELLED", "PROCESSING")
_RUPEE = frozenset({"₹", "RS", "RS.", "RUPEE", "RUPEES"})


def encode_payment_amount(value: object, ctx: ConvertContext | None = None) -> str | None:
    """A numeric string greater than 0: "5000", "1500.5"."""
    number = parse_decimal(
        value, "payment.amount", "a payment amount", comma_decimal=writes_decimal_comma(ctx)
    )
    if number is None:
        return None
    if number <= 0:
        raise ValueRejected("payment.amount", "is not a payment amount: it must be more than 0")
    return decimal_to_text(number)


def _word(value: object) -> str:
    return trim(value if type(value) is str else cell_text(value)).upper()  # type: ignore[arg-type]


def encode_payment_currency(value: object) -> str | None:
    """One of telecrm's currency codes, any case; the rupee sign and "Rs" mean INR."""
    code = _word(value)
    if not code:
        return None
    if code in _RUPEE:
        return "INR"
    if code not in CURRENCIES:
        raise ValueRejected(
            "payment.currency",
            f"is not a currency telecrm accepts; use one of {', '.join(CURRENCIES)}",
        )
    return code


def encode_payment_status(value: object) -> str | None:
    """One of telecrm's payment statuses, any case."""
    status = _word(value)
    if not status:
        return None
    if status not in STATUSES:
        raise ValueRejected(
            "payment.status",
            f"is not a payment status telecrm accepts; use one of {', '.join(STATUSES)}",
        )
    return status
