"""A file handed to the app on its command line ("Open with" in Explorer, a double-click in a file
manager) opens, also on the very first start, before any workspace has been chosen."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Qt

from telecrm_desktop import assets


def test_a_file_named_before_a_workspace_is_chosen_opens_once_one_is(window, qtbot, tmp_path):
    path = tmp_path / "Zo\u00eb Smith" / "Expo leads 2026" / "visitors \u0141\u00f3d\u017a.csv"
    path.parent.mkdir(parents=True)
    shutil.copyfile(assets.sample_sheet(), path)

    window.open_path(str(path))  # what app.main does with the file on its command line
    assert window.session.sheet is None
    assert path.name in window.message_bar.label.text()  # the window says what happens next

    qtbot.mouseClick(window.workspace_screen.sandbox_radio, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.sheet is not None and window.session.sheet.complete, timeout=30_000)
    assert window.session.sheet.path == path
    assert len(window.session.sheet.rows) == 30
    # the note about the waiting file is gone
    assert not window.message_bar.isVisible() or "opens next" not in window.message_bar.label.text()


def test_with_a_workspace_chosen_the_file_opens_at_once(window, qtbot, tmp_path):
    path = tmp_path / "Expo leads.csv"
    shutil.copyfile(assets.sample_sheet(), path)
    qtbot.mouseClick(window.workspace_screen.sandbox_radio, Qt.MouseButton.LeftButton)

    window.open_path(str(path))
    qtbot.waitUntil(lambda: window.session.sheet is not None and window.session.sheet.complete, timeout=30_000)
    assert window.session.sheet.path == path
