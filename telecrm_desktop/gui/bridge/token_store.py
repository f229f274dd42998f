"""The GUI's door to core.secrets: labels and masked tails only; values go straight to the keyring."""

from __future__ import annotations

from dataclasses import dataclass

from telecrm_desktop.core import secrets
from telecrm_desktop.core.addresses import EnterpriseIdError

MAX_ASYNC_TOKENS = secrets.MAX_PER_KIND


@dataclass(frozen=True)
class TokenEntry:
    label: str
    masked: str  # "…ab12"
    kind: str  # "async" | "sync"


class TokenStoreError(Exception):
    """A keyring problem, as one sentence the user can act on."""


def sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return "The system keyring refused the request."
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except (secrets.SecretsError, EnterpriseIdError) as exc:
        raise TokenStoreError(sentence(secrets.redact(str(exc)))) from None
    except Exception as exc:  # keyring backends raise many kinds
        raise TokenStoreError(sentence(f"the system keyring failed: {secrets.redact(str(exc))}")) from None


def list_tokens(enterprise_id: str) -> list[TokenEntry]:
    return [TokenEntry(t.label, t.masked, t.kind) for t in _call(secrets.list_tokens, enterprise_id)]


def next_label(enterprise_id: str, kind: str) -> str:
    return _call(secrets.next_label, enterprise_id, kind)


def add_token(enterprise_id: str, label: str, value: str, kind: str = secrets.ASYNC) -> str | None:
    """Stores the token; returns a warning sentence when it does not look like a telecrm token."""
    _call(secrets.store_token, enterprise_id, label, value, kind)
    warning = secrets.token_shape_warning(value)
    return sentence(warning) if warning else None


def remove_token(enterprise_id: str, label: str) -> None:
    _call(secrets.remove_token, enterprise_id, label)


def rename_token(enterprise_id: str, old: str, new: str) -> None:
    _call(secrets.rename_token, enterprise_id, old, new)


def move_tokens(old_enterprise_id: str, new_enterprise_id: str) -> list[str]:
    return _call(secrets.move_tokens, old_enterprise_id, new_enterprise_id)
