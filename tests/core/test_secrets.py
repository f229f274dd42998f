"""Tokens against the real Secret Service (gnome-keyring), the refusal of unsafe keyrings, the
environment variables, and scrubbing."""

from __future__ import annotations

import copy
import io
import json
import logging
import os
import pickle
import random
import uuid

import keyring
import pytest
import secretstorage
from hypothesis import given
from hypothesis import strategies as st
from keyring.backends import SecretService, fail, null

from telecrm_desktop.core import secrets
from telecrm_desktop.core.addresses import EnterpriseIdError, check_enterprise_id
from telecrm_desktop.core.secrets import KeyringUnavailable, SecretsError, Token
from tests.keyring_session import start_keyring_session, stop_keyring_session


def make_token() -> str:
    """A value shaped as telecrm's tokens: <uuid><13 digits>:<uuid>."""
    digits = "".join(random.choice("0123456789") for _ in range(13))
    return f"{uuid.uuid4()}{digits}:{uuid.uuid4()}"


@pytest.fixture
def enterprise() -> str:
    return os.urandom(12).hex()  # a fresh workspace per test keeps the shared keyring apart


@pytest.fixture(autouse=True)
def no_env_tokens(monkeypatch):
    monkeypatch.delenv(secrets.ASYNC_TOKENS_ENV, raising=False)
    monkeypatch.delenv(secrets.SYNC_TOKEN_ENV, raising=False)


@pytest.fixture
def keyring_backend():
    """Restores the process keyring after a test that swaps it."""
    saved = keyring.get_keyring()
    yield
    keyring.set_keyring(saved)


# --- the value object -------------------------------------------------------------------------


def test_token_shows_label_and_last_four_only():
    value = make_token()
    token = Token("token-1", "async", value)
    shown = [repr(token), str(token), token.masked, token.fingerprint, f"{token}", f"{[token]}"]
    assert all(value not in text and value[:-4] not in text for text in shown)
    assert token.masked == "…" + value[-4:]
    assert repr(token) == f"Token('token-1', async, …{value[-4:]})"
    assert token.reveal() == value
    assert token.auth_header() == {"Authorization": f"Bearer {value}"}


def test_short_token_shows_no_characters_and_fingerprint_is_stable():
    short = Token("t", "async", "abcdefghij")
    assert short.masked == "…"
    again = Token("other label", "async", "abcdefghij")
    assert short.fingerprint == again.fingerprint != Token("t", "async", "abcdefghik").fingerprint
    assert len(short.fingerprint) == 16


def test_token_cannot_be_pickled_but_can_be_copied():
    token = Token("token-1", "async", make_token())
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(token)
    assert copy.deepcopy({"t": [token]})["t"][0] is token


# --- validation -------------------------------------------------------------------------------


def test_enterprise_id_is_24_hex_and_normalised():
    assert check_enterprise_id(" 66F6BC6FAF29B5A6F29C9BBF ") == "66f6bc6faf29b5a6f29c9bbf"
    with pytest.raises(EnterpriseIdError, match='"acme" is not a telecrm enterprise ID.*24-character hex code'):
        check_enterprise_id("acme")
    with pytest.raises(EnterpriseIdError, match="An empty value is not a telecrm enterprise ID"):
        check_enterprise_id("")


def test_the_keyring_refuses_a_bad_enterprise_id_with_the_same_sentence():
    with pytest.raises(EnterpriseIdError, match='"acme" is not a telecrm enterprise ID'):
        secrets.load_async_tokens("acme")


def test_token_pasted_as_enterprise_id_is_not_echoed():
    value = make_token()
    with pytest.raises(EnterpriseIdError) as caught:
        check_enterprise_id(value)
    assert value not in str(caught.value) and "looks like an API token" in str(caught.value)


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "no token was given"),
        ("   \n", "no token was given"),
        ("Bearer {t}", "without the word 'Bearer'"),
        ("{t} {t}", "spaces or line breaks"),
        ("{t}\n{t}", "spaces or line breaks"),
        ("{t}é", "characters that a telecrm token never holds"),
        ("66f6bc6faf29b5a6f29c9bbf", "that is an enterprise ID"),
        ("abc123", "only 6 characters"),
    ],
)
def test_obvious_mistakes_are_refused_without_echoing(value, message):
    value = value.format(t=make_token())
    with pytest.raises(SecretsError, match=message) as caught:
        secrets.check_token_value(value)
    assert all(part not in str(caught.value) for part in value.split() if len(part) > 8)


