"""The whole flow through the real widgets: open a CSV, accept the suggested mapping, fix an invalid
cell in place, send to the embedded sandbox over loopback, and watch the counters; then a slow send
that is cancelled and resumed without sending any lead twice."""

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from telecrm_desktop.gui.bridge import pipeline_bridge, sandbox_link
from telecrm_desktop.gui.flow_driver import FlowDriver, wait_until
from telecrm_desktop.gui.main_window import MAP, REVIEW, SEND
from telecrm_desktop.gui.models.review_model import INVALID, READY

HEADERS = ["Full Name", "Mobile No.", "E-mail ID", "City"]


def write_leads(path, count, bad=(), duplicate_of=None):
    """`count` leads; rows in `bad` get a 5-digit phone; the last row repeats `duplicate_of`'s phone."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        for i in range(count):
            phone = "99999" if i in bad else f"98{i:08d}"
            if duplicate_of is not None and i == count - 1:
                phone = f"98{duplicate_of:08d}"
            writer.writerow([f"Lead {i}", phone, f"lead{i}@example.com", "Pune"])
    return path


def view_row_of(review, number):
    model = review.model
    return model.view_row_of_position(model.position_of_number(number))


def test_open_map_fix_send(window, qtbot, tmp_path, monkeypatch):
    from telecrm_desktop.core.send import runs

    parent_writes = []
    real_write = runs.write_results
    monkeypatch.setattr(runs, "write_results", lambda *a, **k: (parent_writes.append(a), real_write(*a, **k))[1])
    # 20 leads in rows 2..21; rows 5 and 9 (i = 3, 7) have a bad phone; row 21 repeats row 2's phone
    sheet = write_leads(tmp_path / "expo leads.csv", 20, bad=(3, 7), duplicate_of=0)
    driver = FlowDriver(window, timeout=30)
    driver.use_sandbox()
    driver.open_file(sheet)
    session = window.session
    assert len(session.sheet.rows) == 20
    assert session.sheet.table.headers == HEADERS
    assert window.open_screen.preview_model.header_row == 1

    driver.accept_mapping()
    assert window.current_step() == MAP
    model = window.map_screen.model
    assert model.target_paths(HEADERS.index("Mobile No.")) == ["fields.phone"]
    assert model.target_paths(HEADERS.index("Full Name")) == ["fields.name"]
    assert window.primary_button.isEnabled()

    qtbot.mouseClick(window.primary_button, Qt.MouseButton.LeftButton)  # on to Review
    assert window.current_step() == REVIEW
    review = window.review_screen
    wait_until(lambda: session.check is not None and not review.is_checking(), 30, "the check")
    assert review.invalid_tile.value() == 2
    assert review.merged_tile.value() == 1
    assert review.ready_tile.value() == 17  # 20 rows - 2 invalid - 1 merged
    assert review.model.status_of(5) == INVALID
    assert "not a phone number" in " ".join(review.model.checks.get(5).messages())

    # fix row 5's phone in place, typing into the real editor
    index = review.model.index(view_row_of(review, 5), 1 + HEADERS.index("Mobile No."))
    review.view.setCurrentIndex(index)
    review.view.edit(index)
    editor = review.view.viewport().findChild(QLineEdit)
    assert editor is not None and editor.text() == "99999"
    editor.selectAll()
    qtbot.keyClicks(editor, "9876500005")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(session.edits), timeout=2000)  # the view commits queued
    assert session.edits == {5: {"Mobile No.": "9876500005"}}, window.message_bar.label.text()
    assert review.model.status_of(5) == READY, review.model.checks.get(5)  # checked again by the core at once
    assert review.invalid_tile.value() == 1
    assert session.edits == {5: {"Mobile No.": "9876500005"}}
    assert sheet.read_text(encoding="utf-8").count("99999") == 2  # the file is untouched
    wait_until(lambda: session.check is not None and not review.is_checking(), 30, "the check after the fix")
    assert review.ready_tile.value() == 18
    assert '"919876500005"' in review.result.request_json(5)

    counts = driver.send()
    assert window.current_step() in (SEND, SEND + 1)
    assert counts.get("queued") == 19  # 18 leads, the merged pair counted per row
    assert counts.get("invalid") == 1
    assert not counts.get("failed") and not counts.get("uncertain") and not counts.get("pending")
    server = sandbox_link.sandbox_server()
    assert server.state.queued == 18

    driver.results()
    results = window.results_screen
    assert results.tiles["queued"].value() == 19
    assert results.model.rowCount() == 20
    # the post-import check looks every lead up in the sandbox through the Sync API
    assert results.landed_button.isEnabled()
    qtbot.mouseClick(results.landed_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: not results.is_checking_landed(), 30, "the post-import check")
    assert results.landed_report.checked == 18 and results.landed_report.landed == 18, results.landed_label.text()
    assert "18 of 18 leads checked landed" in results.landed_label.text()
    # kept with the run: shown again when the run is opened later, and by `telecrm-import history`
    (run,) = pipeline_bridge.past_runs()
    assert run.landed["checked"] == 18 and run.landed["landed"] == 18 and run.landed["checked_at"]
    results.landed_label.setText("")
    results.current_run = None
    results.reload(run.id)
    wait_until(lambda: not results.is_loading(), 10, "the history")
    assert "18 of 18 leads checked landed with the values sent (checked " in results.landed_label.text()
    exported = results.export_results(tmp_path)
    assert {p.name for p in exported} >= {f"run-{session.run_id}-results.csv"}
    # written by a child process (results_process.py), from the file read again with the fix
    assert parent_writes == []
    written = (Path(run.results_dir) / "results.csv").read_text(encoding="utf-8")
    (row5,) = [line for line in written.splitlines() if line.startswith("5,")]
    assert "919876500005" in row5 and "99999" not in row5


@pytest.fixture
def slow_sandbox(monkeypatch):
    # 5 requests a second per token (4 at the app's 80% share): a 30-lead send takes seconds
    monkeypatch.setattr(sandbox_link, "SANDBOX_RATE_PER_WINDOW", 5)
    monkeypatch.setattr(sandbox_link, "SANDBOX_WINDOW", 1.0)


def test_cancel_then_resume_sends_every_lead_once(window, qtbot, tmp_path, slow_sandbox):
    sheet = write_leads(tmp_path / "big.csv", 30)
    driver = FlowDriver(window, timeout=30)
    driver.use_sandbox()
    driver.open_file(sheet)
    driver.accept_mapping()
    driver.review()
    send = window.send_screen
    window.go_to(SEND)
    send.start()
    wait_until(lambda: (send.queued_tile.value() or 0) >= 3, 20, "the first leads to be queued")
    qtbot.mouseClick(send.pause_button, Qt.MouseButton.LeftButton)
    assert send.pause_button.text() == "Resume"
    wait_until(lambda: send.rate_label.text().startswith("Paused"), 10, "the engine to pause")
    assert "paused" in send.token_list.item(0).text()
    qtbot.wait(300)  # answers of requests already on their way still arrive
    held = send.queued_tile.value()
    qtbot.wait(700)
    assert send.queued_tile.value() == held  # nothing more leaves while paused
    qtbot.mouseClick(send.pause_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: not send.rate_label.text().startswith("Paused"), 10, "the engine to resume")
    qtbot.mouseClick(send.cancel_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: not send.is_running(), 20, "the run to stop")
    first = send.worker_counts()
    assert first.get("pending", 0) > 0
    assert first.get("queued", 0) >= 3
    assert "continue" in window.primary_button.text().lower()

    send.start()  # "Continue sending": the same run, only what is still pending
    wait_until(lambda: not send.is_running(), 60, "the resumed run to finish")
    final = send.worker_counts()
    assert final == {"queued": 30}
    server = sandbox_link.sandbox_server()
    assert server.state.queued == 30  # every lead exactly once
    assert len(server.state.leads()) == 30 + len(server.workspace.definition.get("existingLeads", []))


def test_refused_tokens_then_resume_from_history(window, qtbot, tmp_path):
    sheet = write_leads(tmp_path / "later.csv", 8)
    driver = FlowDriver(window, timeout=30)
    driver.use_sandbox()
    server = sandbox_link.sandbox_server()
    labels = [t.label for t in server.async_tokens]
    for label in labels:
        server.revoke(label)
    driver.open_file(sheet)
    driver.accept_mapping()
    driver.review()
    counts = driver.send()
    assert counts == {"pending": 8}
    assert "refused every token" in window.message_bar.label.text()

    for label in labels:
        server.restore(label)
    driver.results()
    results = window.results_screen
    assert results.tiles["pending"].value() == 8
    assert results.resume_button.isEnabled()
    qtbot.mouseClick(results.resume_button, Qt.MouseButton.LeftButton)
    assert window.current_step() == SEND
    assert window.primary_button.isEnabled()
    qtbot.mouseClick(window.primary_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: not window.send_screen.is_running(), 30, "the resumed run")
    assert window.send_screen.worker_counts() == {"queued": 8}
    assert server.state.queued == 8


def test_result_files_come_from_the_windows_rows_when_the_file_cannot_be_read_again(window, tmp_path, monkeypatch):
    from telecrm_desktop.gui.bridge import results_process

    calls = []

    def file_changed(*args):  # the child found the file saved over since it was checked
        calls.append(args)
        return "unreadable", "expo.csv has changed since run 1 was checked"

    monkeypatch.setattr(results_process, "write_results_in_process", file_changed)
    driver = FlowDriver(window, timeout=30)
    driver.use_sandbox()
    driver.open_file(write_leads(tmp_path / "expo.csv", 6, bad=(2,)))
    driver.accept_mapping()
    driver.review()
    counts = driver.send()
    assert counts.get("queued") == 5 and len(calls) == 1
    (run,) = pipeline_bridge.past_runs()
    with open(Path(run.results_dir) / "results.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:5] == ["row", "identifier", "status", "reason", "warnings"] and rows[0][5:] == HEADERS
    assert [r[2] for r in rows[1:]] == ["queued", "queued", "invalid", "queued", "queued", "queued"]
    assert rows[4][5:] == ["Lead 3", "9800000003", "lead3@example.com", "Pune"]  # the sheet's own cells
