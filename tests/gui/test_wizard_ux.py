"""What an import wizard is expected to do, pressed as a person presses it (issue 12): the date
order read from the file's dates, typing in "Send to", joined columns in the summary, the
confirmation before a real send, the background-send signs, menus, Enter and F1, banners."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QLineEdit

from telecrm_desktop.gui.flow_driver import wait_until
from telecrm_desktop.gui.main_window import MAP, OPEN
from tests.gui.dialogs import answer_dialog


def write_sheet(path, headers, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def open_by_clicks(window, qtbot, monkeypatch, path):
    """The sandbox chosen, the file picked through Browse, then the footer's Continue to Map."""
    ws = window.workspace_screen
    qtbot.mouseClick(ws.sandbox_radio, Qt.MouseButton.LeftButton)
    wait_until(lambda: not ws.is_learning_schema(), 30, "the sandbox's fields")
    window.go_to(OPEN)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    qtbot.mouseClick(window.open_screen.browse_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: not window.open_screen.is_loading() and window.session.sheet is not None
               and window.session.sheet.complete, 30, "the file to be read")
    qtbot.mouseClick(window.primary_button, Qt.MouseButton.LeftButton)
    assert window.current_step() == MAP
    wait_until(lambda: not window.map_screen.is_filling(), 30, "the suggested mapping")
    return window.map_screen


# ----- date order -----

def test_a_date_with_a_first_part_over_12_makes_the_order_day_first(window, qtbot, monkeypatch, tmp_path):
    rows = [[f"Lead {i}", f"98{i:08d}", d] for i, d in enumerate(["05/11/2026", "07/02/2026", "23/04/2026"])]
    path = write_sheet(tmp_path / "dmy.csv", ["Name", "Phone", "Follow-up Date"], rows)
    screen = open_by_clicks(window, qtbot, monkeypatch, path)
    assert screen.date_order_combo.currentData() == "DMY"
    note = screen.date_order_note.text()
    assert screen.date_order_note.isVisible() and "day first" in note and "23/04/2026" in note


def test_a_date_with_a_second_part_over_12_makes_the_order_month_first(window, qtbot, monkeypatch, tmp_path):
    rows = [[f"Lead {i}", f"98{i:08d}", d] for i, d in enumerate(["05/11/2026", "04/23/2026 10:30"])]
    path = write_sheet(tmp_path / "mdy.csv", ["Name", "Phone", "Follow-up Date"], rows)
    screen = open_by_clicks(window, qtbot, monkeypatch, path)
    assert screen.date_order_combo.currentData() == "MDY"  # used, not only said
    assert screen.session.mapping.date_order == "MDY"
    assert "month first" in screen.date_order_note.text()
    # choosing day first anyway: the note says what to set, in the words of the control
    combo = screen.date_order_combo
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Up)  # MDY -> DMY
    assert combo.currentData() == "DMY"
    assert "set the date order to MDY" in screen.date_order_note.text()
    assert any(combo.itemText(i).startswith("MDY") for i in range(combo.count()))


def test_ambiguous_dates_are_flagged(window, qtbot, monkeypatch, tmp_path):
    rows = [[f"Lead {i}", f"98{i:08d}", d] for i, d in enumerate(["05/11/2026", "03/04/2026"])]
    path = write_sheet(tmp_path / "either.csv", ["Name", "Phone", "Follow-up Date"], rows)
    screen = open_by_clicks(window, qtbot, monkeypatch, path)
    assert screen.date_order_combo.currentData() == "DMY"
    assert "fit both orders" in screen.date_order_note.text()


def test_the_date_error_hint_names_a_choice_of_the_control():
    from telecrm_desktop.core.convert import ConvertContext, ValueRejected, encode_value
    from telecrm_desktop.gui.screens.map_screen import DATE_ORDERS

    with pytest.raises(ValueRejected) as caught:
        encode_value("04/23/2026", "date", ConvertContext(date_order="DMY"))
    hint = caught.value.reason.rsplit("set the date order to ", 1)[1]
    assert any(label.startswith(hint) for _, label in DATE_ORDERS)


# ----- typing in "Send to" -----

def _target_editor(screen):
    from telecrm_desktop.gui.models.mapping_model import TARGET

    index = screen.view.currentIndex().siblingAtColumn(TARGET)
    editor = screen.view.indexWidget(index)
    return editor if isinstance(editor, QComboBox) else editor.parent()


