"""The Send screen's numbers always describe the run on screen, counted from the journal."""

import pytest

from telecrm_desktop.gui.bridge import sandbox_link
from telecrm_desktop.gui.flow_driver import wait_until
from telecrm_desktop.gui.main_window import OPEN, RESULTS, SEND

from tests.gui.acceptance.conftest import write_leads


@pytest.fixture
def slow_sandbox(monkeypatch):
    monkeypatch.setattr(sandbox_link, "SANDBOX_RATE_PER_WINDOW", 5)
    monkeypatch.setattr(sandbox_link, "SANDBOX_WINDOW", 1.0)


def test_a_new_file_does_not_show_the_previous_runs_numbers(window, person, tmp_path):
    person.use_sandbox()
    person.open_file(write_leads(tmp_path / "first.csv", 3))
    person.to_map()
    person.to_review()
    person.next()
    person.send_and_wait()
    assert window.current_step() == RESULTS
    person.next()  # Import another file
    assert window.current_step() == OPEN
    person.open_file(write_leads(tmp_path / "second.csv", 6))
    person.to_map()
    person.to_review()
    person.next()
    send = window.send_screen
    assert window.current_step() == SEND
    assert send.plan_label.text().startswith("Ready to send 6 leads")
    assert send.queued_tile.value() is None  # not the 3 of the first run
    assert send.progress.value() == 0
    assert send.token_list.count() == 0 and send.event_list.count() == 0
    assert not send.rate_label.text().strip()


def test_cancel_then_continue_counts_on_from_the_journal(window, person, qtbot, tmp_path, slow_sandbox):
    person.use_sandbox()
    person.open_file(write_leads(tmp_path / "slow.csv", 24))
    person.to_map()
    person.to_review()
    person.next()
    send = window.send_screen
    person.next()  # Send
    wait_until(lambda: (send.queued_tile.value() or 0) >= 3, 30, "the first leads to be queued")

    person.click(send.pause_button)
    wait_until(lambda: send.rate_label.text().startswith("Paused"), 10, "the pause")
    assert window.primary_button.text() == "Paused"  # not "Sending…"
    assert "paused" in send.token_list.item(0).text()
    person.click(send.pause_button)  # Resume
    wait_until(lambda: not send.rate_label.text().startswith("Paused"), 10, "the engine to resume")

    person.click(send.cancel_button)
    wait_until(lambda: not send.is_running(), 20, "the run to stop")
    queued = send.queued_tile.value()
    assert 3 <= queued < 24
    assert send.pending_tile.value() == 24 - queued
    assert send.progress.value() == queued and send.progress.maximum() == 24
    for i in range(send.token_list.count()):  # no request leaves once the run is cancelled
        assert "sending" not in send.token_list.item(i).text()
    assert window.primary_button.text().startswith("Continue sending")

    person.next()  # Continue sending
    wait_until(lambda: send.token_list.count() > 0, 20, "the run to be prepared")
    assert send.queued_tile.value() >= queued  # the run's numbers go on, they do not restart at zero
    assert send.progress.value() >= queued and send.progress.maximum() == 24
    wait_until(lambda: not send.is_running(), 60, "the continued run to finish")
    assert send.queued_tile.value() == 24 and send.pending_tile.value() == 0
    assert send.progress.value() == 24
    assert sandbox_link.sandbox_server().state.queued == 24
