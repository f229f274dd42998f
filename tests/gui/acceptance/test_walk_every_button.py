"""One person's walk through the whole app, pressing every button of every screen at least once,
Back from every step, and every step button; file dialogs, message boxes and the desktop's file
browser are answered by patches. At the end, every button of the window must have been pressed
(a few named below are pressed by their own acceptance tests, where their state is set up)."""

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLineEdit, QMenuBar, QMessageBox

from telecrm_desktop.gui.bridge import sandbox_link
from telecrm_desktop.gui.flow_driver import wait_until
from telecrm_desktop.gui.main_window import MAP, OPEN, RESULTS, REVIEW, SEND, WORKSPACE, MainWindow

from tests.gui.acceptance.conftest import HEADERS, click_cell, view_row_of, write_leads

PHONE = 1 + HEADERS.index("Mobile No.")

# pressed elsewhere, where the state that shows them is set up
PRESSED_ELSEWHERE = {
    "map_screen.fix_button": "test_partial_template.py (a template the workspace does not fully fit)",
    "review_screen.fix_button": "test_review_fix_loop.py (a dropdown value with a near match, then Ctrl+Z)",
    "resume_banner.continue_button": "test_resume_after_kill.py (a run killed mid-send)",
    # issue 18's controls, pressed against a real-workspace stand-in with a real keyring
    "AddressesCard: Change…": "test_real_workspace_setup.py (an address chosen in the app, refused, reset)",
    "AddressesCard: Reset": "test_real_workspace_setup.py (back to telecrm's default)",
    "workspace_screen.move_tokens_button": "test_real_workspace_setup.py (a mistyped enterprise ID corrected)",
    "workspace_screen.show_schema_button": "test_real_workspace_review.py (the learnt schema looked at)",
    "MapScreen: Add another target…": "test_real_workspace_review.py (one column feeding a field and an action date)",
    "MapScreen: Keep the first target only": "test_real_workspace_review.py (the extra target taken away)",
    "ReplaceValueBar: Replace": "test_real_workspace_review.py (a dropdown value replaced in every row)",
    "review_screen.send_without_box": "test_real_workspace_review.py (a lead sent without its bad rating)",
    # issue 13's card on the Review step, pressed against the sandbox's existing leads
    "ExistingLeadsPanel: Look up existing leads": "test_existing_leads.py (the lookup, then each count's filter)",
    "ExistingLeadsPanel: Cancel": "test_existing_leads.py (a lookup cancelled half-way)",
    "QWidget: new leads": "test_existing_leads.py (the new leads' filter)",
    "QWidget: existing leads that change": "test_existing_leads.py (the changing leads' filter and comparison)",
    "QWidget: existing leads identical": "test_existing_leads.py (the identical leads' filter)",
    "QWidget: skipped by the import mode": "test_existing_leads.py (the skipped leads' filter)",
    # issue 14 and the rest of issue 12
    "NetworkGroup: Choose…": "test_network_settings.py (a company certificate chosen through the dialog)",
    "window.background_send_indicator": "test_wizard_ux.py (the send seen from another step, then shown again)",
}
# the token buttons: pressed with a real keyring in test_real_workspace_setup.py and test_workspace_screen.py
TOKEN_BUTTONS = {"add_async_button", "add_sync_button", "rename_button", "remove_button"}


def button_names(window):
    """Every button of the window, named `owner.attribute` when a screen keeps it, else by its text."""
    names = {}
    owners = {"window": window, "resume_banner": window.resume_banner, "message_bar": window.message_bar}
    owners.update({type(s).__name__[0].lower() + "".join("_" + c.lower() if c.isupper() else c
                                                          for c in type(s).__name__[1:]): s for s in window.screens})
    for owner_name, owner in owners.items():
        for attribute, value in vars(owner).items():
            if isinstance(value, QAbstractButton):
                names[value] = f"{owner_name}.{attribute}"
            elif isinstance(value, list) and value and all(isinstance(v, QAbstractButton) for v in value):
                for i, button in enumerate(value):
                    names[button] = f"{owner_name}.{attribute}[{i}]"
    for button in window.findChildren(QAbstractButton):
        if isinstance(button.parent(), (QAbstractItemView, QMenuBar)):
            continue  # a table's corner button (select all), the menu bar's overflow arrow: Qt's, not the app's
        names.setdefault(button, f"{type(button.parent()).__name__}: {button.text() or button.toolTip()}")
    return names


