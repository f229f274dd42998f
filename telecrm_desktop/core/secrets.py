"""API tokens: the only module that touches token values.

Tokens live in the operating system's keyring (Secret Service, macOS Keychain, Windows Credential
Manager) under the service "telecrm-desktop", one entry per token named
"<enterprise>/<kind>/<label>". Keyrings cannot list their entries portably, so each enterprise
also has an index entry "<enterprise>/index" holding the labels and kinds (never values): nothing
about tokens is ever written to a file. Batch jobs may pass tokens in TELECRM_ASYNC_TOKENS and
TELECRM_SYNC_TOKEN instead, which take precedence over the keyring.

Everything else sees a `Token`, whose repr shows the label and the last 4 characters only; the
value itself comes out through `Token.reveal()` or `Token.auth_header()`, for the request only.
`redact()` and the `RedactTokens` logging filter scrub every token this process knows of.

Over 400 lines: every path a token value takes (keyring, environment, checks, redaction) stays in
this one module, so that no other module ever needs to hold a value.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
import threading
from dataclasses import dataclass

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from telecrm_desktop.core import addresses

SERVICE = "telecrm-desktop"
ASYNC, SYNC = "async", "sync"
KINDS = (ASYNC, SYNC)
KIND_NAMES = {ASYNC: "Async", SYNC: "Sync"}
_ARTICLES = {ASYNC: "an", SYNC: "a"}
MAX_PER_KIND = 3  # telecrm allows at most 3 Async and 3 Sync tokens per workspace
ASYNC_TOKENS_ENV = "TELECRM_ASYNC_TOKENS"
SYNC_TOKEN_ENV = "TELECRM_SYNC_TOKEN"
MIN_TOKEN_LENGTH = 8  # shorter is a typo, and masking or scrubbing it would be meaningless

_TOKEN_SHAPE = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
    r"[0-9]{13}:"
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)
_LABEL = re.compile(r"[\w .@()+-]{1,40}")


class SecretsError(Exception):
    """A token problem the user must fix; the message is one sentence and holds no token value."""


class KeyringUnavailable(SecretsError):
    """No safe keyring can be used on this machine right now."""


# --- the token value object -----------------------------------------------------------------

_known_values: set[str] = set()
_known_lock = threading.Lock()


def _tail(value: str) -> str:
    # Short values would be given away by their last 4 characters.
    return value[-4:] if len(value) >= 12 else ""


class Token:
    """An API token: its label and kind are public, its value is not."""

    __slots__ = ("label", "kind", "_value")

    def __init__(self, label: str, kind: str, value: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"token kind must be one of {KINDS}, not {kind!r}")
        self.label = label
        self.kind = kind
        self._value = value
        _remember(value)

    @property
    def masked(self) -> str:
        """The last 4 characters after an ellipsis, e.g. `…a1b2`: safe to show and log."""
        return "…" + _tail(self._value)

    @property
    def fingerprint(self) -> str:
        """A short sha256 prefix: identifies the token in the journal without revealing it."""
        return hashlib.sha256(self._value.encode("utf-8")).hexdigest()[:16]

    def reveal(self) -> str:
        """The token value, for the Authorization header of a request and nothing else."""
        return self._value

    def auth_header(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._value}"}

    def __repr__(self) -> str:
        return f"Token({self.label!r}, {self.kind}, {self.masked})"

    def __str__(self) -> str:
        return f"{self.label} ({self.masked})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Token):
            return NotImplemented
        return (self.label, self.kind, self._value) == (other.label, other.kind, other._value)

    def __hash__(self) -> int:
        return hash((self.label, self.kind, self._value))

    def __copy__(self) -> Token:
        return self

    def __deepcopy__(self, memo) -> Token:
        return self

    def __reduce__(self):
        # Pickles end up in files and queues; a token must be fetched again instead.
        raise TypeError("a Token cannot be pickled: load it from the keyring where it is needed")


# --- scrubbing ------------------------------------------------------------------------------


def _remember(value: str) -> None:
    if len(value) >= MIN_TOKEN_LENGTH:
        with _known_lock:
            _known_values.add(value)


def _env_values() -> list[str]:
    raw = os.environ.get(ASYNC_TOKENS_ENV, "").split(",") + [os.environ.get(SYNC_TOKEN_ENV, "")]
    return [v.strip() for v in raw if len(v.strip()) >= MIN_TOKEN_LENGTH]


def redact(text: str) -> str:
    """`text` with every token value known to this process replaced by its masked form."""
    with _known_lock:
        values = set(_known_values)
    values.update(_env_values())
    # Longest first, so that a value containing another is replaced whole.
    for value in sorted(values, key=len, reverse=True):
        if value in text:
            text = text.replace(value, "…" + _tail(value))
    return text


class RedactTokens(logging.Filter):
    """Scrubs token values from log records. Attach it to handlers (logger filters are skipped
    for records propagated from child loggers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


# --- validation -----------------------------------------------------------------------------


def check_label(label: str) -> str:
    """The label, trimmed; SecretsError when it cannot name a token."""
    candidate = (label or "").strip()
    if not _LABEL.fullmatch(candidate):
        raise SecretsError(
            "a token label must be 1 to 40 letters, digits, spaces or . @ ( ) + - _ characters"
        )
    return candidate


def check_token_value(value: str) -> str:
    """The token with surrounding whitespace removed; SecretsError for an obvious mistake.

    Never echoes the value: the messages describe what is wrong with it instead.
    """
    candidate = (value or "").strip()
    if not candidate:
        raise SecretsError("no token was given")
    if candidate.lower().startswith("bearer "):
        raise SecretsError("paste the token alone, without the word 'Bearer' in front of it")
    if any(ch.isspace() for ch in candidate):
        raise SecretsError("the token contains spaces or line breaks: paste it again as one piece")
    if not candidate.isascii() or not candidate.isprintable():
        raise SecretsError("the token contains characters that a telecrm token never holds")
    if addresses.ENTERPRISE_ID.fullmatch(candidate):
        raise SecretsError(
            "that is an enterprise ID, not a token: copy the API token from telecrm's Settings -> "
            "Website and API -> API token"
        )
    if len(candidate) < MIN_TOKEN_LENGTH:
        raise SecretsError(f"the token has only {len(candidate)} characters: paste all of it")
    return candidate


def token_shape_warning(value: str) -> str | None:
    """A sentence when the token does not look like telecrm's `<uuid><13 digits>:<uuid>`.

    It says what differs (never the value), so it cannot contradict what the person sees.
    """
    value = value.strip()
    if _TOKEN_SHAPE.fullmatch(value):
        return None
    colons = value.count(":")
    if colons == 0:
        found = "it has no ':' where telecrm's tokens have one in the middle"
    elif colons > 1:
        found = f"it has {colons} ':' where telecrm's tokens have one"
    else:
        before, after = value.split(":")
        if 45 <= len(before) <= 49 and 32 <= len(after) <= 36:
            found = ("it has the ':' and the usual lengths, but characters other than the hex digits, "
                     "dashes and 13 digits telecrm's tokens are made of")
        else:
            found = (f"it has the ':', but {len(before)} characters before it and {len(after)} after it, "
                     "where telecrm's tokens have 45 to 49 before and 32 to 36 after")
    return (f"the token is not shaped like telecrm's API tokens: {found}; it was accepted, "
            "check it if telecrm refuses it")


# --- the keyring ----------------------------------------------------------------------------


def _unavailable_advice() -> str:
    if sys.platform == "darwin":
        return (
            "unlock your login keychain in Keychain Access and try again, or pass the tokens in "
            f"{ASYNC_TOKENS_ENV} for batch jobs"
        )
    if sys.platform.startswith("win"):
        return (
            "check that Windows Credential Manager works for your account, or pass the tokens in "
            f"{ASYNC_TOKENS_ENV} for batch jobs"
        )
    return (
        "install and start a Secret Service keyring (e.g. `sudo apt install gnome-keyring` and log "
        "in to a desktop session, or enable Secret Service integration in KeePassXC), or pass "
        f"the tokens in {ASYNC_TOKENS_ENV} for batch jobs"
    )


def _is_safe(backend: KeyringBackend) -> bool:
    module = type(backend).__module__
    # fail/null store nothing; keyrings.alt writes files (plain or with its own weak crypto).
    return not (
        module in ("keyring.backends.fail", "keyring.backends.null")
        or module.startswith("keyrings.alt")
        or module == "keyring.backends.chainer"
    )


def _backend() -> KeyringBackend:
    """The keyring to use: the first safe one keyring offers; KeyringUnavailable otherwise."""
    chosen = keyring.get_keyring()
    candidates = getattr(chosen, "backends", None) or [chosen]
    for backend in candidates:
        if _is_safe(backend):
            return backend
    names = ", ".join(type(b).__module__ + "." + type(b).__name__ for b in candidates)
    raise KeyringUnavailable(
        f"no safe system keyring is available to store telecrm tokens (found only: {names}); "
        + _unavailable_advice()
    )


def keyring_name() -> str:
    """The keyring tokens go to, as its library names it (e.g. 'SecretService Keyring')."""
    return _backend().name


def _is_backend_failure(exc: Exception) -> bool:
    if isinstance(exc, (keyring.errors.KeyringError, OSError)):
        return True
    root = type(exc).__module__.split(".")[0]
    return root in ("secretstorage", "jeepney", "dbus", "pywintypes", "win32ctypes", "keyring")


def _keyring_call(operation, *args):
    backend = _backend()
    try:
        return operation(backend, *args)
    except Exception as exc:  # the backends raise their own libraries' errors
        if isinstance(exc, keyring.errors.PasswordDeleteError):
            return None  # already gone
        if not _is_backend_failure(exc):
            raise
        if isinstance(exc, keyring.errors.KeyringLocked):
            reason = (
                "the keyring is locked: unlock it (log in to the desktop, or unlock it in your "
                "keyring app) and try again"
            )
        else:
            reason = f"the keyring ({backend.name}) could not be reached: " + _unavailable_advice()
        raise KeyringUnavailable(reason) from None


def _get(username: str) -> str | None:
    return _keyring_call(lambda kr, u: kr.get_password(SERVICE, u), username)


def _set(username: str, secret: str) -> None:
    _keyring_call(lambda kr, u, s: kr.set_password(SERVICE, u, s), username, secret)


def _delete(username: str) -> None:
    _keyring_call(lambda kr, u: kr.delete_password(SERVICE, u), username)


@dataclass(frozen=True)
class _Entry:
    label: str
    kind: str


def _index_name(enterprise: str) -> str:
    return f"{enterprise}/index"


def _token_name(enterprise: str, entry: _Entry) -> str:
    return f"{enterprise}/{entry.kind}/{entry.label}"


def _read_index(enterprise: str) -> list[_Entry]:
    raw = _get(_index_name(enterprise))
    if raw is None:
        return []
    try:
        return [_Entry(item["label"], item["kind"]) for item in json.loads(raw)["tokens"]]
    except (ValueError, KeyError, TypeError):
        raise SecretsError(
            f"the token list for enterprise {enterprise} in the keyring is damaged: delete the "
            f"keyring entry '{_index_name(enterprise)}' of '{SERVICE}' and add the tokens again"
        ) from None


def _write_index(enterprise: str, entries: list[_Entry]) -> None:
    if not entries:
        _delete(_index_name(enterprise))
        return
    data = {"version": 1, "tokens": [{"label": e.label, "kind": e.kind} for e in entries]}
    _set(_index_name(enterprise), json.dumps(data))


def _stored(enterprise: str, kinds=KINDS) -> list[Token]:
    tokens = []
    for entry in _read_index(enterprise):
        if entry.kind in kinds:
            value = _get(_token_name(enterprise, entry))
            if value is not None:  # an index line whose value vanished is simply not a token
                tokens.append(Token(entry.label, entry.kind, value))
    return tokens


def list_tokens(enterprise_id: str) -> list[Token]:
    """The enterprise's stored tokens, Async first, each in the order added."""
    enterprise = addresses.check_enterprise_id(enterprise_id)
    tokens = _stored(enterprise)
    return sorted(tokens, key=lambda t: KINDS.index(t.kind))


def next_label(enterprise_id: str, kind: str = ASYNC) -> str:
    """The first free default label: token-1, token-2... (sync-1... for Sync tokens)."""
    used = {e.label for e in _read_index(addresses.check_enterprise_id(enterprise_id))}
    stem = "token" if kind == ASYNC else "sync"
    return next(f"{stem}-{n}" for n in range(1, 100) if f"{stem}-{n}" not in used)


def store_token(enterprise_id: str, label: str, value: str, kind: str = ASYNC) -> Token:
    """Stores (or replaces, when the label exists with the same kind) a token in the keyring."""
    enterprise = addresses.check_enterprise_id(enterprise_id)
    label = check_label(label)
    value = check_token_value(value)
    if kind not in KINDS:
        raise SecretsError(f"token kind must be 'async' or 'sync', not '{kind}'")
    entries = _read_index(enterprise)
    existing = next((e for e in entries if e.label == label), None)
    if existing and existing.kind != kind:
        raise SecretsError(
            f"enterprise {enterprise} already has {_ARTICLES[existing.kind]} "
            f"{KIND_NAMES[existing.kind]} token labelled "
            f"'{label}': choose another label"
        )
    for other in _stored(enterprise):
        if other.reveal() == value and other.label != label:
            raise SecretsError(
                f"this token is already stored for enterprise {enterprise} as '{other.label}'"
            )
    same_kind = [e.label for e in entries if e.kind == kind]
    if not existing and len(same_kind) >= MAX_PER_KIND:
        raise SecretsError(
            f"enterprise {enterprise} already has {MAX_PER_KIND} {KIND_NAMES[kind]} tokens "
            f"({', '.join(same_kind)}), the most telecrm allows: remove one first"
        )
    entry = _Entry(label, kind)
    # Value first, index second: a crash in between leaves an unlisted entry, never a dangling one.
    _set(_token_name(enterprise, entry), value)
    if not existing:
        _write_index(enterprise, entries + [entry])
    return Token(label, kind, value)


def _find(enterprise: str, label: str) -> tuple[list[_Entry], _Entry]:
    entries = _read_index(enterprise)
    found = next((e for e in entries if e.label == label.strip()), None)
    if found is None:
        stored = ", ".join(e.label for e in entries) or "none"
        raise SecretsError(
            f"enterprise {enterprise} has no token labelled '{label.strip()}' (stored: {stored})"
        )
    return entries, found


def remove_token(enterprise_id: str, label: str) -> None:
    """Deletes the token with that label (of either kind) from the keyring."""
    enterprise = addresses.check_enterprise_id(enterprise_id)
    entries, found = _find(enterprise, label)
    _write_index(enterprise, [e for e in entries if e != found])
    _delete(_token_name(enterprise, found))


def rename_token(enterprise_id: str, old_label: str, new_label: str) -> Token:
    """Gives a stored token a new label; its value and kind stay."""
    enterprise = addresses.check_enterprise_id(enterprise_id)
    new_label = check_label(new_label)
    entries, found = _find(enterprise, old_label)
    if new_label == found.label:
        return next(t for t in _stored(enterprise) if t.label == new_label)
    if any(e.label == new_label for e in entries):
        raise SecretsError(f"enterprise {enterprise} already has a token labelled '{new_label}'")
    value = _get(_token_name(enterprise, found))
    if value is None:
        raise SecretsError(
            f"the token '{found.label}' is listed but missing from the keyring: add it again"
        )
    renamed = _Entry(new_label, found.kind)
    _set(_token_name(enterprise, renamed), value)
    _write_index(enterprise, [renamed if e == found else e for e in entries])
    _delete(_token_name(enterprise, found))
    return Token(new_label, found.kind, value)


def move_tokens(from_enterprise_id: str, to_enterprise_id: str) -> list[str]:
    """Moves every token stored under one enterprise ID to another (a mistyped ID corrected).

    Each token is stored under the new ID before it leaves the old one, so a failure half-way
    leaves it in both places, never in neither. Returns the labels moved.
    """
    source = addresses.check_enterprise_id(from_enterprise_id)
    target = addresses.check_enterprise_id(to_enterprise_id)
    if source == target:
        return []
    taken = {e.label for e in _read_index(target)}
    tokens = _stored(source)
    clash = [t.label for t in tokens if t.label in taken]
    if clash:
        raise SecretsError(
            f"enterprise {target} already has tokens labelled {', '.join(repr(c) for c in clash)}: "
            "rename or remove them first"
        )
    moved = []
    for token in tokens:
        store_token(target, token.label, token.reveal(), token.kind)
        remove_token(source, token.label)
        moved.append(token.label)
    return moved


# --- what the engine and the Sync client call ------------------------------------------------


def _tokens_from_env(name: str, kind: str, label_prefix: str) -> list[Token]:
    items = os.environ.get(name, "").split(",")
    tokens: list[Token] = []
    for position, raw in enumerate(items, start=1):
        if not raw.strip():
            continue
        try:
            value = check_token_value(raw)
        except SecretsError as exc:
            raise SecretsError(f"{name}, item {position}: {exc}") from None
        duplicate = next((t for t in tokens if t.reveal() == value), None)
        if duplicate:
            raise SecretsError(
                f"{name} lists the same token twice ({duplicate.label} and item {position})"
            )
        tokens.append(Token(f"{label_prefix}-{len(tokens) + 1}", kind, value))
    return tokens


def load_async_tokens(enterprise_id: str) -> list[Token]:
    """TELECRM_ASYNC_TOKENS (labels env-1, env-2...) when set, else the keyring's Async tokens."""
    from_env = _tokens_from_env(ASYNC_TOKENS_ENV, ASYNC, "env")
    if from_env:
        return from_env
    return _stored(addresses.check_enterprise_id(enterprise_id), kinds=(ASYNC,))


def load_sync_token(enterprise_id: str) -> Token | None:
    """TELECRM_SYNC_TOKEN (label env-sync-1) when set, else the first Sync token in the keyring."""
    from_env = _tokens_from_env(SYNC_TOKEN_ENV, SYNC, "env-sync")
    if from_env:
        return from_env[0]
    stored = _stored(addresses.check_enterprise_id(enterprise_id), kinds=(SYNC,))
    return stored[0] if stored else None
