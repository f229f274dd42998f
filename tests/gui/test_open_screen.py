"""Open step: a workbook with several sheets and title rows above the header; the sheet picker,
the detected header row, choosing another header row in the preview, CSV details, bad files."""

import csv

import openpyxl
from PySide6.QtCore import Qt

from telecrm_desktop.gui.flow_driver import wait_until
from telecrm_desktop.gui.main_window import OPEN
from telecrm_desktop.gui.settings import app_settings, recent_files


def make_workbook(path):
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Exported from the expo app"])
    visitors = book.create_sheet("Visitors")
    visitors.append(["Expo 2026 visitors"])
    visitors.append([])
    visitors.append(["Visitor Name", "Mobile No.", "City"])
    for i in range(30):
        visitors.append([f"Visitor {i}", 919800000000 + i, "Pune"])
    book.save(path)
    return path


def read_done(window, name):
    return lambda: (not window.open_screen.is_loading() and window.session.sheet is not None
                    and window.session.sheet.complete and window.session.sheet.path.name == name)


def test_workbook_sheet_and_header_row(window, qtbot, tmp_path):
    path = make_workbook(tmp_path / "expo.xlsx")
    window.workspace_screen.sandbox_radio.setChecked(True)
    window.open_path(path)
    screen = window.open_screen
    wait_until(read_done(window, "expo.xlsx"), 20, "the workbook")
    assert screen.sheet_combo.isVisible() and not screen.encoding_combo.isVisible()
    assert [screen.sheet_combo.itemText(i) for i in range(screen.sheet_combo.count())] == ["Notes", "Visitors"]

    screen.sheet_combo.setCurrentText("Visitors")
    screen.sheet_combo.activated.emit(1)
    wait_until(lambda: window.session.sheet is not None and window.session.sheet.source.sheet == "Visitors"
               and window.session.sheet.complete, 20, "the Visitors sheet")
    sheet = window.session.sheet
    assert sheet.table.header_row == 3
    assert sheet.table.headers == ["Visitor Name", "Mobile No.", "City"]
    assert len(sheet.rows) == 30
    assert screen.header_spin.value() == 3
    assert screen.preview_model.headerData(2, Qt.Orientation.Vertical).startswith("3")

    # clicking row 4 in the preview makes it the header row
    index = screen.preview_model.index(3, 0)
    screen.preview_view.clicked.emit(index)
    wait_until(lambda: window.session.sheet.table.header_row == 4 and window.session.sheet.complete, 20,
               "the new header row")
    assert window.session.sheet.table.headers[0] == "Visitor 0"
    assert str(path) in recent_files()
    assert str(path) in recent_files_on_disk(window)


def test_csv_details_and_unreadable_file(window, qtbot, tmp_path):
    path = tmp_path / "semi.csv"
    with path.open("w", newline="", encoding="cp1252") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["Nom", "Téléphone"])
        w.writerow(["Amélie", "9800000001"])
    window.workspace_screen.sandbox_radio.setChecked(True)
    window.open_path(path)
    screen = window.open_screen
    wait_until(read_done(window, "semi.csv"), 20, "the CSV")
    assert screen.delimiter_combo.currentData() == ";"
    assert screen.encoding_combo.isVisible()
    assert window.session.sheet.table.headers == ["Nom", "Téléphone"]

    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a workbook")
    window.open_path(broken)
    wait_until(lambda: not screen.is_loading(), 20, "the broken file")
    assert window.message_bar.isVisible()
    text = window.message_bar.label.text()
    assert "broken.xlsx" in text and "Traceback" not in text
    assert window.current_step() == OPEN
    assert window.session.sheet is None  # the earlier file is not silently kept
    assert screen.start_panel.isVisible() and not window.step_buttons[2].isEnabled()


def recent_files_on_disk(window, timeout=10.0) -> list[str]:
    """The recent files as the settings file holds them, once the background write is done."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = app_settings().value("open/recent", [])
        value = [value] if isinstance(value, str) else list(value or [])
        if value == recent_files() or time.monotonic() > deadline:
            return value
        time.sleep(0.02)
