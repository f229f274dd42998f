"""Existing leads in the app, on real widgets against the embedded sandbox (which holds a few existing
leads): the overwrite rule chosen in the mapping table, the import mode, the lookup off the GUI
thread, the counts and their filters, the side-by-side, and the requests that reach the sandbox."""

from __future__ import annotations

import csv

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from telecrm_desktop.gui.bridge import existing_leads as el
from telecrm_desktop.gui.flow_driver import FlowDriver, wait_until
from telecrm_desktop.gui.main_window import MAP
from telecrm_desktop.gui.models.mapping_model import OVERWRITE
from telecrm_desktop.gui.bridge.sandbox_link import sandbox_server

AARAV, DIYA, NEW_1, NEW_2 = "919845010021", "919845010058", "919811122201", "919811122202"


def write_sheet(path):
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Visitor Name", "Mobile No.", "City"])
        w.writerow(["Aarav Sharma", "98450 10021", "Bengaluru"])  # in telecrm with city Mysuru
        w.writerow(["Diya Patel", "98450 10058", "Mumbai"])  # in telecrm with these very values
        w.writerow(["Nila", "98111 22201", "Pune"])
        w.writerow(["Omar", "98111 22202", "Goa"])
    return path


def choose_in_cell(qtbot, view, row: int, column: int, entry: str) -> None:
    """Go to a cell, press F2 to open its drop-down, click an entry of the list, as a person does."""
    index = view.model().index(row, column)
    view.setFocus()
    view.setCurrentIndex(index)
    qtbot.keyClick(view, Qt.Key.Key_F2)
    combo = view.indexWidget(index) or view.focusWidget()
    assert isinstance(combo, QComboBox), "no drop-down opened"
    combo.showPopup()
    listed = combo.view()
    item = listed.model().index(combo.findText(entry), 0)
    qtbot.mouseClick(listed.viewport(), Qt.MouseButton.LeftButton, pos=listed.visualRect(item).center())


def test_overwrite_rule_mode_lookup_counts_and_requests(window, qtbot, tmp_path):
    server = sandbox_server()
    server.state.keep_requests = True
    driver = FlowDriver(window, timeout=30)
    driver.use_sandbox()
    driver.open_file(write_sheet(tmp_path / "expo.csv"))
    driver.accept_mapping()
    model = window.map_screen.model
    city_row = model.headers.index("City")
    assert model.target_paths(city_row) == ["fields.city"]
    assert model.data(model.index(city_row, OVERWRITE)) == "Update"
    phone_row = model.headers.index("Mobile No.")
    assert not model.flags(model.index(phone_row, OVERWRITE)) & Qt.ItemFlag.ItemIsEditable  # the identifier

    driver.review()
    panel = window.review_screen.existing_panel
    assert "Look them up to see which exist" in panel.status_label.text()
    qtbot.mouseClick(panel.lookup_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: panel.worker is None and window.session.existing_leads is not None, 30, "the lookup")
    assert [b.text() for b in panel.count_buttons.values()] == [
        "2 new leads", "1 existing leads that change", "1 existing leads identical", "0 skipped by the import mode"]
    qtbot.mouseClick(panel.count_buttons["changing"], Qt.MouseButton.LeftButton)
    assert panel.details.isVisible() and panel.leads_model.rowCount() == 1
    assert panel.leads_model.items[0][0].identifier == AARAV
    panel.leads_view.setCurrentIndex(panel.leads_model.index(0, 0))
    compare = panel.compare_model
    rows = [[compare.data(compare.index(r, c)) for c in range(3)] for r in range(compare.rowCount())]
    assert rows == [["city", "Mysuru", "Bengaluru"]]  # in telecrm now -> after this import
    searches = len(server.state.search_log())
    assert searches == 1

    # keep telecrm's city: Aarav's request would change nothing any more
    window.go_to(MAP)
    choose_in_cell(qtbot, window.map_screen.view, city_row, OVERWRITE, "Keep telecrm's")
    wait_until(lambda: model.data(model.index(city_row, OVERWRITE)) == "Keep telecrm's", 10, "the rule")
    wait_until(lambda: window.session.mapping is not None
               and window.session.mapping.overwrite_rules() == {"city": "never"}, 10, "the template to change")
    driver.review()
    assert "look them up before sending" in panel.status_label.text()
    qtbot.mouseClick(panel.lookup_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: panel.worker is None and el.current(window.session) is not None, 30, "the lookup")
    assert len(server.state.search_log()) == searches  # the leads looked up before are not asked again
    assert panel.count_buttons["identical"].text() == "2 existing leads identical"
    qtbot.mouseClick(panel.count_buttons["identical"], Qt.MouseButton.LeftButton)
    assert panel.leads_model.rowCount() == 2 and AARAV in {lead.identifier for lead, _ in panel.leads_model.items}

    panel.mode_combo.setCurrentIndex(panel.mode_combo.findData("new"))  # only create new leads
    wait_until(lambda: panel.worker is None and window.session.existing_leads.mode == "new", 30, "the new mode")
    assert panel.count_buttons["skipped"].text() == "2 skipped by the import mode"
    qtbot.mouseClick(panel.count_buttons["skipped"], Qt.MouseButton.LeftButton)
    assert panel.leads_model.rowCount() == 2 and AARAV in {lead.identifier for lead, _ in panel.leads_model.items}
    qtbot.mouseClick(panel.count_buttons["new"], Qt.MouseButton.LeftButton)
    assert {lead.identifier for lead, _ in panel.leads_model.items} == {NEW_1, NEW_2}

    # the question before a send to a real workspace states the same counts, and counts only what goes
    from telecrm_desktop.gui.screens.send_confirm import send_facts

    facts = send_facts(window.session, window.session.check_view.lead_count)
    assert facts.leads == 2
    assert facts.lines()[1] == ("Only create new leads: 2 new, 0 existing updated; not sent: 0 telecrm already "
                                "has as they are, 2 skipped by the import mode.")

    counts = driver.send()
    assert counts.get("queued") == 2 and counts.get("skipped") == 2
    assert len(server.state.search_log()) == searches  # the send looked nothing up again
    assert window.session.existing_leads is None  # telecrm changed: a later lookup asks afresh
    assert server.state.wait_processed(10)
    sent = {r["fields"]["phone"]: r for r in server.state.request_log()}
    assert set(sent) == {NEW_1, NEW_2}
    assert sent[NEW_1]["fields"]["city"] == "Pune"  # a new lead gets every value, whatever the rule

    driver.results()
    results = window.results_screen.model
    status = results.HEADERS.index("Outcome")
    shown = {results.data(results.index(r, 1)): results.data(results.index(r, status)) for r in range(results.rowCount())}
    assert shown == {AARAV: "skipped", DIYA: "skipped", NEW_1: "queued (created)", NEW_2: "queued (created)"}


