"""The reading worker shows an .xlsx's first screen from the preview, before the sheet is loaded."""

from __future__ import annotations

import openpyxl

from telecrm_desktop.gui.workers import FIRST_SCREEN_ROWS, SheetReadWorker


def test_first_screen_comes_before_the_full_load_and_rows_are_not_repeated(app, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Leads from the expo"])
    ws.append(["Name", "Phone", "City"])
    for n in range(3, 3 + FIRST_SCREEN_ROWS + 300):
        if n % 50:  # a few blank rows the reader skips
            ws.append([f"Lead {n}", 9800000000 + n, "Pune"])
        else:
            ws.append([])
    wb.save(tmp_path / "leads.xlsx")

    worker = SheetReadWorker(tmp_path / "leads.xlsx")
    opened, batches = [], []
    worker.opened.connect(lambda source, preview, header: opened.append((source, header)))
    worker.rows_read.connect(lambda batch: batches.append((list(batch), opened[0][0]._loaded is None)))
    table = worker.work()  # run here, in this thread: signals arrive directly

    assert opened[0][1] == 2
    first, loaded_later = batches[0]
    assert loaded_later, "the first screen waited for the whole sheet"
    assert len(first) >= FIRST_SCREEN_ROWS * 0.9
    every = [row for batch, _ in batches for row in batch]
    numbers = [row.number for row in every]
    assert numbers == sorted(set(numbers))  # nothing twice, nothing out of order
    assert every == list(table.rows())
    assert every[0].values == ("Lead 3", 9800000003.0, "Pune")