def test_typing_in_send_to_replaces_the_target_and_an_exact_name_ranks_first(window, qtbot, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QApplication

    from telecrm_desktop.gui.models.mapping_model import TARGET

    path = write_sheet(tmp_path / "a.csv", ["Name", "Phone", "City"], [["Asha", "9876543210", "Pune"]])
    screen = open_by_clicks(window, qtbot, monkeypatch, path)
    model = screen.model
    city = model.headers.index("City")
    assert model.target_paths(city) == ["fields.city"]
    model.setData(model.index(model.headers.index("Name"), TARGET), "")  # so "name" is free to choose
    screen.view.setFocus()
    qtbot.mouseClick(screen.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=screen.view.visualRect(model.index(city, TARGET)).center())
    qtbot.keyClick(screen.view, "n")  # a key on the cell opens its editor with that key
    combo = _target_editor(screen)
    assert combo.lineEdit().text() == "n"  # replaced, not "City · fields.cityn"
    qtbot.keyClicks(QApplication.focusWidget() or combo.lineEdit(), "ame")
    assert combo.lineEdit().text() == "name"
    ranked = combo.completer().ranked
    assert ranked[0][1] == "fields.name"  # exact, above "Company Name" which only contains it
    assert any(p == "fields.company_name" for _, p in ranked[1:])
    combo.completer().popup().hide()
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: model.target_paths(city) == ["fields.name"], timeout=3000)
    assert window.current_step() == MAP  # Enter in a cell commits it; it does not move on


def test_a_partial_name_picks_the_best_match_on_return(window, qtbot, monkeypatch, tmp_path):
    from telecrm_desktop.gui.models.mapping_model import TARGET

    path = write_sheet(tmp_path / "a.csv", ["Name", "Phone", "Firm"], [["Asha", "9876543210", "Acme"]])
    screen = open_by_clicks(window, qtbot, monkeypatch, path)
    model = screen.model
    firm = model.headers.index("Firm")
    assert model.target_paths(firm) == []
    screen.view.setFocus()
    qtbot.mouseClick(screen.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=screen.view.visualRect(model.index(firm, TARGET)).center())
    qtbot.keyClick(screen.view, "c")
    combo = _target_editor(screen)
    qtbot.keyClicks(combo.lineEdit(), "ompany")
    combo.completer().popup().hide()
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: model.target_paths(firm) == ["fields.company_name"], timeout=3000)


# ----- the Map summary -----

def test_joined_columns_count_as_sent(window, qtbot, monkeypatch, tmp_path):
    path = write_sheet(tmp_path / "li.csv", ["First Name", "Last Name", "Phone Number", "Sr No"],
                       [["Asha", "Rao", "9876543210", "1"]])
    screen = open_by_clicks(window, qtbot, monkeypatch, path)
    assert screen.model.template["combined"]["fields.name"]["columns"] == ["First Name", "Last Name"]
    assert "4 columns: 3 sent, 1 ignored." in screen.summary_label.text()


# ----- the question before a real send -----

