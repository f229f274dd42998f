"""A real Secret Service for tests: gnome-keyring in a private D-Bus session.

`keyring_daemons` (session-scoped, shared) starts a private `dbus-daemon` and a
`gnome-keyring-daemon --unlock --components=secrets` fed a password on standard input, its keyring
files in a temporary folder, and stops and removes everything at the end. `secret_service` (per
test) points this process at it (DBUS_SESSION_BUS_ADDRESS and `keyring.set_keyring`) and yields a
`KeyringSession` whose `env` runs subprocesses against it. Skips only when gnome-keyring is not
installed.

Expose it in a test folder with a conftest holding
`from tests.keyring_session import keyring_daemons, secret_service  # noqa: F401`.
Several conftests may do so: the daemons are started once per test process and shared.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SECRETS_BUS_NAME = "org.freedesktop.secrets"
_START_TIMEOUT = 15.0


@dataclass
class KeyringSession:
    address: str  # the D-Bus session address
    root: Path  # temporary folder holding the keyring files
    env: dict[str, str]  # os.environ plus what a subprocess needs to reach this keyring
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def keyring_files(self) -> list[Path]:
        return [p for p in (self.root / "data").rglob("*") if p.is_file()]


def _secret_service_owned(address: str) -> bool:
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    bus = DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
                      interface="org.freedesktop.DBus")
    try:
        with closing(open_dbus_connection(address)) as connection:
            reply = connection.send_and_get_reply(
                new_method_call(bus, "NameHasOwner", "s", (SECRETS_BUS_NAME,)), timeout=2
            )
            return bool(reply.body[0])
    except OSError:
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_keyring_session(password: str = "test-keyring-password") -> KeyringSession:
    """Starts dbus-daemon and an unlocked gnome-keyring; call `stop_keyring_session` after."""
    root = Path(tempfile.mkdtemp(prefix="telecrm-keyring-"))
    for name in ("run", "data", "config", "home"):
        (root / name).mkdir(mode=0o700)
    # Private folders, so the user's own keyrings and keyring settings are never touched.
    private = {
        "XDG_RUNTIME_DIR": str(root / "run"),
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_CONFIG_HOME": str(root / "config"),
        "HOME": str(root / "home"),
    }
    daemon_env = {**os.environ, **private}
    daemon_env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    processes: list[subprocess.Popen] = []
    try:
        bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"],
            env=daemon_env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        processes.append(bus)
        address = bus.stdout.readline().strip()
        if not address:
            raise RuntimeError("dbus-daemon did not print its address")
        daemon_env["DBUS_SESSION_BUS_ADDRESS"] = address
        gnome_keyring = subprocess.Popen(
            ["gnome-keyring-daemon", "--unlock", "--components=secrets", "--foreground"],
            env=daemon_env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(gnome_keyring)
        gnome_keyring.stdin.write(password.encode())
        gnome_keyring.stdin.close()
        deadline = time.monotonic() + _START_TIMEOUT
        while not _secret_service_owned(address):
            if gnome_keyring.poll() is not None:
                raise RuntimeError(f"gnome-keyring-daemon exited with {gnome_keyring.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("gnome-keyring-daemon did not take org.freedesktop.secrets")
            time.sleep(0.05)
    except BaseException:
        for process in reversed(processes):
            _stop(process)
        shutil.rmtree(root, ignore_errors=True)
        raise
    env = {**os.environ, **private, "DBUS_SESSION_BUS_ADDRESS": address}
    return KeyringSession(address=address, root=root, env=env, processes=processes)


def stop_keyring_session(session: KeyringSession) -> None:
    for process in reversed(session.processes):
        _stop(process)
        if process.stdout:
            process.stdout.close()
    shutil.rmtree(session.root, ignore_errors=True)


_shared: KeyringSession | None = None
_users = 0


@pytest.fixture(scope="session")
def keyring_daemons():
    """The shared dbus-daemon + gnome-keyring of this test process (started on first use)."""
    global _shared, _users
    if not (shutil.which("gnome-keyring-daemon") and shutil.which("dbus-daemon")):
        pytest.skip("gnome-keyring (gnome-keyring-daemon, dbus-daemon) is not installed")
    if _shared is None:
        _shared = start_keyring_session()
    _users += 1
    try:
        yield _shared
    finally:
        _users -= 1
        if _users == 0:
            stop_keyring_session(_shared)
            _shared = None


@pytest.fixture
def secret_service(keyring_daemons, monkeypatch):
    """The real Secret Service: this process's keyring points at it for the test."""
    import keyring
    from keyring.backends import SecretService

    saved_keyring = keyring.get_keyring()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", keyring_daemons.address)
    keyring.set_keyring(SecretService.Keyring())
    try:
        yield keyring_daemons
    finally:
        keyring.set_keyring(saved_keyring)
