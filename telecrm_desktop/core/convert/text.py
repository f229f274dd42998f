"""Text-like values: a cell as a person reads it, plain text, labels, e-mails and web addresses."""

from __future__ import annotations

import datetime as dt
import math
import re

from .context import ValueRejected

# Characters that hide at the ends of pasted values and str.strip() keeps.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_EDGES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + _INVISIBLE


def trim(text: str) -> str:
    """`text` without surrounding whitespace, zero-width spaces and byte-order marks."""
    text = text.strip()
    if text and (text[0] in _INVISIBLE or text[-1] in _INVISIBLE):
        text = text.strip(_EDGES)
    return text


def number_text(value: float | int) -> str:
    """A number as Excel shows it in a General cell: 12345.0 -> "12345", 0.1+0.2 -> "0.3"."""
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return ""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    text = format(value, ".15g")  # Excel keeps 15 significant digits
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}E{exponent[0]}{exponent[1:].zfill(2)}"
    return text


def _round_to_second(value: dt.datetime) -> dt.datetime:
    # Excel stores times as fractions of a day; 14:30 may come back as 14:29:59.999999.
    if value.microsecond >= 500_000:
        return value.replace(microsecond=0) + dt.timedelta(seconds=1)
    return value.replace(microsecond=0)


def cell_text(value: object) -> str:
    """A cell as a person reads it: 919876543210.0 -> "919876543210", dates as DD/MM/YYYY."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if kind is int or kind is float:
        return number_text(value)  # type: ignore[arg-type]
    if isinstance(value, dt.datetime):
        value = _round_to_second(value)
        if value.hour == value.minute == value.second == 0:
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        sign = "-" if seconds < 0 else ""
        hours, rest = divmod(abs(seconds), 3600)
        return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell_text(v) for v in value)
    if isinstance(value, (int, float)):  # numpy-like subclasses
        return number_text(value)
    return str(value)


def encode_text(value: object) -> str | None:
    """Text fields: the cell's text, trimmed."""
    text = trim(value) if type(value) is str else trim(cell_text(value))  # type: ignore[arg-type]
    return text or None


_RUNS = re.compile(r"\s+")


def encode_label(value: object) -> str | None:
    """Dropdown, status and lost-reason labels: trimmed, runs of spaces made one.

    A label with a double space would otherwise become a new dropdown option in telecrm.
    """
    text = encode_text(value)
    if text is None:
        return None
    if "  " in text or "\n" in text or "\t" in text or "\xa0" in text:
        text = _RUNS.sub(" ", text)
    return text


# ---------------------------------------------------------------- e-mail

_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)
_LOCAL = re.compile(r"^[^\s@,;:<>()\[\]\"\\]+$")
_LABEL = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")
# Plain ASCII addresses (nearly all of them) are accepted by one regex; the rest get explained.
_EMAIL_FAST = re.compile(
    r"^[a-z0-9_%+'-]+(?:\.[a-z0-9_%+'-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$"
)
_EMAIL_SPLIT = re.compile(r"[,;\s/|]+")


def _email_problem(text: str) -> str | None:
    """Why `text` (trimmed, lower case) is not local@domain.tld, or None when it is."""
    if len(text) > 254:  # RFC 5321's limit for a path
        return f"it is {len(text)} characters long; an address has at most 254"
    if "@" not in text:
        return "it has no @"
    if text.count("@") > 1:
        parts = [p for p in _EMAIL_SPLIT.split(text) if "@" in p]
        if len(parts) > 1:
            return "it holds more than one e-mail address"
        return "it has more than one @"
    if any(c.isspace() for c in text):
        return "it has a space in it"
    local, domain = text.split("@")
    if not local:
        return "nothing comes before the @"
    if not _LOCAL.match(local):
        return "the part before the @ has characters an address cannot have"
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return "the part before the @ has a misplaced dot"
    if not domain:
        return "nothing comes after the @"
    if "." not in domain:
        return "the part after the @ has no dot, as in name@example.com"
    labels = domain.split(".")
    if any(not label for label in labels):
        return "the part after the @ has a misplaced dot"
    if not all(_LABEL.match(label) for label in labels):
        return "the part after the @ has characters a domain cannot have"
    tld = labels[-1]
    if len(tld) < 2 or tld.isdigit():
        return f'it ends in ".{tld}", which is not a domain ending'
    return None


def normalise_email(
    value: object, rule: str = "email.invalid", what: str = "an e-mail address"
) -> str | None:
    """E-mail: trimmed, lower-cased, `mailto:` dropped, checked to be local@domain.tld."""
    text = trim(value) if type(value) is str else trim(cell_text(value))  # type: ignore[arg-type]
    if not text:
        return None
    text = text.lower()
    if len(text) <= 254 and _EMAIL_FAST.match(text):
        return text
    if text.startswith("mailto:"):
        text = trim(_MAILTO.sub("", text))
        if "?" in text:  # mailto:a@b.com?subject=...
            text = text.split("?", 1)[0]
    problem = _email_problem(text)
    if problem:
        raise ValueRejected(rule, f"is not {what}: {problem}")
    return text


def encode_email(value: object) -> str | None:
    return normalise_email(value)


def encode_user(value: object) -> str | None:
    """Assignee: a team member's e-mail."""
    return normalise_email(value, "user.invalid", "a team member's e-mail address")


# ---------------------------------------------------------------- web addresses

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")
_HOST = re.compile(
    r"^(?:[^\W_](?:[\w-]*[^\W_])?\.)+(?:[^\W\d_]{2,}|xn--[a-z0-9-]+)(?::\d{1,5})?$"
    r"|^localhost(?::\d{1,5})?$"
    r"|^\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?$",
    re.IGNORECASE,
)


def encode_url(value: object) -> str | None:
    """Website and media links: a URL; `https://` is added to a bare `example.com/page`."""
    text = trim(value) if type(value) is str else trim(cell_text(value))  # type: ignore[arg-type]
    if not text:
        return None
    if len(text) > 2048:  # what browsers and servers reliably keep
        raise ValueRejected("url.invalid", f"is not a web address: it is {len(text)} characters long")
    if any(c.isspace() for c in text):
        raise ValueRejected("url.invalid", "is not a web address: it has a space in it")
    match = _SCHEME.match(text)
    if match:
        scheme = match.group(1).lower()
        if scheme not in ("http", "https"):
            raise ValueRejected(
                "url.invalid", f"is not a web address: it starts with {scheme}://, not http:// or https://"
            )
        rest = text[match.end():]
        url = text
    else:
        if text.startswith("//"):
            text = text[2:]
        rest = text
        url = "https://" + text
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if "@" in host:
        if not match:
            raise ValueRejected("url.invalid", "is an e-mail address, not a web address")
        host = host.rsplit("@", 1)[1]  # https://user@host
    if not host:
        raise ValueRejected(
            "url.invalid", "is not a web address: it has no site name, as in https://example.com"
        )
    if not _HOST.match(host):
        shown = host if len(host) <= 40 else host[:40] + "…"
        raise ValueRejected(
            "url.invalid", f'is not a web address: "{shown}" is not a site name such as example.com'
        )
    return url
