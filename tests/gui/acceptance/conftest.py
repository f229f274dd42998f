"""The acceptance suite presses what a person presses: real buttons by mouse, keys on the focused
widget, file dialogs answered by patching QFileDialog. Settings, journal and logs live in the
temporary data folder of tests/gui/conftest.py."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from telecrm_desktop.gui.flow_driver import wait_until
from tests.gui.test_flow import HEADERS, write_leads  # noqa: F401 (the acceptance tests import them from here)


class Person:
    """One person at the window: clicks, keys and answers to file dialogs."""

    def __init__(self, window, qtbot, monkeypatch):
        self.window, self.qtbot, self.monkeypatch = window, qtbot, monkeypatch

    def click(self, widget):
        assert widget.isVisible(), f"{widget.text() if hasattr(widget, 'text') else widget} is not visible"
        assert widget.isEnabled(), f"{widget.text() if hasattr(widget, 'text') else widget} is disabled"
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def next(self):
        self.click(self.window.primary_button)

    def back(self):
        self.click(self.window.back_button)

    def answer_open(self, path):
        self.monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))

    def answer_save(self, path):
        self.monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), "")))

    def answer_folder(self, path):
        self.monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(path)))

    def use_sandbox(self):
        ws = self.window.workspace_screen
        self.click(ws.sandbox_radio)
        wait_until(lambda: not ws.is_learning_schema(), 30, "the sandbox workspace's fields")
        self.next()  # on to Open
        assert self.window.current_step() == 1

    def open_file(self, path):
        """Open step: Browse… answered with `path`; waits for every row."""
        w = self.window
        screen = w.open_screen
        self.answer_open(path)
        button = screen.browse_button if screen.browse_button.isVisible() else screen.change_button
        self.click(button)
        wait_until(lambda: not screen.is_loading() and w.session.sheet is not None and w.session.sheet.complete,
                   30, f"{path.name} to be read")

    def to_map(self):
        self.next()
        wait_until(lambda: not self.window.map_screen.is_filling(), 30, "the mapping")

    def to_review(self):
        self.next()
        review = self.window.review_screen
        wait_until(lambda: self.window.session.check is not None and not review.is_checking(), 30, "the check")

    def send_and_wait(self, timeout=60):
        send = self.window.send_screen
        self.next()
        wait_until(lambda: not send.is_running(), timeout, "the send to end")


@pytest.fixture
def person(window, qtbot, monkeypatch):
    return Person(window, qtbot, monkeypatch)


def click_cell(qtbot, view, row, column):
    """A mouse click on a table cell (scrolled into view first, as a person would)."""
    index = view.model().index(row, column)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    return index


def view_row_of(review, number):
    model = review.model
    return model.view_row_of_position(model.position_of_number(number))
