"""The window: first-run sample button, drag and drop, step navigation, geometry remembered."""

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from telecrm_desktop.gui.flow_driver import wait_until
from telecrm_desktop.gui.main_window import MAP, OPEN, WORKSPACE, MainWindow
from telecrm_desktop.gui.settings import app_settings

from tests.gui.test_flow import write_leads


def test_first_run_button_opens_the_sample_on_the_sandbox(window, qtbot):
    qtbot.mouseClick(window.workspace_screen.try_sandbox_button, Qt.MouseButton.LeftButton)
    assert window.session.workspace.use_sandbox
    assert window.current_step() == OPEN
    wait_until(lambda: window.session.sheet is not None and window.session.sheet.complete, 30, "the sample")
    assert window.session.sheet.path.name.startswith("leads-sample")
    window.go_to(MAP)
    assert window.current_step() == MAP and window.map_screen.is_filling()  # shown first, filled next
    wait_until(lambda: not window.map_screen.is_filling(), 5, "the suggested mapping")
    assert window.session.mapping is not None
    window.go_to(WORKSPACE)  # every step reachable back
    assert window.current_step() == WORKSPACE


def test_a_file_dropped_on_the_window_is_opened(window, qtbot, tmp_path):
    window.workspace_screen.sandbox_radio.setChecked(True)
    path = write_leads(tmp_path / "dropped.csv", 4)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(QPoint(50, 50)), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    wait_until(lambda: window.session.sheet is not None and window.session.sheet.complete, 20, "the dropped file")
    assert window.session.sheet.path == path
    assert window.windowTitle().startswith("dropped.csv")


def test_steps_wait_for_what_they_need_and_geometry_is_kept(window, qtbot):
    window.workspace_screen.sandbox_radio.setChecked(True)
    window.go_to(MAP)  # no file yet: stays where it is
    assert window.current_step() == WORKSPACE
    assert not window.step_buttons[MAP].isEnabled()
    window.resize(700, 600)  # above the window's minimum height (the Review step's, about 540 px)
    window.close()
    assert app_settings().value("window/geometry") is not None
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.height() == 600  # (the width is held to the offscreen screen's 800 pixels)
    assert again.current_step() == OPEN  # a configured workspace starts on Open


def test_shortcuts(window, qtbot, tmp_path, monkeypatch):
    assert window.open_action.shortcut().toString() == "Ctrl+O"
    assert window.save_template_action.shortcut().toString() == "Ctrl+S"
    assert window.send_action.shortcut().toString() == "Ctrl+Return"
    window.workspace_screen.sandbox_radio.setChecked(True)
    path = write_leads(tmp_path / "keys.csv", 3)
    monkeypatch.setattr("telecrm_desktop.gui.screens.open_screen.QFileDialog.getOpenFileName",
                        lambda *a, **k: (str(path), ""))
    window.open_action.trigger()  # Ctrl+O: the file dialog, then the file is read
    wait_until(lambda: window.session.sheet is not None and window.session.sheet.complete, 20, "keys.csv")
    window.go_to(MAP)
    wait_until(lambda: not window.map_screen.is_filling(), 5, "the suggested mapping")
    saved = tmp_path / "keys.mapping.json"
    monkeypatch.setattr("telecrm_desktop.gui.screens.map_screen.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(saved), ""))
    window.save_template_action.trigger()  # Ctrl+S
    assert saved.exists()
    window.go_to(4 - 1)  # Review
    wait_until(lambda: window.session.check is not None and not window.review_screen.is_checking(), 20, "check")
    window.send_action.trigger()  # Ctrl+Return on Review: on to Send, and sending starts
    assert window.current_step() == 4
    wait_until(lambda: not window.send_screen.is_running(), 30, "the send")
    assert window.send_screen.worker_counts() == {"queued": 3}


def test_about_names_the_version_and_where_data_and_logs_live(window, tmp_path, monkeypatch):
    from telecrm_desktop import __version__
    from telecrm_desktop.core.paths import data_home

    text = window.about_text()
    assert __version__ in text
    assert str(data_home()) in text and "logs" in text


def test_started_with_sandbox_the_sample_is_open_on_the_practice_workspace(window):
    from telecrm_desktop.gui.app import start_on_sandbox

    start_on_sandbox(window)
    assert window.session.workspace.use_sandbox
    wait_until(lambda: window.session.sheet is not None and window.session.sheet.complete, 30, "the sample")
    assert window.session.sheet.path.name.startswith("leads-sample")


def test_a_screens_tables_are_painted_one_turn_after_the_screen(window, qtbot, tmp_path):
    """Entering a screen paints its chrome first and its tables (calls into Python per cell) in
    the next turn; the tables end up painted and live, and staying on a screen changes nothing."""
    window.workspace_screen.sandbox_radio.setChecked(True)
    path = write_leads(tmp_path / "turns.csv", 4)
    window.open_path(path)
    wait_until(lambda: window.session.sheet is not None and window.session.sheet.complete, 20, "turns.csv")
    preview = window.open_screen.preview_view
    window.go_to(MAP)
    window.go_to(OPEN)
    assert not preview.updatesEnabled()  # the screen first
    wait_until(preview.updatesEnabled, 5, "the preview's turn")
    window.go_to(OPEN)  # already there: nothing held back
    assert preview.updatesEnabled()
    assert window.open_screen.views_painted_later() == [preview]


def test_the_step_bar_names_a_workspace_only_once_its_id_is_whole(window, qtbot):
    edit = window.workspace_screen.enterprise_edit
    edit.setFocus()
    qtbot.keyClicks(edit, "66f6bc6faf29b5a6f29c9bb")  # 23 of 24 characters
    assert window.workspace_label.full_text() == "No workspace yet"
    qtbot.keyClicks(edit, "f")
    assert window.workspace_label.full_text() == "Workspace: 66f6bc6faf29b5a6f29c9bbf"
