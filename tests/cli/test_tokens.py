"""`telecrm-import tokens` against the real Secret Service, in process and as a real command."""

from __future__ import annotations

import io
import os
import pty
import random
import select
import subprocess
import sys
import time
import uuid

import keyring
import pytest
from keyring.backends import fail

from telecrm_desktop.cli import main
from telecrm_desktop.core import secrets


def make_token() -> str:
    digits = "".join(random.choice("0123456789") for _ in range(13))
    return f"{uuid.uuid4()}{digits}:{uuid.uuid4()}"


@pytest.fixture
def enterprise() -> str:
    return os.urandom(12).hex()


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    monkeypatch.setenv("TELECRM_DESKTOP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv(secrets.ASYNC_TOKENS_ENV, raising=False)
    monkeypatch.delenv(secrets.SYNC_TOKEN_ENV, raising=False)


def tokens(*args: str, stdin: str = "") -> tuple[int, str, str]:
    """Runs `telecrm-import tokens ...` in this process, standard input not a terminal."""
    old_in, old_out, old_err = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), io.StringIO(), io.StringIO()
    try:
        code = main(["tokens", *args])
        return code, sys.stdout.getvalue(), sys.stderr.getvalue()
    finally:
        sys.stdin, sys.stdout, sys.stderr = old_in, old_out, old_err


def command(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "telecrm_desktop.cli", "tokens", *args],
        input=stdin, env=env, capture_output=True, text=True, timeout=60,
    )


def files_holding(root, value: str) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file() and value.encode() in p.read_bytes()]


def test_add_list_remove_as_real_commands(secret_service, enterprise, tmp_path):
    value, sync_value = make_token(), make_token()
    env = {**secret_service.env, "TELECRM_DESKTOP_HOME": str(tmp_path / "home")}
    env.pop(secrets.ASYNC_TOKENS_ENV, None)
    runs = [
        command(env, "add", "--enterprise", enterprise, stdin=value + "\n"),
        command(env, "add", "--enterprise", enterprise, "--sync", "--label", "schema", stdin=sync_value),
        command(env, "list", "--enterprise", enterprise),
    ]
    assert [r.returncode for r in runs] == [0, 0, 0], [r.stderr for r in runs]
    assert runs[0].stdout == (
        f"Stored Async token 'token-1' (…{value[-4:]}) for enterprise {enterprise} "
        f"in SecretService Keyring.\n")
    assert runs[2].stdout.splitlines() == [
        "LABEL    KIND   ENDS WITH",
        f"token-1  Async  …{value[-4:]}",
        f"schema   Sync   …{sync_value[-4:]}",
    ]
    # The commands stored them in the real keyring this process reads too.
    assert [t.reveal() for t in secrets.load_async_tokens(enterprise)] == [value]
    assert secrets.load_sync_token(enterprise).reveal() == sync_value

    removed = command(env, "remove", "--enterprise", enterprise, "--label", "token-1")
    assert removed.returncode == 0 and "Removed token 'token-1'" in removed.stdout
    assert secrets.load_async_tokens(enterprise) == []

    output = "".join(r.stdout + r.stderr for r in runs + [removed])
    for secret in (value, sync_value):
        assert secret not in output and secret[:-4] not in output
        assert files_holding(tmp_path, secret) == []


def read_terminal(terminal: int, until: bytes | None = None, timeout: float = 30) -> bytes:
    """What the program wrote to its terminal, up to `until` or until it closed the terminal."""
    seen = b""
    deadline = time.monotonic() + timeout
    while (until is None or until not in seen) and time.monotonic() < deadline:
        if select.select([terminal], [], [], 0.2)[0]:
            try:
                chunk = os.read(terminal, 1024)
            except OSError:  # EIO: the program ended and the terminal closed
                break
            if not chunk:
                break
            seen += chunk
    return seen


