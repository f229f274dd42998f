"""The app opens an .xlsx too big for calamine: the Open step streams it, as it would a sheet of
Excel's 1,048,576 rows (the threshold is lowered so that a small file stands in for one)."""

from __future__ import annotations

import datetime as dt

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from telecrm_desktop.core.sources import open_sheet, read_table, workbook_size, xlsx_stream
from telecrm_desktop.gui.flow_driver import wait_until
from telecrm_desktop.gui.main_window import OPEN


def test_a_big_xlsx_is_streamed_into_the_open_step(window, qtbot, monkeypatch, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Leads"
    sheet.append(["Leads from the expo"])
    sheet.append(["Name", "Mobile No.", "Visit", "City"])
    for n in range(400):
        if n % 37:  # a few blank rows
            sheet.append([f"Lead {n}", 919800000000 + n, dt.date(2026, 3, 1) + dt.timedelta(days=n), "Pune"])
        else:
            sheet.append([])
    path = tmp_path / "big.xlsx"
    book.save(path)
    expected = list(read_table(open_sheet(path)).rows())  # calamine, at the normal threshold

    whole_sheet_streams = []
    original = xlsx_stream.SheetStream.records

    def records(self, last_row=None):
        if last_row is None:  # not the preview's first rows: the whole sheet
            whole_sheet_streams.append(self.path)
        return original(self, last_row)

    monkeypatch.setattr(xlsx_stream.SheetStream, "records", records)
    monkeypatch.setattr(workbook_size, "STREAM_ABOVE_CELLS", 100)

    qtbot.mouseClick(window.workspace_screen.sandbox_radio, Qt.MouseButton.LeftButton)
    window.go_to(OPEN)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    screen = window.open_screen
    qtbot.mouseClick(screen.browse_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: not screen.is_loading() and "data rows below" in screen.status_label.text(), 30, "big.xlsx")

    assert whole_sheet_streams == [path]
    assert len(expected) == 389
    assert screen.status_label.text() == "389 data rows below the header row 2, 4 columns."
    assert screen.preview_model.rowCount() > 0
