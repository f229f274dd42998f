"""A run killed mid-send (the engine's process and the window gone, as after a crash or a closed
laptop) is finished from a fresh window on the same data folder: from the launch banner, or from
Results with nothing else loaded; the sandbox then holds every lead exactly once."""

import csv
import json
import multiprocessing
import os
import signal

import pytest
from PySide6.QtCore import Qt

from telecrm_desktop.gui.bridge import sandbox_link
from telecrm_desktop.gui.flow_driver import wait_until
from telecrm_desktop.gui.main_window import RESULTS, SEND, MainWindow

from tests.gui.acceptance.conftest import Person, write_leads

LEADS = 30


@pytest.fixture
def slow_sandbox(monkeypatch):
    # 5 requests a second per token (4 at the app's 80% share): a 30-lead send takes seconds
    monkeypatch.setattr(sandbox_link, "SANDBOX_RATE_PER_WINDOW", 5)
    monkeypatch.setattr(sandbox_link, "SANDBOX_WINDOW", 1.0)
    yield
    sandbox_link.stop_sandbox()


def engine_processes():
    return [p for p in multiprocessing.active_children() if p.name == "telecrm-send" and p.is_alive()]


def kill_mid_run(window, qtbot, monkeypatch, sheet):
    """Sends `sheet` until some leads are queued, pauses (so no request is on its way), then kills
    the engine's process with SIGKILL and drops the window without letting it close cleanly."""
    person = Person(window, qtbot, monkeypatch)
    person.use_sandbox()
    person.open_file(sheet)
    person.to_map()
    person.to_review()
    person.next()  # to Send
    assert window.current_step() == SEND
    person.next()  # Send
    send = window.send_screen
    wait_until(lambda: (send.queued_tile.value() or 0) >= 4, 30, "the first leads to be queued")
    person.click(send.pause_button)
    wait_until(lambda: send.rate_label.text().startswith("Paused"), 10, "the engine to pause")
    qtbot.wait(400)  # the answers of requests already on their way
    (child,) = engine_processes()
    os.kill(child.pid, signal.SIGKILL)
    wait_until(lambda: not send.is_running(), 20, "the app to notice the engine is gone")
    run_id = window.session.run_id
    queued_before = sandbox_link.sandbox_server().state.queued
    assert 0 < queued_before < LEADS
    window.hide()
    window.deleteLater()  # no closeEvent: nothing is tidied up, as after a kill
    qtbot.wait(50)
    return run_id, queued_before