def test_surrounding_whitespace_is_dropped_and_odd_shapes_only_warned():
    value = make_token()
    assert secrets.check_token_value(f"  {value}\n") == value
    assert secrets.token_shape_warning(value) is None
    assert "is not shaped like telecrm's API tokens: it has no ':'" in secrets.token_shape_warning("abcdefgh-1234")
    assert secrets.check_token_value("abcdefgh-1234") == "abcdefgh-1234"


def test_labels_are_checked():
    assert secrets.check_label("  Office laptop  ") == "Office laptop"
    for bad in ("", "a/b", "x" * 41, "tab\there"):
        with pytest.raises(SecretsError, match="token label"):
            secrets.check_label(bad)


# --- scrubbing --------------------------------------------------------------------------------


def test_redact_replaces_every_known_and_environment_token(monkeypatch):
    loaded = Token("token-1", "async", make_token())
    from_env, sync = make_token(), make_token()
    monkeypatch.setenv(secrets.ASYNC_TOKENS_ENV, f"{make_token()}, {from_env}")
    monkeypatch.setenv(secrets.SYNC_TOKEN_ENV, sync)
    text = f"POST headers: Bearer {loaded.reveal()}; env {from_env}; sync={sync}."
    clean = secrets.redact(text)
    for value in (loaded.reveal(), from_env, sync):
        assert value not in clean and "…" + value[-4:] in clean
    assert clean.startswith("POST headers: Bearer …") and clean.endswith(".")
    assert secrets.redact("nothing secret here") == "nothing secret here"


def test_redact_replaces_a_longer_token_whole():
    short = make_token()
    longer = Token("b", "async", short + "XYZW")
    Token("a", "async", short)
    assert secrets.redact(f"[{longer.reveal()}]") == "[…XYZW]"


@given(before=st.text(max_size=30), after=st.text(max_size=30))
def test_redact_never_leaves_a_known_token(before, after):
    token = Token("token-1", "async", "0f4c8a2e-1b7d-4e0a-9c3f-5d6e7f8a9b0c1700000000000:secret")
    assert token.reveal() not in secrets.redact(before + token.reveal() + after)


def test_logging_filter_scrubs_message_arguments_and_tracebacks():
    token = Token("token-1", "async", make_token())
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(secrets.RedactTokens())
    logger = logging.getLogger("test_secrets.scrub")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("sending with %s", token.auth_header())
        try:
            raise RuntimeError(f"server said: bad token {token.reveal()}")
        except RuntimeError:
            logger.exception("request failed")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert token.reveal() not in output
    assert output.count(token.masked) == 2 and "RuntimeError: server said: bad token …" in output


# --- environment variables (batch jobs) ------------------------------------------------------


def test_environment_tokens_come_first_and_need_no_keyring(monkeypatch, keyring_backend, enterprise):
    keyring.set_keyring(fail.Keyring())
    first, second = make_token(), make_token()
    monkeypatch.setenv(secrets.ASYNC_TOKENS_ENV, f" {first} ,, {second},")
    monkeypatch.setenv(secrets.SYNC_TOKEN_ENV, make_token())
    tokens = secrets.load_async_tokens(enterprise)
    assert [(t.label, t.kind, t.reveal()) for t in tokens] == [
        ("env-1", "async", first), ("env-2", "async", second)]
    assert secrets.load_sync_token(enterprise).label == "env-sync-1"


def test_environment_mistakes_name_the_item_not_the_value(monkeypatch):
    value = make_token()
    monkeypatch.setenv(secrets.ASYNC_TOKENS_ENV, f"{value},{value}")
    with pytest.raises(SecretsError, match="lists the same token twice") as caught:
        secrets.load_async_tokens("66f6bc6faf29b5a6f29c9bbf")
    assert value not in str(caught.value)
    monkeypatch.setenv(secrets.ASYNC_TOKENS_ENV, f"{value},Bearer {make_token()}")
    with pytest.raises(SecretsError, match="TELECRM_ASYNC_TOKENS, item 2: paste the token alone"):
        secrets.load_async_tokens("66f6bc6faf29b5a6f29c9bbf")


