"""The Results step on a run of 20,000 rows: the filter shows each outcome's rows (read from the
journal, a page at a time), Ctrl+End shows the last row, and the table never holds the whole run."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from bench.results_run import build_run, status_of
from telecrm_desktop.core import paths
from telecrm_desktop.core.send.journal import Journal
from telecrm_desktop.gui.bridge.outcome_pages import PAGE_ROWS
from telecrm_desktop.gui.main_window import RESULTS
from telecrm_desktop.gui.screens.results_screen import FILTERS

ROWS = 20_000


@pytest.fixture
def results(window, qtbot):
    with Journal(paths.journal_path()) as journal:
        build_run(journal, ROWS)
    qtbot.mouseClick(window.step_buttons[RESULTS], Qt.MouseButton.LeftButton)
    screen = window.results_screen
    qtbot.waitUntil(lambda: not screen.is_loading(), timeout=20_000)
    return screen


def _rows_with(status):
    return [i + 2 for i in range(ROWS) if status is None or status_of(i) == status]


def _shown(qtbot, model, row):
    """The spreadsheet row shown on table row `row`, once its page has been read."""
    qtbot.waitUntil(lambda: model.data(model.index(row, 0)) != model.PLACEHOLDER, timeout=10_000)
    return int(model.data(model.index(row, 0)))


def _click_first_row(qtbot, view):
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(view.model().index(0, 1)).center())
    assert view.currentIndex().row() == 0


def test_each_filter_shows_its_rows_down_to_the_last(results, qtbot):
    model, view = results.model, results.view
    assert f"{ROWS:,} rows" in results.run_label.text()
    assert results.tiles["failed"].value() == len(_rows_with("failed")) == 200
    assert results.retry_failed_button.isEnabled() and results.resend_uncertain_button.isEnabled()
    results.filter_combo.setFocus()
    for index, (_text, status) in enumerate(FILTERS):
        if index:
            qtbot.keyClick(results.filter_combo, Qt.Key.Key_Down)  # the next filter, as a person picks it
        assert results.filter_combo.currentData() == status
        wanted = _rows_with(status)
        assert model.rowCount() == len(wanted), status
        if not wanted:
            continue
        assert _shown(qtbot, model, 0) == wanted[0]
        outcome = model.data(model.index(0, 3))
        assert outcome == (status or "queued")
        _click_first_row(qtbot, view)
        qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        last = len(wanted) - 1
        assert view.currentIndex().row() == last
        assert _shown(qtbot, model, last) == wanted[-1], status
        if status is not None:
            assert model.data(model.index(last, 3)) == status
        middle = len(wanted) // 2 + 7  # somewhere in a page of its own
        view.scrollTo(model.index(middle, 0))
        assert _shown(qtbot, model, middle) == wanted[middle]


def test_the_table_holds_a_few_pages_whatever_is_scrolled(results, qtbot):
    model, view = results.model, results.view
    read_before = model.reader.rows_read
    _click_first_row(qtbot, view)
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert _shown(qtbot, model, ROWS - 1) == ROWS + 1
    # the jump read the last page only, not the 19,500 rows before it
    assert model.reader.rows_read - read_before <= 2 * PAGE_ROWS
    bar = view.verticalScrollBar()
    for value in range(bar.maximum(), 0, -max(1, bar.maximum() // 60)):  # scrolled back up to the top
        bar.setValue(value)
        qtbot.wait(1)
    bar.setValue(0)
    assert _shown(qtbot, model, 0) == 2
    assert model.held() <= model.CACHED_PAGES * PAGE_ROWS < ROWS


def test_first_and_last_rows_show_before_the_page_starts_are_read(window, qtbot, monkeypatch):
    # at a million rows finding where every page starts takes seconds: the first screen and a jump
    # to the last row must not wait for it
    import threading

    from telecrm_desktop.gui.bridge import outcome_pages

    release = threading.Event()
    original = outcome_pages.read_page_starts

    def slow_starts(*args):
        release.wait(30)
        return original(*args)

    monkeypatch.setattr(outcome_pages, "read_page_starts", slow_starts)
    with Journal(paths.journal_path()) as journal:
        build_run(journal, ROWS)
    qtbot.mouseClick(window.step_buttons[RESULTS], Qt.MouseButton.LeftButton)
    screen = window.results_screen
    model, view = screen.model, screen.view
    try:
        qtbot.waitUntil(lambda: model.rowCount() == ROWS, timeout=20_000)
        assert screen.is_loading()  # the page starts are still being read
        assert _shown(qtbot, model, 0) == 2
        _click_first_row(qtbot, view)
        qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        assert _shown(qtbot, model, ROWS - 1) == ROWS + 1
        assert model.data(model.index(ROWS - 1, 3)) == status_of(ROWS - 1)
        assert screen.is_loading()
        middle = ROWS // 2
        assert model.data(model.index(middle, 0)) == model.PLACEHOLDER  # waits for the page starts
    finally:
        release.set()
    qtbot.waitUntil(lambda: not screen.is_loading(), timeout=20_000)
    view.scrollTo(model.index(middle, 0))
    assert _shown(qtbot, model, middle) == middle + 2
