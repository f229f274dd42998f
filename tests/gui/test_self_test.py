"""`telecrm-desktop --self-test`, as the installer's CI runs it: the whole sandbox flow, exit 0."""

import os
import subprocess
import sys


def test_self_test_walks_the_flow_and_exits_0(tmp_path):
    env = dict(os.environ, TELECRM_DESKTOP_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-m", "telecrm_desktop.gui.app", "--self-test"], env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "self-test passed" in done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "journal.sqlite3").exists()  # it used the data folder it was given


def test_version():
    done = subprocess.run([sys.executable, "-m", "telecrm_desktop.gui.app", "--version"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("telecrm-desktop ")