def fresh_window(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    wait_until(lambda: not window.resume_banner.is_looking(), 10, "the journal to be read")
    return window


def assert_every_lead_once():
    server = sandbox_link.sandbox_server()
    state = server.state
    assert state.queued == LEADS  # every lead queued exactly once over both windows
    already_there = len(server.workspace.definition.get("existingLeads", []))  # the practice workspace's own
    assert len(state.leads()) == LEADS + already_there


def test_continue_from_the_launch_banner(app, qtbot, monkeypatch, tmp_path, slow_sandbox):
    sheet = write_leads(tmp_path / "expo leads.csv", LEADS)
    first = MainWindow()
    first.show()
    run_id, queued_before = kill_mid_run(first, qtbot, monkeypatch, sheet)

    window = fresh_window(qtbot)
    banner = window.resume_banner
    assert banner.isVisible()
    text = banner.label.text()
    assert f"Run {run_id}" in text and "expo leads.csv" in text
    assert f"stopped with {LEADS - queued_before} leads not sent yet" in text
    assert window.session.sheet is None  # nothing else is loaded
    qtbot.mouseClick(banner.continue_button, Qt.MouseButton.LeftButton)
    assert window.current_step() == SEND
    send = window.send_screen
    wait_until(lambda: not send.is_running(), 60, "the continued run to finish")
    assert not banner.isVisible()
    assert_every_lead_once()
    # the screen counted the run as the journal holds it, not from zero
    assert send.queued_tile.value() == LEADS
    assert send.progress.value() == LEADS and send.progress.maximum() == LEADS
    assert window.current_step() == RESULTS
    results = window.results_screen
    wait_until(lambda: not results.is_loading(), 10, "the results")
    assert results.tiles["queued"].value() == LEADS
    # the run's own file, read again, gives the result files their cells
    with open(os.path.join(results.current_run.results_dir, "results.csv"), encoding="utf-8-sig") as f:
        lines = f.read().splitlines()
    assert len(lines) == LEADS + 1 and "Lead 0" in "\n".join(lines)
    assert "finished" in results.runs_model.data(results.runs_model.index(0, 3))
    assert f"{LEADS} queued" in results.runs_model.data(results.runs_model.index(0, 4))


def test_resume_from_results_when_the_file_has_moved(app, qtbot, monkeypatch, tmp_path, slow_sandbox):
    sheet = write_leads(tmp_path / "moved.csv", LEADS)
    first = MainWindow()
    first.show()
    run_id, _ = kill_mid_run(first, qtbot, monkeypatch, sheet)
    sheet.rename(tmp_path / "elsewhere.csv")

    window = fresh_window(qtbot)
    person = Person(window, qtbot, monkeypatch)
    assert window.resume_banner.isVisible()
    person.click(window.step_buttons[RESULTS])
    results = window.results_screen
    wait_until(lambda: not results.is_loading(), 10, "the history")
    assert results.current_run.id == run_id
    person.click(results.resume_button)
    assert window.current_step() == SEND, "Resume did nothing with no file loaded"
    assert window.primary_button.text().startswith("Continue sending")
    person.next()
    wait_until(lambda: not window.resume_banner.isVisible(), 10, "the banner to go: its run is being continued")
    wait_until(lambda: not window.send_screen.is_running(), 60, "the resumed run")
    message = window.message_bar.label.text()
    assert "moved.csv is no longer at" in message and message.count(".") <= 3, message
    assert_every_lead_once()
    results = window.results_screen
    wait_until(lambda: not results.is_loading(), 10, "the results")
    with open(os.path.join(results.current_run.results_dir, "results.csv"), encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert len(rows) == LEADS + 1  # every row's outcome, from the journal, without the file's cells


def test_retry_failed_and_resend_uncertain_from_a_fresh_window(app, qtbot, monkeypatch, tmp_path):
    """A run that ended with a failed lead (a 500) and an uncertain one (no answer, with an action):
    a new window, with nothing loaded, retries and re-sends them from Results."""
    tune = sandbox_link.tune_for_sandbox

    def one_attempt(settings):
        tune(settings)
        settings.max_attempts, settings.read_timeout = 1, 0.5

    monkeypatch.setattr(sandbox_link, "tune_for_sandbox", one_attempt)
    sheet = tmp_path / "visits.csv"
    sheet.write_text("Full Name,Mobile No.,Visit Notes\n" + "".join(
        f"Lead {i},98{i:08d},Visited stall {i}\n" for i in range(6)), encoding="utf-8")
    (tmp_path / "visits.mapping.json").write_text(json.dumps({"format": "telecrm-mapping/1", "columns": {
        "Full Name": {"to": "fields.name"}, "Mobile No.": {"to": "fields.phone"},
        "Visit Notes": {"to": "actions.ACTION_1001.note"}}}), encoding="utf-8")
    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    person = Person(first, qtbot, monkeypatch)
    person.use_sandbox()
    person.open_file(sheet)
    person.to_map()
    person.to_review()
    person.next()
    server = sandbox_link.sandbox_server()
    server.set_faults(script=["500", "slow"], slow_seconds=1.5)
    person.send_and_wait()
    results = first.results_screen
    wait_until(lambda: first.current_step() == RESULTS and not results.is_loading(), 20, "the results")
    assert results.tiles["failed"].value() == 1 and results.tiles["uncertain"].value() == 1
    first.close()

    try:
        window = fresh_window(qtbot)
        person = Person(window, qtbot, monkeypatch)
        assert window.session.sheet is None
        person.click(window.step_buttons[RESULTS])
        results = window.results_screen
        wait_until(lambda: not results.is_loading(), 10, "the history")
        person.click(results.retry_failed_button)
        assert window.current_step() == SEND, "Retry failed did nothing with no file loaded"
        person.next()
        wait_until(lambda: window.current_step() == RESULTS and not results.is_loading(), 30, "the retry")
        assert not results.tiles["failed"].value() and results.tiles["uncertain"].value() == 1
        person.click(results.resend_uncertain_button)
        assert window.current_step() == SEND
        person.next()
        wait_until(lambda: window.current_step() == RESULTS and not results.is_loading(), 30, "the re-send")
        assert results.tiles["queued"].value() == 6
        assert not results.tiles["uncertain"].value() and not results.tiles["failed"].value()
        # the uncertain lead had arrived before: sent again on request, its action twice (as warned)
        already_there = len(server.workspace.definition.get("existingLeads", []))  # the practice workspace's own
        assert server.state.queued == 7 and len(server.state.leads()) == 6 + already_there
        # result files from the run's own file, read again
        with open(os.path.join(results.current_run.results_dir, "results.csv"), encoding="utf-8-sig") as f:
            assert "Visited stall 0" in f.read()
    finally:
        sandbox_link.stop_sandbox()