def test_walk_every_button(window, person, qtbot, monkeypatch, tmp_path):
    monkeypatch.setattr(sandbox_link, "SANDBOX_RATE_PER_WINDOW", 5)
    monkeypatch.setattr(sandbox_link, "SANDBOX_WINDOW", 1.0)
    tune = sandbox_link.tune_for_sandbox

    def one_attempt(settings):  # a 500 answer fails the lead at once instead of after 8 tries
        tune(settings)
        settings.max_attempts = 1
        settings.read_timeout = 0.5  # a slow answer is no answer

    monkeypatch.setattr(sandbox_link, "tune_for_sandbox", one_attempt)
    monkeypatch.setattr(QMessageBox, "about", staticmethod(lambda *a: None))
    opened_urls = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened_urls.append(url) or True))

    names = button_names(window)
    pressed = set()
    for button, name in names.items():
        button.clicked.connect(lambda *_, name=name: pressed.add(name))
    w = window

    # ----- Workspace -----
    assert w.current_step() == WORKSPACE
    person.click(w.workspace_screen.try_sandbox_button)  # first run: the sandbox and its sample sheet
    wait_until(lambda: w.session.sheet is not None and w.session.sheet.complete, 30, "the sample")
    assert w.current_step() == OPEN
    person.back()
    assert w.current_step() == WORKSPACE
    wait_until(lambda: not w.workspace_screen.is_learning_schema(), 30, "the sandbox's fields")
    person.click(w.workspace_screen.real_radio)
    person.click(w.workspace_screen.sandbox_radio)
    wait_until(lambda: not w.workspace_screen.is_learning_schema(), 30, "the sandbox's fields")
    person.click(w.workspace_screen.schema_button)
    wait_until(lambda: not w.workspace_screen.is_learning_schema(), 30, "the fields again")
    person.click(w.step_buttons[WORKSPACE])
    person.click([b for b in w.findChildren(QAbstractButton) if b.text() == "About"][0])
    person.next()

    # ----- Open -----
    assert w.current_step() == OPEN
    sheet = write_leads(tmp_path / "walk.csv", 30, bad=(2,), duplicate_of=0)  # long enough to pause and cancel
    person.answer_open(sheet)
    person.click(w.open_screen.change_button)
    wait_until(lambda: not w.open_screen.is_loading() and w.session.sheet.path == sheet, 30, "walk.csv")
    person.click(w.step_buttons[OPEN])
    person.back()
    assert w.current_step() == WORKSPACE
    person.next()
    person.to_map()

    # ----- Map -----
    map_screen = w.map_screen
    person.click(map_screen.suggest_button)
    add, remove = [b for b in map_screen.findChildren(QAbstractButton) if b.text() in ("Add", "Remove")]
    constants = map_screen.constants_model
    person.click(add)  # a constant: every lead gets the same company name
    type_in_editor(qtbot, map_screen.constants_view, "fields.company_name")
    qtbot.waitUntil(lambda: constants.rows[0][0] == "fields.company_name")
    click_cell(qtbot, map_screen.constants_view, 0, 1)
    qtbot.keyClick(map_screen.constants_view, Qt.Key.Key_F2)
    type_in_editor(qtbot, map_screen.constants_view, "Expo 2026")
    qtbot.waitUntil(lambda: constants.constants() == {"fields.company_name": "Expo 2026"})
    person.click(add)
    qtbot.keyClick([e for e in map_screen.constants_view.viewport().findChildren(QLineEdit) if e.isVisible()][0],
                   Qt.Key.Key_Escape)
    map_screen.constants_view.setCurrentIndex(map_screen.constants_model.index(1, 0))
    person.click(remove)
    assert map_screen.constants_model.constants() == {"fields.company_name": "Expo 2026"}
    template = tmp_path / "walk-template.json"
    person.answer_save(template)
    person.click(map_screen.save_button)
    assert template.exists(), w.message_bar.label.text()
    # edited outside the app: City becomes a Site Visit note, so the leads carry an action
    data = json.loads(template.read_text(encoding="utf-8"))
    data["columns"]["City"] = {"to": "actions.ACTION_1001.note"}
    template.write_text(json.dumps(data), encoding="utf-8")
    person.answer_open(template)
    person.click(map_screen.load_button)
    assert w.session.mapping is not None, w.message_bar.label.text()
    assert map_screen.model.target_paths(HEADERS.index("City")) == ["actions.ACTION_1001.note"]
    person.click(w.step_buttons[MAP])
    person.back()
    assert w.current_step() == OPEN
    person.to_map()
    person.to_review()

    # ----- Review -----
    review = w.review_screen
    person.click(review.next_problem_button)
    assert review.view.currentIndex().isValid()
    qtbot.keyClick(review.view, Qt.Key.Key_F2)
    type_in_editor(qtbot, review.view, "9876500004")
    qtbot.waitUntil(lambda: bool(w.session.edits))
    person.click(review.undo_button)
    assert not w.session.edits
    click_cell(qtbot, review.view, view_row_of(review, 4), PHONE)
    qtbot.keyClick(review.view, Qt.Key.Key_F2)
    type_in_editor(qtbot, review.view, "9876500004")
    qtbot.waitUntil(lambda: bool(w.session.edits))
    person.click(review.revert_button)
    assert not w.session.edits
    click_cell(qtbot, review.view, view_row_of(review, 3), PHONE)
    person.click(review.exclude_button)
    person.click(review.include_button)
    person.click(review.exclude_button)  # row 3 stays left out
    wait_until(lambda: w.session.check is not None and not review.is_checking(), 30, "the check")
    person.click(w.step_buttons[REVIEW])
    person.back()
    assert w.current_step() == MAP
    person.next()
    wait_until(lambda: w.session.check is not None and not review.is_checking(), 30, "the check")
    person.next()

    # ----- Send: paused, resumed, cancelled -----
    send = w.send_screen
    assert w.current_step() == SEND
    for check in (send.resend_uncertain_check, send.send_all_check):  # on, then off again
        person.click(check)
        person.click(check)
        assert not check.isChecked()
    person.next()
    wait_until(lambda: (send.queued_tile.value() or 0) >= 2, 30, "the first leads")
    person.click(send.pause_button)
    person.click(send.pause_button)
    person.click(send.cancel_button)
    wait_until(lambda: not send.is_running(), 30, "the cancel")
    assert send.pending_tile.value() > 0
    person.back()
    assert w.current_step() == REVIEW
    person.click(w.step_buttons[SEND])
    person.click(w.step_buttons[RESULTS])

    # ----- Results: resume the cancelled run, then retry failed and re-send uncertain -----
    results = w.results_screen
    wait_until(lambda: not results.is_loading(), 10, "the results")
    assert results.tiles["pending"].value() > 0 and results.tiles["left out"].value() == 1
    # the resumed run's first lead gets a 500 (failed), its second no answer (uncertain)
    sandbox_link.sandbox_server().set_faults(script=["500", "slow"], slow_seconds=1.5)
    person.click(results.resume_button)
    assert w.current_step() == SEND
    person.next()
    wait_until(lambda: not send.is_running() and w.current_step() == RESULTS, 60, "the resumed run")
    wait_until(lambda: not results.is_loading(), 10, "the results")
    assert results.tiles["failed"].value() and results.tiles["uncertain"].value(), {
        k: t.value() for k, t in results.tiles.items()}
    person.click(results.retry_failed_button)
    person.next()
    wait_until(lambda: not send.is_running() and w.current_step() == RESULTS, 30, "the retry")
    wait_until(lambda: not results.is_loading(), 10, "the results")
    assert not results.tiles["failed"].value()
    person.click(results.resend_uncertain_button)
    person.next()
    wait_until(lambda: not send.is_running() and w.current_step() == RESULTS, 30, "the re-send")
    wait_until(lambda: not results.is_loading(), 10, "the results")
    assert not results.tiles["uncertain"].value() and results.tiles["queued"].value() == 28
    results.filter_combo.setFocus()
    qtbot.keyClick(results.filter_combo, Qt.Key.Key_Down)
    assert results.model.rowCount() == 28  # 30 rows: one invalid, one left out
    if not results.landed_button.isEnabled():
        person.click(w.step_buttons[RESULTS])
    person.click(results.landed_button)
    wait_until(lambda: not results.is_checking_landed(), 30, "the landed check")
    assert "landed" in results.landed_label.text()
    folder = tmp_path / "exported"
    folder.mkdir()
    person.answer_folder(folder)
    person.click(results.export_button)
    assert any(folder.iterdir())
    person.click(results.open_folder_button)
    assert opened_urls
    person.back()
    assert w.current_step() == SEND
    person.click(w.step_buttons[RESULTS])
    wait_until(lambda: not results.is_loading(), 10, "the results")
    person.next()  # Import another file
    assert w.current_step() == OPEN
    person.click(w.step_buttons[WORKSPACE])

    # ----- a message closed; the launch banner of a fresh window dismissed -----
    w.show_message("info", "A sentence to close.")
    person.click(names_by_name(names)["message_bar: ✕"] if "message_bar: ✕" in names.values()
                 else [b for b, n in names.items() if n.startswith("MessageBar")][0])
    assert not w.message_bar.isVisible()
    run_with_pending(w, person, tmp_path)
    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    wait_until(lambda: not second.resume_banner.is_looking(), 10, "the journal")
    second_names = button_names(second)
    for button, name in second_names.items():
        button.clicked.connect(lambda *_, name=name: pressed.add(name))
    assert second.current_step() == OPEN and second.open_screen.browse_button.isVisible()
    person.answer_open("")  # the dialog cancelled: nothing happens
    qtbot.mouseClick(second.open_screen.browse_button, Qt.MouseButton.LeftButton)
    assert second.session.sheet is None
    qtbot.mouseClick(second.open_screen.sample_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: second.session.sheet is not None and second.session.sheet.complete, 30, "the sample")
    assert second.resume_banner.isVisible()
    close = [b for b in second.resume_banner.findChildren(QAbstractButton) if b.text() == "✕"][0]
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not second.resume_banner.isVisible()
    pressed.add("ResumeBanner: ✕")

    # ----- every button was pressed -----
    missed = sorted(n for n in names.values()
                    if n not in pressed and n not in PRESSED_ELSEWHERE and n.split(".")[-1] not in TOKEN_BUTTONS)
    assert missed == [], "\n".join(missed)


def type_in_editor(qtbot, view, text):
    editors = [e for e in view.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1, editors
    editors[0].selectAll()
    qtbot.keyClicks(editors[0], text)
    qtbot.keyClick(editors[0], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not [e for e in view.viewport().findChildren(QLineEdit) if e.isVisible()])


def names_by_name(names):
    return {n: b for b, n in names.items()}


def run_with_pending(w, person, tmp_path):
    """A run cancelled early, so that a fresh window has something to offer to continue."""
    send = w.send_screen
    person.next()  # to Open
    person.open_file(write_leads(tmp_path / "later.csv", 40))
    person.to_map()
    person.to_review()
    person.next()
    person.next()
    wait_until(lambda: (send.queued_tile.value() or 0) >= 1, 30, "a first lead")
    person.click(send.cancel_button)
    wait_until(lambda: not send.is_running(), 30, "the cancel")
