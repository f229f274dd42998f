"""How a server's answer is quoted inside a sentence: on one line, and cut when it is long.

Both API clients (send/client.py, workspace/sync_client.py) quote telecrm's answers this way.
"""

from __future__ import annotations


def shortened(text: str, limit: int = 200) -> str:
    """`text` with its whitespace runs made single spaces, cut to `limit` characters ("..." ends it)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