# --- unsafe or missing keyrings ---------------------------------------------------------------


@pytest.mark.parametrize("backend", [fail.Keyring, null.Keyring])
def test_no_keyring_backend_says_so_and_how_to_fix_it(backend, keyring_backend, enterprise):
    keyring.set_keyring(backend())
    for call in (
        lambda: secrets.store_token(enterprise, "token-1", make_token()),
        lambda: secrets.list_tokens(enterprise),
        lambda: secrets.load_async_tokens(enterprise),
        lambda: secrets.load_sync_token(enterprise),
    ):
        with pytest.raises(KeyringUnavailable) as caught:
            call()
        message = str(caught.value)
        assert "no safe system keyring" in message and secrets.ASYNC_TOKENS_ENV in message
        assert "gnome-keyring" in message and "\n" not in message


def test_plaintext_file_keyring_is_refused_and_writes_nothing(keyring_backend, monkeypatch, tmp_path):
    plaintext = pytest.importorskip("keyrings.alt.file")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    backend = plaintext.PlaintextKeyring()
    keyring.set_keyring(backend)
    with pytest.raises(KeyringUnavailable, match="keyrings.alt.file.PlaintextKeyring"):
        secrets.store_token("66f6bc6faf29b5a6f29c9bbf", "token-1", make_token())
    assert list(tmp_path.rglob("*")) == []


def test_unreachable_secret_service_says_so(keyring_backend, monkeypatch, enterprise):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/telecrm-test-bus")
    keyring.set_keyring(SecretService.Keyring())
    with pytest.raises(KeyringUnavailable, match="could not be reached: install and start"):
        secrets.list_tokens(enterprise)


def test_locked_keyring_says_so(keyring_backend, monkeypatch, enterprise):
    session = start_keyring_session()  # its own daemon: a locked one cannot be unlocked headless
    try:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session.address)
        keyring.set_keyring(SecretService.Keyring())
        secrets.store_token(enterprise, "token-1", make_token())
        with secretstorage.dbus_init() as bus:
            secretstorage.get_default_collection(bus).lock()
        with pytest.raises(KeyringUnavailable, match="the keyring is locked: unlock it"):
            secrets.load_async_tokens(enterprise)
    finally:
        stop_keyring_session(session)


# --- the real Secret Service ------------------------------------------------------------------


def test_tokens_round_trip_through_the_secret_service(secret_service, enterprise):
    values = [make_token() for _ in range(3)]
    for value in values:
        secrets.store_token(enterprise, secrets.next_label(enterprise), value)
    sync_value = make_token()
    secrets.store_token(enterprise, secrets.next_label(enterprise, "sync"), sync_value, "sync")

    listed = secrets.list_tokens(enterprise)
    assert [(t.label, t.kind, t.masked) for t in listed] == [
        ("token-1", "async", "…" + values[0][-4:]),
        ("token-2", "async", "…" + values[1][-4:]),
        ("token-3", "async", "…" + values[2][-4:]),
        ("sync-1", "sync", "…" + sync_value[-4:]),
    ]
    assert [t.reveal() for t in secrets.load_async_tokens(enterprise)] == values
    assert secrets.load_sync_token(enterprise).reveal() == sync_value
    assert secrets.list_tokens(os.urandom(12).hex()) == []
    assert secrets.load_sync_token(os.urandom(12).hex()) is None

    # Each token is its own Secret Service item, found by the keyring's attributes.
    with secretstorage.dbus_init() as bus:
        items = list(secretstorage.get_default_collection(bus).search_items(
            {"service": "telecrm-desktop", "username": f"{enterprise}/async/token-2"}))
        assert [item.get_secret().decode() for item in items] == [values[1]]
    index = json.loads(keyring.get_password("telecrm-desktop", f"{enterprise}/index"))
    assert index["tokens"][0] == {"label": "token-1", "kind": "async"}
    assert not any(v in json.dumps(index) for v in values + [sync_value])


def test_keyring_files_on_disk_hold_no_token_in_clear(secret_service, enterprise):
    value = make_token()
    secrets.store_token(enterprise, "token-1", value)
    assert secret_service.keyring_files, "gnome-keyring wrote no keyring file"
    for path in secret_service.keyring_files:
        data = path.read_bytes()
        assert value.encode() not in data and value[-20:].encode() not in data