def test_a_lookup_is_needed_before_sending_with_a_mode(window, qtbot, tmp_path):
    driver = FlowDriver(window, timeout=30)
    driver.use_sandbox()
    driver.open_file(write_sheet(tmp_path / "expo.csv"))
    driver.accept_mapping()
    driver.review()
    panel = window.review_screen.existing_panel
    panel.mode_combo.setCurrentIndex(panel.mode_combo.findData("existing"))
    from telecrm_desktop.gui.main_window import SEND

    window.go_to(SEND)
    assert "must be looked up on the Review step" in window.send_screen.plan_label.text()
    window.send_screen.start()
    wait_until(lambda: not window.send_screen.is_running(), 30, "the send to refuse")
    assert "look them up on the Review step first" in window.message_bar.label.text()
    assert sandbox_server().state.queued == 0


def test_the_lookup_runs_off_the_gui_thread_and_can_be_cancelled(window, qtbot, tmp_path):
    server = sandbox_server()
    server.set_sync_limit(1, 1.0)  # one lookup request a second: slow enough to press Cancel
    try:
        sheet = tmp_path / "many.csv"
        with sheet.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["Visitor Name", "Mobile No.", "City"])
            w.writerows([f"Lead {i}", f"97{i:08d}", "Pune"] for i in range(500))
        driver = FlowDriver(window, timeout=30)
        driver.use_sandbox()
        driver.open_file(sheet)
        driver.accept_mapping()
        driver.review()
        panel = window.review_screen.existing_panel
        qtbot.mouseClick(panel.lookup_button, Qt.MouseButton.LeftButton)
        assert panel.cancel_button.isVisible() and not panel.lookup_button.isEnabled()
        wait_until(lambda: "Looked up 100 of 500" in panel.status_label.text(), 30, "the first answers")
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
        wait_until(lambda: panel.worker is None, 30, "the lookup to stop")
        assert el.current(window.session) is None
        assert "cancelled" in window.message_bar.label.text()
        assert len(server.state.search_log()) < 5
    finally:
        server.set_sync_limit(None)


def test_without_a_sync_token_the_lookup_says_so_and_nothing_is_guessed(window, qtbot, tmp_path, monkeypatch):
    driver = FlowDriver(window, timeout=30)
    driver.use_sandbox()
    driver.open_file(write_sheet(tmp_path / "expo.csv"))
    driver.accept_mapping()
    driver.review()
    # a real workspace whose keyring holds no Sync token
    window.session.workspace.use_sandbox = False
    window.session.workspace.enterprise_id = "66f6bc6faf29b5a6f29c9bbf"
    monkeypatch.setattr("telecrm_desktop.core.secrets.load_sync_token", lambda enterprise: None)
    panel = window.review_screen.existing_panel
    qtbot.mouseClick(panel.lookup_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: panel.worker is None, 30, "the lookup to give up")
    assert "without a Sync token: add one on the Workspace step. Nothing was sent." in window.message_bar.label.text()
    assert el.current(window.session) is None and not panel.counts_row.isVisible()