def test_a_real_workspace_is_asked_about_before_the_first_send(window, qtbot, monkeypatch, tmp_path):
    from telecrm_desktop.gui.bridge import sandbox_link
    from telecrm_desktop.gui.flow_driver import FlowDriver
    from telecrm_desktop.gui.main_window import SEND
    from tests.gui.test_flow import write_leads

    driver = FlowDriver(window, timeout=30)
    driver.use_sandbox()
    driver.open_file(write_leads(tmp_path / "expo.csv", 6))
    driver.accept_mapping()
    driver.review()
    # the same stand-in, now as a real workspace would be configured: its ID, its address, its tokens
    server = sandbox_link.sandbox_server()
    ws = window.session.workspace
    ws.use_sandbox, ws.enterprise_id, ws.base_url = False, server.enterprise_id, server.base_url
    monkeypatch.setenv("TELECRM_ASYNC_TOKENS", ",".join(t.value for t in server.async_tokens))
    window.go_to(SEND)

    seen: list[str] = []
    answer_dialog(qtbot, "confirmSend", seen=seen)  # Cancel
    qtbot.mouseClick(window.primary_button, Qt.MouseButton.LeftButton)
    assert seen and not window.send_screen.is_running()
    assert server.state.queued == 0
    text = seen[0]
    assert f"Send 6 leads to workspace {server.enterprise_id}?" in text
    assert f"{len(server.async_tokens)} token" in text and "this takes about" in text
    assert "cannot be undone" in text

    answer_dialog(qtbot, "confirmSend", "confirmSendButton", seen)
    qtbot.mouseClick(window.primary_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 2
    wait_until(lambda: window.send_screen._last_summary is not None and not window.send_screen.is_running(),
               60, "the send to finish")
    assert server.state.queued == 6


def test_the_sandbox_is_sent_to_without_a_question(window, qtbot, tmp_path):
    from telecrm_desktop.gui.bridge import sandbox_link
    from telecrm_desktop.gui.flow_driver import FlowDriver
    from telecrm_desktop.gui.main_window import SEND
    from tests.gui.test_flow import write_leads

    driver = FlowDriver(window, timeout=30)
    driver.use_sandbox()
    driver.open_file(write_leads(tmp_path / "expo.csv", 3))
    driver.accept_mapping()
    driver.review()
    window.go_to(SEND)
    qtbot.mouseClick(window.primary_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: window.send_screen._last_summary is not None and not window.send_screen.is_running(),
               60, "the send to finish")
    assert sandbox_link.sandbox_server().state.queued == 3


# ----- a send the person is not watching -----

def test_background_indicator_and_notification_when_a_long_send_ends(window, qtbot, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QSystemTrayIcon

    from telecrm_desktop.gui import notifications
    from telecrm_desktop.gui.bridge import sandbox_link
    from telecrm_desktop.gui.flow_driver import FlowDriver
    from telecrm_desktop.gui.main_window import REVIEW, SEND
    from tests.gui.test_flow import write_leads

    monkeypatch.setattr(sandbox_link, "SANDBOX_RATE_PER_WINDOW", 5)  # 4 leads a second per token
    monkeypatch.setattr(sandbox_link, "SANDBOX_WINDOW", 1.0)
    monkeypatch.setattr(notifications, "LONG_SEND_SECONDS", 0.0)
    shown: list[tuple] = []
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    monkeypatch.setattr(QSystemTrayIcon, "showMessage", lambda self, *args: shown.append(args[:2]))

    driver = FlowDriver(window, timeout=30)
    driver.use_sandbox()
    driver.open_file(write_leads(tmp_path / "expo.csv", 30))
    driver.accept_mapping()
    driver.review()
    window.go_to(SEND)
    indicator = window.background_send_indicator
    qtbot.mouseClick(window.primary_button, Qt.MouseButton.LeftButton)
    assert window.send_screen.is_running()
    assert not indicator.isVisible()  # the send is on screen
    qtbot.mouseClick(window.back_button, Qt.MouseButton.LeftButton)
    assert window.current_step() == REVIEW
    assert indicator.isVisible() and "Sending in the background" in indicator.text()
    qtbot.waitUntil(lambda: " of 30" in indicator.text(), timeout=10000)
    qtbot.mouseClick(indicator, Qt.MouseButton.LeftButton)
    assert window.current_step() == SEND and not indicator.isVisible()
    qtbot.mouseClick(window.back_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: not window.send_screen.is_running(), 60, "the send to finish")
    qtbot.waitUntil(lambda: not indicator.isVisible(), timeout=3000)
    assert shown and shown[-1][0] == "Send finished" and shown[-1][1].startswith("Done in")
    assert window.send_notifier.tray is not None


# ----- menus, Enter and F1 -----

def _menu(window, title):
    bar = window.menuBar()
    for action in bar.actions():
        if action.text().replace("&", "") == title:
            return action
    raise AssertionError(f"no {title} menu")


def _click_menu_item(qtbot, window, title, item_text):
    """Opens the menu with a click on the menu bar, then clicks the item, as a person does."""
    bar = window.menuBar()
    action = _menu(window, title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(action).center())
    menu = action.menu()
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    item = next(a for a in menu.actions() if a.text().replace("&", "").split("\t")[0] == item_text)
    assert item.isEnabled(), item_text
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(item).center())


def test_menus_list_every_shortcut(window):
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == ["File", "Edit", "View", "Help"]

    def shown(title):
        out = {}
        for a in _menu(window, title).menu().actions():
            if a.isSeparator():
                continue
            text, _, tab_keys = a.text().replace("&", "").partition("\t")
            out[text] = a.shortcut().toString() or tab_keys
        return out

    file = shown("File")
    assert file["Open a file…"] == "Ctrl+O" and file["Save template…"] == "Ctrl+S"
    assert file["Send"] == "Ctrl+Return" and file["Quit"] == "Ctrl+Q"
    assert shown("Edit")["Next problem"] == "F8"
    view = shown("View")
    assert view["3  Map columns"] == "Alt+3" and view["Next step"] == "Ctrl+PgDown"
    assert shown("Help")["Help"] == "F1"


def test_f1_opens_help_at_the_step_on_screen_not_about(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    abouts = []
    monkeypatch.setattr(QMessageBox, "about", staticmethod(lambda *a: abouts.append(a)))
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    help_window = window.help_window
    assert help_window.isVisible() and not abouts
    text = help_window.browser.toPlainText()
    assert "Workspace" in text and "Map columns" in text and "Ctrl+O" in text and "F8" in text
    help_window.close()
    _click_menu_item(qtbot, window, "Help", "About telecrm importer")
    assert abouts


def test_load_template_from_the_file_menu(window, qtbot, monkeypatch, tmp_path):
    import json

    path = write_sheet(tmp_path / "a.csv", ["Name", "Phone", "Firm"], [["Asha", "9876543210", "Acme"]])
    screen = open_by_clicks(window, qtbot, monkeypatch, path)
    template = tmp_path / "firm.json"
    template.write_text(json.dumps({"format": "telecrm-mapping/1", "columns": {
        "Phone": {"to": "fields.phone"}, "Firm": {"to": "fields.company_name"}}}), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(template), "")))
    window.go_to(OPEN)
    _click_menu_item(qtbot, window, "File", "Load template…")
    assert window.current_step() == MAP
    assert screen.model.target_paths(screen.model.headers.index("Firm")) == ["fields.company_name"]