def test_fourth_token_of_a_kind_is_refused(secret_service, enterprise):
    for n in range(1, 4):
        secrets.store_token(enterprise, f"token-{n}", make_token())
    with pytest.raises(SecretsError, match=r"already has 3 Async tokens \(token-1, token-2, "
                                           r"token-3\), the most telecrm allows: remove one first"):
        secrets.store_token(enterprise, "token-4", make_token())
    secrets.store_token(enterprise, "sync-1", make_token(), "sync")  # Sync tokens count apart
    secrets.remove_token(enterprise, "token-2")
    assert secrets.next_label(enterprise) == "token-2"
    secrets.store_token(enterprise, "token-4", make_token())
    assert [t.label for t in secrets.load_async_tokens(enterprise)] == ["token-1", "token-3", "token-4"]


def test_same_label_replaces_same_value_twice_and_cross_kind_labels_are_refused(secret_service, enterprise):
    old, new = make_token(), make_token()
    secrets.store_token(enterprise, "main", old)
    secrets.store_token(enterprise, "main", new)  # a rotated token keeps its label
    assert [t.reveal() for t in secrets.list_tokens(enterprise)] == [new]
    with pytest.raises(SecretsError, match="already stored for enterprise .* as 'main'"):
        secrets.store_token(enterprise, "spare", new)
    with pytest.raises(SecretsError, match="already has an Async token labelled 'main'"):
        secrets.store_token(enterprise, "main", make_token(), "sync")


def test_remove_and_rename(secret_service, enterprise):
    value = make_token()
    secrets.store_token(enterprise, "token-1", value)
    renamed = secrets.rename_token(enterprise, "token-1", "Office")
    assert (renamed.label, renamed.reveal()) == ("Office", value)
    assert [t.label for t in secrets.list_tokens(enterprise)] == ["Office"]
    assert keyring.get_password("telecrm-desktop", f"{enterprise}/async/token-1") is None
    with pytest.raises(SecretsError, match=r"no token labelled 'token-1' \(stored: Office\)"):
        secrets.remove_token(enterprise, "token-1")
    secrets.remove_token(enterprise, "Office")
    assert secrets.list_tokens(enterprise) == []
    assert keyring.get_password("telecrm-desktop", f"{enterprise}/async/Office") is None
    assert keyring.get_password("telecrm-desktop", f"{enterprise}/index") is None


def test_damaged_index_and_missing_values(secret_service, enterprise):
    secrets.store_token(enterprise, "token-1", make_token())
    secrets.store_token(enterprise, "token-2", make_token())
    keyring.delete_password("telecrm-desktop", f"{enterprise}/async/token-1")
    assert [t.label for t in secrets.load_async_tokens(enterprise)] == ["token-2"]
    keyring.set_password("telecrm-desktop", f"{enterprise}/index", "not json")
    with pytest.raises(SecretsError, match="in the keyring is damaged"):
        secrets.list_tokens(enterprise)


def test_tokens_move_to_a_corrected_enterprise_id_and_a_clash_moves_nothing(secret_service, enterprise):
    corrected = os.urandom(12).hex()
    first, second = make_token(), make_token()
    secrets.store_token(enterprise, "front", first)
    secrets.store_token(enterprise, "sync-1", second, secrets.SYNC)
    assert secrets.move_tokens(enterprise, corrected) == ["front", "sync-1"]
    assert secrets.list_tokens(enterprise) == []
    moved = {t.label: (t.kind, t.reveal()) for t in secrets.list_tokens(corrected)}
    assert moved == {"front": (secrets.ASYNC, first), "sync-1": (secrets.SYNC, second)}

    secrets.store_token(enterprise, "front", make_token())  # the same label on both sides
    with pytest.raises(secrets.SecretsError, match="already has tokens labelled 'front'"):
        secrets.move_tokens(enterprise, corrected)
    assert [t.label for t in secrets.list_tokens(enterprise)] == ["front"]  # nothing moved, nothing lost
    assert secrets.move_tokens(corrected, corrected) == []


def test_the_shape_warning_names_what_differs():
    one_colon_right_lengths = "x" * 49 + ":" + "y" * 36
    assert "characters other than" in secrets.token_shape_warning(one_colon_right_lengths)
    assert "2 ':'" in secrets.token_shape_warning("abcd:efgh:ijkl")
