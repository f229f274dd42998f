"""Map step: suggested targets, choosing a target by typing in the searchable list, type override,
constants, template save / load, and a saved template offered for a file with the same headers."""

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from telecrm_desktop.gui.flow_driver import FlowDriver
from telecrm_desktop.gui.main_window import MAP
from telecrm_desktop.gui.models.mapping_model import STATUS, TARGET, TYPE

from tests.gui.test_flow import HEADERS, write_leads


def open_and_map(window, path):
    driver = FlowDriver(window, timeout=30)
    driver.use_sandbox()
    driver.open_file(path)
    driver.accept_mapping()
    return window.map_screen


def test_choose_a_target_by_typing(window, qtbot, tmp_path):
    screen = open_and_map(window, write_leads(tmp_path / "a.csv", 5))
    model = screen.model
    city = HEADERS.index("City")
    index = model.index(city, TARGET)
    screen.view.setCurrentIndex(index)
    screen.view.edit(index)
    editor = screen.view.indexWidget(index) or screen.view.focusWidget()
    combo = editor if isinstance(editor, QComboBox) else editor.parent()
    assert isinstance(combo, QComboBox)
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert any("fields.company_name" in label for label in labels)  # the sandbox's own fields
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "fields.company_name")
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
    assert model.target_paths(city) == ["fields.company_name"]
    assert screen.session.mapping is not None
    assert screen.session.mapping.columns["City"][0].path == "fields.company_name"

    model.setData(model.index(city, TYPE), "text")
    assert model.data(model.index(city, TYPE)) == "text"
    assert "✓" in model.data(model.index(HEADERS.index("Mobile No."), STATUS))

    # ignoring a column leaves it out of the mapping
    model.setData(model.index(city, TARGET), "")
    assert screen.session.mapping.columns["City"] == []


def test_save_and_offer_template(window, qtbot, tmp_path):
    screen = open_and_map(window, write_leads(tmp_path / "a.csv", 5))
    screen._add_constant()
    constants = screen.constants_model
    assert constants.data(constants.index(0, 0)) == "fields."  # the new row's path, being edited
    assert screen.constants_view.state() == screen.constants_view.State.EditingState
    editor = screen.constants_view.indexWidget(constants.index(0, 0))
    editor.selectAll()
    qtbot.keyClicks(editor, "fields.contact_source")  # typed into the cell, committed by Return
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits in a queued call
    qtbot.waitUntil(lambda: constants.data(constants.index(0, 0)) == "fields.contact_source", timeout=2000)
    value = constants.index(0, 1)
    screen.constants_view.setCurrentIndex(value)
    screen.constants_view.edit(value)
    editor = screen.constants_view.indexWidget(value)
    qtbot.keyClicks(editor, "Expo 2026")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: constants.data(value) == "Expo 2026", timeout=2000)
    assert constants.rowCount() == 1
    assert screen.session.mapping.constants == {"fields.contact_source": "Expo 2026"}
    saved = screen.save_template(tmp_path / "expo.json")
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["format"] == "telecrm-mapping/1"
    assert data["columns"]["Mobile No."] == {"to": "fields.phone"} or data["columns"]["Mobile No."]["to"] == "fields.phone"
    assert data["constants"] == {"fields.contact_source": "Expo 2026"}

    # another file with the same headers: the saved template is offered (loaded) automatically
    window.open_screen.open_path(write_leads(tmp_path / "b.csv", 3))
    from telecrm_desktop.gui.flow_driver import wait_until

    wait_until(lambda: window.session.sheet is not None and window.session.sheet.complete
               and window.session.sheet.path.name == "b.csv", 20, "b.csv")
    window.go_to(MAP)
    wait_until(lambda: not screen.is_filling(), 5, "the template to be offered")
    assert "expo" in screen.origin_label.text().lower()
    assert screen.session.mapping.constants == {"fields.contact_source": "Expo 2026"}

    # loading a broken template says which key is wrong, and keeps the mapping on screen
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "telecrm-mapping/1", "columns": {"Mobile No.": {"to": "phone"}}}))
    messages = []
    screen.message.connect(lambda kind, text: messages.append((kind, text)))
    screen.load_template(bad)
    assert messages and messages[-1][0] == "error" and "columns" in messages[-1][1]
    assert screen.session.mapping is not None


def test_the_template_buttons_load_and_save_and_a_bug_is_not_shown_as_a_template_error(
        window, qtbot, tmp_path, monkeypatch):
    """Only MappingError (or a file that cannot be written) is the template's fault; anything else
    is a bug and reaches the crash report instead of a message that blames the file."""
    from PySide6.QtWidgets import QFileDialog

    import telecrm_desktop.core.template.mapping as mapping_module

    screen = open_and_map(window, write_leads(tmp_path / "a.csv", 5))
    messages = []
    screen.message.connect(lambda kind, text: messages.append((kind, text)))
    saved = tmp_path / "saved.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), ""))
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    assert json.loads(saved.read_text())["format"] == "telecrm-mapping/1"
    template = tmp_path / "fine.json"
    template.write_text(json.dumps({"format": "telecrm-mapping/1", "columns": {"Mobile No.": {"to": "fields.phone"}}}))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(template), ""))
    qtbot.mouseClick(screen.load_button, Qt.MouseButton.LeftButton)
    assert not [m for m in messages if m[0] == "error"]
    assert "fine.json" in screen.origin_label.text()

    def broken(path):
        raise KeyError("a bug, not the template")

    monkeypatch.setattr(mapping_module, "load_mapping", broken)
    with qtbot.captureExceptions() as caught:
        qtbot.mouseClick(screen.load_button, Qt.MouseButton.LeftButton)
    assert [exc_type for exc_type, *_ in caught] == [KeyError]
    assert not [m for m in messages if m[0] == "error"]