def test_enter_presses_the_steps_main_button(window, qtbot, monkeypatch, tmp_path):
    from telecrm_desktop.gui.main_window import REVIEW

    path = write_sheet(tmp_path / "a.csv", ["Name", "Phone"], [["Asha", "9876543210"]])
    ws = window.workspace_screen
    qtbot.mouseClick(ws.sandbox_radio, Qt.MouseButton.LeftButton)
    wait_until(lambda: not ws.is_learning_schema(), 30, "the sandbox's fields")
    window.go_to(OPEN)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    qtbot.mouseClick(window.open_screen.browse_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: window.session.sheet is not None and window.session.sheet.complete, 30, "the file")
    spin = window.open_screen.header_spin
    spin.setFocus()
    qtbot.keyClick(spin.findChild(QLineEdit) or spin, Qt.Key.Key_Return)  # applies the header row
    assert window.current_step() == OPEN
    window.open_screen.preview_view.setFocus()
    qtbot.keyClick(window.open_screen.preview_view, Qt.Key.Key_Return)
    assert window.current_step() == MAP
    screen = window.map_screen
    wait_until(lambda: not screen.is_filling(), 30, "the suggested mapping")

    # Enter on a focused button presses that button, not the main one
    pressed = []
    screen.suggest_button.clicked.connect(lambda: pressed.append(True))
    screen.suggest_button.setFocus()
    qtbot.keyClick(screen.suggest_button, Qt.Key.Key_Return)
    assert pressed and window.current_step() == MAP

    screen.view.setFocus()
    qtbot.keyClick(screen.view, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert window.current_step() == REVIEW


# ----- banners -----

def test_an_error_banner_closes_when_its_screen_is_left(window, qtbot, monkeypatch, tmp_path):
    path = write_sheet(tmp_path / "a.csv", ["Name", "Phone"], [["Asha", "9876543210"]])
    open_by_clicks(window, qtbot, monkeypatch, path)
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(broken), "")))
    _click_menu_item(qtbot, window, "File", "Load template…")
    bar = window.message_bar
    assert bar.isVisible() and bar.kind == "error" and "broken.json" in bar.label.text()
    qtbot.mouseClick(window.map_screen.suggest_button, Qt.MouseButton.LeftButton)
    assert bar.isVisible()  # still on the screen it belongs to
    qtbot.mouseClick(window.back_button, Qt.MouseButton.LeftButton)
    assert window.current_step() == OPEN
    assert not bar.isVisible()


# ----- layout at 1024x700, at 100%, 125% and 150% -----

