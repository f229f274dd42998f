"""Where requests go: the enterprise ID and the API roots, checked before anything is sent."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

ENTERPRISE_ID = re.compile(r"[0-9a-fA-F]{24}")


class EnterpriseIdError(ValueError):
    """Not a telecrm enterprise ID: one sentence, which never repeats a pasted token."""


def check_enterprise_id(value: str) -> str:
    """The enterprise ID as used in URLs and keyring keys (lower case); EnterpriseIdError when it
    is not one. The one check: the keyring, both API clients, the command line and the app use it."""
    candidate = (value or "").strip()
    if ENTERPRISE_ID.fullmatch(candidate):
        return candidate.lower()
    if ":" in candidate or len(candidate) > 30:  # a pasted token must not be echoed back
        shown = "The value given (not shown: it looks like an API token)"
    else:
        shown = f'"{candidate}"' if candidate else "An empty value"
    raise EnterpriseIdError(
        f"{shown} is not a telecrm enterprise ID: the enterprise ID must be the 24-character hex code "
        "shown in telecrm under Settings -> Website and API (e.g. 66f6bc6faf29b5a6f29c9bbf)"
    )


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_api_root(value: str, *, example: str, name: str) -> str:
    """An API root without a trailing slash: https, or http only to this computer (the sandbox)."""
    url = (value or "").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f'"{value}" is not a web address: expected something like {example}')
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ValueError(
            f'"{value}" is not encrypted: http:// is allowed only for this computer (the sandbox), use https://'
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f'"{value}" must be the {name} only, without a query, fragment or user name')
    return url