def test_add_on_a_terminal_asks_without_echoing(secret_service, enterprise, tmp_path):
    value = make_token()
    env = {**secret_service.env, "TELECRM_DESKTOP_HOME": str(tmp_path / "home")}
    pid, terminal = pty.fork()
    if pid == 0:  # the child: a session leader whose controlling terminal is the pty
        try:
            os.execve(sys.executable, [sys.executable, "-m", "telecrm_desktop.cli", "tokens",
                                       "add", "--enterprise", enterprise], env)
        finally:
            os._exit(127)
    try:
        seen = read_terminal(terminal, until=b"(not shown): ")
        os.write(terminal, value.encode() + b"\n")
        seen += read_terminal(terminal)
    finally:
        os.close(terminal)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    text = seen.decode(errors="replace")
    assert f"Async token for enterprise {enterprise} (not shown): " in text
    assert value not in text and value[:-4] not in text
    assert f"Stored Async token 'token-1' (…{value[-4:]})" in text
    assert [t.reveal() for t in secrets.load_async_tokens(enterprise)] == [value]


def test_token_on_the_command_line_is_refused_and_not_echoed(secret_service, enterprise):
    value = make_token()
    code, out, err = tokens("add", value, "--enterprise", enterprise)
    assert code == 2 and value not in out + err
    assert err.startswith("telecrm-import: never type a token on the command line")
    assert secrets.list_tokens(enterprise) == []


def test_mistakes_exit_2_with_one_line(secret_service, enterprise):
    for _ in range(3):
        assert tokens("add", "--enterprise", enterprise, stdin=make_token())[0] == 0
    cases = [
        (("add", "--enterprise", enterprise), make_token(), "already has 3 Async tokens"),
        (("add", "--enterprise", "acme"), make_token(), '"acme" is not a telecrm enterprise ID'),
        (("add", "--enterprise", enterprise, "--sync"), "", "no token was given"),
        (("remove", "--enterprise", enterprise), "", "say which token to remove with --label"),
        (("remove", "--enterprise", enterprise, "--label", "nope"), "",
         "no token labelled 'nope' (stored: token-1, token-2, token-3)"),
    ]
    for args, stdin, message in cases:
        code, out, err = tokens(*args, stdin=stdin)
        assert (code, out) == (2, ""), args
        assert message in err and err.count("\n") == 1 and err.startswith("telecrm-import: ")
        assert not stdin or stdin not in err


def test_odd_token_shape_is_stored_with_a_warning(secret_service, enterprise):
    code, out, err = tokens("add", "--enterprise", enterprise, "--label", "test", stdin="abcdefgh-12345678")
    assert code == 0 and "warning: the token is not shaped like telecrm's API tokens" in err
    assert "'test' (…5678)" in out


def test_list_when_empty_and_when_environment_tokens_are_set(secret_service, enterprise, monkeypatch):
    code, out, _ = tokens("list", "--enterprise", enterprise)
    assert code == 0 and out.startswith(f"No tokens stored for enterprise {enterprise}; add one")
    monkeypatch.setenv(secrets.ASYNC_TOKENS_ENV, make_token())
    assert "TELECRM_ASYNC_TOKENS is set" in tokens("list", "--enterprise", enterprise)[1]


def test_no_keyring_backend_exits_2_saying_how_to_fix_it(enterprise):
    saved = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        value = make_token()
        code, out, err = tokens("add", "--enterprise", enterprise, stdin=value)
    finally:
        keyring.set_keyring(saved)
    assert (code, out) == (2, "") and err.count("\n") == 1 and value not in err
    assert "no safe system keyring is available" in err and "TELECRM_ASYNC_TOKENS" in err


def test_no_secret_service_as_a_real_command(tmp_path, enterprise):
    """A box without Secret Service (no session bus): keyring finds no backend by itself."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "PYTHON_KEYRING"))}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"),
               DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent/telecrm-test-bus")
    result = command(env, "list", "--enterprise", enterprise)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("telecrm-import: no safe system keyring is available")
    assert result.stderr.count("\n") == 1 and "gnome-keyring" in result.stderr
    assert not (tmp_path / "data").exists()  # keyrings.alt, if installed, wrote nothing