@pytest.mark.parametrize("scale", ["1", "1.25", "1.5"])
def test_every_step_fits_1024x700_and_the_window_never_widens(scale, tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": scale,
           "PYTHONPATH": str(root), "TELECRM_DESKTOP_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "tests.gui.layout_probe"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(report["steps"]) == 9
    for step, seen in report["steps"].items():
        assert (seen["width"], seen["height"]) == (1024, 700), f"{step} at {scale}: the window resized itself"
        assert seen["problems"] == [], f"{step} at {scale}"


def test_the_layout_probe_sees_a_widget_outside_the_window_and_a_cut_label(qtbot):
    from PySide6.QtWidgets import QLabel, QPushButton, QWidget

    from tests.gui.layout_probe import problems

    window = QWidget()
    qtbot.addWidget(window)
    window.resize(200, 100)
    QPushButton("Far away", window).move(300, 0)
    label = QLabel("a sentence long enough to need several lines at this width " * 3, window)
    label.setWordWrap(True)
    label.setGeometry(0, 0, 120, 20)
    window.show()
    found = problems(window)
    assert any("Far away" in p and "outside" in p for p in found)
    assert any("is cut" in p for p in found)


def test_the_workspace_name_is_cut_only_when_it_does_not_fit(window, qtbot):
    window.resize(1024, 700)
    label = window.workspace_label
    label.setText("No workspace yet")
    qtbot.wait(20)
    assert label.text() == "No workspace yet"
    label.setText("Workspace: " + "a-very-long-workspace-name-" * 12)
    qtbot.wait(20)
    assert window.width() == 1024
    assert "…" in label.text() and label.toolTip().endswith("name-")


# ----- suggestions on the sandbox workspace -----

def test_decorated_foreign_and_question_headers_get_the_workspaces_fields(window, qtbot, monkeypatch, tmp_path):
    headers = ["Naam", "Telefone", "Correo", "Shahar", "Budget (Rs)", "what_is_your_family_size?", "Firma"]
    row = ["Asha", "9876543210", "asha@example.com", "Pune", "25,00,000", "4", "Acme"]
    screen = open_by_clicks(window, qtbot, monkeypatch, write_sheet(tmp_path / "form.csv", headers, [row]))
    got = {h: screen.model.target_paths(i) for i, h in enumerate(screen.model.headers)}
    assert got == {"Naam": ["fields.name"], "Telefone": ["fields.phone"], "Correo": ["fields.email"],
                   "Shahar": ["fields.city"], "Budget (Rs)": ["fields.budget"],
                   "what_is_your_family_size?": ["fields.family_size"], "Firma": ["fields.company_name"]}
    assert "7 columns: 7 sent, 0 ignored." in screen.summary_label.text()


def test_a_click_on_the_ranked_list_chooses_that_target(window, qtbot, monkeypatch, tmp_path):
    from telecrm_desktop.gui.models.mapping_model import TARGET

    path = write_sheet(tmp_path / "a.csv", ["Name", "Phone", "Where"], [["Asha", "9876543210", "Pune"]])
    screen = open_by_clicks(window, qtbot, monkeypatch, path)
    model = screen.model
    where = model.headers.index("Where")
    screen.view.setFocus()
    qtbot.mouseClick(screen.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=screen.view.visualRect(model.index(where, TARGET)).center())
    qtbot.keyClick(screen.view, "c")
    combo = _target_editor(screen)
    qtbot.keyClicks(combo.lineEdit(), "ity")
    popup = combo.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    first = popup.model().index(0, 0)
    assert first.data().endswith("fields.city")
    qtbot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton, pos=popup.visualRect(first).center())
    qtbot.waitUntil(lambda: model.target_paths(where) == ["fields.city"], timeout=3000)


def test_edit_menu_shows_undo_and_it_undoes_a_fix_on_review(qtbot, monkeypatch):
    """Edit > Undo fix (shown with Ctrl+Z) reaches the Review screen's undo."""
    from telecrm_desktop.gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    calls = []
    monkeypatch.setattr(window.review_screen, "undo_last_fix", lambda: calls.append("undo"))
    monkeypatch.setattr(window, "step_available", lambda step: True)
    edit = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    texts = [a.text() for a in edit.actions()]
    assert "&Undo fix\tCtrl+Z" in texts
    window.undo_fix_action.trigger()
    assert calls == ["undo"]


def test_enter_after_trying_the_sandbox_moves_on_instead_of_pressing_a_leftover_button(window, qtbot, monkeypatch):
    """The sandbox button hides itself once pressed, and Qt hands its focus to the next button in
    the chain ("Open another file…" on the Open step): Enter must still mean the step's main button."""
    opened = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: opened.append(a) or ("", ""))
    window.activateWindow()
    qtbot.mouseClick(window.workspace_screen.try_sandbox_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: window.current_step() == OPEN and window.session.sheet is not None
               and window.session.sheet.complete and window.primary_button.isEnabled(), 30, "the sample")
    focus = window.focusWidget()
    qtbot.keyClick(focus if focus is not None else window, Qt.Key.Key_Return)
    wait_until(lambda: window.current_step() == MAP, 10, "the Map step")
    assert opened == []  # no file dialog was opened by that Enter
