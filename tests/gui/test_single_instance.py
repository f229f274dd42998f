"""One window per data folder, with real processes offscreen: a second launch hands its file to the
first window and ends; another data folder opens its own window; a killed first window leaves
nothing that stops the next launch."""

import os
import signal
import subprocess
import sys
import time

import pytest
from PySide6.QtNetwork import QLocalSocket

from telecrm_desktop.gui.single_instance import server_name


def launch(home, *args, **kw):
    env = {**os.environ, "TELECRM_DESKTOP_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen([sys.executable, "-m", "telecrm_desktop.gui.app", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def wait_listening(home, proc, timeout=60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        probe = QLocalSocket()
        probe.connectToServer(server_name(home))
        if probe.waitForConnected(200):
            probe.abort()
            return
        time.sleep(0.1)
    pytest.fail("the first window never started listening")


def log_text(home) -> str:
    path = home / "logs" / "telecrm-desktop.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.fixture
def processes():
    started = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def test_a_second_launch_brings_the_first_window_forward_with_its_file(qapp, tmp_path, processes):
    home = tmp_path / "home"
    sheet = tmp_path / "leads.csv"
    sheet.write_text("Name,Phone\nAsha,9876543210\n", encoding="utf-8")
    first = launch(home)
    processes.append(first)
    wait_listening(home, first)

    second = launch(home, str(sheet))
    processes.append(second)
    _out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert "already open" in err and "Traceback" not in err
    deadline = time.monotonic() + 30
    while f"a later launch handed over: opening {sheet}" not in log_text(home) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert f"a later launch handed over: opening {sheet}" in log_text(home)
    assert first.poll() is None  # the first window is still there

    other = launch(tmp_path / "other-home")  # another data folder: a window of its own
    processes.append(other)
    wait_listening(tmp_path / "other-home", other)
    assert other.poll() is None


def test_a_killed_first_window_does_not_block_the_next_launch(qapp, tmp_path, processes):
    home = tmp_path / "home"
    first = launch(home)
    processes.append(first)
    wait_listening(home, first)
    os.kill(first.pid, signal.SIGKILL)
    first.communicate()
    second = launch(home)
    processes.append(second)
    wait_listening(home, second)  # it became the first window (lock and socket taken over)
    assert second.poll() is None
