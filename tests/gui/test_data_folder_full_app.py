"""The app says the same sentence as the command line when the data folder's disk is full or the
folder is read-only: a real small file system mounted over the data folder before Send is pressed."""

import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt

from telecrm_desktop.gui.bridge import sandbox_link
from telecrm_desktop.gui.flow_driver import FlowDriver, wait_until
from telecrm_desktop.gui.main_window import SEND
from tests.gui.test_flow import write_leads


@pytest.mark.parametrize("trouble", ["full", "read-only"])
def test_send_on_a_full_or_read_only_data_folder_says_so_in_one_sentence(window, qtbot, tmp_path, desktop_home,
                                                                           trouble):
    driver = FlowDriver(window, timeout=30)
    driver.use_sandbox()
    driver.open_file(write_leads(tmp_path / "leads.csv", 5))
    driver.accept_mapping()
    driver.review()
    options = "size=1m" + (",ro" if trouble == "read-only" else "")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(desktop_home)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here (needs root and mount rights): {mounted.stderr.strip()}")
    try:
        if trouble == "full":
            with open(desktop_home / "filler.bin", "wb", buffering=0) as f:
                try:
                    while shutil.disk_usage(desktop_home).free > 0:
                        f.write(b"\0" * 65536)
                except OSError:
                    pass
        send = window.send_screen
        messages = []
        send.message.connect(lambda kind, text: messages.append((kind, text)))
        window.go_to(SEND)
        qtbot.mouseClick(window.primary_button, Qt.MouseButton.LeftButton)
        wait_until(lambda: messages and not send.is_running(), 30, "the sentence")
        kind, text = messages[-1]
        expected = (f"The disk of the data folder {desktop_home} is full: free at least" if trouble == "full"
                    else f"The data folder {desktop_home} cannot be written")
        assert kind == "error" and text.startswith(expected), messages
        assert "Traceback" not in text and "OperationalError" not in text
        assert sandbox_link.sandbox_server().state.queued == 0
    finally:
        subprocess.run(["umount", "-l", str(desktop_home)], capture_output=True)


def test_a_damaged_journal_is_set_aside_and_the_send_screen_says_so(window, qtbot, tmp_path, desktop_home):
    driver = FlowDriver(window, timeout=30)
    driver.use_sandbox()
    driver.open_file(write_leads(tmp_path / "leads.csv", 4))
    driver.accept_mapping()
    driver.review()
    (desktop_home / "journal.sqlite3").write_bytes(b"this is not a database, whatever the name says " * 100)
    send = window.send_screen
    window.go_to(SEND)
    qtbot.mouseClick(window.primary_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: send.is_running(), 10, "the send to start")
    wait_until(lambda: not send.is_running(), 60, "the send to finish")
    events = [send.event_list.item(i).text() for i in range(send.event_list.count())]
    said = [e for e in events if "was damaged" in e]
    assert len(said) == 1 and "a new journal was started" in said[0], events
    assert list(desktop_home.glob("journal.sqlite3.damaged-*"))
    assert send.worker_counts() == {"queued": 4}
