"""What a 401 from telecrm most likely means, and what to check for each cause.

telecrm answers 401 NOT_AUTHORIZED alike for a token of the other type, a token deleted in
telecrm, and a token used with another workspace's enterprise ID, so the sentence names all three.
"""

from __future__ import annotations

_PAGE = "telecrm's Settings → Website and API → API token"


def _article(kind: str) -> str:
    return "an" if kind == "Async" else "a"


def _causes(kind: str, other: str, enterprise_id: str) -> str:
    return (
        f"The likely causes, and what to check: (1) it is {_article(other)} {other} token pasted as "
        f"{_article(kind)} {kind} one: "
        f"on {_PAGE}, check that this token's type is {kind}; (2) it was deleted in telecrm: check "
        "that it is still listed on that page, else create a new one and store it in place of this one; "
        f"(3) the enterprise ID {enterprise_id} is not this token's workspace: compare it with the ID "
        "shown on Settings → Website and API"
    )


def async_token_refused(label: str, enterprise_id: str) -> str:
    return (f'telecrm refused the Async token "{label}" (401 NOT_AUTHORIZED). '
            + _causes("Async", "Sync", enterprise_id) + ".")


def sync_token_refused(label: str, enterprise_id: str) -> str:
    return (f'telecrm refused the Sync token "{label}" (401 NOT_AUTHORIZED). '
            + _causes("Sync", "Async", enterprise_id) + ".")
